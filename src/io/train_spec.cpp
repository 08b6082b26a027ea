// io/train_spec.cpp — TrainModels from a case's output_specs / regularizations /
// final_loss_combiner (FORMAT.md §4) and from the serialized form (§2.9).
//
// Both builders record the §2.9 dict of what they built in the side table, so
// model_to_json of the TrainModel writes it and train_model_from_dict rebuilds
// the same TrainModel (the integration suite's round trip, §5.2). The dict
// carries one field beyond Mithril's: "loss_combiner", so that a non-default
// combiner survives the round trip.
#include <regex>

#include "io/model_dict.hpp"

namespace mithril::io {

namespace {

// "Name" or {"fn": name, "params": {...}} -> a model dict.
Json step_dict(const Json &spec, const std::string &what) {
    if (spec.is_string()) return spec;
    if (spec.is_object()) {
        auto fn = spec.find("fn");
        if (fn != spec.end()) {
            if (!fn->is_string()) throw TypeError("'fn' of " + what + " must be a class name.");
            Json d = Json::object();
            d["name"] = *fn;
            if (auto p = spec.find("params"); p != spec.end() && !p->is_null()) {
                if (!p->is_object()) throw TypeError("'params' of " + what + " must be an object.");
                if (!p->empty()) d["args"] = *p;
            }
            return d;
        }
        if (spec.contains("name")) return spec; // a full model dict
    }
    throw TypeError(what + " must be a class name or {\"fn\": name, \"params\": {...}}, got " +
                    short_text(spec));
}

// A loss / regularizer connection value: a key name, {"tensor": v} or a scalar.
ConnectValue connect_value(const Json &v, const std::string &what) {
    if (v.is_string()) {
        if (auto c = constant_from_string(v.get<std::string>())) return Value(*c);
        return v.get<std::string>();
    }
    return json_to_connection_value(v, what);
}

Value coef_value(const Json &coef, const std::string &what) {
    if (coef.is_number()) return json_to_plain_value(coef, false, what);
    if (coef.is_object() && coef.size() == 1 && coef.contains("tensor"))
        return json_to_connection_value(coef, what);
    throw TypeError("'coef' of " + what + " must be a number or {\"tensor\": v}, got " +
                    short_text(coef));
}

Json source_of(const Model &model) {
    try {
        return model_to_json(model);
    } catch (const Error &e) {
        return Json{{"unserializable", e.what()}};
    }
}

void add_regularizer(TrainModel &tm, const Json &model_dict, const Value &coef,
                     const std::optional<std::string> &reg_key, const Json &mapping, bool regex,
                     const std::string &what) {
    if (regex) {
        if (mapping.size() != 1)
            throw KeyError("A regex regularization (" + what + ") must map exactly one key, got " +
                           std::to_string(mapping.size()) + ".");
        const std::string input_key = mapping.begin().key();
        const Json &p = mapping.begin().value();
        std::string pattern;
        if (p.is_string())
            pattern = p.get<std::string>();
        else if (p.is_object() && p.contains("pattern") && p["pattern"].is_string())
            pattern = p["pattern"].get<std::string>();
        else
            throw TypeError("The pattern of " + what + " must be a string, got " + short_text(p));
        try {
            std::regex probe(pattern);
        } catch (const std::regex_error &e) {
            throw ValueError("Invalid regular expression '" + pattern + "' in " + what + ": " +
                             e.what());
        }
        tm.add_regularization([model_dict] { return model_from_json(model_dict); }, coef, input_key,
                              Regex{pattern});
        return;
    }
    ConnectMap conns;
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
        conns.emplace_back(it.key(), connect_value(it.value(), what + "." + it.key()));
    tm.add_regularization(model_from_json(model_dict), coef, std::move(conns), reg_key);
}

} // namespace

TrainModel train_model_from_specs(const Model &model, const Json &output_specs,
                                  const Json &regularizations, const Json &final_loss_combiner) {
    Json record = Json::object();
    record["is_train_model"] = true;
    record["model"] = source_of(model);
    Json losses = Json::array(), regs = Json::array();

    TrainModel tm(model);
    if (!output_specs.is_null() && !output_specs.is_object())
        throw TypeError("'output_specs' must be an object.");
    if (output_specs.is_object()) {
        for (auto it = output_specs.begin(); it != output_specs.end(); ++it) {
            const std::string &out_key = it.key();
            const Json &spec = it.value();
            const std::string what = "output_specs['" + out_key + "']";
            if (!spec.is_object()) throw TypeError(what + " must be an object.");
            auto loss_it = spec.find("loss");
            if (loss_it == spec.end()) continue; // {} adds nothing
            Json loss_dict = step_dict(*loss_it, what + ".loss");
            Model loss = model_from_json(loss_dict);
            ConnectMap conns{{"input", out_key}};
            Json args = Json::object();
            args["input"] = out_key;
            if (auto t = spec.find("target_key"); t != spec.end() && !t->is_null()) {
                if (!t->is_string())
                    throw TypeError("'target_key' of " + what + " must be a string.");
                conns.emplace_back("target", t->get<std::string>());
                args["target"] = *t;
            }
            if (auto f = loss_it->is_object() ? loss_it->find("call_kwargs") : loss_it->end();
                loss_it->is_object() && f != loss_it->end() && !f->is_null()) {
                if (!f->is_object())
                    throw TypeError("'call_kwargs' of " + what + " must be an object.");
                for (auto kw = f->begin(); kw != f->end(); ++kw) {
                    conns.emplace_back(kw.key(), connect_value(kw.value(), what + "." + kw.key()));
                    args[kw.key()] = kw.value();
                }
            }
            std::vector<Model> steps;
            Json step_dicts = Json::array();
            if (auto r = spec.find("reduce_steps"); r != spec.end() && !r->is_null()) {
                if (!r->is_array())
                    throw TypeError("'reduce_steps' of " + what + " must be a list.");
                for (const auto &s : *r) {
                    Json d = step_dict(s, what + ".reduce_steps");
                    steps.push_back(model_from_json(d));
                    step_dicts.push_back(d);
                }
            }
            if (step_dicts.empty()) step_dicts.push_back("Mean");
            tm.add_loss(loss, steps, std::nullopt, std::nullopt, std::move(conns));
            losses.push_back(
                Json{{"model", loss_dict}, {"reduce_steps", step_dicts}, {"args", args}});

            if (auto m = spec.find("metrics"); m != spec.end() && !m->is_null()) {
                if (!m->is_array()) throw TypeError("'metrics' of " + what + " must be a list.");
                for (const auto &ms : *m) {
                    Model metric = model_from_json(step_dict(ms, what + ".metrics"));
                    ConnectMap mc{{metric.cin().key(), out_key}};
                    if (args.contains("target"))
                        for (const char *k : {"target", "label"})
                            if (metric.has_key(k))
                                mc.emplace_back(k, args["target"].get<std::string>());
                    tm.add_metric(metric, {}, std::nullopt, std::move(mc));
                }
            }
        }
    }

    if (!regularizations.is_null() && !regularizations.is_array())
        throw TypeError("'regularizations' must be a list.");
    if (regularizations.is_array()) {
        for (size_t i = 0; i < regularizations.size(); ++i) {
            const Json &item = regularizations[i];
            const std::string what = "regularizations[" + std::to_string(i) + "]";
            if (!item.is_object()) throw TypeError(what + " must be an object.");
            auto m = item.find("model");
            if (m == item.end()) throw KeyError("'model' is missing in " + what + ".");
            auto c = item.find("coef");
            if (c == item.end()) throw KeyError("'coef' is missing in " + what + ".");
            bool regex = false;
            if (auto r = item.find("regex"); r != item.end() && !r->is_null()) {
                if (!r->is_boolean()) throw TypeError("'regex' of " + what + " must be a bool.");
                regex = r->get<bool>();
            }
            Json mapping = Json::object();
            for (auto f = item.begin(); f != item.end(); ++f)
                if (f.key() != "model" && f.key() != "coef" && f.key() != "regex")
                    mapping[f.key()] = f.value();
            const Json model_dict = step_dict(*m, what + ".model");
            add_regularizer(tm, model_dict, coef_value(*c, what), std::nullopt, mapping, regex,
                            what);
            Json args = Json::object();
            for (auto f = mapping.begin(); f != mapping.end(); ++f)
                args[f.key()] = regex ? Json{{"pattern", f.value()}} : f.value();
            regs.push_back(
                Json{{"model", model_dict}, {"coef", *c}, {"reg_key", nullptr}, {"args", args}});
        }
    }

    if (!final_loss_combiner.is_null()) {
        Json d = step_dict(final_loss_combiner, "final_loss_combiner");
        tm.set_loss_combiner(model_from_json(d));
        record["loss_combiner"] = d;
    }
    record["losses"] = std::move(losses);
    record["regularizations"] = std::move(regs);
    record_source(tm, std::move(record));
    return tm;
}

TrainModel train_model_from_dict(const Json &dict) {
    if (!dict.is_object() || !dict.contains("model"))
        throw KeyError("A TrainModel dict needs a 'model' field.");
    const Json &model_dict = dict["model"];
    if (model_dict.is_object() && model_dict.contains("unserializable"))
        throw ValueError("The TrainModel dict has no model: " +
                         model_dict["unserializable"].get<std::string>());
    Model model = model_from_json(model_dict);
    if (model.class_name() == "TrainModel") throw TypeError("TrainModel requires a Model object!");
    TrainModel tm(model);

    if (auto ls = dict.find("losses"); ls != dict.end() && !ls->is_null()) {
        if (!ls->is_array()) throw TypeError("'losses' must be a list.");
        for (size_t i = 0; i < ls->size(); ++i) {
            const Json &l = (*ls)[i];
            const std::string what = "losses[" + std::to_string(i) + "]";
            if (!l.is_object() || !l.contains("model"))
                throw KeyError("'model' is missing in " + what + ".");
            Model loss = model_from_json(l["model"]);
            std::vector<Model> steps;
            if (auto r = l.find("reduce_steps"); r != l.end() && !r->is_null()) {
                if (!r->is_array())
                    throw TypeError("'reduce_steps' of " + what + " must be a list.");
                for (const auto &s : *r)
                    steps.push_back(model_from_json(s));
            }
            ConnectMap conns;
            if (auto a = l.find("args"); a != l.end() && !a->is_null()) {
                if (!a->is_object()) throw TypeError("'args' of " + what + " must be an object.");
                for (auto it = a->begin(); it != a->end(); ++it)
                    conns.emplace_back(it.key(), connect_value(it.value(), what + "." + it.key()));
            }
            tm.add_loss(loss, steps, std::nullopt, std::nullopt, std::move(conns));
        }
    }
    if (auto rs = dict.find("regularizations"); rs != dict.end() && !rs->is_null()) {
        if (!rs->is_array()) throw TypeError("'regularizations' must be a list.");
        for (size_t i = 0; i < rs->size(); ++i) {
            const Json &r = (*rs)[i];
            const std::string what = "regularizations[" + std::to_string(i) + "]";
            if (!r.is_object() || !r.contains("model") || !r.contains("coef"))
                throw KeyError("'model' and 'coef' are required in " + what + ".");
            std::optional<std::string> reg_key;
            if (auto k = r.find("reg_key"); k != r.end() && !k->is_null()) {
                if (!k->is_string()) throw TypeError("'reg_key' of " + what + " must be a string.");
                reg_key = k->get<std::string>();
            }
            Json mapping = r.contains("args") ? r["args"] : Json::object();
            if (!mapping.is_object()) throw TypeError("'args' of " + what + " must be an object.");
            bool regex = false;
            for (auto it = mapping.begin(); it != mapping.end(); ++it)
                regex = regex || (it->is_object() && it->contains("pattern"));
            add_regularizer(tm, r["model"], coef_value(r["coef"], what), reg_key, mapping, regex,
                            what);
        }
    }
    if (auto c = dict.find("loss_combiner"); c != dict.end() && !c->is_null())
        tm.set_loss_combiner(model_from_json(*c));
    record_source(tm, dict);
    return tm;
}

std::optional<Json> train_model_to_json(const Model &model) {
    auto rec = recorded_source(model);
    if (rec && rec->is_object() && rec->contains("is_train_model")) return rec;
    return std::nullopt;
}

} // namespace mithril::io

// conformance/directed.cpp — the directed suites that evaluate a model and
// compare with expected values: models_directed (FORMAT.md §5.1),
// integration_directed (§5.2: TrainModels, shape check, round trip),
// no_grad_inference (§5.3) and error (§5.4: expected failures).
//
// One procedure serves all four: build (a TrainModel when output_specs is
// non-empty), compile with constant_keys = static_keys and discard_keys,
// evaluate the outputs, evaluate the gradients (the case's output_grads, or a
// unit cotangent on final_cost for TrainModels), run the shape check for
// TrainModels or when reference_shapes is given, then compare key sets and
// values with §1.4. A failed comparison throws CaseFailure (the error suite's
// AssertionError).
#include <algorithm>
#include <set>

#include "conformance/runner.hpp"
#include "mithril/train_model.hpp"

namespace mithril::conformance {

namespace {

struct Built {
    Model model;
    std::optional<TrainModel> train;
    Model &top() { return train ? static_cast<Model &>(*train) : model; }
};

bool has_specs(const Json &c) {
    auto it = c.find("output_specs");
    return it != c.end() && it->is_object() && !it->empty();
}

Built build_case_model(const Json &c) {
    if (!c.contains("model")) throw CaseSkip("the case has no 'model' field");
    Built b{io::model_from_json(c["model"]), std::nullopt};
    if (has_specs(c))
        b.train = io::train_model_from_specs(b.model, c["output_specs"],
                                             c.value("regularizations", Json()),
                                             c.value("final_loss_combiner", Json()));
    return b;
}

const Json &field(const Json &c, const char *key) {
    static const Json empty = Json::object();
    auto it = c.find(key);
    return it == c.end() || it->is_null() ? empty : *it;
}

std::vector<std::string> keys_of(const Json &obj) {
    std::vector<std::string> out;
    for (auto it = obj.begin(); it != obj.end(); ++it)
        out.push_back(it.key());
    std::sort(out.begin(), out.end());
    return out;
}

template <class Map> std::vector<std::string> keys_of_map(const Map &m) {
    std::vector<std::string> out;
    for (const auto &[k, v] : m)
        out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

// §5.2 step 3: the statically inferred shapes must equal the numeric ones.
void shape_check(const std::string &backend, const PhysicalModel &pm, const Json &c,
                 const TensorMap &inputs, const EvaluateResult &outs, const EvaluateResult &grads) {
    std::map<std::string, std::vector<std::optional<int64_t>>> n;
    auto put = [&](const std::string &k, const std::vector<int64_t> &shape) {
        std::vector<std::optional<int64_t>> d(shape.begin(), shape.end());
        n[k] = d;
    };
    for (const auto &[k, t] : inputs)
        put(k, t.shape());
    for (const auto &[k, t] : grads.gradients)
        put(k, t.shape());
    for (const auto &[k, v] : outs.outputs) {
        if (auto t = as_tensor(v))
            put(k, t->shape());
        else
            n[k] = {};
    }
    const Json &statics = field(c, "static_keys");
    for (auto it = statics.begin(); it != statics.end(); ++it) {
        if (it->is_array())
            put(it.key(), io::json_to_tensor(*it, it.key()).shape());
        else if (it->is_number() || it->is_boolean())
            n[it.key()] = {};
    }
    const Json &refs = field(c, "reference_shapes");
    for (auto it = refs.begin(); it != refs.end(); ++it) {
        std::vector<std::optional<int64_t>> d;
        for (const auto &x : *it)
            d.push_back(x.is_null() ? std::nullopt : std::optional<int64_t>(x.get<int64_t>()));
        n[it.key()] = d;
    }
    n.erase("final_cost");
    const auto inferred = pm.get_shapes();
    for (const auto &[key, want] : n) {
        bool exists = false;
        auto got = inferred_shape(pm, inferred, key, exists);
        if (!exists) continue; // not a key of the compiled model
        if (!got || *got != want)
            throw CaseFailure("[" + backend + "] shape of '" + key + "' inferred " +
                              dims_text(got) + " != " + dims_text(want));
    }
}

// One run of the procedure on one backend. Throws CaseFailure on a mismatch.
void run_procedure(const std::string &backend, Built &b, const Json &c, const Options &o) {
    if (b.train) b.train->finalize();
    const Json &inputs_j = field(c, "inputs");
    TensorMap params;
    // §5.1 step 2: list-valued inputs, fed element by element through a ToList.
    std::map<std::string, std::vector<std::string>> list_items; // input key -> element keys
    const bool is_list = inputs_j.contains("is_list") && inputs_j["is_list"] == true;
    for (auto it = inputs_j.begin(); it != inputs_j.end(); ++it) {
        if (it.key() == "is_list") continue;
        if (!is_list) {
            params[it.key()] = io::json_to_tensor(*it, it.key());
            continue;
        }
        if (b.train || !list_items.empty())
            throw CaseSkip("list-valued inputs are supported for one key of a non-TrainModel only");
        if (!it->is_array()) throw CaseFailure("list input '" + it.key() + "' is not a list");
        std::vector<std::string> items;
        b.model = wrap_list_input(b.model, it.key(), it->size(), items);
        for (size_t i = 0; i < items.size(); ++i)
            params[items[i]] = io::json_to_tensor((*it)[i], it.key());
        list_items[it.key()] = items;
    }
    Model &m = b.top();

    CompileOptions co;
    const Json &statics = field(c, "static_keys");
    for (auto it = statics.begin(); it != statics.end(); ++it)
        co.constant_keys.emplace_back(it.key(), static_value(m, it.key(), *it));
    if (auto d = c.find("discard_keys"); d != c.end() && d->is_array())
        for (const auto &k : *d)
            co.discard_keys.emplace_back(k.get<std::string>());
    co.safe_shapes = true;
    co.inference = false;
    PhysicalModel pm = compile_on(backend, m, Dtype::float64, co);

    // Mithril's harness does not check param shapes against inferred ones.
    EvaluateOptions plain;
    plain.check_shapes = false;
    EvaluateResult outs = pm.evaluate(params, {}, plain);
    EvaluateOptions eo;
    eo.check_shapes = false;
    if (b.train) {
        eo.output_gradients = true;
    } else {
        TensorMap cot;
        const Json &og = field(c, "output_grads");
        for (auto it = og.begin(); it != og.end(); ++it)
            cot[it.key()] = expected_tensor(*it, o.alternative, it.key());
        eo.output_gradients = cot;
    }
    EvaluateResult grads = pm.evaluate(params, {}, eo);

    if (b.train || c.contains("reference_shapes")) shape_check(backend, pm, c, params, outs, grads);

    const Json &results = field(c, "results");
    const Json &eval = field(results, "eval");
    const Json &grad = field(results, "grad");
    const std::string tag = "[" + backend + "] ";
    if (!eval.empty() && keys_of(eval) != keys_of_map(outs.outputs))
        throw CaseFailure(tag + "output keys " + join_keys(keys_of_map(outs.outputs)) +
                          " != expected " + join_keys(keys_of(eval)));
    for (auto it = eval.begin(); it != eval.end(); ++it) {
        Tensor e = expected_tensor(*it, o.alternative, it.key());
        auto got = as_tensor(outs.outputs.at(it.key()));
        if (!got)
            throw CaseFailure(tag + "output '" + it.key() +
                              "' is not a tensor: " + outs.outputs.at(it.key()).repr());
        if (auto why = directed_mismatch(e, *got))
            throw CaseFailure(tag + "output '" + it.key() + "' " + *why);
    }
    // Element gradients of a list input count as that input's (one list).
    std::map<std::string, Tensor> grad_map(grads.gradients.begin(), grads.gradients.end());
    for (const auto &[key, items] : list_items) {
        bool any = false;
        for (const auto &item : items)
            any = grad_map.erase(item) > 0 || any;
        if (any) grad_map[key] = Tensor();
    }
    if (keys_of(grad) != keys_of_map(grad_map))
        throw CaseFailure(tag + "gradient keys " + join_keys(keys_of_map(grad_map)) +
                          " != expected " + join_keys(keys_of(grad)));
    for (auto it = grad.begin(); it != grad.end(); ++it) {
        if (auto li = list_items.find(it.key()); li != list_items.end()) {
            // §1.4.2: lists compare position by position over the common prefix.
            if (!it->is_array()) throw CaseFailure(tag + "grad '" + it.key() + "' expected a list");
            for (size_t i = 0; i < std::min(it->size(), li->second.size()); ++i) {
                auto g = grads.gradients.find(li->second[i]);
                if (g == grads.gradients.end()) continue;
                Tensor e = expected_tensor((*it)[i], o.alternative, it.key());
                if (auto why = directed_mismatch(e, g->second))
                    throw CaseFailure(tag + "grad '" + it.key() + "'[" + std::to_string(i) + "] " +
                                      *why);
            }
            continue;
        }
        Tensor e = expected_tensor(*it, o.alternative, it.key());
        if (auto why = directed_mismatch(e, grads.gradients.at(it.key())))
            throw CaseFailure(tag + "grad '" + it.key() + "' " + *why);
    }
}

std::string strip_key_error_quotes(const std::string &type, const std::string &msg) {
    if (type == "KeyError" && msg.size() >= 2 && msg.front() == '\'' && msg.back() == '\'')
        return msg.substr(1, msg.size() - 2);
    return msg;
}

void run_error_case(const Json &c, const Options &o, CaseResult &r) {
    const Json &info = field(c, "error_info");
    const std::string type = info.value("error_type", "");
    const std::string message = strip_key_error_quotes(type, info.value("error_message", ""));
    const std::string expected = "expected " + type + " '" + message + "'";
    for (const auto &backend : o.backends) {
        std::string got_type, got_msg;
        try {
            Built b = build_case_model(c);
            run_procedure(backend, b, c, o);
        } catch (const CaseFailure &e) {
            got_type = "AssertionError";
            got_msg = "";
            r.notes.push_back(std::string("[") + backend +
                              "] harness comparison failed: " + e.what());
        } catch (const CaseSkip &) {
            throw;
        } catch (const Error &e) {
            got_type = e.python_name();
            got_msg = e.what();
        }
        if (got_type.empty()) throw CaseFailure(expected + ", got no error [" + backend + "]");
        if (got_type != type || got_msg != message)
            throw CaseFailure(expected + ", got " + got_type + " '" + got_msg + "' [" + backend +
                              "]");
    }
}

} // namespace

void run_directed_suite(const std::string &suite, const Json &cases, const Options &o,
                        const Emit &emit) {
    const bool integration = suite == "integration_directed_test";
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        if (auto why = excluded_reason(suite, it.key())) {
            emit({name, Status::Skip, *why, {}});
            continue;
        }
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &r) {
            if (!c.is_object()) throw CaseFailure("a case must be a JSON object");
            if (suite == "error_test") {
                run_error_case(c, o, r);
                return;
            }
            for (const auto &backend : o.backends) {
                Built b = build_case_model(c);
                run_procedure(backend, b, c, o);
                if (integration && b.train) {
                    // §5.2 step 4: serialize, rebuild, run the whole case again.
                    Json d = Json::parse(io::model_to_json(*b.train).dump());
                    Built again{Model(), io::train_model_from_dict(d)};
                    try {
                        run_procedure(backend, again, c, o);
                    } catch (const CaseFailure &e) {
                        throw CaseFailure(std::string(e.what()) + " (round-tripped model)");
                    } catch (const Error &e) {
                        throw CaseFailure("[" + backend + "] round-tripped model: " +
                                          e.python_name() + ": " + e.what());
                    }
                    r.notes.push_back("[" + backend +
                                      "] round trip (model_to_json -> "
                                      "train_model_from_dict) also passed");
                }
            }
        }));
    }
}

} // namespace mithril::conformance

// io/model_dict.cpp — dict_to_model: a model dictionary becomes a Model
// (FORMAT.md §2.1-§2.8), plus the public string API of mithril/model_io.hpp.
//
// Order of work for an object dict, as Mithril's dict_to_model:
//   1. check that `submodels` and `connections` have the same ids;
//   2. build the class from the registry (args converted with tuples/enums);
//   3. add each submodel in file order with `|=`, mapping its keys by the
//      connection forms of §2.4 (unlisted keys stay unconnected);
//   4. expose `exposed_keys` (plus keys marked `expose: true`);
//   5. apply assigned_shapes, _types, _differentiabilities, _constraints,
//      _cins, _couts in that order (§2.6).
// The source dict is recorded in the side table so model_to_json gives it back.
#include "mithril/model_io.hpp"

#include <algorithm>

#include "io/model_dict.hpp"
#include "logical/model_data.hpp"

namespace mithril::io {

namespace {

const Json &field_or_null(const Json &obj, const char *key) {
    static const Json null_json;
    auto it = obj.find(key);
    return it == obj.end() ? null_json : *it;
}

// A key reference of an assigned_* list: only the string form (§2.6).
std::string key_ref(const Json &ref, const char *field) {
    if (ref.is_string()) return ref.get<std::string>();
    throw ValueError("Unknown info format! (" + std::string(field) + " key reference " +
                     short_text(ref) + ")");
}

Connection model_key(const Model &m, const std::string &key, const char *field) {
    if (!m.has_key(key))
        throw KeyError("Key '" + key + "' of " + std::string(field) + " is not a key of model '" +
                       m.class_name() + "'.");
    return m[key];
}

struct Pending {
    std::vector<std::string> exposed; // from `expose: true`
};

// The container connection that key `key` of submodel `id` is attached to.
std::shared_ptr<detail::ConnectionData>
attached(const Model &container, const std::vector<std::string> &ids, const Json &pair) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
        throw ValueError("A 'connect' item must be a pair [submodel id, key], got " +
                         short_text(pair) + ".");
    const std::string id = pair[0].get<std::string>();
    const std::string key = pair[1].get<std::string>();
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end())
        throw KeyError("'connect' names submodel '" + id + "', which has not been added yet.");
    const auto &entry = container.data()->subs.at(size_t(it - ids.begin()));
    auto b = entry.bindings.find(key);
    if (b == entry.bindings.end())
        throw KeyError("'connect' names key '" + key + "' of submodel '" + id +
                       "', which is not one of its keys.");
    return b->second;
}

IOKey key_description(const Json &desc, const std::string &what, Pending &pending) {
    static const std::set<std::string> allowed = {"name",   "type",  "differentiable", "value",
                                                  "expose", "shape", "connect"};
    for (auto it = desc.begin(); it != desc.end(); ++it)
        if (!allowed.count(it.key()))
            throw KeyError("Unknown field '" + it.key() + "' in the key description of '" + what +
                           "'.");
    IOKey k;
    if (auto n = desc.find("name"); n != desc.end() && !n->is_null()) {
        if (!n->is_string()) throw TypeError("Key name of '" + what + "' must be a string.");
        k.name = n->get<std::string>();
    }
    if (auto t = desc.find("type"); t != desc.end() && !t->is_null())
        k.type = type_from_spec(*t, what);
    if (auto d = desc.find("differentiable"); d != desc.end() && !d->is_null()) {
        if (!d->is_boolean()) throw TypeError("'differentiable' of '" + what + "' must be a bool.");
        k.differentiable = d->get<bool>();
    }
    if (auto v = desc.find("value"); v != desc.end() && !v->is_null())
        k.value = json_to_connection_value(*v, what);
    if (auto s = desc.find("shape"); s != desc.end() && !s->is_null())
        k.shape = shape_from_json(*s, what);
    if (auto e = desc.find("expose"); e != desc.end() && e->is_boolean() && e->get<bool>()) {
        if (!k.name)
            throw KeyError("'expose' needs a 'name' in the key description of '" + what + "'.");
        pending.exposed.push_back(*k.name);
    }
    return k;
}

// Attach one submodel to the container with its connection mappings (§2.4).
void attach_submodel(Model &container, Model &sub, const std::string &id, const Json &conns,
                     const std::vector<std::string> &ids, const std::set<std::string> &unnamed,
                     Pending &pending) {
    if (!conns.is_object())
        throw TypeError("connections['" + id + "'] must be an object, got " + short_text(conns));
    const auto sub_inputs = sub.input_keys();
    ConnectMap mappings;
    // Merges requested by multi-edge `connect` lists, applied before attaching.
    for (auto it = conns.begin(); it != conns.end(); ++it) {
        const std::string &key = it.key();
        const Json &c = it.value();
        const std::string what = id + "." + key;
        if (c.is_string()) {
            const auto &s = c.get_ref<const std::string &>();
            if (unnamed.count(s) &&
                std::find(sub_inputs.begin(), sub_inputs.end(), key) != sub_inputs.end())
                continue;
            if (auto k = constant_from_string(s))
                mappings.emplace_back(key, Value(*k));
            else
                mappings.emplace_back(key, s);
        } else if (c.is_number() || c.is_boolean() || c.is_array() || c.is_null()) {
            mappings.emplace_back(key, json_to_connection_value(c, what));
        } else if (c.is_object()) {
            Json desc;
            if (c.contains("tensor") && c.size() == 1) {
                mappings.emplace_back(key, json_to_connection_value(c, what));
                continue;
            }
            if (auto k = c.find("key"); k != c.end()) {
                if (!k->is_object())
                    throw TypeError("'key' of connection '" + what + "' must be an object.");
                desc = *k;
                if (auto top = c.find("connect"); top != c.end()) desc["connect"] = *top;
            } else {
                desc = c; // Mithril's older inline form {"name": ..., ...}
            }
            if (auto cn = desc.find("connect"); cn != desc.end()) {
                if (!cn->is_array() || cn->empty())
                    throw ValueError("'connect' of '" + what +
                                     "' must be a non-empty list of pairs.");
                std::vector<std::shared_ptr<detail::ConnectionData>> targets;
                for (const auto &pair : *cn) {
                    auto t = attached(container, ids, pair);
                    if (std::find(targets.begin(), targets.end(), t) == targets.end())
                        targets.push_back(t); // pairs naming one edge are one target
                }
                // Keep a named edge (its name survives the merge), else the first.
                auto keep = std::find_if(targets.begin(), targets.end(),
                                         [](const auto &t) { return !t->auto_named; });
                if (keep != targets.end()) std::rotate(targets.begin(), keep, keep + 1);
                std::vector<ConnRef> refs;
                for (const auto &t : targets)
                    refs.emplace_back(detail::make_connection(t));
                if (refs.size() > 1) container.merge_connections(refs);
                IOKey k;
                k.connection = container.conn(refs.front());
                mappings.emplace_back(key, k);
                continue;
            }
            mappings.emplace_back(key, key_description(desc, what, pending));
        } else {
            throw TypeError("Unsupported connection " + short_text(c) + " for '" + what + "'.");
        }
    }
    container |= sub.connect(std::move(mappings));
}

void apply_assigned(Model &m, const Json &dict) {
    if (const Json &shapes = field_or_null(dict, "assigned_shapes"); !shapes.is_null()) {
        if (!shapes.is_array()) throw TypeError("'assigned_shapes' must be a list of groups.");
        for (const auto &group : shapes) {
            if (!group.is_array()) throw TypeError("An 'assigned_shapes' group must be a list.");
            std::vector<std::pair<ConnRef, ShapeTemplate>> items;
            for (const auto &item : group) {
                if (!item.is_array() || item.size() != 2)
                    throw ValueError("An 'assigned_shapes' item must be [key, shape], got " +
                                     short_text(item));
                const std::string key = key_ref(item[0], "assigned_shapes");
                model_key(m, key, "assigned_shapes");
                items.emplace_back(key, shape_from_json(item[1], key));
            }
            m.set_shapes(std::move(items));
        }
    }
    if (const Json &types = field_or_null(dict, "assigned_types"); !types.is_null()) {
        if (!types.is_array()) throw TypeError("'assigned_types' must be a list.");
        std::vector<std::pair<ConnRef, Type>> items;
        for (const auto &item : types) {
            if (!item.is_array() || item.size() != 2)
                throw ValueError("An 'assigned_types' item must be [key, type], got " +
                                 short_text(item));
            const std::string key = key_ref(item[0], "assigned_types");
            model_key(m, key, "assigned_types");
            items.emplace_back(key, type_from_spec(item[1], key));
        }
        m.set_types(std::move(items));
    }
    if (const Json &diffs = field_or_null(dict, "assigned_differentiabilities"); !diffs.is_null()) {
        if (!diffs.is_array()) throw TypeError("'assigned_differentiabilities' must be a list.");
        std::vector<std::pair<ConnRef, bool>> items;
        for (const auto &item : diffs) {
            if (!item.is_array() || item.size() != 2 || !item[1].is_boolean())
                throw ValueError(
                    "An 'assigned_differentiabilities' item must be [key, bool], got " +
                    short_text(item));
            const std::string key = key_ref(item[0], "assigned_differentiabilities");
            model_key(m, key, "assigned_differentiabilities");
            items.emplace_back(key, item[1].get<bool>());
        }
        m.set_differentiability(std::move(items));
    }
    if (const Json &cons = field_or_null(dict, "assigned_constraints"); !cons.is_null()) {
        if (!cons.is_array() && !cons.is_object())
            throw TypeError("'assigned_constraints' must be a list.");
        if (!cons.empty())
            throw RuntimeError(
                "In the process of creating a model from a dictionary, an unknown constraint "
                "function was encountered!");
    }
    for (const char *field : {"assigned_cins", "assigned_couts"}) {
        const Json &refs = field_or_null(dict, field);
        if (refs.is_null()) continue;
        if (!refs.is_array()) throw TypeError(std::string("'") + field + "' must be a list.");
        if (refs.empty()) continue;
        std::vector<ConnRef> keys;
        for (const auto &r : refs) {
            const std::string key = key_ref(r, field);
            model_key(m, key, field);
            keys.emplace_back(key);
        }
        if (std::string(field) == "assigned_cins")
            m.set_cin(std::move(keys));
        else
            m.set_cout(std::move(keys));
    }
}

const std::set<std::string> &known_fields() {
    static const std::set<std::string> f = {"name",
                                            "args",
                                            "tuples",
                                            "enums",
                                            "submodels",
                                            "connections",
                                            "exposed_keys",
                                            "unnamed_keys",
                                            "assigned_shapes",
                                            "assigned_types",
                                            "assigned_differentiabilities",
                                            "assigned_constraints",
                                            "assigned_cins",
                                            "assigned_couts",
                                            "randomized_args",
                                            "regular_args",
                                            "floats",
                                            "types",
                                            "static_input_info",
                                            "model",
                                            "input_models",
                                            "is_train_model",
                                            "losses",
                                            "regularizations",
                                            "loss_combiner"};
    return f;
}

Model build_object(const Json &dict) {
    for (auto it = dict.begin(); it != dict.end(); ++it)
        if (!known_fields().count(it.key()))
            throw KeyError("Unknown field '" + it.key() + "' in a model dict.");
    const Json &name_j = field_or_null(dict, "name");
    if (name_j.is_null()) throw KeyError("No model type is specified! (field 'name')");
    if (!name_j.is_string()) throw TypeError("Field 'name' of a model dict must be a string.");
    const std::string name = name_j.get<std::string>();

    const Json &submodels = field_or_null(dict, "submodels");
    const Json &connections = field_or_null(dict, "connections");
    if ((!submodels.is_null() && !submodels.is_object()) ||
        (!connections.is_null() && !connections.is_object()))
        throw TypeError("'submodels' and 'connections' must be objects.");
    {
        std::vector<std::string> a, b;
        if (submodels.is_object())
            for (auto it = submodels.begin(); it != submodels.end(); ++it)
                a.push_back(it.key());
        if (connections.is_object())
            for (auto it = connections.begin(); it != connections.end(); ++it)
                b.push_back(it.key());
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        if (a != b) throw KeyError("Requires submodel keys and connections keys to be compatible!");
    }

    const Json empty = Json::object();
    const Json &args = dict.contains("args") ? dict["args"] : empty;
    const Json &tuples = dict.contains("tuples") ? dict["tuples"] : Json::array();
    const Json &enums = dict.contains("enums") ? dict["enums"] : empty;
    Model model = build_registered(name, args, tuples, enums);

    std::set<std::string> unnamed;
    if (const Json &u = field_or_null(dict, "unnamed_keys"); u.is_array())
        for (const auto &s : u)
            if (s.is_string()) unnamed.insert(s.get<std::string>());

    Pending pending;
    if (submodels.is_object() && !submodels.empty()) {
        std::vector<std::string> ids;
        for (auto it = submodels.begin(); it != submodels.end(); ++it) {
            Model sub = model_from_json(it.value());
            attach_submodel(model, sub, it.key(), connections[it.key()], ids, unnamed, pending);
            ids.push_back(it.key());
        }
    }
    std::vector<ConnRef> exposed;
    for (const auto &k : pending.exposed)
        exposed.emplace_back(k);
    if (const Json &ek = field_or_null(dict, "exposed_keys"); !ek.is_null()) {
        if (!ek.is_array()) throw TypeError("'exposed_keys' must be a list of names.");
        for (const auto &k : ek) {
            if (!k.is_string()) throw TypeError("'exposed_keys' items must be strings.");
            model_key(model, k.get<std::string>(), "exposed_keys");
            exposed.emplace_back(k.get<std::string>());
        }
    }
    if (!exposed.empty()) model.expose_keys(std::move(exposed));
    apply_assigned(model, dict);
    return model;
}

} // namespace

Model model_from_json(const Json &dict) {
    if (dict.is_string()) {
        Model m = build_registered(dict.get<std::string>(), Json::object(), Json::array(),
                                   Json::object());
        record_source(m, dict);
        return m;
    }
    if (!dict.is_object())
        throw TypeError("A model dict must be a string or an object, got " + short_text(dict));
    if (dict.contains("is_train_model")) {
        TrainModel tm = train_model_from_dict(dict);
        tm.finalize();
        return tm;
    }
    Model m = build_object(dict);
    record_source(m, dict);
    return m;
}

} // namespace mithril::io

namespace mithril {

namespace {
io::Json parse(const std::string &text, const char *what) {
    try {
        return io::Json::parse(text);
    } catch (const io::Json::parse_error &e) {
        throw ValueError(std::string("Invalid JSON for ") + what + ": " + e.what());
    }
}
} // namespace

Model model_from_json_text(const std::string &text) {
    return io::model_from_json(parse(text, "a model dict"));
}

std::string model_to_json_text(const Model &model, int indent) {
    return io::model_to_json(model).dump(indent);
}

TrainModel train_model_from_json_text(const Model &model, const std::string &output_specs,
                                      const std::string &regularizations,
                                      const std::string &final_loss_combiner) {
    auto opt = [&](const std::string &s, const char *what) {
        return s.empty() ? io::Json() : parse(s, what);
    };
    return io::train_model_from_specs(model, opt(output_specs, "output_specs"),
                                      opt(regularizations, "regularizations"),
                                      opt(final_loss_combiner, "final_loss_combiner"));
}

TrainModel train_model_from_dict_text(const std::string &text) {
    return io::train_model_from_dict(parse(text, "a TrainModel dict"));
}

std::vector<std::string> registered_model_names() { return io::registered_names(); }

} // namespace mithril

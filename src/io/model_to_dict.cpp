// io/model_to_dict.cpp — model_to_dict: a Model becomes a model dictionary.
//
// Models built by model_from_json / the TrainModel builders keep their source
// dict in a side table keyed by ModelData (an entry is valid while its model
// lives and its submodel and connection counts are unchanged). Without a valid
// record:
//   - a container Model is serialized from its wiring: submodels m_0, m_1, ...
//     in insertion order; a named edge is written by name, an unnamed edge
//     already attached to an earlier submodel as {"key": {"connect": [[id, key]]}},
//     a value the submodel does not carry by itself as a connection value, and
//     types / differentiability that differ from a fresh copy of the submodel
//     in a key description; named exposed outputs go to exposed_keys;
//   - a library model is {"name": class} when its class takes no constructor
//     arguments, otherwise ValueError (its arguments are unknown).
// Shapes assigned to a model outside a dict are not written.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "io/model_dict.hpp"
#include "logical/model_data.hpp"

namespace mithril::io {

namespace {

struct Record {
    std::weak_ptr<detail::ModelData> owner;
    Json dict;
    size_t subs = 0, conns = 0;
};

std::mutex &table_mutex() {
    static std::mutex m;
    return m;
}
std::unordered_map<const detail::ModelData *, Record> &side_table() {
    static std::unordered_map<const detail::ModelData *, Record> t;
    return t;
}

void purge_dead_locked() {
    auto &t = side_table();
    for (auto it = t.begin(); it != t.end();) {
        if (it->second.owner.expired())
            it = t.erase(it);
        else
            ++it;
    }
}

Json serialize(const Model &model);

Json serialize_container(const Model &model) {
    const auto &md = *model.data();
    Json d = Json::object();
    d["name"] = "Model";
    Json submodels = Json::object(), connections = Json::object();
    // Edge -> the (submodel id, key) pairs already attached to it, and the
    // unnamed edges shared by keys of one submodel that no later connect has
    // joined yet (they are written unconnected, then merged by that connect).
    std::map<const constraints::Edge *, std::vector<std::pair<std::string, std::string>>> seen;
    std::set<const constraints::Edge *> pending;
    Json diffs = Json::array();
    for (size_t i = 0; i < md.subs.size(); ++i) {
        const auto &entry = md.subs[i];
        const std::string id = "m_" + std::to_string(i);
        Model sub(entry.model);
        Json sub_dict = serialize(sub);
        Model fresh = model_from_json(sub_dict); // what the submodel carries by itself
        Json conns = Json::object();
        for (const auto &[ckey, pc] : entry.bindings) {
            const constraints::Edge *e = pc->e();
            const bool is_input = entry.model->is_input_key(ckey);
            auto &occurrences = seen[e];
            const bool first = occurrences.empty();
            if (!first && pc->auto_named) {
                // `connect` can only name keys of earlier submodels; listing all
                // of them also merges keys that were written unconnected.
                Json pairs = Json::array();
                for (const auto &[sid, skey] : occurrences)
                    if (sid != id) pairs.push_back(Json::array({sid, skey}));
                occurrences.emplace_back(id, ckey);
                if (pairs.empty()) {
                    pending.insert(e); // only keys of this submodel so far
                    continue;
                }
                if (std::count_if(occurrences.begin(), occurrences.end(),
                                  [&](const auto &o) { return o.first == id; }) == 1)
                    pending.erase(e);
                conns[ckey] = Json{{"key", Json{{"connect", pairs}}}};
                continue;
            }
            occurrences.emplace_back(id, ckey);
            Json desc = Json::object();
            if (!pc->auto_named) desc["name"] = pc->key;
            const Connection own = fresh.has_key(ckey) ? fresh[ckey] : Connection();
            if (first && is_input && e->is_valued() && !md.is_produced(pc.get())) {
                const Value v = e->value;
                if (!own.valid() || own.value() != v) {
                    auto j = value_to_json(v);
                    if (!j)
                        throw ValueError("model_to_json: the value " + v.repr() + " of key '" +
                                         ckey + "' of submodel " + id + " can not be written.");
                    if (pc->auto_named && desc.empty()) {
                        conns[ckey] = *j;
                        continue;
                    }
                    desc["value"] = *j;
                }
            }
            if (first && own.valid() && own.type() != e->type)
                if (auto spec = type_to_spec(e->type)) desc["type"] = *spec;
            if (first && is_input && e->differentiable == std::optional<bool>(true) &&
                !md.is_produced(pc.get()) && own.valid() &&
                own.differentiable() != std::optional<bool>(true))
                desc["differentiable"] = true;
            if (desc.empty()) continue; // unconnected: a fresh unnamed key
            if (desc.size() == 1 && desc.contains("name"))
                conns[ckey] = pc->key;
            else
                conns[ckey] = Json{{"key", desc}};
        }
        submodels[id] = std::move(sub_dict);
        connections[id] = std::move(conns);
    }
    if (!pending.empty())
        throw ValueError("model_to_json: an unnamed edge is shared by keys of one submodel only; "
                         "the dict format can not express it.");
    if (!submodels.empty()) {
        d["submodels"] = std::move(submodels);
        d["connections"] = std::move(connections);
    }
    Json exposed = Json::array();
    for (const auto &c : md.exposed_outputs_list()) {
        if (c->auto_named) continue;
        const bool canonical =
            std::any_of(md.couts.begin(), md.couts.end(), [&](const auto &x) { return x == c; });
        if (md.frozen && canonical) continue; // re-exposed when the copy is frozen
        exposed.push_back(c->key);
    }
    if (!exposed.empty()) d["exposed_keys"] = std::move(exposed);
    // Differentiability set on the container's own free inputs after wiring.
    for (const auto &c : md.exposed_inputs())
        if (!c->auto_named && c->e()->differentiable == std::optional<bool>(true))
            diffs.push_back(Json::array({c->key, true}));
    if (!diffs.empty()) d["assigned_differentiabilities"] = std::move(diffs);
    return d;
}

Json serialize_leaf(const Model &model) {
    const std::string &cls = model.class_name();
    if (!is_registered(cls))
        throw ValueError("model_to_json: class '" + cls + "' is not in the model registry.");
    if (registered_has_hyperparameters(cls))
        throw ValueError("model_to_json: the constructor arguments of '" + cls +
                         "' are unknown (it was not built by model_from_json).");
    Json d = Json::object();
    d["name"] = cls;
    Model fresh = model_from_json(Json(cls));
    Json diffs = Json::array();
    for (const auto &k : model.input_keys()) {
        if (model[k].differentiable() == std::optional<bool>(true) &&
            (!fresh.has_key(k) || fresh[k].differentiable() != std::optional<bool>(true)))
            diffs.push_back(Json::array({k, true}));
    }
    if (!diffs.empty()) d["assigned_differentiabilities"] = std::move(diffs);
    return d;
}

Json serialize(const Model &model) {
    if (auto train = train_model_to_json(model)) return *train;
    if (auto rec = recorded_source(model)) return *rec;
    if (model.class_name() == "TrainModel")
        throw ValueError(
            "model_to_json: this TrainModel was not built from a dict or output specs.");
    if (model.class_name() == "Model" && !model.data()->is_primitive())
        return serialize_container(model);
    return serialize_leaf(model);
}

} // namespace

void record_source(const Model &model, Json dict) {
    std::lock_guard<std::mutex> lock(table_mutex());
    auto &t = side_table();
    if (t.size() > 4096) purge_dead_locked();
    const auto &md = *model.data();
    t[model.data().get()] = Record{model.data(), std::move(dict), md.subs.size(), md.conns.size()};
}

std::optional<Json> recorded_source(const Model &model) {
    std::lock_guard<std::mutex> lock(table_mutex());
    auto &t = side_table();
    auto it = t.find(model.data().get());
    if (it == t.end()) return std::nullopt;
    auto owner = it->second.owner.lock();
    if (owner != model.data()) {
        t.erase(it);
        return std::nullopt;
    }
    const Record &r = it->second;
    if (r.dict.is_object() && r.dict.contains("is_train_model")) return r.dict;
    if (r.subs != owner->subs.size() || r.conns != owner->conns.size()) return std::nullopt;
    return r.dict;
}

Json model_to_json(const Model &model) { return serialize(model); }

Json model_to_json_from_wiring(const Model &model) {
    if (model.class_name() == "Model" && !model.data()->is_primitive())
        return serialize_container(model);
    return serialize(model);
}

} // namespace mithril::io

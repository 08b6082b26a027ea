// logical/model_data.cpp — ModelData: key lookup, key kinds, freezing, naming.
#include "logical/model_data.hpp"

#include <algorithm>

namespace mithril::detail {

std::shared_ptr<ModelData> ModelData::root() {
    if (provisional)
        if (auto owner = provisional_owner.lock()) return owner->root();
    auto cur = shared_from_this();
    while (auto p = cur->parent.lock()) cur = p;
    return cur;
}

std::shared_ptr<ModelData> outermost(const std::shared_ptr<ModelData>& m) { return m->root(); }

std::shared_ptr<ConnectionData> ModelData::find(const std::string& key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
}

std::shared_ptr<ConnectionData> ModelData::find_by_edge(const constraints::Edge* e) const {
    for (const auto& c : conns)
        if (c->e() == e) return c;
    return nullptr;
}

std::shared_ptr<ConnectionData> ModelData::add_connection(const std::string& key, bool auto_named,
                                                          std::shared_ptr<constraints::Edge> edge) {
    auto c = std::make_shared<ConnectionData>();
    c->key = key;
    c->auto_named = auto_named;
    c->edge = std::move(edge);
    c->owner = weak_from_this();
    conns.push_back(c);
    by_key[key] = c;
    return c;
}

std::shared_ptr<ConnectionData> ModelData::add_auto_connection(
    std::shared_ptr<constraints::Edge> edge) {
    return add_connection(next_auto_key(), true, std::move(edge));
}

bool ModelData::is_input_key(const std::string& key) const {
    if (is_primitive())
        return std::find(primitive_inputs.begin(), primitive_inputs.end(), key) !=
               primitive_inputs.end();
    auto c = find(key);
    return c && kind(c.get()) == KeyKind::Input;
}

bool ModelData::is_output_key(const std::string& key) const {
    auto c = find(key);
    if (!c) return false;
    if (is_primitive()) return !is_input_key(key);
    return kind(c.get()) == KeyKind::Output;
}

bool ModelData::is_produced(const ConnectionData* c) const {
    for (const auto& s : subs)
        for (const auto& [k, pc] : s.bindings)
            if (pc.get() == c && s.model->is_output_key(k)) return true;
    return false;
}

bool ModelData::is_consumed(const ConnectionData* c) const {
    for (const auto& s : subs)
        for (const auto& [k, pc] : s.bindings)
            if (pc.get() == c && s.model->is_input_key(k)) return true;
    return false;
}

KeyKind ModelData::kind(const ConnectionData* c) const {
    if (is_primitive()) {
        return std::find(primitive_inputs.begin(), primitive_inputs.end(), c->key) !=
                       primitive_inputs.end()
                   ? KeyKind::Input
                   : KeyKind::Output;
    }
    for (const auto& b : state_bindings)  // both ends of a state pair are latent
        if (b.input.get() == c) return KeyKind::LatentInput;
    if (is_produced(c)) {
        for (const auto& b : state_bindings)
            if (b.output.get() == c) return KeyKind::LatentOutput;
        if (exposed_outputs.count(const_cast<ConnectionData*>(c))) return KeyKind::Output;
        return is_consumed(c) ? KeyKind::Internal : KeyKind::LatentOutput;
    }
    return c->e()->is_valued() ? KeyKind::LatentInput : KeyKind::Input;
}

std::vector<std::shared_ptr<ConnectionData>> ModelData::exposed_inputs() const {
    std::vector<std::shared_ptr<ConnectionData>> out;
    if (is_primitive()) {
        for (const auto& k : primitive_inputs) out.push_back(find(k));
        return out;
    }
    for (const auto& c : conns)
        if (kind(c.get()) == KeyKind::Input) out.push_back(c);
    return out;
}

std::vector<std::shared_ptr<ConnectionData>> ModelData::exposed_outputs_list() const {
    std::vector<std::shared_ptr<ConnectionData>> out;
    for (const auto& c : conns)
        if (kind(c.get()) == KeyKind::Output) out.push_back(c);
    return out;
}

std::vector<std::shared_ptr<ConnectionData>> ModelData::interface() const {
    auto in = exposed_inputs();
    auto out = exposed_outputs_list();
    in.insert(in.end(), out.begin(), out.end());
    return in;
}

void ModelData::freeze() {
    frozen = true;
    for (const auto& c : couts)
        if (is_produced(c.get())) exposed_outputs.insert(c.get());
}

std::string ModelData::submodel_name(size_t index) const {
    const auto& m = subs[index].model;
    if (!m->name.empty()) return m->name;
    size_t same = 0, position = 0;
    for (size_t i = 0; i < subs.size(); ++i) {
        if (!subs[i].model->name.empty() || subs[i].model->class_name != m->class_name) continue;
        if (i == index) position = same;
        ++same;
    }
    if (same <= 1) return m->class_name;
    return m->class_name + "_" + std::to_string(position);
}

void solve(ModelData& m, const constraints::EdgeUpdates& u) { m.root_solver().solve(u); }

Connection make_connection(const std::shared_ptr<ConnectionData>& c) {
    return Connection(c, c->owner.lock());
}

void apply_iokey_facts(const IOKey& k, constraints::Edge& e, constraints::EdgeUpdates& u) {
    using namespace constraints;
    const bool scalar_value = !k.value.is_tbd() && !k.value.is_tensor() &&
                              k.value.kind() != Value::Kind::Constant;
    if (k.shape && scalar_value && !k.shape->empty()) {
        std::string s = "[";
        for (size_t i = 0; i < k.shape->size(); ++i) {
            const auto& d = (*k.shape)[i];
            s += i ? ", " : "";
            s += d.is_int() ? std::to_string(d.value()) : d.is_none() ? "None" : "'" + d.name() + "'";
        }
        throw ValueError("Scalar values are shapeless, shape should be None or []. Got " + s +
                         "].");
    }
    if (k.type && !k.value.is_tbd() && !k.type->intersects(type_of_value(k.value)))
        throw TypeError("type of the given value and given type does not match. Given type: " +
                        k.type->to_string() + " while type of value: " +
                        type_of_value(k.value).to_string());
    if (k.type) set_edge_type(e, *k.type, u);
    if (k.differentiable) set_edge_differentiable(e, *k.differentiable, u);
    if (!k.value.is_tbd()) set_edge_value(e, k.value, u);
    if (k.shape && !(scalar_value && k.shape->empty())) {
        SymbolTable table;
        set_edge_shape(e, repr_from_template(*k.shape, table), u);
    }
}

}  // namespace mithril::detail

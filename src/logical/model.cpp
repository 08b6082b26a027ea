// logical/model.cpp — the public Model and Connection handles over ModelData.
#include "mithril/model.hpp"

#include <algorithm>

#include "logical/model_data.hpp"

namespace mithril {

using detail::ConnectionData;
using detail::ModelData;
using constraints::EdgeUpdates;

// ---- Connection -----------------------------------------------------------------

const std::string& Connection::key() const {
    if (!data_) throw KeyError("An empty connection has no key.");
    return data_->key;
}

Model Connection::model() const {
    auto owner = data_ ? data_->owner.lock() : nullptr;
    if (!owner) throw KeyError("Connection is not attached to a model.");
    return Model(owner);
}

namespace {
detail::ModelData& owner_of(const std::shared_ptr<ConnectionData>& d) {
    auto owner = d ? d->owner.lock() : nullptr;
    if (!owner) throw KeyError("Connection is not attached to a model.");
    return *owner;
}
}  // namespace

void Connection::set_value(const Value& v) const {
    EdgeUpdates u;
    constraints::set_edge_value(*data_->e(), v, u);
    detail::solve(owner_of(data_), u);
}

void Connection::set_type(Type t) const {
    EdgeUpdates u;
    constraints::set_edge_type(*data_->e(), t, u);
    detail::solve(owner_of(data_), u);
}

void Connection::set_shapes(const ShapeTemplate& t) const {
    EdgeUpdates u;
    constraints::SymbolTable table;
    constraints::set_edge_shape(*data_->e(), constraints::repr_from_template(t, table), u);
    detail::solve(owner_of(data_), u);
}

void Connection::set_differentiability(bool d) const {
    EdgeUpdates u;
    constraints::override_edge_differentiable(*data_->e(), d, u);
    detail::solve(owner_of(data_), u);
}

bool Connection::shares_edge(const Connection& o) const {
    return data_ && o.data_ && data_->e() == o.data_->e();
}

Value Connection::value() const { return data_->e()->value; }
Type Connection::type() const { return data_->e()->type; }
std::optional<bool> Connection::differentiable() const { return data_->e()->differentiable; }

Slice slice(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
    return Slice{start, stop, step};
}



// ---- Model: construction ------------------------------------------------------------

Model::Model() : data_(std::make_shared<ModelData>()) {}

Model::Model(std::string name) : data_(std::make_shared<ModelData>()) { data_->name = std::move(name); }

Model::Model(ClassTag, std::string class_name) : data_(std::make_shared<ModelData>()) {
    data_->class_name = std::move(class_name);
}

void Model::finish_library_model() {
    auto& d = *data_;
    if (d.cins.empty()) {
        auto ins = d.exposed_inputs();
        auto input = std::find_if(ins.begin(), ins.end(), [](const auto& c) { return c->key == "input"; });
        if (input != ins.end()) d.cins = {*input};
    }
    d.freeze();
}

ExtendInfo Model::connect(ConnectMap keys) const { return ExtendInfo{data_, std::move(keys)}; }

Model& Model::operator|=(const ExtendInfo& info) {
    detail::extend(data_, info.model, info.connections, false);
    return *this;
}
Model& Model::operator|=(const Model& child) { return *this |= child.connect(); }
Model& Model::operator+=(const ExtendInfo& info) {
    detail::extend(data_, info.model, info.connections, true);
    return *this;
}
Model& Model::operator+=(const Model& child) { return *this += child.connect(); }

Connection Model::operator()(ConnectMap keys) const { return detail::call_model(data_, {}, std::move(keys)); }
Connection Model::call(std::vector<ConnectValue> positional, ConnectMap keys) const {
    return detail::call_model(data_, std::move(positional), std::move(keys));
}

Model Model::create(std::vector<Connection> outputs,
                    std::vector<std::pair<std::string, Connection>> named, std::string name) {
    return detail::create_model(std::move(outputs), std::move(named), std::move(name));
}

// ---- Model: keys --------------------------------------------------------------------

Connection Model::operator[](const std::string& key) const {
    auto c = data_->find(key);
    if (!c) throw KeyError("'" + key + "' is not a key of model '" + data_->class_name + "'.");
    return Connection(c, data_);
}

namespace {
std::shared_ptr<ConnectionData> resolve_ref(const std::shared_ptr<ModelData>& m, const ConnRef& ref) {
    if (auto* k = std::get_if<std::string>(&ref.get())) {
        auto c = m->find(*k);
        if (!c) throw KeyError("'" + *k + "' is not a key of model '" + m->class_name + "'.");
        return c;
    }
    const auto& conn = std::get<Connection>(ref.get());
    if (!conn.data()) throw KeyError("An empty connection can not be used.");
    if (auto c = m->find_by_edge(conn.data()->e())) return c;
    throw KeyError("Connection '" + conn.data()->key + "' is not a key of model '" +
                   m->class_name + "'.");
}
}  // namespace

Connection Model::conn(const ConnRef& ref) const { return Connection(resolve_ref(data_, ref), data_); }

bool Model::has_key(const std::string& key) const { return data_->find(key) != nullptr; }

std::vector<std::string> Model::input_keys() const {
    std::vector<std::string> out;
    for (const auto& c : data_->exposed_inputs()) out.push_back(c->key);
    return out;
}

std::vector<std::string> Model::output_keys() const {
    std::vector<std::string> out;
    for (const auto& c : data_->exposed_outputs_list()) out.push_back(c->key);
    return out;
}

std::vector<std::string> Model::all_keys() const {
    std::vector<std::string> out;
    for (const auto& c : data_->conns) out.push_back(c->key);
    return out;
}

KeyKind Model::key_kind(const std::string& key) const {
    auto c = data_->find(key);
    if (!c) throw KeyError("'" + key + "' is not a key of model '" + data_->class_name + "'.");
    return data_->kind(c.get());
}

Connection Model::cin() const {
    if (data_->cins.size() != 1)
        throw KeyError("Currently, there exists " + std::to_string(data_->cins.size()) +
                       " canonical inputs, model should have exactly one canonical input!");
    return Connection(data_->cins.front(), data_);
}

Connection Model::cout() const {
    if (data_->couts.size() != 1)
        throw KeyError("Currently, there exists " + std::to_string(data_->couts.size()) +
                       " canonical outputs, model should have exactly one canonical output!");
    return Connection(data_->couts.front(), data_);
}

std::vector<Connection> Model::cins() const {
    std::vector<Connection> out;
    for (const auto& c : data_->cins) out.emplace_back(c, data_);
    return out;
}

std::vector<Connection> Model::couts() const {
    std::vector<Connection> out;
    for (const auto& c : data_->couts) out.emplace_back(c, data_);
    return out;
}

void Model::set_cin(std::vector<ConnRef> keys) {
    std::vector<std::shared_ptr<ConnectionData>> cins;
    for (const auto& k : keys) {
        auto c = resolve_ref(data_, k);
        if (c->e()->is_valued())
            throw ValueError("Valued connection '" + c->key + "' can not be a canonical input!");
        if (data_->kind(c.get()) != KeyKind::Input)
            throw ValueError("Canonical input '" + c->key + "' must be an input of the model!");
        cins.push_back(c);
    }
    data_->cins = std::move(cins);
}

void Model::set_cout(std::vector<ConnRef> keys) {
    std::vector<std::shared_ptr<ConnectionData>> couts;
    for (const auto& k : keys) couts.push_back(resolve_ref(data_, k));
    data_->couts = std::move(couts);
}

void Model::expose_keys(std::vector<ConnRef> keys, std::vector<std::pair<std::string, ConnRef>> renamed) {
    for (auto& [name, ref] : renamed) {
        auto c = resolve_ref(data_, ref);
        if (c->key != name) rename_key(Connection(c, data_), name);
        keys.emplace_back(Connection(c, data_));
    }
    for (const auto& k : keys) {
        auto c = resolve_ref(data_, k);
        if (data_->is_produced(c.get())) data_->exposed_outputs.insert(c.get());
        else if (c->auto_named)
            throw KeyError("Autogenerated input '" + c->key + "' can not be exposed without a name.");
    }
}

void Model::rename_key(const ConnRef& ref, const std::string& key) {
    auto c = resolve_ref(data_, ref);
    if (c->key == key) return;
    if (data_->find(key)) throw KeyError("Key '" + key + "' already exists in the model.");
    data_->by_key.erase(c->key);
    c->key = key;
    c->auto_named = false;
    data_->by_key[key] = c;
}

void Model::merge_connections(std::vector<ConnRef> refs, std::optional<std::string> name) {
    if (refs.empty()) return;
    std::vector<std::shared_ptr<ConnectionData>> cs;
    for (const auto& r : refs) cs.push_back(resolve_ref(data_, r));
    auto keep = cs.front();
    int writers = 0;
    for (const auto& c : cs) writers += data_->is_produced(c.get()) ? 1 : 0;
    if (writers > 1) throw KeyError("Given connections are both output connections. Multi-write error!");
    EdgeUpdates u;
    for (size_t i = 1; i < cs.size(); ++i) {
        auto c = cs[i];
        if (c == keep) continue;
        constraints::merge_edges(*keep->e(), *c->e(), u);
        for (auto& s : data_->subs)
            for (auto& [k, pc] : s.bindings)
                if (pc == c) pc = keep;
        for (auto* list : {&data_->cins, &data_->couts})
            std::erase_if(*list, [&](const auto& x) { return x == c; });
        if (data_->exposed_outputs.erase(c.get())) data_->exposed_outputs.insert(keep.get());
        data_->by_key.erase(c->key);
        std::erase(data_->conns, c);
    }
    if (name) rename_key(Connection(keep, data_), *name);
    detail::solve(*data_, u);
}

void Model::bind_state_keys(const ConnRef& input, const ConnRef& output, const Value& initial_value) {
    auto in = resolve_ref(data_, input);
    auto out = resolve_ref(data_, output);
    if (data_->kind(in.get()) != KeyKind::Input)
        throw KeyError("Input key '" + in->key + "' of a state binding must be an input of the model.");
    if (!data_->is_produced(out.get()))
        throw KeyError("Output key '" + out->key + "' of a state binding must be an output of the model.");
    for (const auto& b : data_->state_bindings)
        if (b.input == in || b.output == out)
            throw KeyError("Key '" + in->key + "' is already bound as a state key.");
    data_->state_bindings.push_back({in, out, initial_value});
    data_->exposed_outputs.erase(out.get());
    std::erase(data_->cins, in);
    std::erase(data_->couts, out);
}

void Model::add_constraint(std::function<bool(constraints::ConstraintContext&)> fn,
                           std::vector<ConnRef> keys, std::string name) {
    std::vector<std::shared_ptr<constraints::Edge>> edges;
    for (const auto& k : keys) edges.push_back(resolve_ref(data_, k)->edge);
    auto c = std::make_shared<constraints::Constraint>(std::move(name), std::move(fn), std::move(edges),
                                                       constraints::kShape | constraints::kType |
                                                           constraints::kValue);
    data_->root_solver().add(c);
    data_->root_solver().solve_all();
}

// ---- Model: facts ----------------------------------------------------------------

void Model::set_shapes(std::vector<std::pair<ConnRef, ShapeTemplate>> shapes) {
    EdgeUpdates u;
    constraints::SymbolTable table;  // names are shared across one call
    for (const auto& [ref, tmpl] : shapes)
        constraints::set_edge_shape(*resolve_ref(data_, ref)->e(),
                                    constraints::repr_from_template(tmpl, table), u);
    detail::solve(*data_, u);
}

void Model::set_types(std::vector<std::pair<ConnRef, Type>> types) {
    EdgeUpdates u;
    for (const auto& [ref, t] : types) constraints::set_edge_type(*resolve_ref(data_, ref)->e(), t, u);
    detail::solve(*data_, u);
}

void Model::set_values(std::vector<std::pair<ConnRef, Value>> values) {
    EdgeUpdates u;
    for (const auto& [ref, v] : values) {
        auto c = resolve_ref(data_, ref);
        if (data_->is_produced(c.get()))
            throw ValueError("Output connection '" + c->key + "' can not be given a value.");
        constraints::set_edge_value(*c->e(), v, u);
        std::erase(data_->cins, c);
    }
    detail::solve(*data_, u);
}

void Model::set_differentiability(std::vector<std::pair<ConnRef, bool>> flags) {
    EdgeUpdates u;
    for (const auto& [ref, d] : flags)
        constraints::override_edge_differentiable(*resolve_ref(data_, ref)->e(), d, u);
    detail::solve(*data_, u);
}

// ---- Model: inspection -------------------------------------------------------------

const std::string& Model::name() const { return data_->name; }
void Model::set_name(const std::string& name) { data_->name = name; }
const std::string& Model::class_name() const { return data_->class_name; }
bool Model::is_frozen() const { return data_->frozen; }
bool Model::has_parent() const { return data_->parent.lock() != nullptr; }
std::string Model::formula_key() const { return data_->formula_key; }
size_t Model::unsolved_constraints() const { return data_->root_solver().unsolved_count(); }

std::vector<Model> Model::submodels() const {
    std::vector<Model> out;
    for (const auto& s : data_->subs) out.emplace_back(s.model);
    return out;
}

}  // namespace mithril

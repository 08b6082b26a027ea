// logical/operator.cpp — init_operator: an OperatorSpec becomes a frozen primitive Model.
#include "logical/operator.hpp"

#include "logical/model_data.hpp"

namespace mithril {

using constraints::Edge;
using constraints::EdgeUpdates;

void init_operator(Model& model, const OperatorSpec& spec,
                   const std::vector<std::pair<std::string, Value>>& values) {
    auto d = model.data();
    d->formula_key = spec.formula_key;
    if (!spec.class_name.empty()) d->class_name = spec.class_name;
    d->output_can_be_differentiable = spec.output_can_be_differentiable;
    constraints::SymbolTable table;  // one symbol namespace per operator
    EdgeUpdates u;
    auto add_key = [&](const KeySpec& k) {
        auto e = Edge::make(k.type);
        auto c = d->add_connection(k.name, false, e);
        if (k.shape) constraints::set_edge_shape(*e, constraints::repr_from_template(*k.shape, table), u);
        if (k.differentiable) constraints::set_edge_differentiable(*e, *k.differentiable, u);
        return c;
    };
    for (const auto& k : spec.inputs) {
        add_key(k);
        d->primitive_inputs.push_back(k.name);
    }
    auto out = add_key(spec.output);
    // Values: the caller's override the spec's defaults.
    for (const auto& k : spec.inputs) {
        Value v = k.value;
        for (const auto& [name, given] : values)
            if (name == k.name && !given.is_tbd()) v = given;
        if (!v.is_tbd()) constraints::set_edge_value(*d->find(k.name)->e(), v, u);
    }
    for (const auto& [name, given] : values)
        if (!d->find(name))
            throw KeyError("'" + name + "' is not a key of operator '" + spec.class_name + "'.");
    std::vector<constraints::Constraint*> made;
    for (const auto& cs : spec.constraints) {
        std::vector<std::shared_ptr<Edge>> edges;
        for (const auto& key : cs.keys) {
            auto c = d->find(key);
            MITHRIL_INTERNAL_CHECK(c != nullptr, "constraint " + cs.name + " of " + spec.formula_key +
                                                     " names unknown key " + key);
            edges.push_back(c->edge);
        }
        auto con = std::make_shared<constraints::Constraint>(cs.name, cs.fn, std::move(edges), cs.listens);
        for (size_t dep : cs.depends_on) {
            MITHRIL_INTERNAL_CHECK(dep < made.size(), "constraint dependency out of order in " +
                                                          spec.formula_key);
            con->add_dependency(made[dep]);
        }
        made.push_back(con.get());
        d->solver->add(con);
    }
    // Canonical keys: "input" if present, else the first input; "output".
    auto input = d->find("input");
    if (input && !input->e()->is_valued()) d->cins = {input};
    else if (!spec.inputs.empty() && !input) {
        auto first = d->find(spec.inputs.front().name);
        if (!first->e()->is_valued()) d->cins = {first};
    }
    d->couts = {out};
    d->exposed_outputs.insert(out.get());
    d->frozen = true;
    d->solver->solve_all();
}

}  // namespace mithril

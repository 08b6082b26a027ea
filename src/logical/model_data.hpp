// logical/model_data.hpp — the private state behind Model and Connection.
//
// ModelData is one node of the logical DAG: a composite (submodels wired by
// connections) or a primitive operator (formula_key set, no submodels).
// Connections of a model own a shared Edge; a child's keys are bound to
// parent connections by merging edges, so one Edge is shared by every level.
// Invariants: a model has at most one parent; submodels are kept in
// insertion order, which is a topological order of the DAG; the constraint
// solver of a tree lives at its root (children's solvers are absorbed).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "constraints/solver.hpp"
#include "mithril/model.hpp"

namespace mithril::detail {

struct ConnectionData {
    std::string key;
    bool auto_named = false;                 // "$n" key
    std::shared_ptr<constraints::Edge> edge;
    std::weak_ptr<ModelData> owner;
    constraints::Edge* e() const { return constraints::resolve(edge); }
};

struct SubmodelEntry {
    std::shared_ptr<ModelData> model;
    // child key -> parent connection
    std::map<std::string, std::shared_ptr<ConnectionData>> bindings;
};

struct ModelData : std::enable_shared_from_this<ModelData> {
    std::string class_name = "Model";
    std::string name;                        // user given or auto (at parent's freeze)
    std::string formula_key;                 // primitives only
    bool output_can_be_differentiable = true;
    bool frozen = false;
    bool provisional = false;
    bool may_be_submodel = true;             // false for TrainModel
    std::weak_ptr<ModelData> parent;

    std::vector<std::shared_ptr<ConnectionData>> conns;   // creation order
    std::map<std::string, std::shared_ptr<ConnectionData>> by_key;
    std::set<ConnectionData*> exposed_outputs;
    std::vector<std::string> primitive_inputs;           // primitives: input keys in order
    std::vector<SubmodelEntry> subs;
    std::vector<std::shared_ptr<ConnectionData>> cins, couts;
    std::shared_ptr<constraints::Solver> solver = std::make_shared<constraints::Solver>();
    std::shared_ptr<ModelData> provisional_model;        // connection-algebra scratch
    std::weak_ptr<ModelData> provisional_owner;          // scratch models: the real model
    int auto_counter = 0;
    struct StateBinding {
        std::shared_ptr<ConnectionData> input, output;
        Value initial;
    };
    std::vector<StateBinding> state_bindings;

    bool is_primitive() const { return !formula_key.empty(); }
    std::shared_ptr<ModelData> root();
    constraints::Solver& root_solver() { return *root()->solver; }

    std::shared_ptr<ConnectionData> find(const std::string& key) const;
    std::shared_ptr<ConnectionData> find_by_edge(const constraints::Edge* e) const;
    std::shared_ptr<ConnectionData> add_connection(const std::string& key, bool auto_named,
                                                   std::shared_ptr<constraints::Edge> edge);
    std::shared_ptr<ConnectionData> add_auto_connection(std::shared_ptr<constraints::Edge> edge);
    std::string next_auto_key() { return "$" + std::to_string(++auto_counter); }

    // Key kinds, from the wiring.
    bool is_produced(const ConnectionData* c) const;   // some submodel writes it
    bool is_consumed(const ConnectionData* c) const;   // some submodel reads it
    KeyKind kind(const ConnectionData* c) const;
    std::vector<std::shared_ptr<ConnectionData>> exposed_inputs() const;
    std::vector<std::shared_ptr<ConnectionData>> exposed_outputs_list() const;
    // Keys of this model that a parent can connect to: exposed inputs and outputs.
    std::vector<std::shared_ptr<ConnectionData>> interface() const;
    bool is_input_key(const std::string& key) const;
    bool is_output_key(const std::string& key) const;

    // Freeze: promote canonical outputs to outputs and auto-name submodels.
    void freeze();
    std::string submodel_name(size_t index) const;  // auto name if unnamed
};

// Run the root solver on what changed.
void solve(ModelData& m, const constraints::EdgeUpdates& u);

// Connection handle for a ConnectionData owned by `owner`.
Connection make_connection(const std::shared_ptr<ConnectionData>& c);

// The outermost model above m.
std::shared_ptr<ModelData> outermost(const std::shared_ptr<ModelData>& m);

// Apply IOKey facts (value, shape, type, differentiability) to an edge.
void apply_iokey_facts(const IOKey& k, constraints::Edge& e, constraints::EdgeUpdates& u);

// Extension (extend.cpp): wire `child` into `parent` with `kwargs`.
void extend(const std::shared_ptr<ModelData>& parent, const std::shared_ptr<ModelData>& child,
            ConnectMap kwargs, bool canonical);

// Functional API (extend.cpp): add `child` to a scratch model, return its output.
Connection call_model(const std::shared_ptr<ModelData>& child, std::vector<ConnectValue> positional,
                      ConnectMap kwargs);
Model create_model(std::vector<Connection> outputs,
                   std::vector<std::pair<std::string, Connection>> named, std::string name);

// Find or create the connection in `parent` that `c` refers to, pulling
// provisional (connection-algebra) operators into `parent` as needed.
std::shared_ptr<ConnectionData> import_connection(const std::shared_ptr<ModelData>& parent,
                                                  const Connection& c);

}  // namespace mithril::detail

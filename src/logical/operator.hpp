// logical/operator.hpp — how a primitive operator is described, once.
//
// The operator table (src/ops/*.cpp, one file per family) describes each of
// Mithril's primitives as an OperatorSpec: its formula key, user class name,
// typed input keys (with shape templates and default values), its output key
// and the constraints that relate them. init_operator() turns a spec into a
// frozen single-operator Model whose keys are all exposed. Later layers add
// reference kernels, VJP rules and element emitters to the same table rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "constraints/solver.hpp"
#include "mithril/model.hpp"

namespace mithril {

struct KeySpec {
    std::string name;
    Type type = Type::any();
    std::optional<ShapeTemplate> shape;  // tensor keys: their template
    Value value;                         // default value (TBD = none)
    std::optional<bool> differentiable;
};

struct ConstraintSpec {
    std::string name;
    constraints::ConstraintFn fn;
    std::vector<std::string> keys;       // edge order the fn expects
    unsigned listens = constraints::kShape | constraints::kValue;
    std::vector<size_t> depends_on;      // indices of earlier constraints in the spec
};

struct OperatorSpec {
    std::string formula_key;             // Mithril's formula_key, e.g. "add"
    std::string class_name;              // user class, e.g. "Add"
    std::vector<KeySpec> inputs;         // in Mithril's key order
    KeySpec output{"output", Type::any(), std::nullopt, Value(), std::nullopt};
    std::vector<ConstraintSpec> constraints;
    // Compile-time default: is the output differentiable when an input is?
    // (false for relational/logical/floor_divide and friends.)
    bool output_can_be_differentiable = true;
};

// Turn `model` (freshly constructed via Model's ClassTag constructor) into a
// frozen primitive. Values given here override the spec's defaults.
void init_operator(Model& model, const OperatorSpec& spec,
                   const std::vector<std::pair<std::string, Value>>& values = {});

}  // namespace mithril

// ops/op_helpers.hpp — shorthands for writing the operator table (src/ops/*.cpp).
//
// Types are named after Mithril's annotations: kTAll = Tensor[int | float | bool],
// kPoly = Tensor[int | float | bool] | int | float | bool, and so on. Key and
// constraint builders keep each OperatorSpec close to Mithril's __init__.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "constraints/families.hpp"
#include "logical/operator.hpp"
#include "mithril/errors.hpp"
#include "mithril/primitives.hpp"
#include "mithril/tensor.hpp"

namespace mithril::ops {

namespace cs = mithril::constraints;
using cs::TypeRule;

// ---- types -------------------------------------------------------------------------
inline constexpr Type kTAll = Type::tensor();                 // Tensor[int | float | bool]
inline constexpr Type kTNum = Type::tensor_number();          // Tensor[int | float]
inline constexpr Type kTFloat = Type::tensor_float();         // Tensor[float]
inline constexpr Type kTInt = Type::tensor_int();             // Tensor[int]
inline constexpr Type kTBool = Type::tensor_bool();           // Tensor[bool]
inline constexpr Type kTIntBool = Type(Type::TensorInt | Type::TensorBool);
inline constexpr Type kPoly = Type::number();                 // Tensor[...] | int | float | bool
inline constexpr Type kInt = Type::scalar_int();
inline constexpr Type kFloat = Type::scalar_float();
inline constexpr Type kBool = Type::scalar_bool();
inline constexpr Type kNone = Type(Type::NoneT);
inline constexpr Type kTuple = Type(Type::TupleT);
inline constexpr Type kList = Type(Type::ListT);
inline constexpr Type kSlice = Type(Type::SliceT);
inline constexpr Type kStr = Type(Type::Str);
inline constexpr Type kEllipsis = Type(Type::EllipsisT);
inline constexpr Type kDtype = Type(Type::DtypeT);
inline constexpr Type kAny = Type::any();

// ---- keys --------------------------------------------------------------------------
inline ShapeTemplate var(const char* name) { return ShapeTemplate{Variadic(name)}; }

// A tensor key with an optional shape template.
inline KeySpec tkey(std::string name, Type type, std::optional<ShapeTemplate> shape = std::nullopt,
                    std::optional<bool> differentiable = std::nullopt) {
    KeySpec k;
    k.name = std::move(name);
    k.type = type;
    k.shape = std::move(shape);
    k.differentiable = differentiable;
    return k;
}
// A key without a shape template (scalars, polymorphic keys, untemplated tensors).
inline KeySpec key(std::string name, Type type, Value value = {}) {
    KeySpec k;
    k.name = std::move(name);
    k.type = type;
    k.value = std::move(value);
    return k;
}

// ---- constraints -------------------------------------------------------------------
inline constexpr unsigned kShapeValue = cs::kShape | cs::kValue;

inline ConstraintSpec con(std::string name, cs::ConstraintFn fn, std::vector<std::string> keys,
                          unsigned listens = kShapeValue, std::vector<size_t> deps = {}) {
    ConstraintSpec c;
    c.name = std::move(name);
    c.fn = std::move(fn);
    c.keys = std::move(keys);
    c.listens = listens;
    c.depends_on = std::move(deps);
    return c;
}

// general_type_constraint over (output, inputs...), listening to type updates.
inline ConstraintSpec type_con(TypeRule rule, bool is_bitwise, std::vector<std::string> keys) {
    return con("general_type_constraint", cs::general_type_constraint(rule, is_bitwise),
               std::move(keys), cs::kType);
}
// Mithril's single-input general_type_constraint (output type follows input type).
inline ConstraintSpec same_type_con(std::vector<std::string> keys = {"output", "input"}) {
    return type_con(TypeRule::UnaryKeep, false, std::move(keys));
}

// Mithril's general_type_constraint(..., is_edge=True) as a gate: solved once
// every edge is known to be a Tensor or known to be a scalar. Polymorphic
// operators make bcast and the scalar forward evaluation wait for it, so that
// shapes are never forced onto operands that may still turn out scalars. (The
// narrowing itself is done by the ordinary general_type_constraint.)
inline bool tensorness_decided(cs::ConstraintContext& c) {
    for (size_t i = 0; i < c.arity(); ++i) {
        Type t = c.type(i);
        if (t.may_be_tensor() && !t.is_tensor()) return false;
    }
    return true;
}
// Adds the gate over `keys`; returns its index for depends_on.
inline size_t add_edge_gate(OperatorSpec& s, std::vector<std::string> keys) {
    s.constraints.push_back(con("general_type_constraint_edge", tensorness_decided,
                                std::move(keys), cs::kType));
    return s.constraints.size() - 1;
}

// bcast(output, a, b) then bcast_error_check depending on it.
inline void add_bcast(OperatorSpec& s, const std::string& a, const std::string& b,
                      std::vector<size_t> deps = {}) {
    s.constraints.push_back(con("bcast", cs::bcast, {"output", a, b}, kShapeValue, std::move(deps)));
    size_t idx = s.constraints.size() - 1;
    s.constraints.push_back(
        con("bcast_error_check", cs::bcast_error_check, {"output", a, b}, kShapeValue, {idx}));
}

// general_forward_constraint with the scalar semantics of `scalar_key`, if any.
inline void add_forward(OperatorSpec& s, const std::string& scalar_key,
                        std::vector<std::string> keys, std::vector<size_t> deps = {}) {
    auto fn = cs::scalar_fn_for(scalar_key);
    if (!fn) return;
    s.constraints.push_back(con("general_forward_constraint",
                                cs::general_forward_constraint(std::move(fn)), std::move(keys),
                                kShapeValue | cs::kType, std::move(deps)));
}

inline OperatorSpec make_spec(std::string formula_key, std::string class_name, KeySpec output,
                              std::vector<KeySpec> inputs) {
    OperatorSpec s;
    s.formula_key = std::move(formula_key);
    s.class_name = std::move(class_name);
    s.output = std::move(output);
    s.output.name = "output";
    s.inputs = std::move(inputs);
    return s;
}

// ---- values ------------------------------------------------------------------------
// Mithril wraps plain numbers given for scalar-tensor keys (quantile,
// threshold) in Tensor(...). Numbers become rank-0 tensors; Constants stay
// symbolic (their precision is fixed at compile time); anything else is kept.
inline Value scalar_tensor(const Value& v) {
    if (v.is_bool()) return Value(Tensor::scalar(v.as_bool()));
    if (v.is_int()) return Value(Tensor::scalar(v.as_int()));
    if (v.is_float()) return Value(Tensor::scalar(v.as_float()));
    return v;
}

using Values = std::vector<std::pair<std::string, Value>>;

// Mithril's Operator._set_cin(*keys, safe=False) after init_operator: the
// canonical inputs become `keys`, skipping valued ones (an empty list leaves
// the operator without a canonical input).
inline void set_canonical_inputs(Model& m, const std::vector<std::string>& keys) {
    std::vector<ConnRef> refs;
    for (const auto& k : keys)
        if (m[k].value().is_tbd()) refs.emplace_back(k);
    m.set_cin(std::move(refs));
}

}  // namespace mithril::ops

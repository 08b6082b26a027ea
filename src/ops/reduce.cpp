// ops/reduce.cpp — reductions.
//
// Mirrors ReduceOp and its subclasses (MeanOp, SumOp, MaxOp, MinOp, ProdOp,
// VarianceOp, ArgMaxOp, ArgMinOp) of operators.py: keys output, input, axis,
// keepdim (+ correction for Variance), shapes [("Var_out", ...)] and
// [("Var_in", ...)], and reduce_constraints. The axis key's type depends on
// the axis value given, as in Mithril.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

enum class ReduceType { None, ReduceType, SameType };

Type axis_type(const Value& axis) {
    if (axis.is_tbd()) return kInt | kTuple | kNone | kList;
    if (axis.kind() == Value::Kind::Tuple) return kTuple;
    if (axis.is_int() || axis.is_none()) return kInt | kNone;
    throw ValueError("Requires valid axis type!");
}

OperatorSpec reduce_spec(const char* fk, const char* cls, Type out, const Value& axis,
                         ReduceType rt, bool with_correction = false) {
    std::vector<KeySpec> inputs{tkey("input", kTAll, var("Var_in")), key("axis", axis_type(axis)),
                                key("keepdim", kBool)};
    if (with_correction) inputs.push_back(key("correction", kInt | kFloat | kBool | kTAll));
    auto s = make_spec(fk, cls, tkey("output", out, var("Var_out")), std::move(inputs));
    s.constraints.push_back(con("reduce_constraints", cs::reduce_constraints,
                                {"output", "input", "axis", "keepdim"}));
    if (rt == ReduceType::ReduceType)
        s.constraints.push_back(con("reduce_type_constraint", cs::reduce_type_constraint,
                                    {"output", "input", "axis", "keepdim"},
                                    kShapeValue | cs::kType));
    else if (rt == ReduceType::SameType)
        s.constraints.push_back(same_type_con());
    return s;
}

// One cached spec per axis-type class (TBD, tuple, int/None): the spec only
// depends on the axis value through its type.
int axis_class(const Value& axis) {
    if (axis.is_tbd()) return 0;
    if (axis.kind() == Value::Kind::Tuple) return 1;
    return 2;
}

template <class Build>
const OperatorSpec& cached(const Value& axis, Build build) {
    // Tuple axes are typed tuple[int, ...]: one spec serves all lengths.
    static const OperatorSpec specs[3] = {build(Value()), build(Value::tuple({Value(0)})),
                                          build(Value(None))};
    (void)axis_type(axis);  // validates the axis value
    return specs[axis_class(axis)];
}

Values rvals(const Value& axis, const Value& keepdim, const Value& input) {
    return {{"input", input}, {"axis", axis}, {"keepdim", keepdim}};
}

}  // namespace

Sum::Sum(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "Sum") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("reduce_sum", "Sum", kTNum, a, ReduceType::ReduceType);
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

Mean::Mean(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "Mean") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("reduce_mean", "Mean", kTFloat, a, ReduceType::None);
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

Max::Max(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "Max") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("reduce_max", "Max", kTAll, a, ReduceType::SameType);
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

Min::Min(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "Min") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("reduce_min", "Min", kTAll, a, ReduceType::SameType);
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

Prod::Prod(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "Prod") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("reduce_prod", "Prod", kTNum, a, ReduceType::ReduceType);
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

Variance::Variance(Value axis, Value keepdim, Value correction, Value input)
    : Model(ClassTag{}, "Variance") {
    const auto& s = cached(axis, [](const Value& a) {
        return reduce_spec("variance", "Variance", kTFloat, a, ReduceType::None, true);
    });
    auto v = rvals(axis, keepdim, input);
    v.emplace_back("correction", correction);
    init_operator(*this, s, v);
}

ArgMax::ArgMax(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "ArgMax") {
    const auto& s = cached(axis, [](const Value& a) {
        auto s = reduce_spec("reduce_argmax", "ArgMax", kTInt, a, ReduceType::None);
        s.output_can_be_differentiable = false;
        return s;
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

ArgMin::ArgMin(Value axis, Value keepdim, Value input) : Model(ClassTag{}, "ArgMin") {
    const auto& s = cached(axis, [](const Value& a) {
        auto s = reduce_spec("reduce_argmin", "ArgMin", kTInt, a, ReduceType::None);
        s.output_can_be_differentiable = false;
        return s;
    });
    init_operator(*this, s, rvals(axis, keepdim, input));
}

}  // namespace mithril

// ops/compare_logic.cpp — relational and logical primitives.
//
// Mirrors RelationalOperatorsOp (Greater, GreaterEqual, Less, LessEqual,
// Equal, NotEqual), LogicalNotOp and BitwiseOperatorsOp (LogicalAnd,
// LogicalOr, LogicalXOr) of operators.py. All are polymorphic over tensors
// and Python scalars (except LogicalNot), evaluate scalars at logical time,
// and never produce a differentiable output.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

OperatorSpec relational(const char* fk, const char* cls) {
    auto s = make_spec(fk, cls, key("output", kBool | kTBool),
                       {key("left", kPoly), key("right", kPoly)});
    size_t gate = add_edge_gate(s, {"output", "left", "right"});
    s.constraints.push_back(type_con(TypeRule::Comparison, true, {"output", "left", "right"}));
    add_bcast(s, "left", "right", {gate});
    add_forward(s, fk, {"output", "left", "right"}, {gate});
    s.output_can_be_differentiable = false;
    return s;
}

OperatorSpec bitwise(const char* fk, const char* cls) {
    const Type t = kTIntBool | kInt | kBool;
    auto s = make_spec(fk, cls, key("output", t), {key("left", t), key("right", t)});
    size_t gate = add_edge_gate(s, {"output", "left", "right"});
    s.constraints.push_back(type_con(TypeRule::Logical, true, {"output", "left", "right"}));
    add_bcast(s, "left", "right", {gate});
    add_forward(s, fk, {"output", "left", "right"}, {gate});
    s.output_can_be_differentiable = false;
    return s;
}

Values lr(const Value& left, const Value& right) { return {{"left", left}, {"right", right}}; }

}  // namespace

Greater::Greater(Value left, Value right) : Model(ClassTag{}, "Greater") {
    static const OperatorSpec s = relational("greater", "Greater");
    init_operator(*this, s, lr(left, right));
}

GreaterEqual::GreaterEqual(Value left, Value right) : Model(ClassTag{}, "GreaterEqual") {
    static const OperatorSpec s = relational("greater_equal", "GreaterEqual");
    init_operator(*this, s, lr(left, right));
}

Less::Less(Value left, Value right) : Model(ClassTag{}, "Less") {
    static const OperatorSpec s = relational("less", "Less");
    init_operator(*this, s, lr(left, right));
}

LessEqual::LessEqual(Value left, Value right) : Model(ClassTag{}, "LessEqual") {
    static const OperatorSpec s = relational("less_equal", "LessEqual");
    init_operator(*this, s, lr(left, right));
}

Equal::Equal(Value left, Value right) : Model(ClassTag{}, "Equal") {
    static const OperatorSpec s = relational("equal", "Equal");
    init_operator(*this, s, lr(left, right));
    set_canonical_inputs(*this, {"left", "right"});
}

NotEqual::NotEqual(Value left, Value right) : Model(ClassTag{}, "NotEqual") {
    static const OperatorSpec s = relational("not_equal", "NotEqual");
    init_operator(*this, s, lr(left, right));
    set_canonical_inputs(*this, {"left", "right"});
}

LogicalNot::LogicalNot(Value input) : Model(ClassTag{}, "LogicalNot") {
    static const OperatorSpec s = [] {
        auto s = make_spec("logical_not", "LogicalNot", tkey("output", kTIntBool, var("Var")),
                           {tkey("input", kTBool, var("Var"))});
        s.output_can_be_differentiable = false;
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

LogicalAnd::LogicalAnd(Value left, Value right) : Model(ClassTag{}, "LogicalAnd") {
    static const OperatorSpec s = bitwise("logical_and", "LogicalAnd");
    init_operator(*this, s, lr(left, right));
    set_canonical_inputs(*this, {"left", "right"});
}

LogicalOr::LogicalOr(Value left, Value right) : Model(ClassTag{}, "LogicalOr") {
    static const OperatorSpec s = bitwise("logical_or", "LogicalOr");
    init_operator(*this, s, lr(left, right));
    set_canonical_inputs(*this, {"left", "right"});
}

LogicalXOr::LogicalXOr(Value left, Value right) : Model(ClassTag{}, "LogicalXOr") {
    static const OperatorSpec s = bitwise("logical_xor", "LogicalXOr");
    init_operator(*this, s, lr(left, right));
    set_canonical_inputs(*this, {"left", "right"});
}

}  // namespace mithril

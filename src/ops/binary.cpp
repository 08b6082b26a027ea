// ops/binary.cpp — broadcasting elementwise binary primitives.
//
// Mirrors AddOp, SubtractOp, MultiplyOp, DivideOp, FloorDivideOp, PowerOp,
// MinimumOp, MaximumOp, ShiftLeftOp and ShiftRightOp (operators.py). The
// arithmetic ones are polymorphic (tensor or Python scalar operands) and carry
// a general_forward_constraint so that scalar operands are evaluated at
// logical time. Constraint order follows Mithril: the edge (tensor-or-scalar)
// gate, type, bcast and forward (both waiting for the gate), bcast_error_check
// (depends on bcast).
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

// A polymorphic broadcasting binary op over (output, a, b).
OperatorSpec poly_binary(const char* fk, const char* cls, const char* a, const char* b,
                         Type in, Type out, TypeRule rule, bool bitwise) {
    auto s = make_spec(fk, cls, key("output", out), {key(a, in), key(b, in)});
    size_t gate = add_edge_gate(s, {"output", a, b});
    s.constraints.push_back(type_con(rule, bitwise, {"output", a, b}));
    add_bcast(s, a, b, {gate});
    add_forward(s, fk, {"output", a, b}, {gate});
    return s;
}

}  // namespace

Add::Add(Value left, Value right) : Model(ClassTag{}, "Add") {
    static const OperatorSpec s =
        poly_binary("add", "Add", "left", "right", kPoly, kTAll | kInt | kFloat,
                    TypeRule::Arithmetic, false);
    init_operator(*this, s, {{"left", left}, {"right", right}});
    set_canonical_inputs(*this, {"left", "right"});
}

Subtract::Subtract(Value left, Value right) : Model(ClassTag{}, "Subtract") {
    static const OperatorSpec s =
        poly_binary("subtract", "Subtract", "left", "right", kPoly, kTAll | kInt | kFloat,
                    TypeRule::Arithmetic, false);
    init_operator(*this, s, {{"left", left}, {"right", right}});
}

Multiply::Multiply(Value left, Value right) : Model(ClassTag{}, "Multiply") {
    static const OperatorSpec s =
        poly_binary("multiplication", "Multiply", "left", "right", kPoly, kTAll | kInt | kFloat,
                    TypeRule::Arithmetic, false);
    init_operator(*this, s, {{"left", left}, {"right", right}});
    set_canonical_inputs(*this, {"left", "right"});
}

Divide::Divide(Value numerator, Value denominator) : Model(ClassTag{}, "Divide") {
    static const OperatorSpec s =
        poly_binary("divide", "Divide", "numerator", "denominator", kPoly,
                    kTNum | kInt | kFloat, TypeRule::TrueDivide, true);
    init_operator(*this, s, {{"numerator", numerator}, {"denominator", denominator}});
}

FloorDivide::FloorDivide(Value numerator, Value denominator) : Model(ClassTag{}, "FloorDivide") {
    static const OperatorSpec s = [] {
        auto s = poly_binary("floor_divide", "FloorDivide", "numerator", "denominator", kPoly,
                             kTNum | kInt | kFloat, TypeRule::FloorDivide, true);
        s.output_can_be_differentiable = false;
        return s;
    }();
    init_operator(*this, s, {{"numerator", numerator}, {"denominator", denominator}});
}

Power::Power(bool robust, Value base, Value exponent, Value threshold)
    : Model(ClassTag{}, "Power") {
    if (robust) {
        // robust_power: all tensors, each with its own variadic template.
        static const OperatorSpec s = [] {
            auto s = make_spec("robust_power", "Power", tkey("output", kTNum, var("out")),
                               {tkey("base", kTAll, var("base")),
                                tkey("exponent", kTAll, var("exp")),
                                tkey("threshold", kTFloat, ShapeTemplate{})});
            s.constraints.push_back(type_con(TypeRule::Power, true, {"output", "base", "exponent"}));
            add_bcast(s, "base", "exponent");
            return s;
        }();
        init_operator(*this, s,
                      {{"base", base}, {"exponent", exponent}, {"threshold", scalar_tensor(threshold)}});
    } else {
        static const OperatorSpec s =
            poly_binary("power", "Power", "base", "exponent", kPoly, kTNum | kInt | kFloat,
                        TypeRule::Power, true);
        init_operator(*this, s, {{"base", base}, {"exponent", exponent}});
    }
}

namespace {

// MinimumOp / MaximumOp: tensors only, no forward evaluation. Mithril's type
// function is Python's min/max on sample values; Arithmetic without the
// bitwise flag gives NumPy's result types (bool∘bool = bool, int∘float = float).
OperatorSpec min_max(const char* fk, const char* cls) {
    auto s = make_spec(fk, cls, tkey("output", kTAll, var("Var1")),
                       {tkey("left", kTAll, var("Var2")), tkey("right", kTAll, var("Var3"))});
    add_bcast(s, "left", "right");
    s.constraints.push_back(type_con(TypeRule::Arithmetic, false, {"output", "left", "right"}));
    return s;
}

// ShiftLeftOp / ShiftRightOp: integer operands (tensor or scalar).
OperatorSpec shift(const char* fk, const char* cls) {
    const Type in = kTIntBool | kInt | kBool;
    auto s = make_spec(fk, cls, key("output", kTInt | kInt), {key("input", in), key("shift", in)});
    size_t gate = add_edge_gate(s, {"output", "input", "shift"});
    s.constraints.push_back(type_con(TypeRule::Shift, true, {"output", "input", "shift"}));
    add_bcast(s, "input", "shift", {gate});
    add_forward(s, fk, {"output", "input", "shift"}, {gate});
    s.output_can_be_differentiable = false;
    return s;
}

}  // namespace

Minimum::Minimum(Value left, Value right) : Model(ClassTag{}, "Minimum") {
    static const OperatorSpec s = min_max("minimum", "Minimum");
    init_operator(*this, s, {{"left", left}, {"right", right}});
    set_canonical_inputs(*this, {"left", "right"});
}

Maximum::Maximum(Value left, Value right) : Model(ClassTag{}, "Maximum") {
    static const OperatorSpec s = min_max("maximum", "Maximum");
    init_operator(*this, s, {{"left", left}, {"right", right}});
    set_canonical_inputs(*this, {"left", "right"});
}

ShiftLeft::ShiftLeft(Value input, Value shift_) : Model(ClassTag{}, "ShiftLeft") {
    static const OperatorSpec s = shift("shift_left", "ShiftLeft");
    init_operator(*this, s, {{"input", input}, {"shift", shift_}});
}

ShiftRight::ShiftRight(Value input, Value shift_) : Model(ClassTag{}, "ShiftRight") {
    static const OperatorSpec s = shift("shift_right", "ShiftRight");
    init_operator(*this, s, {{"input", input}, {"shift", shift_}});
}

}  // namespace mithril

// ops/elementwise.cpp — elementwise unary primitives and activations.
//
// Mirrors AbsoluteOp, NegateOp, ExponentialOp, SqrtOp, SineOp, CosineOp,
// AtLeast1DOp, BufferOp (operators.py) and Log, Sign, Square,
// StableReciprocal, the Activation family, StopGradient, IsNan, NanToNum
// (primitives.py), plus Floor and Clamp. Elementwise tensors share the
// template [("Var", ...)] between input and output.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

// Mithril's SingleInputOperationOp: output/input [("Var", ...)], with the
// output type following the input type when `polymorphic`.
OperatorSpec single_input(const char* fk, const char* cls, Type in, Type out, bool polymorphic) {
    auto s = make_spec(fk, cls, tkey("output", out, var("Var")), {tkey("input", in, var("Var"))});
    if (polymorphic) s.constraints.push_back(same_type_con());
    return s;
}

void init_single(Model& m, const OperatorSpec& s, const Value& input) {
    init_operator(m, s, {{"input", input}});
}

}  // namespace

Absolute::Absolute(Value input) : Model(ClassTag{}, "Absolute") {
    static const OperatorSpec s = single_input("abs", "Absolute", kTNum, kTAll, true);
    init_single(*this, s, input);
}

Negate::Negate(Value input) : Model(ClassTag{}, "Negate") {
    static const OperatorSpec s = single_input("negate", "Negate", kTNum, kTNum, true);
    init_single(*this, s, input);
}

Exponential::Exponential(Value input) : Model(ClassTag{}, "Exponential") {
    static const OperatorSpec s = single_input("exp", "Exponential", kTAll, kTFloat, false);
    init_single(*this, s, input);
}

Log::Log(bool robust, Value input, Value threshold) : Model(ClassTag{}, "Log") {
    if (!robust && !(threshold == Value(Constant::MIN_POSITIVE_NORMAL)))
        throw ValueError("Log does not accept threshold argument when robust is False.");
    if (robust) {
        static const OperatorSpec s = [] {
            auto s = make_spec("robust_log", "Log", tkey("output", kTFloat, var("Var")),
                               {tkey("input", kTAll, var("Var")),
                                tkey("threshold", kTFloat, ShapeTemplate{})});
            return s;
        }();
        init_operator(*this, s, {{"input", input}, {"threshold", scalar_tensor(threshold)}});
    } else {
        static const OperatorSpec s = single_input("log", "Log", kTAll, kTFloat, false);
        init_single(*this, s, input);
    }
}

Sqrt::Sqrt(bool robust, Value input, Value threshold) : Model(ClassTag{}, "Sqrt") {
    if (!robust && !(threshold == Value(Constant::MIN_POSITIVE_NORMAL)))
        throw ValueError("threshold must be specified in robust mode");
    if (robust) {
        static const OperatorSpec s =
            make_spec("robust_sqrt", "Sqrt", tkey("output", kTFloat, var("Var")),
                      {tkey("input", kTAll, var("Var")),
                       tkey("threshold", kTAll, ShapeTemplate{})});
        init_operator(*this, s, {{"input", input}, {"threshold", scalar_tensor(threshold)}});
    } else {
        static const OperatorSpec s = single_input("sqrt", "Sqrt", kTAll, kTFloat, false);
        init_single(*this, s, input);
    }
}

Sine::Sine(Value input) : Model(ClassTag{}, "Sine") {
    static const OperatorSpec s = single_input("sin", "Sine", kTAll, kTFloat, false);
    init_single(*this, s, input);
}

Cosine::Cosine(Value input) : Model(ClassTag{}, "Cosine") {
    static const OperatorSpec s = single_input("cos", "Cosine", kTAll, kTFloat, false);
    init_single(*this, s, input);
}

// Mithril: output Tensor[float], input Tensor, plus general_type_constraint.
Sign::Sign(Value input) : Model(ClassTag{}, "Sign") {
    static const OperatorSpec s = single_input("sign", "Sign", kTAll, kTFloat, true);
    init_single(*this, s, input);
}

Square::Square(Value input) : Model(ClassTag{}, "Square") {
    static const OperatorSpec s = single_input("square", "Square", kTAll, kTFloat, false);
    init_single(*this, s, input);
}

StableReciprocal::StableReciprocal(Value input, Value threshold)
    : Model(ClassTag{}, "StableReciprocal") {
    static const OperatorSpec s =
        make_spec("stable_reciprocal", "StableReciprocal", tkey("output", kTFloat, var("Var")),
                  {tkey("input", kTNum, var("Var")), tkey("threshold", kTAll, ShapeTemplate{})});
    init_operator(*this, s, {{"input", input}, {"threshold", scalar_tensor(threshold)}});
}

Floor::Floor(Value input) : Model(ClassTag{}, "Floor") {
    static const OperatorSpec s = single_input("floor", "Floor", kTAll, kTAll, true);
    init_single(*this, s, input);
}

// ---- activations (Mithril's Activation: input/output Tensor[int | float]) ----------

Relu::Relu(Value input) : Model(ClassTag{}, "Relu") {
    static const OperatorSpec s = single_input("relu", "Relu", kTNum, kTNum, true);
    init_single(*this, s, input);
}

LeakyRelu::LeakyRelu(Value slope, Value input) : Model(ClassTag{}, "LeakyRelu") {
    static const OperatorSpec s =
        make_spec("leaky_relu", "LeakyRelu", tkey("output", kTFloat, var("Var")),
                  {tkey("input", kTNum, var("Var")), key("slope", kInt | kFloat | kBool | kTAll)});
    init_operator(*this, s, {{"input", input}, {"slope", slope}});
}

Gelu::Gelu(Value approximate, Value input) : Model(ClassTag{}, "Gelu") {
    static const OperatorSpec s =
        make_spec("gelu", "Gelu", tkey("output", kTFloat, var("Var")),
                  {tkey("input", kTNum, var("Var")), key("approximate", kBool)});
    init_operator(*this, s, {{"input", input}, {"approximate", approximate}});
}

Sigmoid::Sigmoid(Value input) : Model(ClassTag{}, "Sigmoid") {
    static const OperatorSpec s = single_input("sigmoid", "Sigmoid", kTNum, kTFloat, false);
    init_single(*this, s, input);
}

Tanh::Tanh(Value input) : Model(ClassTag{}, "Tanh") {
    static const OperatorSpec s = single_input("tanh", "Tanh", kTNum, kTNum, false);
    init_single(*this, s, input);
}

Softplus::Softplus(Value input) : Model(ClassTag{}, "Softplus") {
    static const OperatorSpec s = single_input("softplus", "Softplus", kTNum, kTNum, false);
    init_single(*this, s, input);
}

Softmax::Softmax(Value input, Value axis) : Model(ClassTag{}, "Softmax") {
    static const OperatorSpec s =
        make_spec("softmax", "Softmax", tkey("output", kTFloat, var("Var")),
                  {tkey("input", kTNum, var("Var")), key("axis", kInt | kNone)});
    init_operator(*this, s, {{"input", input}, {"axis", axis}});
}

// ---- NaN handling and clamping ---------------------------------------------------------

IsNan::IsNan(Value input) : Model(ClassTag{}, "IsNan") {
    static const OperatorSpec s = [] {
        auto s = single_input("isnan", "IsNan", kTAll, kTBool, false);
        s.output_can_be_differentiable = false;
        return s;
    }();
    init_single(*this, s, input);
}

NanToNum::NanToNum(Value nan, Value posinf, Value neginf, Value input)
    : Model(ClassTag{}, "NanToNum") {
    static const OperatorSpec s =
        make_spec("nan_to_num", "NanToNum", tkey("output", kTAll, var("Var")),
                  {tkey("input", kTAll, var("Var")), key("nan", kFloat),
                   key("posinf", kFloat | kNone), key("neginf", kFloat | kNone)});
    init_operator(*this, s,
                  {{"input", input}, {"nan", nan}, {"posinf", posinf}, {"neginf", neginf}});
}

// clamp(input, min_val, max_val): bounds are scalars, scalar tensors or None.
Clamp::Clamp(Value input, Value min_val, Value max_val) : Model(ClassTag{}, "Clamp") {
    static const OperatorSpec s = [] {
        auto s = make_spec("clamp", "Clamp", tkey("output", kTAll, var("Var")),
                           {tkey("input", kTAll, var("Var")),
                            key("min_val", kInt | kFloat | kBool | kNone | kTAll),
                            key("max_val", kInt | kFloat | kBool | kNone | kTAll)});
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"min_val", min_val}, {"max_val", max_val}});
}

// ---- others -------------------------------------------------------------------------

StopGradient::StopGradient(Value input) : Model(ClassTag{}, "StopGradient") {
    static const OperatorSpec s = single_input("stop_gradient", "StopGradient", kTAll, kTAll, true);
    init_single(*this, s, input);
}

// Mithril's BufferOp: untyped identity, any value (tensor or scalar).
Buffer::Buffer(Value input) : Model(ClassTag{}, "Buffer") {
    static const OperatorSpec s = [] {
        auto s = make_spec("buffer", "Buffer", key("output", kAny), {key("input", kAny)});
        s.constraints.push_back(con("buffer_constraint", cs::buffer_constraint,
                                    {"output", "input"}, kShapeValue | cs::kType));
        return s;
    }();
    init_single(*this, s, input);
}

AtLeast1D::AtLeast1D(Value input) : Model(ClassTag{}, "AtLeast1D") {
    static const OperatorSpec s = [] {
        auto s = make_spec("atleast_1d", "AtLeast1D", tkey("output", kTAll, var("Var_out")),
                           {tkey("input", kTAll, var("Var_in"))});
        s.constraints.push_back(
            con("atleast_1d_constraints", cs::atleast_1d_constraints, {"output", "input"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_single(*this, s, input);
}

}  // namespace mithril

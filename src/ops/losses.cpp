// ops/losses.cpp — loss and metric primitives.
//
// Mirrors SupervisedLoss (SquaredError, AbsoluteError, HingeLoss,
// QuadHingeLoss), QuantileLoss, CrossEntropy, BinaryCrossEntropy,
// KLDivergence, AUCCore and Trapezoid (primitives.py). Mithril also attaches
// "safe shapes" ([N, ...]) to the supervised losses; those are a compile-time
// matter and are not part of the operator description.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

// SupervisedLoss: output/input/target tensors, broadcasting; the polymorphic
// ones add general_type_constraint(operator.add, is_bitwise=True).
OperatorSpec supervised(const char* fk, const char* cls, bool polymorphic) {
    KeySpec out = polymorphic ? tkey("output", kTAll)
                              : tkey("output", kTFloat, ShapeTemplate{"N", Variadic("Var")});
    auto s = make_spec(fk, cls, std::move(out), {tkey("input", kTAll), tkey("target", kTAll)});
    add_bcast(s, "input", "target");
    if (polymorphic)
        s.constraints.push_back(type_con(TypeRule::Arithmetic, true, {"output", "input", "target"}));
    return s;
}

Values it(const Value& input, const Value& target) {
    return {{"input", input}, {"target", target}};
}

}  // namespace

SquaredError::SquaredError(Value input, Value target) : Model(ClassTag{}, "SquaredError") {
    static const OperatorSpec s = supervised("squared_error", "SquaredError", true);
    init_operator(*this, s, it(input, target));
}

AbsoluteError::AbsoluteError(Value input, Value target) : Model(ClassTag{}, "AbsoluteError") {
    static const OperatorSpec s = supervised("absolute_error", "AbsoluteError", true);
    init_operator(*this, s, it(input, target));
}

HingeLoss::HingeLoss(Value input, Value target) : Model(ClassTag{}, "HingeLoss") {
    static const OperatorSpec s = supervised("hinge_loss", "HingeLoss", false);
    init_operator(*this, s, it(input, target));
}

QuadHingeLoss::QuadHingeLoss(Value input, Value target) : Model(ClassTag{}, "QuadHingeLoss") {
    static const OperatorSpec s = supervised("quad_hinge_loss", "QuadHingeLoss", false);
    init_operator(*this, s, it(input, target));
}

QuantileLoss::QuantileLoss(Value quantile, Value input, Value target)
    : Model(ClassTag{}, "QuantileLoss") {
    static const OperatorSpec s = [] {
        auto s = make_spec("quantile_loss", "QuantileLoss", tkey("output", kTNum),
                           {tkey("input", kTNum), tkey("target", kTNum),
                            tkey("quantile", kTNum, ShapeTemplate{})});
        add_bcast(s, "input", "target");
        // Mithril: general_type_constraint(fn=sum_fn, is_bitwise=True).
        s.constraints.push_back(
            type_con(TypeRule::Arithmetic, true, {"output", "input", "target", "quantile"}));
        return s;
    }();
    init_operator(*this, s,
                  {{"input", input}, {"target", target}, {"quantile", scalar_tensor(quantile)}});
}

CrossEntropy::CrossEntropy(std::string input_type, Value weights, Value input, Value target,
                           Value robust, Value threshold, Value categorical)
    : Model(ClassTag{}, "CrossEntropy") {
    Type weights_type = kList;
    Value final_weights = weights;
    if (weights.is_str()) {
        const std::string& w = weights.as_str();
        if (w != "" && w != "auto")
            throw ValueError("weights can only be set to 'auto' in string format, got " + w);
        final_weights = Value(w == "auto");
        weights_type = kBool;
    }
    const char* fk = nullptr;
    if (input_type == "logits") fk = "cross_entropy_with_logits";
    else if (input_type == "probs") fk = "cross_entropy";
    else if (input_type == "log_probs") fk = "cross_entropy_with_log_probs";
    else
        throw ValueError("Cross entropy does not support '" + input_type +
                         "' input type.  Available input types: 'logits', 'probs', and "
                         "'log_probs'.");
    const bool log_probs = input_type == "log_probs";
    std::vector<KeySpec> inputs{
        tkey("input", kTAll, ShapeTemplate{"N", "C", Variadic("Var")}),
        tkey("target", kTAll, ShapeTemplate{"N", Variadic("VarTarget")}),
        key("weights", weights_type), key("categorical", kBool)};
    if (!log_probs) {
        inputs.push_back(tkey("threshold", kTAll, ShapeTemplate{}));
        inputs.push_back(key("robust", kBool));
    }
    auto s = make_spec(fk, "CrossEntropy",
                       tkey("output", kTFloat, ShapeTemplate{"N", Variadic("Var")}),
                       std::move(inputs));
    s.constraints.push_back(con("cross_entropy_constraint", cs::cross_entropy_constraint,
                                {"categorical", "input", "target"}));
    Values v{{"input", input},
             {"target", target},
             {"weights", final_weights},
             {"categorical", categorical}};
    if (!log_probs) {
        v.emplace_back("threshold", scalar_tensor(threshold));
        v.emplace_back("robust", robust);
    }
    init_operator(*this, s, v);
}

BinaryCrossEntropy::BinaryCrossEntropy(std::string input_type, Value pos_weight, Value input,
                                       Value target, Value threshold, Value robust)
    : Model(ClassTag{}, "BinaryCrossEntropy") {
    if (pos_weight.is_str()) {
        if (pos_weight.as_str() != "auto")
            throw ValueError("pos_weight can only be set to 'auto' in string format, got {pos_weight}");
        pos_weight = Value(true);
    }
    Type pw_type = kAny;
    if (pos_weight.is_tbd() || pos_weight.is_none()) pw_type = kFloat | kBool;
    else if (pos_weight.is_bool()) pw_type = kBool;
    else if (pos_weight.is_int()) pw_type = kInt;
    else if (pos_weight.is_float()) pw_type = kFloat;
    const char* fk = nullptr;
    if (input_type == "logits") fk = "binary_cross_entropy_with_logits";
    else if (input_type == "probs") fk = "binary_cross_entropy";
    else {
        const std::string pad(29, ' ');
        throw ValueError("Binary Cross Entropy does not support " + pad + "'" + input_type +
                         "' input type. Available    " + pad +
                         "input types: 'logits' and 'probs'.");
    }
    auto s = make_spec(fk, "BinaryCrossEntropy", tkey("output", kTFloat, var("Var_out")),
                       {tkey("input", kTNum, var("Var_out")), tkey("target", kTNum, var("Var_out")),
                        key("pos_weight", pw_type), key("threshold", kAny),
                        key("robust", kBool)});
    add_bcast(s, "input", "target");
    init_operator(*this, s,
                  {{"input", input},
                   {"target", target},
                   {"pos_weight", pos_weight},
                   {"threshold", threshold},
                   {"robust", robust}});
}

KLDivergence::KLDivergence(Value input, Value target, Value threshold)
    : Model(ClassTag{}, "KLDivergence") {
    static const OperatorSpec s = [] {
        auto s = make_spec("kl_divergence", "KLDivergence", tkey("output", kTFloat),
                           {tkey("input", kTNum), tkey("target", kTNum),
                            tkey("threshold", kTFloat, ShapeTemplate{})});
        add_bcast(s, "input", "target");
        return s;
    }();
    init_operator(*this, s,
                  {{"input", input}, {"target", target}, {"threshold", scalar_tensor(threshold)}});
}

AUCCore::AUCCore(Value input, Value label) : Model(ClassTag{}, "AUCCore") {
    static const OperatorSpec s =
        make_spec("auc_core", "AUCCore", tkey("output", kTFloat, ShapeTemplate{2, "M"}),
                  {tkey("input", kTFloat, ShapeTemplate{"N"}),
                   tkey("label", kTBool, ShapeTemplate{"N"})});
    init_operator(*this, s, {{"input", input}, {"label", label}});
}

// Keys y, x (Mithril's order); both share the template [("Var", ...)].
Trapezoid::Trapezoid(Value x, Value y) : Model(ClassTag{}, "Trapezoid") {
    static const OperatorSpec s =
        make_spec("trapezoid", "Trapezoid", tkey("output", kTAll, ShapeTemplate{}),
                  {tkey("y", kTAll, var("Var")), tkey("x", kTAll, var("Var"))});
    init_operator(*this, s, {{"y", y}, {"x", x}});
}

}  // namespace mithril

// ops/linalg.cpp — matrix multiplication and the linear-algebra helpers.
//
// Mirrors MatrixMultiplyOp (operators.py) and Cholesky, Eigvalsh,
// TransposedDiagonal, GPRAlpha, GPRVOuter, DistanceMatrix,
// CartesianDifference, PolynomialFeatures, NormModifier and TsnePJoint
// (primitives.py), with their fixed shape templates.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

MatrixMultiply::MatrixMultiply(Value left, Value right) : Model(ClassTag{}, "MatrixMultiply") {
    static const OperatorSpec s = [] {
        auto s = make_spec("matrix_multiplication", "MatrixMultiply",
                           tkey("output", kTNum, ShapeTemplate{Variadic("Var3"), "x", "z"}),
                           {tkey("left", kTNum, ShapeTemplate{Variadic("Var1"), "x", "y"}),
                            tkey("right", kTNum, ShapeTemplate{Variadic("Var2"), "y", "z"})});
        s.constraints.push_back(
            con("bcast_matrix_mult", cs::bcast_matrix_mult, {"output", "left", "right"}));
        s.constraints.push_back(con("bcast_mat_mul_check", cs::bcast_mat_mul_check,
                                    {"output", "left", "right"}, kShapeValue, {0}));
        s.constraints.push_back(type_con(TypeRule::Arithmetic, false, {"output", "left", "right"}));
        return s;
    }();
    init_operator(*this, s, {{"left", left}, {"right", right}});
}

Cholesky::Cholesky(Value input) : Model(ClassTag{}, "Cholesky") {
    static const OperatorSpec s =
        make_spec("cholesky", "Cholesky", tkey("output", kTFloat, ShapeTemplate{"N", "N"}),
                  {tkey("input", kTFloat, ShapeTemplate{"N", "N"})});
    init_operator(*this, s, {{"input", input}});
}

Eigvalsh::Eigvalsh(Value K_term, Value L, Value threshold) : Model(ClassTag{}, "Eigvalsh") {
    static const OperatorSpec s =
        make_spec("eigvalsh", "Eigvalsh", tkey("output", kTFloat, ShapeTemplate{"N", 1}),
                  {tkey("K_term", kTFloat, ShapeTemplate{"N", "N"}),
                   tkey("L", kTFloat, ShapeTemplate{"N", "N"}),
                   tkey("threshold", kTFloat, ShapeTemplate{})});
    init_operator(*this, s, {{"K_term", K_term}, {"L", L}, {"threshold", scalar_tensor(threshold)}});
}

TransposedDiagonal::TransposedDiagonal(Value input) : Model(ClassTag{}, "TransposedDiagonal") {
    static const OperatorSpec s = [] {
        auto s = make_spec("transposed_diag", "TransposedDiagonal",
                           tkey("output", kTAll, ShapeTemplate{"N", 1}),
                           {tkey("input", kTAll, ShapeTemplate{"N", "N"})});
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

GPRAlpha::GPRAlpha(Value label_mu_diff, Value L, Value K_term) : Model(ClassTag{}, "GPRAlpha") {
    static const OperatorSpec s =
        make_spec("gpr_alpha", "GPRAlpha", tkey("output", kTFloat, ShapeTemplate{"N", 1}),
                  {tkey("label_mu_diff", kTFloat, ShapeTemplate{"N", 1}),
                   tkey("L", kTFloat, ShapeTemplate{"N", "N"}),
                   tkey("K_term", kTFloat, ShapeTemplate{"N", "N"})});
    init_operator(*this, s, {{"label_mu_diff", label_mu_diff}, {"L", L}, {"K_term", K_term}});
}

GPRVOuter::GPRVOuter(Value K, Value K_term, Value L) : Model(ClassTag{}, "GPRVOuter") {
    static const OperatorSpec s =
        make_spec("gpr_v_outer", "GPRVOuter", tkey("output", kTFloat, ShapeTemplate{"N", "N"}),
                  {tkey("K", kTAll, ShapeTemplate{"N", "N"}),
                   tkey("K_term", kTAll, ShapeTemplate{"N", "N"}),
                   tkey("L", kTAll, ShapeTemplate{"N", "N"})});
    init_operator(*this, s, {{"K", K}, {"K_term", K_term}, {"L", L}});
}

// Mithril: general_type_constraint(fn=distance_matrix_const) over
// (output, left, right, norm); arithmetic result types.
DistanceMatrix::DistanceMatrix(Value left, Value right) : Model(ClassTag{}, "DistanceMatrix") {
    static const OperatorSpec s = [] {
        auto s = make_spec("distance_matrix", "DistanceMatrix",
                           tkey("output", kTNum, ShapeTemplate{"N", "M"}),
                           {tkey("left", kTNum, ShapeTemplate{"N", "d"}),
                            tkey("right", kTNum, ShapeTemplate{"M", "d"}),
                            tkey("norm", kTAll, ShapeTemplate{})});
        s.constraints.push_back(
            type_con(TypeRule::Arithmetic, false, {"output", "left", "right", "norm"}));
        return s;
    }();
    init_operator(*this, s, {{"left", left}, {"right", right}});
    set_canonical_inputs(*this, {"left", "right"});
}

CartesianDifference::CartesianDifference(Value left, Value right)
    : Model(ClassTag{}, "CartesianDifference") {
    static const OperatorSpec s = [] {
        auto s = make_spec("cartesian_diff", "CartesianDifference",
                           tkey("output", kTAll, ShapeTemplate{"N", "M", "dim"}),
                           {tkey("left", kTNum, ShapeTemplate{"N", "dim"}),
                            tkey("right", kTNum, ShapeTemplate{"M", "dim"})});
        s.constraints.push_back(type_con(TypeRule::Arithmetic, false, {"output", "left", "right"}));
        return s;
    }();
    init_operator(*this, s, {{"left", left}, {"right", right}});
}

PolynomialFeatures::PolynomialFeatures(Value degree, Value input)
    : Model(ClassTag{}, "PolynomialFeatures") {
    static const OperatorSpec s = [] {
        auto s = make_spec("polynomial_features", "PolynomialFeatures",
                           tkey("output", kTNum, ShapeTemplate{"N", "d_out"}),
                           {tkey("input", kTNum, ShapeTemplate{"N", "d_in"}), key("degree", kInt)});
        s.constraints.push_back(con("polynomial_features_constraints",
                                    cs::polynomial_features_constraints,
                                    {"output", "input", "degree"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"degree", degree}});
}

NormModifier::NormModifier(Value input) : Model(ClassTag{}, "NormModifier") {
    static const OperatorSpec s =
        make_spec("norm_modifier", "NormModifier", tkey("output", kTAll, ShapeTemplate{}),
                  {tkey("input", kTFloat, ShapeTemplate{})});
    init_operator(*this, s, {{"input", input}});
}

TsnePJoint::TsnePJoint(Value squared_distances, Value target_perplexity, Value threshold)
    : Model(ClassTag{}, "TsnePJoint") {
    static const OperatorSpec s =
        make_spec("tsne_p_joint", "TsnePJoint", tkey("output", kTFloat, ShapeTemplate{"N", "M"}),
                  {tkey("squared_distances", kTFloat, ShapeTemplate{"N", "M"}),
                   tkey("target_perplexity", kTFloat, ShapeTemplate{}),
                   tkey("threshold", kTFloat, ShapeTemplate{})});
    init_operator(*this, s,
                  {{"squared_distances", squared_distances},
                   {"target_perplexity", scalar_tensor(target_perplexity)},
                   {"threshold", scalar_tensor(threshold)}});
}

}  // namespace mithril

// models/kernels_regularizers.cpp — L1, L2, QuadraticFormRegularizer, RBFKernel,
// PolynomialKernel.
//
// Mirrors the classes of the same names in synnada-ai/mithril:
// mithril/models/models.py (same submodels, order, keys and templates).
// PolynomialKernel's extra polynomial_kernel_constraint (a shape check on
// poly_coef/degree) is not registered: the Power/Add broadcasting
// constraints already relate those keys.
#include "constraints/solver.hpp"
#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

L1::L1(Value input) : Model(ClassTag{}, "L1") {
    Connection a = attach(*this, Absolute(), {{"input", named("input", input)}});
    attach(*this, Sum(), {{"input", a}, {"output", named("output")}});
    set_cin({"input"});
    set_cout({"output"});
    expose_keys({"output"});
    finish_library_model();
}

L2::L2(Value input) : Model(ClassTag{}, "L2") {
    Connection sq = attach(*this, Square(), {{"input", named("input", input)}});
    Connection s = attach(*this, Sum(), {{"input", sq}});
    attach(*this, Multiply(),
           {{"left", s}, {"right", scalar_tensor(0.5)}, {"output", named("output")}});
    set_cin({"input"});
    set_cout({"output"});
    expose_keys({"output"});
    finish_library_model();
}

QuadraticFormRegularizer::QuadraticFormRegularizer(Value input, Value kernel)
    : Model(ClassTag{}, "QuadraticFormRegularizer") {
    Transpose transpose;
    Connection t = attach(*this, transpose, {{"input", named("input", input)}});
    Connection d1 = attach(*this, MatrixMultiply(),
                           {{"left", "input"}, {"right", named("kernel", kernel)}});
    Connection d2 = attach(*this, MatrixMultiply(), {{"left", d1}, {"right", t}});
    attach(*this, Multiply(),
           {{"left", d2}, {"right", scalar_tensor(0.5)}, {"output", named("output")}});
    set_shapes({{"input", {1, "N"}}, {"kernel", {"N", "N"}}});
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

RBFKernel::RBFKernel(Value input1, Value input2, Value l_scale, Value sigma)
    : Model(ClassTag{}, "RBFKernel") {
    Connection diff = attach(*this, CartesianDifference(),
                             {{"left", named("input1", input1)}, {"right", named("input2", input2)}});
    Connection sq1 = attach(*this, Square(), {{"input", diff}});
    Connection s = attach(*this, Sum(2), {{"input", sq1}});
    Connection m1 = attach(*this, Multiply(), {{"left", s}, {"right", -0.5}});
    Connection sq2 = attach(*this, Square(), {{"input", named("sigma", sigma)}});
    Connection dv = attach(*this, Divide(), {{"numerator", m1}, {"denominator", sq2}});
    Connection ex = attach(*this, Exponential(), {{"input", dv}});
    Connection l2 =
        attach(*this, Multiply(), {{"left", named("l_scale", l_scale)}, {"right", "l_scale"}});
    attach(*this, Multiply(), {{"left", l2}, {"right", ex}, {"output", named("output")}});
    set_shapes({{"input1", {"N", "dim"}},
                {"input2", {"M", "dim"}},
                {"l_scale", {1}},
                {"sigma", {1}},
                {"output", {"N", "M"}}});
    set_cin({"input1", "input2"});
    expose_keys({"output"});
    finish_library_model();
}

PolynomialKernel::PolynomialKernel(bool robust, Value input1, Value input2, Value poly_coef,
                                   Value degree)
    : Model(ClassTag{}, "PolynomialKernel") {
    Connection t = attach(*this, Transpose(), {{"input", named("input2", input2)}});
    Connection mm =
        attach(*this, MatrixMultiply(), {{"left", named("input1", input1)}, {"right", t}});
    Connection sum =
        attach(*this, Add(), {{"left", mm}, {"right", named("poly_coef", poly_coef)}});
    attach(*this, Power(robust),
           {{"base", sum}, {"exponent", named("degree", degree)}, {"output", named("output")}});
    set_shapes({{"input1", {"N", "d"}}, {"input2", {"M", "d"}}, {"output", {"N", "M"}}});
    // Mithril's polynomial_kernel_constraint: poly_coef and degree are
    // scalars; once either is known to be a Tensor it is a 0-d one.
    add_constraint(
        [](constraints::ConstraintContext& c) {
            bool solved = true;
            for (size_t i = 0; i < c.arity(); ++i) {
                if (c.type(i).is_tensor()) c.set_shape(i, constraints::ShapeRepr(std::vector<constraints::Dim>{}));
                else if (c.type(i).may_be_tensor()) solved = false;
            }
            return solved;
        },
        {"poly_coef", "degree"}, "polynomial_kernel_constraint");
    expose_keys({"output"});
    finish_library_model();
}

}  // namespace mithril

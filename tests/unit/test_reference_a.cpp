// test_reference_a.cpp — reference backend kernels, part A: the shared helpers
// (tensor_ops), elementwise, binary, reduction, layout and indexing kernels. Expected
// values are computed by hand (or from the NumPy formula written out in the test), in
// float64 and float32, with NumPy's dtype and broadcasting rules.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "backends/reference/tensor_ops.hpp"
#include "mithril/errors.hpp"

using namespace mithril;
using namespace mithril::reference;

namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

Value run(const std::string& key, std::vector<Value> in, Dtype float_dtype = Dtype::float64) {
    const ForwardKernel* k = find_forward(key);
    INFO("formula key " << key);
    REQUIRE(k != nullptr);
    return (*k)(in, KernelContext{float_dtype});
}

Value T(NestedList v) { return Value(Tensor(std::move(v))); }
Value T32(NestedList v) { return Value(Tensor(std::move(v)).astype(Dtype::float32)); }

// The result is a tensor of `dt` and `shape` whose elements equal `expected` (NaN matches
// NaN) within `tol`.
void check(const Value& v, Dtype dt, const Shape& shape, const std::vector<double>& expected,
           double tol = 0.0) {
    REQUIRE(v.is_tensor());
    const Tensor& t = v.as_tensor();
    CHECK(t.dtype() == dt);
    REQUIRE(t.shape() == shape);
    REQUIRE(static_cast<std::size_t>(t.numel()) == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("element " << i << ": got " << t.at_double(i) << ", expected " << expected[i]);
        if (std::isnan(expected[i]))
            CHECK(std::isnan(t.at_double(i)));
        else if (tol == 0.0)
            CHECK(t.at_double(i) == expected[i]);
        else
            CHECK(std::fabs(t.at_double(i) - expected[i]) <= tol);
    }
}

double f32(double x) { return static_cast<double>(static_cast<float>(x)); }

}  // namespace

// ---- helpers and registry ----------------------------------------------------------------

TEST_CASE("reference: registry holds the part-A formula keys", "[reference]") {
    const std::vector<std::string> keys = {"abs",
                                           "negate",
                                           "exp",
                                           "log",
                                           "robust_log",
                                           "sqrt",
                                           "robust_sqrt",
                                           "sin",
                                           "cos",
                                           "sign",
                                           "square",
                                           "stable_reciprocal",
                                           "floor",
                                           "relu",
                                           "leaky_relu",
                                           "gelu",
                                           "sigmoid",
                                           "tanh",
                                           "softplus",
                                           "softmax",
                                           "isnan",
                                           "nan_to_num",
                                           "clamp",
                                           "stop_gradient",
                                           "buffer",
                                           "atleast_1d",
                                           "norm_modifier",
                                           "add",
                                           "subtract",
                                           "multiplication",
                                           "divide",
                                           "floor_divide",
                                           "power",
                                           "robust_power",
                                           "minimum",
                                           "maximum",
                                           "shift_left",
                                           "shift_right",
                                           "greater",
                                           "greater_equal",
                                           "less",
                                           "less_equal",
                                           "equal",
                                           "not_equal",
                                           "logical_not",
                                           "logical_and",
                                           "logical_or",
                                           "logical_xor",
                                           "reduce_sum",
                                           "reduce_mean",
                                           "reduce_max",
                                           "reduce_min",
                                           "reduce_prod",
                                           "variance",
                                           "reduce_argmax",
                                           "reduce_argmin",
                                           "reshape",
                                           "transpose",
                                           "swapaxes",
                                           "permute_tensor",
                                           "flatten",
                                           "squeeze",
                                           "broadcast_to",
                                           "concat",
                                           "pad",
                                           "where",
                                           "shape",
                                           "size",
                                           "length",
                                           "dtype",
                                           "cast",
                                           "split",
                                           "indexer",
                                           "primitive_slice",
                                           "primitive_embedding",
                                           "unique",
                                           "to_tuple",
                                           "to_list",
                                           "union",
                                           "to_tensor",
                                           "tensor_to_list",
                                           "item",
                                           "padding_converter_1d",
                                           "padding_converter_2d",
                                           "stride_converter",
                                           "tuple_converter"};
    CHECK(keys.size() == 86);
    for (const auto& k : keys) {
        INFO(k);
        CHECK(find_forward(k) != nullptr);
    }
    CHECK(find_forward("no_such_op") == nullptr);
    CHECK_THROWS_AS(register_forward("abs", ForwardKernel{}), InternalError);
}

TEST_CASE("reference: constant_value follows FORMAT.md 1.6", "[reference]") {
    CHECK(constant_value(Constant::EPSILON, Dtype::float64) == std::ldexp(1.0, -52));
    CHECK(constant_value(Constant::LEFT_EPSILON, Dtype::float64) == std::ldexp(1.0, -53));
    CHECK(constant_value(Constant::MIN_POSITIVE_NORMAL, Dtype::float64) ==
          std::numeric_limits<double>::min());
    CHECK(constant_value(Constant::MIN_POSITIVE_SUBNORMAL, Dtype::float64) ==
          std::numeric_limits<double>::denorm_min());
    CHECK(constant_value(Constant::STABLE_RECIPROCAL_THRESHOLD, Dtype::float64) ==
          1.4916681462400413e-153);
    CHECK(static_cast<float>(constant_value(Constant::EPSILON, Dtype::float32)) ==
          std::numeric_limits<float>::epsilon());
    CHECK(static_cast<float>(constant_value(Constant::MIN_POSITIVE_NORMAL, Dtype::float32)) ==
          std::numeric_limits<float>::min());
    CHECK(static_cast<float>(constant_value(Constant::MIN_POSITIVE_SUBNORMAL, Dtype::float32)) ==
          std::numeric_limits<float>::denorm_min());
    CHECK(constant_value(Constant::STABLE_RECIPROCAL_THRESHOLD, Dtype::float32) ==
          1.0842021951e-19);
    CHECK(constant_value(Constant::ZEROS, Dtype::float32) == 0.0);
    CHECK(constant_value(Constant::ONES, Dtype::float64) == 1.0);
}

TEST_CASE("reference: tensor_ops shapes, promotion and pairwise sums", "[reference]") {
    CHECK(broadcast_shapes(Shape{2, 1}, Shape{3}, "t") == Shape{2, 3});
    CHECK(broadcast_shapes({Shape{}, Shape{4, 1, 1}, Shape{5, 1}}, "t") == Shape{4, 5, 1});
    CHECK_THROWS_AS(broadcast_shapes(Shape{2}, Shape{3}, "t"), ValueError);
    CHECK(broadcast_index_map({2, 1}, {2, 3}) == std::vector<std::int64_t>{0, 0, 0, 1, 1, 1});
    CHECK(broadcast_index_map({3}, {2, 3}) == std::vector<std::int64_t>{0, 1, 2, 0, 1, 2});
    CHECK(row_major_strides({2, 3, 4}) == Shape{12, 4, 1});
    CHECK(normalize_axis(-1, 3, "t") == 2);
    CHECK_THROWS_AS(normalize_axis(3, 3, "t"), ValueError);
    CHECK(parse_axes(Value{-1, 0}, 3, "t") == std::vector<std::int64_t>{0, 2});
    CHECK(parse_axes(None, 2, "t") == std::vector<std::int64_t>{0, 1});
    CHECK_THROWS_AS(parse_axes(Value{1, -1}, 2, "t"), ValueError);
    CHECK(reduced_shape({2, 3, 4}, {1}, false) == Shape{2, 4});
    CHECK(reduced_shape({2, 3, 4}, {0, 2}, true) == Shape{1, 3, 1});
    CHECK(reduce_index_map({2, 3}, {0}) == std::vector<std::int64_t>{0, 1, 2, 0, 1, 2});

    CHECK(promote_types(Dtype::int64, Dtype::float32) == Dtype::float32);
    CHECK(promote_types(Dtype::float32, Dtype::float64) == Dtype::float64);
    CHECK(promote_types(Dtype::bool_, Dtype::int64) == Dtype::int64);
    const KernelContext c32{Dtype::float32};
    const Operand f32t{Tensor({1.0}).astype(Dtype::float32), false};
    const Operand i64t{Tensor({1}), false};
    CHECK(result_dtype({f32t, to_operand(Value(2.5), c32, "t")}, c32) == Dtype::float32);
    CHECK(result_dtype({i64t, to_operand(Value(2.5), KernelContext{}, "t")}, KernelContext{}) ==
          Dtype::float64);
    CHECK(result_dtype({i64t, to_operand(Value(2), c32, "t")}, c32) == Dtype::int64);
    CHECK(result_dtype({f32t, Operand{Tensor({1.0}), false}}, c32) == Dtype::float64);
    CHECK(to_tensor(Value(Constant::EPSILON), c32, "t").dtype() == Dtype::float32);
    CHECK_THROWS_AS(to_operand(Value("x"), c32, "t"), TypeError);

    // Pairwise summation: 8 accumulators, then the tail (NumPy's order, not left-to-right).
    std::vector<double> v{1e16, 1, 1, 1, 1, 1, 1, 1, 1};
    const double expected = (((1e16 + 1.0) + (1.0 + 1.0)) + ((1.0 + 1.0) + (1.0 + 1.0))) + 1.0;
    CHECK(pairwise_sum(v.data(), 9) == expected);
    CHECK(pairwise_sum(v.data(), 3) == (1e16 + 1.0) + 1.0);
    std::vector<double> many(1000, 0.1);
    CHECK(std::fabs(pairwise_sum(many.data(), 1000) - 100.0) < 1e-12);

    CHECK(np_floor_divide(7.5, 2.0) == 3.0);
    CHECK(np_floor_divide(-7.5, 2.0) == -4.0);
    CHECK(np_remainder(-1.0, 8.0) == 7.0);
    CHECK(np_remainder(1.0, -8.0) == -7.0);
    CHECK(int_floor_divide(-7, 2) == -4);
    CHECK(int_floor_divide(7, 0) == 0);
    CHECK(int_remainder(-7, 2) == 1);
}

// ---- elementwise ----------------------------------------------------------------------------

TEST_CASE("reference: abs, negate, sign, square, floor keep the dtype", "[reference]") {
    check(run("abs", {T({-1.5, 2.0, -0.0})}), Dtype::float64, {3}, {1.5, 2.0, 0.0});
    check(run("abs", {T({-3, 4})}), Dtype::int64, {2}, {3, 4});
    check(run("abs", {T32({-1.25})}), Dtype::float32, {1}, {1.25});
    check(run("negate", {T({1, -2})}), Dtype::int64, {2}, {-1, 2});
    check(run("negate", {T({0.5})}), Dtype::float64, {1}, {-0.5});
    CHECK_THROWS_AS(run("negate", {T({true})}), TypeError);
    check(run("sign", {T({-2.5, 0.0, 3.0, kNan})}), Dtype::float64, {4}, {-1, 0, 1, kNan});
    check(run("sign", {T({-7, 0, 9})}), Dtype::int64, {3}, {-1, 0, 1});
    check(run("square", {T({1.5, -2.0})}), Dtype::float64, {2}, {2.25, 4.0});
    check(run("square", {T({3})}), Dtype::int64, {1}, {9});
    check(run("floor", {T({1.5, -1.5, 2.0})}), Dtype::float64, {3}, {1, -2, 2});
    check(run("floor", {T({-3})}), Dtype::int64, {1}, {-3});
}

TEST_CASE("reference: float unary math in the input precision", "[reference]") {
    const std::vector<double> x{0.25, 1.0, 2.5};
    SECTION("float64") {
        check(run("exp", {T({0.25, 1.0, 2.5})}), Dtype::float64, {3},
              {std::exp(x[0]), std::exp(x[1]), std::exp(x[2])});
        check(run("log", {T({0.25, 1.0, 2.5})}), Dtype::float64, {3},
              {std::log(x[0]), 0.0, std::log(x[2])});
        check(run("sqrt", {T({0.25, 1.0, 2.5})}), Dtype::float64, {3}, {0.5, 1.0, std::sqrt(2.5)});
        check(run("sin", {T({0.25, 1.0, 2.5})}), Dtype::float64, {3},
              {std::sin(x[0]), std::sin(x[1]), std::sin(x[2])});
        check(run("cos", {T({0.25})}), Dtype::float64, {1}, {std::cos(0.25)});
        check(run("tanh", {T({0.25})}), Dtype::float64, {1}, {std::tanh(0.25)});
        check(run("log", {T({0.0, -1.0})}), Dtype::float64, {2}, {-kInf, kNan});
    }
    SECTION("float32 stays float32 and is computed in float") {
        check(run("exp", {T32({0.25, 1.0, 2.5})}), Dtype::float32, {3},
              {std::exp(0.25f), std::exp(1.0f), std::exp(2.5f)});
        check(run("sin", {T32({2.5})}), Dtype::float32, {1}, {std::sin(2.5f)});
    }
    SECTION("integer inputs give the backend float dtype") {
        check(run("exp", {T({0, 1})}), Dtype::float64, {2}, {1.0, std::exp(1.0)});
        check(run("sqrt", {T({4})}, Dtype::float32), Dtype::float32, {1}, {2.0});
        check(run("tanh", {T({1})}, Dtype::float32), Dtype::float32, {1}, {std::tanh(1.0f)});
    }
}

TEST_CASE("reference: robust log / sqrt and stable reciprocal follow NumPy's branches",
          "[reference]") {
    const double thr = std::numeric_limits<double>::min();
    const Value thr_c = Value(Constant::MIN_POSITIVE_NORMAL);
    check(run("robust_log", {T({0.0, -2.0, 1e-310, 3.0}), thr_c}), Dtype::float64, {4},
          {std::log(thr) + 0.0 / thr - 1.0, std::log(2.0), std::log(thr) + 1e-310 / thr - 1.0,
           std::log(3.0)});
    check(run("robust_log", {T({0.0}), T(1e-3)}), Dtype::float64, {1}, {std::log(1e-3) - 1.0});
    check(run("robust_sqrt", {T({4.0, -9.0, 0.0, 1e-310}), thr_c}), Dtype::float64, {4},
          {2.0, 3.0, 0.0, 1e-310 * (1.0 / std::sqrt(thr))});
    const double srt = 1.4916681462400413e-153;
    const Value srt_c = Value(Constant::STABLE_RECIPROCAL_THRESHOLD);
    check(run("stable_reciprocal", {T({2.0, -4.0, 0.0, 1e-160, -1e-160}), srt_c}), Dtype::float64,
          {5},
          {0.5, -0.25, (0.0 + (1.0 - 0.0)) * 2 * (1.0 / srt) + (-0.0 / (srt * srt)),
           (1.0 + (1.0 - 1.0)) * 2 * (1.0 / srt) + (-1e-160 / (srt * srt)),
           (-1.0 + (1.0 - 1.0)) * 2 * (1.0 / srt) + (1e-160 / (srt * srt))});
    // float32: the threshold constant at float32 precision.
    const float thr32 = std::numeric_limits<float>::min();
    check(run("robust_log", {T32({0.0, 4.0}), thr_c}, Dtype::float32), Dtype::float32, {2},
          {std::log(thr32) + 0.0f / thr32 - 1.0f, std::log(4.0f)});
}

TEST_CASE("reference: activations", "[reference]") {
    check(run("relu", {T({-1.0, 0.0, 2.0, kNan})}), Dtype::float64, {4}, {0, 0, 2, kNan});
    check(run("relu", {T({-3, 5})}), Dtype::int64, {2}, {0, 5});
    check(run("leaky_relu", {T({-2.0, 3.0}), Value(0.1)}), Dtype::float64, {2}, {-2.0 * 0.1, 3.0});
    check(run("leaky_relu", {T32({-2.0, 3.0}), Value(0.1)}, Dtype::float32), Dtype::float32, {2},
          {f32(0.1f * -2.0f), 3.0});
    check(run("leaky_relu", {T({-2.0}), T(0.5)}), Dtype::float64, {1}, {-1.0});

    // gelu(1) = Phi(1) = 0.8413447460685429...; gelu(-1) = -(1 - Phi(1)).
    check(run("gelu", {T({1.0, -1.0, 0.0}), Value(false)}), Dtype::float64, {3},
          {0.8413447460685429, -0.15865525393145707, 0.0}, 1e-16);
    const double c = std::sqrt(2.0 / 3.141592653589793);
    auto approx = [&](double x) {
        return 0.5 * x * (1 + std::tanh(c * (x + 0.044715 * std::pow(x, 3.0))));
    };
    check(run("gelu", {T({1.0, -0.5}), Value(true)}), Dtype::float64, {2},
          {approx(1.0), approx(-0.5)});
    check(run("gelu", {T32({1.0}), Value(false)}, Dtype::float32), Dtype::float32, {1},
          {f32(0.8413447460685429)});

    check(run("sigmoid", {T({0.0, 2.0, -30.0, -800.0})}), Dtype::float64, {4},
          {0.5, 1.0 / (1.0 + std::exp(-2.0)), std::exp(-30.0) / (1.0 + std::exp(-30.0)), 0.0});
    check(run("sigmoid", {T32({2.0})}, Dtype::float32), Dtype::float32, {1},
          {1.0f / (1.0f + std::exp(-2.0f))});
    check(run("softplus", {T({0.0, 1.0, -1000.0, 1000.0})}), Dtype::float64, {4},
          {std::log(2.0), std::log1p(std::exp(-1.0)) + 1.0, 0.0, 1000.0});

    const double e2 = std::exp(-2.0), e1 = std::exp(-1.0), s = (e2 + e1) + 1.0;
    check(run("softmax", {T({{1.0, 2.0, 3.0}, {1.0, 1.0, 1.0}}), Value(-1)}), Dtype::float64,
          {2, 3}, {e2 / s, e1 / s, 1.0 / s, 1.0 / 3, 1.0 / 3, 1.0 / 3});
    const double a = std::exp(-1.0), z = a + 1.0;
    check(run("softmax", {T({{1.0, 2.0}, {2.0, 2.0}}), Value(0)}), Dtype::float64, {2, 2},
          {a / z, 0.5, 1.0 / z, 0.5});
    check(run("softmax", {T({1.0, 1.0}), None}), Dtype::float64, {2}, {0.5, 0.5});
}

TEST_CASE("reference: isnan, nan_to_num, clamp", "[reference]") {
    check(run("isnan", {T({kNan, 1.0})}), Dtype::bool_, {2}, {1, 0});
    check(run("isnan", {T({1, 2})}), Dtype::bool_, {2}, {0, 0});
    check(run("nan_to_num", {T({kNan, kInf, -kInf, 1.0}), Value(0.0), None, Value(-5.0)}),
          Dtype::float64, {4}, {0.0, std::numeric_limits<double>::max(), -5.0, 1.0});
    check(run("nan_to_num", {T32({kInf}), Value(1.0), None, None}, Dtype::float32), Dtype::float32,
          {1}, {std::numeric_limits<float>::max()});
    check(run("clamp", {T({-2.0, 0.5, 3.0}), Value(-1.0), Value(1.0)}), Dtype::float64, {3},
          {-1.0, 0.5, 1.0});
    check(run("clamp", {T({-2.0, 3.0}), None, Value(1)}), Dtype::float64, {2}, {-2.0, 1.0});
    check(run("clamp", {T({-2, 3}), Value(0), None}), Dtype::int64, {2}, {0, 3});
    check(run("clamp", {T32({-2.0}), Value(0.5), None}, Dtype::float32), Dtype::float32, {1},
          {0.5});
}

TEST_CASE("reference: identity ops, atleast_1d, norm_modifier", "[reference]") {
    check(run("stop_gradient", {T({1.0, 2.0})}), Dtype::float64, {2}, {1.0, 2.0});
    CHECK(run("buffer", {Value{1, 2}}) == Value{1, 2});
    check(run("atleast_1d", {Value(Tensor::scalar(3.0))}), Dtype::float64, {1}, {3.0});
    check(run("atleast_1d", {T({{1, 2}})}), Dtype::int64, {1, 2}, {1, 2});
    check(run("norm_modifier", {T({1.0, 5.0, 3.0, -1.0, 9.0, 2.5})}), Dtype::float64, {6},
          {1.0, 5.0, 3.0, 3.0, 1.0, 4.0 * (1.0 - 2.0 * std::fabs(1.5 / 8 - 0.5)) + 1.0});
}

// ---- binary ---------------------------------------------------------------------------------

TEST_CASE("reference: add / subtract / multiply broadcast and promote", "[reference]") {
    check(run("add", {T({{1}, {2}}), T({10, 20, 30})}), Dtype::int64, {2, 3},
          {11, 21, 31, 12, 22, 32});
    check(run("add", {T32({1.5}), Value(2.25)}, Dtype::float32), Dtype::float32, {1}, {3.75});
    check(run("add", {T({1, 2}), Value(0.5)}, Dtype::float32), Dtype::float32, {2}, {1.5, 2.5});
    check(run("add", {T({1, 2}), Value(0.5)}), Dtype::float64, {2}, {1.5, 2.5});
    check(run("add", {T32({1.0}), T({0.5})}), Dtype::float64, {1}, {1.5});
    check(run("add", {T({true, false}), T({true, false})}), Dtype::bool_, {2}, {1, 0});
    check(run("add", {T({1.0}), Value(Constant::EPSILON)}), Dtype::float64, {1},
          {1.0 + std::ldexp(1.0, -52)});
    CHECK_THROWS_AS(run("add", {T({1, 2}), T({1, 2, 3})}), ValueError);
    SECTION("Python numbers follow Python") {
        CHECK(run("add", {Value(2), Value(3)}) == Value(5));
        CHECK(run("add", {Value(true), Value(true)}) == Value(2));
        CHECK(run("add", {Value(2), Value(0.5)}, Dtype::float32) == Value(2.5));
        CHECK(run("multiplication", {Value(3), Value(4)}) == Value(12));
        CHECK(run("subtract", {Value(3), Value(4.5)}) == Value(-1.5));
    }
    check(run("subtract", {T({5.0, 1.0}), T(2.0)}), Dtype::float64, {2}, {3.0, -1.0});
    CHECK_THROWS_AS(run("subtract", {T({true}), T({false})}), TypeError);
    check(run("multiplication", {T({{1.0, 2.0}}), T({{3.0}, {4.0}})}), Dtype::float64, {2, 2},
          {3, 6, 4, 8});
    check(run("multiplication", {T({true, true}), T({true, false})}), Dtype::bool_, {2}, {1, 0});
}

TEST_CASE("reference: divide and floor_divide", "[reference]") {
    check(run("divide", {T({7, -7}), T({2})}), Dtype::float64, {2}, {3.5, -3.5});
    check(run("divide", {T({7, 1}), T({2, 3})}, Dtype::float32), Dtype::float32, {2},
          {3.5, f32(1.0f / 3.0f)});
    check(run("divide", {T({1.0, -1.0, 0.0}), T(0.0)}), Dtype::float64, {3}, {kInf, -kInf, kNan});
    CHECK(run("divide", {Value(7), Value(2)}) == Value(3.5));
    check(run("floor_divide", {T({7, -7, 7}), T({2, 2, 0})}), Dtype::int64, {3}, {3, -4, 0});
    check(run("floor_divide", {T({7.5, -7.5, 1.0}), T({2.0, 2.0, 0.0})}), Dtype::float64, {3},
          {3.0, -4.0, kInf});
    CHECK(run("floor_divide", {Value(-7), Value(2)}) == Value(-4));
    CHECK(run("floor_divide", {Value(-7.0), Value(2)}) == Value(-4.0));
}

TEST_CASE("reference: power and robust_power", "[reference]") {
    check(run("power", {T({2, 3}), Value(2)}), Dtype::int64, {2}, {4, 9});
    check(run("power", {T({2.0, 9.0}), Value(0.5)}), Dtype::float64, {2}, {std::sqrt(2.0), 3.0});
    check(run("power", {T({2.0}), T({3.0, -1.0})}), Dtype::float64, {2}, {8.0, 0.5});
    check(run("power", {T32({1.5}), Value(3)}, Dtype::float32), Dtype::float32, {1},
          {std::pow(1.5f, 3.0f)});
    CHECK_THROWS_AS(run("power", {T({2}), T({-1})}), ValueError);
    CHECK(run("power", {Value(2), Value(-1)}) == Value(0.5));
    CHECK(run("power", {Value(2), Value(10)}) == Value(1024));

    const double thr = std::numeric_limits<double>::min();
    const Value thr_c(Constant::MIN_POSITIVE_NORMAL);
    // 0 and the subnormal with a small exponent take the linear branch |b| / thr.
    check(run("robust_power", {T({0.0, 4.0, 1e-310, -2.0}), T(0.5), thr_c}), Dtype::float64, {4},
          {0.0, 2.0, std::sqrt(1e-310), std::sqrt(2.0)});
    check(run("robust_power", {T({1e-310, 3.0}), T(0.001), thr_c}), Dtype::float64, {2},
          {(1.0 / thr) * 1e-310, std::pow(3.0, 0.001)});
    check(run("robust_power", {T({{2.0}, {3.0}}), T({1.0, 2.0, 3.0}), thr_c}), Dtype::float64,
          {2, 3}, {2, 4, 8, 3, 9, 27});
}

TEST_CASE("reference: minimum, maximum, shifts", "[reference]") {
    check(run("minimum", {T({1.0, kNan, 5.0}), T({2.0, 0.0, 4.0})}), Dtype::float64, {3},
          {1.0, kNan, 4.0});
    check(run("maximum", {T({1, 7}), T(3)}), Dtype::int64, {2}, {3, 7});
    check(run("maximum", {T({1, 7}), Value(3.5)}), Dtype::float64, {2}, {3.5, 7.0});
    check(run("shift_left", {T({1, 2, 1}), T({3, 3, 64})}), Dtype::int64, {3}, {8, 16, 0});
    check(run("shift_right", {T({-16, 16, -1}), T({2, 2, 70})}), Dtype::int64, {3}, {-4, 4, -1});
    CHECK(run("shift_left", {Value(1), Value(4)}) == Value(16));
    CHECK_THROWS_AS(run("shift_left", {T({1.0}), T({1})}), TypeError);
}

TEST_CASE("reference: comparisons and logical ops", "[reference]") {
    check(run("greater", {T({1, 2, 3}), Value(2)}), Dtype::bool_, {3}, {0, 0, 1});
    check(run("greater_equal", {T({1, 2, 3}), Value(2)}), Dtype::bool_, {3}, {0, 1, 1});
    check(run("less", {T({1.0, 2.0}), T({{1.5}, {0.5}})}), Dtype::bool_, {2, 2}, {1, 0, 0, 0});
    check(run("less_equal", {T({1, 2}), T({1.0, 1.5})}), Dtype::bool_, {2}, {1, 0});
    check(run("equal", {T({1, 2}), T({1.0, 2.5})}), Dtype::bool_, {2}, {1, 0});
    check(run("not_equal", {T({kNan}), T({kNan})}), Dtype::bool_, {1}, {1});
    CHECK(run("greater", {Value(3), Value(2.5)}) == Value(true));
    CHECK(run("equal", {Value(1), Value(1.0)}) == Value(true));

    check(run("logical_and", {T({true, true, false}), T({true, false, false})}), Dtype::bool_, {3},
          {1, 0, 0});
    check(run("logical_or", {T({true, false}), Value(false)}), Dtype::bool_, {2}, {1, 0});
    check(run("logical_xor", {T({true, false}), T({true, true})}), Dtype::bool_, {2}, {0, 1});
    check(run("logical_and", {T({6, 5}), T({3})}), Dtype::int64, {2}, {2, 1});
    check(run("logical_or", {T({4}), T({true})}), Dtype::int64, {1}, {5});
    check(run("logical_not", {T({true, false})}), Dtype::bool_, {2}, {0, 1});
    check(run("logical_not", {T({0, 5})}), Dtype::int64, {2}, {-1, -6});
    CHECK(run("logical_and", {Value(true), Value(false)}) == Value(false));
    CHECK(run("logical_not", {Value(true)}) == Value(-2));
    CHECK_THROWS_AS(run("logical_and", {T({1.0}), T({1.0})}), TypeError);
    CHECK_THROWS_AS(run("logical_not", {T({1.0})}), TypeError);
}

// ---- reductions -------------------------------------------------------------------------------

TEST_CASE("reference: sum, mean, prod over axes", "[reference]") {
    const Value x = T({{1, 2, 3}, {4, 5, 6}});
    check(run("reduce_sum", {x, None, Value(false)}), Dtype::int64, {}, {21});
    check(run("reduce_sum", {x, Value(0), Value(false)}), Dtype::int64, {3}, {5, 7, 9});
    check(run("reduce_sum", {x, Value(-1), Value(true)}), Dtype::int64, {2, 1}, {6, 15});
    check(run("reduce_sum", {x, Value{0, 1}, Value(true)}), Dtype::int64, {1, 1}, {21});
    check(run("reduce_sum", {T({true, true, false}), None, Value(false)}), Dtype::int64, {}, {2});
    check(run("reduce_sum", {T32({0.5, 0.25}), None, Value(false)}), Dtype::float32, {}, {0.75});
    check(run("reduce_sum", {T({{1.5, 2.5}}), Value(1), Value(false)}), Dtype::float64, {1}, {4.0});
    CHECK_THROWS_AS(run("reduce_sum", {x, Value(2), Value(false)}), ValueError);

    check(run("reduce_mean", {x, None, Value(false)}), Dtype::float64, {}, {3.5});
    check(run("reduce_mean", {x, Value(1), Value(false)}, Dtype::float32), Dtype::float32, {2},
          {2.0, 5.0});
    check(run("reduce_mean", {T32({1.0, 2.0}), None, Value(false)}), Dtype::float32, {}, {1.5});
    check(run("reduce_mean", {Value(Tensor(Dtype::float64, {0})), None, Value(false)}),
          Dtype::float64, {}, {kNan});
    check(run("reduce_prod", {x, Value(0), Value(false)}), Dtype::int64, {3}, {4, 10, 18});
    check(run("reduce_prod", {T({1.5, 2.0, -1.0}), None, Value(false)}), Dtype::float64, {},
          {-3.0});
}

TEST_CASE("reference: max, min, variance, argmax, argmin", "[reference]") {
    const Value x = T({{1.0, 5.0, 2.0}, {7.0, 0.0, 7.0}});
    check(run("reduce_max", {x, Value(1), Value(false)}), Dtype::float64, {2}, {5.0, 7.0});
    check(run("reduce_min", {x, None, Value(true)}), Dtype::float64, {1, 1}, {0.0});
    check(run("reduce_max", {T({1.0, kNan, 3.0}), None, Value(false)}), Dtype::float64, {}, {kNan});
    check(run("reduce_max", {T({true, false}), None, Value(false)}), Dtype::bool_, {}, {1});
    check(run("reduce_min", {T({{3, -2}}), Value(1), Value(false)}), Dtype::int64, {1}, {-2});
    CHECK_THROWS_WITH(run("reduce_max", {Value(Tensor(Dtype::float64, {0})), None, Value(false)}),
                      Catch::Contains("zero-size array to reduction operation maximum"));

    check(run("variance", {T({1.0, 2.0, 3.0, 4.0}), None, Value(false), Value(0.0)}),
          Dtype::float64, {}, {1.25});
    check(run("variance", {T({1.0, 2.0, 3.0, 4.0}), None, Value(false), Value(1.0)}),
          Dtype::float64, {}, {5.0 / 3.0});
    check(run("variance", {x, Value(1), Value(true), Value(0.0)}), Dtype::float64, {2, 1},
          {26.0 / 9.0, 98.0 / 9.0}, 1e-14);  // rows [1, 5, 2] and [7, 0, 7]
    check(run("variance", {T({1, 3}), None, Value(false), Value(0.0)}, Dtype::float32),
          Dtype::float32, {}, {1.0});

    check(run("reduce_argmax", {x, Value(1), Value(false)}), Dtype::int64, {2}, {1, 0});
    check(run("reduce_argmin", {x, Value(0), Value(false)}), Dtype::int64, {3}, {0, 1, 0});
    check(run("reduce_argmax", {x, None, Value(false)}), Dtype::int64, {}, {3});
    check(run("reduce_argmax", {x, None, Value(true)}), Dtype::int64, {1, 1}, {3});
    check(run("reduce_argmax", {x, Value(-1), Value(true)}), Dtype::int64, {2, 1}, {1, 0});
    check(run("reduce_argmin", {T({3.0, kNan, 0.0, kNan}), None, Value(false)}), Dtype::int64, {},
          {1});
    CHECK_THROWS_AS(run("reduce_argmax", {x, Value{0, 1}, Value(false)}), TypeError);
}

// ---- layout ------------------------------------------------------------------------------------

TEST_CASE("reference: reshape, transpose, swapaxes, flatten, squeeze", "[reference]") {
    const Value x = T({{1, 2, 3}, {4, 5, 6}});
    check(run("reshape", {x, Value{3, -1}}), Dtype::int64, {3, 2}, {1, 2, 3, 4, 5, 6});
    check(run("reshape", {x, Value::list({Value(6)})}), Dtype::int64, {6}, {1, 2, 3, 4, 5, 6});
    CHECK_THROWS_WITH(run("reshape", {x, Value{4}}),
                      Catch::Contains("cannot reshape array of size 6 into shape (4,)"));
    CHECK_THROWS_AS(run("reshape", {x, Value{-1, -1}}), ValueError);
    check(run("transpose", {x, None}), Dtype::int64, {3, 2}, {1, 4, 2, 5, 3, 6});
    const Value y = T({{{1, 2}, {3, 4}, {5, 6}}});  // [1, 3, 2]
    check(run("transpose", {y, Value{1, 0, 2}}), Dtype::int64, {3, 1, 2}, {1, 2, 3, 4, 5, 6});
    check(run("transpose", {y, Value{2, 1, 0}}), Dtype::int64, {2, 3, 1}, {1, 3, 5, 2, 4, 6});
    CHECK_THROWS_AS(run("transpose", {y, Value{0, 1}}), ValueError);
    check(run("swapaxes", {y, Value(0), Value(-1)}), Dtype::int64, {2, 3, 1}, {1, 3, 5, 2, 4, 6});

    const Value z(Tensor(Dtype::float32, {2, 3, 4}));
    CHECK(run("flatten", {z, Value(1), Value(-1)}).as_tensor().shape() == Shape{2, 12});
    CHECK(run("flatten", {z, Value(0), Value(1)}).as_tensor().shape() == Shape{6, 4});
    CHECK(run("flatten", {z, Value(0), Value(-1)}).as_tensor().shape() == Shape{24});
    CHECK(run("flatten", {z, Value(-2), Value(-1)}).as_tensor().shape() == Shape{2, 12});
    CHECK(run("flatten", {z, Value(0), Value(-2)}).as_tensor().shape() == Shape{6, 4});
    CHECK(run("flatten", {z, Value(1), Value(-1)}).as_tensor().dtype() == Dtype::float32);
    CHECK(run("flatten", {Value(Tensor::scalar(2.0)), Value(0), Value(-1)}).as_tensor().shape() ==
          Shape{1});
    check(run("squeeze", {T({{{1.0}, {2.0}}})}), Dtype::float64, {2}, {1.0, 2.0});
    check(run("squeeze", {T({{1.0}})}), Dtype::float64, {}, {1.0});
}

TEST_CASE("reference: permute_tensor, broadcast_to, concat, pad, where, split", "[reference]") {
    const Value x = T({{1, 2}, {3, 4}, {5, 6}});
    check(run("permute_tensor", {x, T({2, 0})}), Dtype::int64, {2, 2}, {5, 6, 1, 2});
    check(run("permute_tensor", {x, T({-1})}), Dtype::int64, {1, 2}, {5, 6});
    CHECK_THROWS_WITH(run("permute_tensor", {x, T({3})}),
                      Catch::Contains("index 3 is out of bounds for axis 0 with size 3"));
    check(run("broadcast_to", {T({1.0, 2.0}), Value{2, 2}}), Dtype::float64, {2, 2}, {1, 2, 1, 2});
    CHECK_THROWS_AS(run("broadcast_to", {T({1.0, 2.0}), Value{3}}), ValueError);

    const Value parts = Value::list({T({{1, 2}}), T({{3, 4}, {5, 6}})});
    check(run("concat", {parts, Value(0)}), Dtype::int64, {3, 2}, {1, 2, 3, 4, 5, 6});
    check(run("concat", {parts, None}), Dtype::int64, {6}, {1, 2, 3, 4, 5, 6});
    check(run("concat", {Value::list({T({{1}, {2}}), T({{3.5}, {4.5}})}), Value(-1)}),
          Dtype::float64, {2, 2}, {1, 3.5, 2, 4.5});
    CHECK_THROWS_WITH(run("concat", {parts, Value(1)}),
                      Catch::Contains("all the input array dimensions except for the "
                                      "concatenation axis must match exactly"));

    check(run("pad", {T({{1, 2}}), Value{Value{1, 0}, Value{0, 2}}}), Dtype::int64, {2, 4},
          {0, 0, 0, 0, 1, 2, 0, 0});
    check(run("pad", {T({1.0}), Value(1)}), Dtype::float64, {3}, {0.0, 1.0, 0.0});
    check(run("pad", {T({{1}}), Value{1, 2}}), Dtype::int64, {4, 4},
          {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    check(run("where", {T({true, false, true}), T({1.0, 2.0, 3.0}), Value(0)}), Dtype::float64, {3},
          {1.0, 0.0, 3.0});
    check(run("where", {T({{true}, {false}}), T({1, 2}), T({10, 20})}), Dtype::int64, {2, 2},
          {1, 2, 10, 20});
    check(run("where", {T({true, false}), T32({1.0, 2.0}), Value(0.5)}, Dtype::float32),
          Dtype::float32, {2}, {1.0, 0.5});

    const Value s = T({{1, 2}, {3, 4}, {5, 6}, {7, 8}});
    check(run("split", {s, Value(2), Value(0)}), Dtype::int64, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
    check(run("split", {s, Value(2), Value(1)}), Dtype::int64, {2, 4, 1}, {1, 3, 5, 7, 2, 4, 6, 8});
    check(run("split", {s, Value::list({Value(2)}), Value(0)}), Dtype::int64, {2, 2, 2},
          {1, 2, 3, 4, 5, 6, 7, 8});
    CHECK_THROWS_WITH(run("split", {s, Value(3), Value(0)}),
                      Catch::Contains("array split does not result in an equal division"));
}

TEST_CASE("reference: shape queries and cast", "[reference]") {
    const Value x(Tensor(Dtype::float32, {2, 3}));
    CHECK(run("shape", {x}) == Value{2, 3});
    CHECK(run("size", {x, None}) == Value(6));
    CHECK(run("size", {x, Value(-1)}) == Value(3));
    CHECK(run("size", {x, Value{1, 0}}) == Value{3, 2});
    CHECK(run("length", {x}) == Value(2));
    CHECK(run("length", {Value::list({Value(1), Value(2), Value(3)})}) == Value(3));
    CHECK_THROWS_AS(run("length", {Value(Tensor::scalar(1.0))}), TypeError);
    CHECK(run("dtype", {x}) == Value(Dtype::float32));
    CHECK(run("dtype", {T({1})}) == Value(Dtype::int64));
    check(run("cast", {T({1.7, -1.7}), Value(Dtype::int64)}), Dtype::int64, {2}, {1, -1});
    check(run("cast", {T({0, 2}), Value(Dtype::bool_)}), Dtype::bool_, {2}, {0, 1});
    check(run("cast", {T({1, 2}), Value(Dtype::float32)}), Dtype::float32, {2}, {1, 2});
}

// ---- indexing
// ------------------------------------------------------------------------------------

TEST_CASE("reference: indexer with basic indices", "[reference]") {
    const Value x = T({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}});  // [3, 4]
    check(run("indexer", {x, Value(1)}), Dtype::int64, {4}, {4, 5, 6, 7});
    check(run("indexer", {x, Value(-1)}), Dtype::int64, {4}, {8, 9, 10, 11});
    check(run("indexer", {x, Value{1, 2}}), Dtype::int64, {}, {6});
    check(run("indexer", {x, Value(Slice{1, std::nullopt, std::nullopt})}), Dtype::int64, {2, 4},
          {4, 5, 6, 7, 8, 9, 10, 11});
    check(run("indexer", {x, Value{Value(Slice{}), Value(Slice{std::nullopt, std::nullopt, -2})}}),
          Dtype::int64, {3, 2}, {3, 1, 7, 5, 11, 9});
    check(run("indexer", {x, Value{Value(Ellipsis), Value(0)}}), Dtype::int64, {3}, {0, 4, 8});
    check(run("indexer", {x, Value{Value(None), Value(2)}}), Dtype::int64, {1, 4}, {8, 9, 10, 11});
    check(run("indexer", {x, Value{Value(0), Value(None), Value(Slice{1, 3, std::nullopt})}}),
          Dtype::int64, {1, 2}, {1, 2});
    check(run("indexer", {x, Value(Slice{5, 10, std::nullopt})}), Dtype::int64, {0, 4}, {});
    CHECK_THROWS_WITH(
        run("indexer", {x, Value{0, 0, 0}}),
        Catch::Contains("too many indices for array: array is 2-dimensional, but 3 were indexed"));
    CHECK_THROWS_WITH(run("indexer", {x, Value(3)}),
                      Catch::Contains("index 3 is out of bounds for axis 0 with size 3"));
    CHECK_THROWS_AS(run("indexer", {x, Value{Value(Ellipsis), Value(Ellipsis)}}), ValueError);
    CHECK_THROWS_AS(run("indexer", {x, Value(Slice{std::nullopt, std::nullopt, 0})}), ValueError);
}

TEST_CASE("reference: indexer with integer and boolean arrays", "[reference]") {
    const Value x = T({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}});  // [3, 4]
    check(run("indexer", {x, T({2, 0})}), Dtype::int64, {2, 4}, {8, 9, 10, 11, 0, 1, 2, 3});
    check(run("indexer", {x, Value{Value(Slice{}), T({1, 3})}}), Dtype::int64, {3, 2},
          {1, 3, 5, 7, 9, 11});
    check(run("indexer", {x, Value{T({0, 2}), T({1, 3})}}), Dtype::int64, {2}, {1, 11});
    check(run("indexer", {x, Value{T({{0}, {2}}), T({1, 3})}}), Dtype::int64, {2, 2},
          {1, 3, 9, 11});
    check(run("indexer",
              {x, Value{Value::list({Value(1)}), Value(Slice{2, std::nullopt, std::nullopt})}}),
          Dtype::int64, {1, 2}, {6, 7});
    check(run("indexer", {x, T({true, false, true})}), Dtype::int64, {2, 4},
          {0, 1, 2, 3, 8, 9, 10, 11});
    check(run("indexer", {x, Value(Tensor(NestedList{{true, false, false, true},
                                                     {false, false, false, false},
                                                     {false, true, false, false}}))}),
          Dtype::int64, {3}, {0, 3, 9});
    // [2, 3, 4] input; arrays separated by a slice move their dimension to the front.
    std::vector<std::int64_t> v(24);
    for (std::int64_t i = 0; i < 24; ++i)
        v[static_cast<std::size_t>(i)] = i;
    const Value y(Tensor::from_vector(v, {2, 3, 4}));
    check(run("indexer", {y, Value{T({0, 1}), Value(Slice{}), T({1, 2})}}), Dtype::int64, {2, 3},
          {1, 5, 9, 14, 18, 22});
    check(run("indexer", {y, Value{Value(0), Value(Slice{}), T({1, 2})}}), Dtype::int64, {2, 3},
          {1, 5, 9, 2, 6, 10});
    check(run("indexer", {y, Value{Value(Slice{}), T({0, 2}), Value(1)}}), Dtype::int64, {2, 2},
          {1, 9, 13, 21});
    CHECK_THROWS_AS(run("indexer", {x, T({0.5})}), ValueError);
    CHECK_THROWS_AS(run("indexer", {x, T({4})}), ValueError);
}

TEST_CASE("reference: indexer on sequences, slices, embedding, unique", "[reference]") {
    const Value seq = Value::list({Value(1), Value(2.5), Value(true)});
    CHECK(run("indexer", {seq, Value(-1)}) == Value(true));
    CHECK(run("indexer", {seq, Value(Slice{std::nullopt, 2, std::nullopt})}) ==
          Value::list({Value(1), Value(2.5)}));
    CHECK(run("indexer", {Value{1, 2, 3}, Value(Slice{std::nullopt, std::nullopt, -1})}) ==
          Value{3, 2, 1});
    CHECK_THROWS_AS(run("indexer", {seq, Value(3)}), ValueError);

    CHECK(run("primitive_slice", {Value(1), None, Value(2)}) == Value(Slice{1, std::nullopt, 2}));
    check(run("primitive_embedding", {T({{1, 0}}), T({{1.0, 2.0}, {3.0, 4.0}})}), Dtype::float64,
          {1, 2, 2}, {3, 4, 1, 2});
    check(run("unique", {T({{3, 1}, {3, 2}})}), Dtype::int64, {3}, {1, 2, 3});
    check(run("unique", {T({2.0, kNan, 1.0, kNan, 2.0})}), Dtype::float64, {3}, {1.0, 2.0, kNan});
}

TEST_CASE("reference: containers and scalar conversions", "[reference]") {
    CHECK(run("to_tuple", {Value(1), Value(2.5), Value(true)}) ==
          Value::tuple({Value(1), Value(2.5), Value(true)}));
    CHECK(run("to_list", {Value(1), Value{2, 3}}) == Value::list({Value(1), Value{2, 3}}));
    CHECK(run("union", {Value{1, 2}, Value(3), Value{4}}) == Value{1, 2, 3, 4});

    const Value nested =
        Value::list({Value::list({Value(1), Value(2)}), Value::list({Value(3), Value(4)})});
    check(run("to_tensor", {nested, None}), Dtype::int64, {2, 2}, {1, 2, 3, 4});
    check(run("to_tensor", {Value::list({Value(1), Value(2.5)}), None}, Dtype::float32),
          Dtype::float32, {2}, {1.0, 2.5});
    check(run("to_tensor", {Value::list({Value(1), Value(2.5)}), Value(Dtype::float64)},
              Dtype::float32),
          Dtype::float64, {2}, {1.0, 2.5});
    check(run("to_tensor", {Value::list({Value(true), Value(false)}), None}), Dtype::bool_, {2},
          {1, 0});
    check(run("to_tensor", {Value(3.0), None}), Dtype::float64, {}, {3.0});
    CHECK_THROWS_AS(run("to_tensor", {Value::list({Value::list({Value(1)}), Value(2)}), None}),
                    ValueError);

    CHECK(run("tensor_to_list", {T({{1, 2}, {3, 4}})}) == nested);
    CHECK(run("tensor_to_list", {T({true})}) == Value::list({Value(true)}));
    CHECK(run("tensor_to_list", {Value(Tensor::scalar(1.5))}) == Value(1.5));
    CHECK(run("item", {T({{7}})}) == Value(7));
    CHECK(run("item", {T32({0.5})}) == Value(0.5));
    CHECK_THROWS_WITH(run("item", {T({1, 2})}),
                      Catch::Contains("can only convert an array of size 1 to a Python scalar"));
}

TEST_CASE("reference: padding / stride / tuple converters", "[reference]") {
    CHECK(run("padding_converter_1d", {Value("valid"), Value(3)}) == Value{0, 0});
    CHECK(run("padding_converter_1d", {Value("SAME"), Value(5)}) == Value{2, 2});
    CHECK(run("padding_converter_1d", {Value(2), Value(3)}) == Value{2, 2});
    CHECK(run("padding_converter_1d", {Value{1, 3}, Value(3)}) == Value{1, 3});
    CHECK_THROWS_WITH(
        run("padding_converter_1d", {Value("same"), Value(4)}),
        Catch::Contains("'same' padding is not supported when the kernel size is even!"));
    CHECK_THROWS_AS(run("padding_converter_1d", {Value("same"), Value{3, 3}}), RuntimeError);
    CHECK_THROWS_AS(run("padding_converter_1d", {Value{Value{1, 2}, Value(3)}, Value(3)}),
                    RuntimeError);

    CHECK(run("padding_converter_2d", {Value("valid"), Value(3)}) ==
          Value{Value{0, 0}, Value{0, 0}});
    CHECK(run("padding_converter_2d", {Value("same"), Value(3)}) ==
          Value{Value{1, 1}, Value{1, 1}});
    CHECK(run("padding_converter_2d", {Value("same"), Value{3, 5}}) ==
          Value{Value{1, 2}, Value{1, 2}});
    CHECK(run("padding_converter_2d", {Value(1), Value(3)}) == Value{Value{1, 1}, Value{1, 1}});
    CHECK(run("padding_converter_2d", {Value{1, 2}, Value(3)}) == Value{Value{1, 1}, Value{2, 2}});
    CHECK(run("padding_converter_2d", {Value{Value{1, 2}, Value{3, 4}}, Value(3)}) ==
          Value{Value{1, 2}, Value{3, 4}});
    CHECK_THROWS_AS(run("padding_converter_2d", {Value("same"), Value{2, 3}}), RuntimeError);

    CHECK(run("stride_converter", {None, Value{2, 2}}) == Value{2, 2});
    CHECK(run("stride_converter", {Value(1), Value(3)}) == Value(1));
    CHECK(run("tuple_converter", {Value(3)}) == Value{3, 3});
    CHECK(run("tuple_converter", {Value{1, 2}}) == Value{1, 2});
}

// backends/reference/elementwise.cpp — reference kernels for the elementwise unary
// primitives and activations: abs, negate, exp, log, robust_log, sqrt, robust_sqrt, sin,
// cos, sign, square, stable_reciprocal, floor, relu, leaky_relu, gelu, sigmoid, tanh,
// softplus, softmax, isnan, nan_to_num, clamp, stop_gradient, buffer, atleast_1d,
// norm_modifier.
//
// Each kernel mirrors Mithril's NumPy kernel (synnada-ai/mithril:
// mithril/cores/python/numpy/ops.py), formula and evaluation order included, in the
// precision of its input: float32 inputs are computed in float, float64 in double.
// Integer / bool inputs of float-valued ops are first converted to ctx.float_dtype.
// Robust variants take their threshold as a (0-d) tensor or Constant and compare with a
// strict `<` exactly as NumPy does.
#include <cmath>
#include <limits>
#include <numbers>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Inputs = std::vector<Value>;

// The input as a tensor of a floating dtype (ctx.float_dtype for int / bool inputs).
Tensor float_input(const Value& v, const KernelContext& ctx, const std::string& op) {
    const Tensor t = to_tensor(v, ctx, op);
    const Dtype out = float_result_dtype(t.dtype(), ctx);
    return t.dtype() == out ? t : t.astype(out);
}

// A float-valued unary op: f(T) evaluated in the input's float precision.
template <class F>
Value float_unary(const Inputs& in, const KernelContext& ctx, const std::string& op, F f) {
    expect_inputs(in, 1, op);
    const Tensor x = float_input(in[0], ctx, op);
    return Value(map_unary<kFloats>(x, x.dtype(), f, op));
}

// A robust op with a threshold: f(x, thr) in the float result dtype of x; the threshold is
// cast to that dtype (it is a 0-d tensor or a Constant of the backend precision).
template <class F>
Value robust_unary(const Inputs& in, const KernelContext& ctx, const std::string& op, F f) {
    expect_inputs(in, 2, op);
    const Tensor x = float_input(in[0], ctx, op);
    const Tensor thr = to_tensor(in[1], ctx, op).astype(x.dtype());
    return Value(map_binary<kFloats>(x, thr, x.dtype(), f, op));
}

// ---- math -----------------------------------------------------------------------------------

Value abs_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "abs");
    const Tensor x = to_tensor(in[0], ctx, "abs");
    return Value(map_unary<kAllKernel>(
        x, x.dtype(),
        [](auto v) {
            using T = decltype(v);
            if constexpr (std::is_same_v<T, bool>)
                return v;
            else if constexpr (std::is_floating_point_v<T>)
                return std::fabs(v);
            else  // two's complement negation: INT64_MIN stays INT64_MIN, as in NumPy
                return v < 0 ? static_cast<T>(0ull - static_cast<std::uint64_t>(v)) : v;
        },
        "abs"));
}

Value negate_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "negate");
    const Tensor x = to_tensor(in[0], ctx, "negate");
    if (x.dtype() == Dtype::bool_)
        throw TypeError("The numpy boolean negative, the `-` operator, is not supported, use "
                        "the `~` operator or the logical_not function instead.");
    return Value(map_unary<kNumeric>(
        x, x.dtype(),
        [](auto v) {
            using T = decltype(v);
            if constexpr (std::is_integral_v<T>)
                return static_cast<T>(std::int64_t(0ull - static_cast<std::uint64_t>(v)));
            else
                return -v;
        },
        "negate"));
}

Value exp_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "exp", [](auto v) { return std::exp(v); });
}
Value log_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "log", [](auto v) { return std::log(v); });
}
Value sqrt_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "sqrt", [](auto v) { return std::sqrt(v); });
}
Value sin_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "sin", [](auto v) { return std::sin(v); });
}
Value cos_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "cos", [](auto v) { return std::cos(v); });
}
Value tanh_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "tanh", [](auto v) { return std::tanh(v); });
}

// robust_log: x = |input|; x < thr ? log(thr) + x / thr - 1 : log(x).
Value robust_log_kernel(const Inputs& in, const KernelContext& ctx) {
    return robust_unary(in, ctx, "robust_log", [](auto v, auto thr) {
        using T = decltype(v);
        const T x = std::fabs(v);
        if (x < thr) return static_cast<T>(std::log(thr) + x / thr - T(1));
        return static_cast<T>(std::log(x));
    });
}

// robust_sqrt: x = |input|; x < thr ? x * (1 / sqrt(thr)) : sqrt(x).
Value robust_sqrt_kernel(const Inputs& in, const KernelContext& ctx) {
    return robust_unary(in, ctx, "robust_sqrt", [](auto v, auto thr) {
        using T = decltype(v);
        const T x = std::fabs(v);
        if (x < thr) return static_cast<T>(x * (T(1) / std::sqrt(thr)));
        return static_cast<T>(std::sqrt(x));
    });
}

template <class T>
T float_sign(T v) {
    if (v > T(0)) return T(1);
    if (v < T(0)) return T(-1);
    if (v == T(0)) return T(0);
    return v;  // NaN
}

// stable_reciprocal: |x| < thr ? (sign(x) + (1 - sign(|x|))) * 2 * (1/thr) + (-x / thr^2)
//                              : 1 / x.
Value stable_reciprocal_kernel(const Inputs& in, const KernelContext& ctx) {
    return robust_unary(in, ctx, "stable_reciprocal", [](auto x, auto thr) {
        using T = decltype(x);
        if (std::fabs(x) < thr) {
            const T y_c = T(1) / thr;
            return static_cast<T>((float_sign(x) + (T(1) - float_sign(std::fabs(x)))) * T(2) * y_c +
                                  (-x / (thr * thr)));
        }
        return static_cast<T>(T(1) / x);
    });
}

Value sign_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "sign");
    Tensor x = to_tensor(in[0], ctx, "sign");
    if (x.dtype() == Dtype::bool_) x = x.astype(Dtype::int64);
    return Value(map_unary<kNumeric>(
        x, x.dtype(),
        [](auto v) {
            using T = decltype(v);
            if constexpr (std::is_floating_point_v<T>)
                return float_sign(v);
            else
                return static_cast<T>((v > 0) - (v < 0));
        },
        "sign"));
}

// square: input * input, in the input's dtype (bool: logical and).
Value square_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "square");
    const Tensor x = to_tensor(in[0], ctx, "square");
    return Value(map_unary<kAllKernel>(
        x, x.dtype(),
        [](auto v) {
            using T = decltype(v);
            if constexpr (std::is_same_v<T, bool>)
                return v;
            else if constexpr (std::is_integral_v<T>)
                return static_cast<T>(static_cast<std::uint64_t>(v) *
                                      static_cast<std::uint64_t>(v));
            else
                return v * v;
        },
        "square"));
}

// floor: floats floored; integer and bool tensors are returned unchanged (same dtype).
Value floor_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "floor");
    const Tensor x = to_tensor(in[0], ctx, "floor");
    if (!is_floating(x.dtype())) return Value(x);
    return Value(map_unary<kFloats>(
        x, x.dtype(), [](auto v) { return std::floor(v); }, "floor"));
}

// ---- activations ------------------------------------------------------------------------

// relu: np.maximum(0, x) in the input's dtype (NaN propagates).
Value relu_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "relu");
    const Tensor x = to_tensor(in[0], ctx, "relu");
    return Value(map_unary<kAllKernel>(
        x, x.dtype(), [](auto v) { return np_maximum(decltype(v)(0), v); }, "relu"));
}

// leaky_relu: maximum(0, x) + slope * minimum(0, x), in the promoted dtype of input and
// slope (a Python slope keeps a float32 input float32).
Value leaky_relu_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "leaky_relu");
    const Operand x = to_operand(in[0], ctx, "leaky_relu");
    const Operand slope = to_operand(in[1], ctx, "leaky_relu");
    Dtype dt = result_dtype({x, slope}, ctx);
    if (dt == Dtype::bool_) dt = Dtype::int64;
    return Value(map_binary<kNumeric>(
        x.tensor.astype(dt), slope.tensor.astype(dt), dt,
        [](auto v, auto s) {
            using T = decltype(v);
            return static_cast<T>(np_maximum(T(0), v) + s * np_minimum(T(0), v));
        },
        "leaky_relu"));
}

// gelu. approximate: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) in the input's
// precision (NumPy treats the Python constants as weak). exact: x * (1 + erf(x / sqrt(2))) / 2;
// NumPy's np.sqrt(2) is a float64 scalar, so this form is evaluated in double and rounded.
Value gelu_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "gelu");
    const Tensor x = float_input(in[0], ctx, "gelu");
    const bool approximate = value_bool(in[1], "gelu approximate");
    if (approximate) {
        return Value(map_unary<kFloats>(
            x, x.dtype(),
            [](auto v) {
                using T = decltype(v);
                const T c = static_cast<T>(std::sqrt(2.0 / std::numbers::pi));
                const T cube = std::pow(v, T(3));
                return static_cast<T>(T(0.5) * v *
                                      (T(1) + std::tanh(c * (v + T(0.044715) * cube))));
            },
            "gelu"));
    }
    return Value(map_unary<kFloats>(
        x, x.dtype(),
        [](auto v) {
            const double d = static_cast<double>(v);
            return static_cast<decltype(v)>(d * (1.0 + std::erf(d / std::sqrt(2.0))) / 2.0);
        },
        "gelu"));
}

// sigmoid, stable by sign: x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)).
Value sigmoid_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "sigmoid", [](auto v) {
        using T = decltype(v);
        if (v >= T(0)) return static_cast<T>(T(1) / (T(1) + std::exp(-v)));
        const T e = std::exp(v);
        return static_cast<T>(e / (T(1) + e));
    });
}

// softplus: log1p(exp(-|x|)) + maximum(x, 0).
Value softplus_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "softplus", [](auto v) {
        using T = decltype(v);
        return static_cast<T>(std::log1p(std::exp(-std::fabs(v))) + np_maximum(v, T(0)));
    });
}

// softmax(axis): e = exp(x - max(x, axis)); e / sum(e, axis). Sums are pairwise per group.
Value softmax_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "softmax");
    const Tensor x = float_input(in[0], ctx, "softmax");
    const auto axes = parse_axes(in[1], static_cast<std::int64_t>(x.rank()), "softmax");
    const auto groups = reduce_groups(x.shape(), axes);
    Tensor out(x.dtype(), x.shape());
    dispatch<kFloats>(
        x.dtype(),
        [&](auto tag) {
            using T = typename decltype(tag)::type;
            const T* px = x.data<T>();
            T* po = out.data<T>();
            std::vector<T> e;
            for (const auto& g : groups) {
                if (g.empty()) continue;
                T m = px[g[0]];
                for (auto i : g)
                    m = np_maximum(m, px[i]);
                e.assign(g.size(), T(0));
                for (std::size_t k = 0; k < g.size(); ++k)
                    e[k] = std::exp(px[g[k]] - m);
                const T s = pairwise_sum(e.data(), static_cast<std::int64_t>(e.size()));
                for (std::size_t k = 0; k < g.size(); ++k)
                    po[g[k]] = e[k] / s;
            }
        },
        "softmax");
    return Value(out);
}

// ---- NaN handling and clamping -------------------------------------------------------------

Value isnan_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "isnan");
    const Tensor x = to_tensor(in[0], ctx, "isnan");
    return Value(map_unary<kAllKernel>(
        x, Dtype::bool_,
        [](auto v) {
            if constexpr (std::is_floating_point_v<decltype(v)>)
                return std::isnan(v);
            else
                return false;
        },
        "isnan"));
}

// nan_to_num(nan, posinf, neginf): NaN -> nan, +inf -> posinf (None: the dtype's largest
// finite value), -inf -> neginf (None: the lowest finite value). Integer / bool unchanged.
Value nan_to_num_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 4, "nan_to_num");
    const Tensor x = to_tensor(in[0], ctx, "nan_to_num");
    if (!is_floating(x.dtype())) return Value(x);
    const double nan = in[1].is_none() ? 0.0 : value_double(in[1], ctx, "nan_to_num nan");
    const bool has_pos = !in[2].is_none(), has_neg = !in[3].is_none();
    const double pos = has_pos ? value_double(in[2], ctx, "nan_to_num posinf") : 0.0;
    const double neg = has_neg ? value_double(in[3], ctx, "nan_to_num neginf") : 0.0;
    return Value(map_unary<kFloats>(
        x, x.dtype(),
        [&](auto v) {
            using T = decltype(v);
            if (std::isnan(v)) return static_cast<T>(nan);
            if (std::isinf(v) && v > 0)
                return has_pos ? static_cast<T>(pos) : std::numeric_limits<T>::max();
            if (std::isinf(v))
                return has_neg ? static_cast<T>(neg) : std::numeric_limits<T>::lowest();
            return v;
        },
        "nan_to_num"));
}

// clamp(input, min_val, max_val): minimum(maximum(x, min_val), max_val); a None bound is
// skipped. Bounds may be Python numbers or tensors; the result dtype is the promoted one.
Value clamp_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 3, "clamp");
    std::vector<Operand> ops{to_operand(in[0], ctx, "clamp")};
    for (int i = 1; i <= 2; ++i)
        if (!in[static_cast<std::size_t>(i)].is_none())
            ops.push_back(to_operand(in[static_cast<std::size_t>(i)], ctx, "clamp"));
    const Dtype dt = result_dtype(ops, ctx);
    Tensor result = ops[0].tensor.astype(dt);
    std::size_t next = 1;
    for (int i = 1; i <= 2; ++i) {
        if (in[static_cast<std::size_t>(i)].is_none()) continue;
        const Tensor bound = ops[next++].tensor.astype(dt);
        if (i == 1)
            result = map_binary<kAllKernel>(
                result, bound, dt, [](auto a, auto b) { return np_maximum(a, b); }, "clamp");
        else
            result = map_binary<kAllKernel>(
                result, bound, dt, [](auto a, auto b) { return np_minimum(a, b); }, "clamp");
    }
    return Value(result);
}

// ---- others ---------------------------------------------------------------------------------

// stop_gradient and buffer: identity (buffer accepts any value, tensor or not).
Value identity_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 1, "identity");
    return in[0];
}

Value atleast_1d_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "atleast_1d");
    const Tensor x = to_tensor(in[0], ctx, "atleast_1d");
    if (x.rank() != 0) return Value(x);
    return Value(reshape_tensor(x, {1}, "atleast_1d"));
}

// norm_modifier: inner = ((x - 1) mod 8) / 8 - 0.5 (floor-mod); 4 * (1 - 2|inner|) + 1.
Value norm_modifier_kernel(const Inputs& in, const KernelContext& ctx) {
    return float_unary(in, ctx, "norm_modifier", [](auto v) {
        using T = decltype(v);
        const T inner = np_remainder(v - T(1), T(8)) / T(8) - T(0.5);
        return static_cast<T>(T(4) * (T(1) - T(2) * std::fabs(inner)) + T(1));
    });
}

const bool kRegistered = [] {
    register_forward("abs", abs_kernel);
    register_forward("negate", negate_kernel);
    register_forward("exp", exp_kernel);
    register_forward("log", log_kernel);
    register_forward("robust_log", robust_log_kernel);
    register_forward("sqrt", sqrt_kernel);
    register_forward("robust_sqrt", robust_sqrt_kernel);
    register_forward("sin", sin_kernel);
    register_forward("cos", cos_kernel);
    register_forward("sign", sign_kernel);
    register_forward("square", square_kernel);
    register_forward("stable_reciprocal", stable_reciprocal_kernel);
    register_forward("floor", floor_kernel);
    register_forward("relu", relu_kernel);
    register_forward("leaky_relu", leaky_relu_kernel);
    register_forward("gelu", gelu_kernel);
    register_forward("sigmoid", sigmoid_kernel);
    register_forward("tanh", tanh_kernel);
    register_forward("softplus", softplus_kernel);
    register_forward("softmax", softmax_kernel);
    register_forward("isnan", isnan_kernel);
    register_forward("nan_to_num", nan_to_num_kernel);
    register_forward("clamp", clamp_kernel);
    register_forward("stop_gradient", identity_kernel);
    register_forward("buffer", identity_kernel);
    register_forward("atleast_1d", atleast_1d_kernel);
    register_forward("norm_modifier", norm_modifier_kernel);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

// backends/reference/binary.cpp — reference kernels for the broadcasting binary primitives:
// add, subtract, multiplication, divide, floor_divide, power, robust_power, minimum,
// maximum, shift_left, shift_right, the comparisons (greater, greater_equal, less,
// less_equal, equal, not_equal) and the logical ops (logical_not, logical_and, logical_or,
// logical_xor).
//
// Semantics follow Mithril's NumPy kernels (plain Python operators on arrays):
//   * operands broadcast like NumPy; Python scalars are weak (float32 tensor + 2.0 stays
//     float32, int tensor + 2.0 gives ctx.float_dtype), see tensor_ops.hpp;
//   * when every operand is a Python number the result is a Python number with Python's
//     rules (True + True == 2, 7 / 2 == 3.5, 2 ** -1 == 0.5), computed in double / int64;
//   * bool tensors: add is logical or, multiplication logical and, subtract is a TypeError
//     (NumPy's message); & | ^ ~ are logical on bools and bitwise on ints;
//   * floor_divide / power / shifts on integers use NumPy's integer rules (floor rounding,
//     x // 0 == 0, negative integer powers rejected, shifts >= 64 saturate).
#include <cmath>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Inputs = std::vector<Value>;

bool all_python_numbers(const Inputs& in) {
    for (const auto& v : in)
        if (!v.is_number()) return false;
    return true;
}

// Runs fn(a, b, ctx) -> Tensor on the two operands. All-Python-number inputs run at double
// precision (bools as ints when `bool_as_int`, as Python arithmetic does) and come back as a
// Python scalar Value.
template <class Fn>
Value binary(const Inputs& in, const KernelContext& ctx, const std::string& op, bool bool_as_int,
             Fn fn) {
    expect_inputs(in, 2, op);
    if (all_python_numbers(in)) {
        KernelContext py = ctx;
        py.float_dtype = Dtype::float64;
        Operand a = to_operand(in[0], py, op), b = to_operand(in[1], py, op);
        if (bool_as_int) {
            if (a.tensor.dtype() == Dtype::bool_) a.tensor = a.tensor.astype(Dtype::int64);
            if (b.tensor.dtype() == Dtype::bool_) b.tensor = b.tensor.astype(Dtype::int64);
        }
        return scalar_value(fn(a, b, py));
    }
    return Value(fn(to_operand(in[0], ctx, op), to_operand(in[1], ctx, op), ctx));
}

// Both operands cast to their promoted dtype.
struct Promoted {
    Tensor a, b;
    Dtype dt;
};
Promoted promote(const Operand& a, const Operand& b, const KernelContext& ctx) {
    const Dtype dt = result_dtype({a, b}, ctx);
    return {a.tensor.astype(dt), b.tensor.astype(dt), dt};
}

std::int64_t wrap_add(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) + static_cast<std::uint64_t>(y));
}
std::int64_t wrap_sub(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y));
}
std::int64_t wrap_mul(std::int64_t x, std::int64_t y) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(y));
}

// ---- arithmetic -----------------------------------------------------------------------------

Tensor add_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    return map_binary<kAllKernel>(
        p.a, p.b, p.dt,
        [](auto a, auto b) {
            using T = decltype(a);
            if constexpr (std::is_same_v<T, bool>)
                return a || b;
            else if constexpr (std::is_integral_v<T>)
                return wrap_add(a, b);
            else
                return a + b;
        },
        "add");
}

Tensor subtract_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    if (p.dt == Dtype::bool_)
        throw TypeError("numpy boolean subtract, the `-` operator, is not supported, use the "
                        "bitwise_xor, the `^` operator, or the logical_xor function instead.");
    return map_binary<kNumeric>(
        p.a, p.b, p.dt,
        [](auto a, auto b) {
            if constexpr (std::is_integral_v<decltype(a)>)
                return wrap_sub(a, b);
            else
                return a - b;
        },
        "subtract");
}

Tensor multiply_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    return map_binary<kAllKernel>(
        p.a, p.b, p.dt,
        [](auto a, auto b) {
            using T = decltype(a);
            if constexpr (std::is_same_v<T, bool>)
                return a && b;
            else if constexpr (std::is_integral_v<T>)
                return wrap_mul(a, b);
            else
                return a * b;
        },
        "multiplication");
}

// True division; integer / bool operands give ctx.float_dtype.
Tensor divide_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    const Dtype dt = float_result_dtype(result_dtype({x, y}, ctx), ctx);
    return map_binary<kFloats>(
        x.tensor.astype(dt), y.tensor.astype(dt), dt, [](auto a, auto b) { return a / b; },
        "divide");
}

Tensor floor_divide_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    if (p.dt == Dtype::bool_) {
        p.a = p.a.astype(Dtype::int64);
        p.b = p.b.astype(Dtype::int64);
        p.dt = Dtype::int64;
    }
    return map_binary<kNumeric>(
        p.a, p.b, p.dt,
        [](auto a, auto b) {
            if constexpr (std::is_integral_v<decltype(a)>)
                return int_floor_divide(a, b);
            else
                return np_floor_divide(a, b);
        },
        "floor_divide");
}

// Integer power by squaring with int64 wrap-around (NumPy's integer power loop).
std::int64_t int_power(std::int64_t base, std::int64_t exp) {
    std::uint64_t result = 1, b = static_cast<std::uint64_t>(base);
    while (exp > 0) {
        if (exp & 1) result *= b;
        b *= b;
        exp >>= 1;
    }
    return static_cast<std::int64_t>(result);
}

// NumPy's ndarray ** scalar fast path (fast_scalar_power): a floating base with a 0-d
// exponent of 2, 0.5, -1, 1 or 0 uses square / sqrt / reciprocal / copy / ones.
template <class T>
bool fast_scalar_power(T base, T exponent, T& out) {
    if (exponent == T(2))
        out = base * base;
    else if (exponent == T(0.5))
        out = std::sqrt(base);
    else if (exponent == T(-1))
        out = T(1) / base;
    else if (exponent == T(1))
        out = base;
    else if (exponent == T(0))
        out = T(1);
    else
        return false;
    return true;
}

// base ** exponent in dtype dt (floats: pow, with the fast path when `fast`).
Tensor power_in(const Tensor& base, const Tensor& exponent, Dtype dt, bool fast,
                const std::string& op) {
    if (dt == Dtype::int64) {
        const auto* pe = exponent.data<std::int64_t>();
        for (std::int64_t i = 0; i < exponent.numel(); ++i)
            if (pe[i] < 0) throw ValueError("Integers to negative integer powers are not allowed.");
        return map_binary<kI64>(
            base, exponent, dt, [](auto a, auto b) { return int_power(a, b); }, op);
    }
    return map_binary<kFloats>(
        base, exponent, dt,
        [fast](auto a, auto b) {
            decltype(a) r;
            if (fast && fast_scalar_power(a, b, r)) return r;
            return static_cast<decltype(a)>(std::pow(a, b));
        },
        op);
}

Tensor power_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    if (p.dt == Dtype::bool_) {
        p.a = p.a.astype(Dtype::int64);
        p.b = p.b.astype(Dtype::int64);
        p.dt = Dtype::int64;
    }
    const bool fast = !x.weak && is_floating(x.tensor.dtype()) && y.tensor.rank() == 0;
    return power_in(p.a, p.b, p.dt, fast, "power");
}

Value power_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "power");
    // Python: int ** negative int is a float.
    if (all_python_numbers(in) && !in[0].is_float() && !in[1].is_float() && in[1].as_int() < 0)
        return Value(
            std::pow(static_cast<double>(in[0].as_int()), static_cast<double>(in[1].as_int())));
    return binary(in, ctx, "power", true, power_t);
}

// robust_power(base, exponent, threshold): with the threshold broadcast to the exponent,
//   cond = (exponent < 1 - log(thr) / log|base|) & (|base| < thr)
//   out  = cond ? (1 / thr) * |base| : |base| ** exponent,
// in the float result dtype of base and exponent.
Value robust_power_kernel(const Inputs& in, const KernelContext& ctx) {
    const std::string op = "robust_power";
    expect_inputs(in, 3, op);
    const Operand base = to_operand(in[0], ctx, op), ex = to_operand(in[1], ctx, op);
    const Dtype dt = float_result_dtype(result_dtype({base, ex}, ctx), ctx);
    const Tensor b = base.tensor.astype(dt), e = ex.tensor.astype(dt);
    const Tensor thr = broadcast_tensor(to_tensor(in[2], ctx, op).astype(dt), e.shape(), op);
    const Shape shape = broadcast_shapes({b.shape(), e.shape()}, op);
    const auto ib = broadcast_index_map(b.shape(), shape);
    const auto ie = broadcast_index_map(e.shape(), shape);
    const auto it = broadcast_index_map(thr.shape(), shape);
    const bool fast = is_floating(base.tensor.dtype()) && e.rank() == 0;
    Tensor out(dt, shape);
    dispatch<kFloats>(
        dt,
        [&](auto tag) {
            using T = typename decltype(tag)::type;
            const T* pb = b.data<T>();
            const T* pe = e.data<T>();
            const T* pt = thr.data<T>();
            T* po = out.data<T>();
            for (std::size_t i = 0; i < ib.size(); ++i) {
                const T ab = std::fabs(pb[ib[i]]), x = pe[ie[i]], t = pt[it[i]];
                const bool cond = (x < (T(1) - std::log(t) / std::log(ab))) && (ab < t);
                if (cond) {
                    po[i] = (T(1) / t) * ab;
                } else {
                    T r;
                    po[i] =
                        (fast && fast_scalar_power(ab, x, r)) ? r : static_cast<T>(std::pow(ab, x));
                }
            }
        },
        op);
    return Value(out);
}

Tensor minimum_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    return map_binary<kAllKernel>(
        p.a, p.b, p.dt, [](auto a, auto b) { return np_minimum(a, b); }, "minimum");
}

Tensor maximum_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = promote(x, y, ctx);
    return map_binary<kAllKernel>(
        p.a, p.b, p.dt, [](auto a, auto b) { return np_maximum(a, b); }, "maximum");
}

// ---- shifts ----------------------------------------------------------------------------------

Promoted integer_operands(const Operand& x, const Operand& y, const KernelContext& ctx,
                          const std::string& op) {
    auto p = promote(x, y, ctx);
    if (is_floating(p.dt))
        throw TypeError("ufunc '" + op +
                        "' not supported for the input types, and the inputs "
                        "could not be safely coerced to any supported types according to the "
                        "casting rule ''safe''");
    return p;
}

Tensor shift_left_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = integer_operands(x, y, ctx, "left_shift");
    return map_binary<kI64>(
        p.a.astype(Dtype::int64), p.b.astype(Dtype::int64), Dtype::int64,
        [](auto a, auto b) -> std::int64_t {
            if (static_cast<std::uint64_t>(b) < 64)
                return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) << b);
            return 0;
        },
        "shift_left");
}

Tensor shift_right_t(const Operand& x, const Operand& y, const KernelContext& ctx) {
    auto p = integer_operands(x, y, ctx, "right_shift");
    return map_binary<kI64>(
        p.a.astype(Dtype::int64), p.b.astype(Dtype::int64), Dtype::int64,
        [](auto a, auto b) -> std::int64_t {
            if (static_cast<std::uint64_t>(b) < 64) return a >> b;
            return a < 0 ? -1 : 0;
        },
        "shift_right");
}

// ---- comparisons -----------------------------------------------------------------------------

template <class Cmp>
auto compare(const std::string& op, Cmp cmp) {
    return [op, cmp](const Operand& x, const Operand& y, const KernelContext& ctx) {
        auto p = promote(x, y, ctx);
        return map_binary<kAllKernel>(p.a, p.b, Dtype::bool_, cmp, op);
    };
}

template <class Cmp>
ForwardKernel compare_kernel(const std::string& op, Cmp cmp) {
    return [op, cmp](const Inputs& in, const KernelContext& ctx) {
        return binary(in, ctx, op, false, compare(op, cmp));
    };
}

// ---- logical / bitwise ---------------------------------------------------------------------

template <class BoolFn, class IntFn>
ForwardKernel logical_kernel(const std::string& op, BoolFn bf, IntFn inf) {
    return [op, bf, inf](const Inputs& in, const KernelContext& ctx) {
        return binary(in, ctx, op, false,
                      [&](const Operand& x, const Operand& y, const KernelContext& c) {
                          auto p = integer_operands(x, y, c, op);
                          return map_binary<kIntBool>(
                              p.a, p.b, p.dt,
                              [&](auto a, auto b) {
                                  if constexpr (std::is_same_v<decltype(a), bool>)
                                      return static_cast<bool>(bf(a, b));
                                  else
                                      return static_cast<std::int64_t>(inf(a, b));
                              },
                              op);
                      });
    };
}

// ~input: logical not on bools, bitwise not on ints; a Python bool follows Python (~True
// == -2).
Value logical_not_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "logical_not");
    if (in[0].is_bool() || in[0].is_int()) return Value(static_cast<long long>(~in[0].as_int()));
    const Tensor x = to_tensor(in[0], ctx, "logical_not");
    if (is_floating(x.dtype()))
        throw TypeError("ufunc 'invert' not supported for the input types, and the inputs could "
                        "not be safely coerced to any supported types according to the casting "
                        "rule ''safe''");
    return Value(map_unary<kIntBool>(
        x, x.dtype(),
        [](auto v) {
            if constexpr (std::is_same_v<decltype(v), bool>)
                return !v;
            else
                return static_cast<std::int64_t>(~v);
        },
        "logical_not"));
}

template <class Fn>
ForwardKernel arith(const std::string& op, bool bool_as_int, Fn fn) {
    return [op, bool_as_int, fn](const Inputs& in, const KernelContext& ctx) {
        return binary(in, ctx, op, bool_as_int, fn);
    };
}

const bool kRegistered = [] {
    register_forward("add", arith("add", true, add_t));
    register_forward("subtract", arith("subtract", true, subtract_t));
    register_forward("multiplication", arith("multiplication", true, multiply_t));
    register_forward("divide", arith("divide", true, divide_t));
    register_forward("floor_divide", arith("floor_divide", true, floor_divide_t));
    register_forward("power", power_kernel);
    register_forward("robust_power", robust_power_kernel);
    register_forward("minimum", arith("minimum", false, minimum_t));
    register_forward("maximum", arith("maximum", false, maximum_t));
    register_forward("shift_left", arith("shift_left", true, shift_left_t));
    register_forward("shift_right", arith("shift_right", true, shift_right_t));
    register_forward("greater", compare_kernel("greater", [](auto a, auto b) { return a > b; }));
    register_forward("greater_equal",
                     compare_kernel("greater_equal", [](auto a, auto b) { return a >= b; }));
    register_forward("less", compare_kernel("less", [](auto a, auto b) { return a < b; }));
    register_forward("less_equal",
                     compare_kernel("less_equal", [](auto a, auto b) { return a <= b; }));
    register_forward("equal", compare_kernel("equal", [](auto a, auto b) { return a == b; }));
    register_forward("not_equal",
                     compare_kernel("not_equal", [](auto a, auto b) { return a != b; }));
    register_forward("logical_not", logical_not_kernel);
    register_forward("logical_and", logical_kernel(
                                        "logical_and", [](bool a, bool b) { return a && b; },
                                        [](std::int64_t a, std::int64_t b) { return a & b; }));
    register_forward("logical_or", logical_kernel(
                                       "logical_or", [](bool a, bool b) { return a || b; },
                                       [](std::int64_t a, std::int64_t b) { return a | b; }));
    register_forward("logical_xor", logical_kernel(
                                        "logical_xor", [](bool a, bool b) { return a != b; },
                                        [](std::int64_t a, std::int64_t b) { return a ^ b; }));
    return true;
}();

}  // namespace

}  // namespace mithril::reference

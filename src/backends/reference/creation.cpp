// backends/reference/creation.cpp — reference kernels of the creation and random primitives.
//
// Formula keys: arange, eye, ones_with_zero_diag, ones, zeros_like, randn, randint.
//
// A `dtype` input of None means ctx.float_dtype (Mithril's default_dtype), except randint,
// whose default is int64. Requested dtypes map onto the kernel dtypes: integer dtypes give
// int64, float16/bfloat16 give float32 (NumPy's randint default int32 and the int32 arange
// of a float32 backend become int64 here).
//
// arange mirrors np.arange: length ceil((stop - start) / step) (0 when negative); element 0
// is start, element 1 is start + step (both computed in double, then converted), and
// element i >= 2 is b0 + i * (b1 - b0) in the result dtype, like NumPy's fill functions. If
// none of start / stop / step is a float, a float dtype is replaced by int64, as Mithril's
// NumPy arange does.
//
// Random numbers. Mithril's NumPy backend reseeds NumPy's global Mersenne Twister with the
// key; a sequential generator cannot be reproduced element by element by a parallel or GPU
// backend, so the reference uses a counter-based generator instead, fully determined by
// (key, element index):
//   bits(key, c) = the c-th output (c = 0, 1, ...) of SplitMix64 seeded with key:
//     z = key + (c + 1) * 0x9E3779B97F4A7C15;  z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;
//     z = (z ^ z >> 27) * 0x94D049BB133111EB;  bits = z ^ z >> 31       (all mod 2^64)
//   U(c) = ((bits(key, c) >> 11) + 0.5) * 2^-53, uniform on the open interval (0, 1).
//   randn:   element i = sqrt(-2 ln U(2i)) * cos(2 pi U(2i + 1))  (Box-Muller, in double,
//            then converted to the dtype).
//   randint: element i = low + floor(bits(key, i) * (high - low) / 2^64)  (Lemire's
//            multiply-shift range reduction; requires low < high).
// The key is an int (two's complement bits), or an integer tensor: one element is used as
// is; several fold as k = bits(k, e) over the elements e, starting from k = 0.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

// The kernel dtype a requested dtype maps onto (None -> fallback).
Dtype requested_dtype(const Value& v, Dtype fallback) {
    if (v.is_none() || v.is_tbd()) return fallback;
    const Dtype d = v.as_dtype();
    if (is_integer(d)) return Dtype::int64;
    if (d == Dtype::float16 || d == Dtype::bfloat16) return Dtype::float32;
    return d;
}

bool is_float_value(const Value& v) {
    if (v.is_float()) return true;
    if (v.kind() == Value::Kind::Constant) return true;
    return v.is_tensor() && is_floating(v.as_tensor().dtype());
}

Shape shape_arg(const Value& v, const std::string& op) {
    Shape s = value_int_list(v, op + " shape");
    for (auto d : s)
        if (d < 0) throw ValueError(op + ": negative dimensions are not allowed");
    return s;
}

// ---- arange, eye, ones, zeros_like -------------------------------------------------------

// Inputs: start, stop, step, dtype.
Value arange(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "arange";
    const double start = value_double(in.at(0), ctx, op + " start");
    const double stop = value_double(in.at(1), ctx, op + " stop");
    const double step = value_double(in.at(2), ctx, op + " step");
    if (step == 0.0) throw ValueError("Maximum allowed size exceeded");
    Dtype d = requested_dtype(in.at(3), ctx.float_dtype);
    if (!is_float_value(in.at(0)) && !is_float_value(in.at(1)) && !is_float_value(in.at(2)) &&
        is_floating(d))
        d = Dtype::int64;
    const double len_d = std::ceil((stop - start) / step);
    if (std::isnan(len_d)) throw ValueError("arange: cannot compute length");
    const auto n = len_d > 0 ? static_cast<std::int64_t>(len_d) : std::int64_t{0};
    Tensor out(d, {n});
    dispatch<kAllKernel>(
        d,
        [&](auto tid) {
            using T = typename decltype(tid)::type;
            T* p = out.data<T>();
            if (n == 0) return;
            const T b0 = static_cast<T>(start);
            p[0] = b0;
            if (n == 1) return;
            const T b1 = static_cast<T>(start + step);
            p[1] = b1;
            if constexpr (std::is_same_v<T, bool>) {
                for (std::int64_t i = 2; i < n; ++i) p[i] = b1;
            } else {
                const T delta = static_cast<T>(b1 - b0);
                for (std::int64_t i = 2; i < n; ++i)
                    p[i] = static_cast<T>(b0 + static_cast<T>(i) * delta);
            }
        },
        op);
    return out;
}

// Inputs: N, M (None = N), dtype. `complement` gives ones - eye.
Value eye_common(const std::vector<Value>& in, const KernelContext& ctx, bool complement,
                 const std::string& op) {
    const std::int64_t N = value_int(in.at(0), op + " N");
    const std::int64_t M = in.at(1).is_none() ? N : value_int(in.at(1), op + " M");
    if (N < 0 || M < 0) throw ValueError(op + ": negative dimensions are not allowed");
    const Dtype d = requested_dtype(in.at(2), ctx.float_dtype);
    Tensor out = Tensor::full(Dtype::float64, {N, M}, complement ? 1.0 : 0.0);
    double* p = out.data<double>();
    for (std::int64_t i = 0; i < std::min(N, M); ++i) p[i * M + i] = complement ? 0.0 : 1.0;
    return out.astype(d);
}

Value eye(const std::vector<Value>& in, const KernelContext& ctx) {
    return eye_common(in, ctx, false, "eye");
}
Value ones_with_zero_diag(const std::vector<Value>& in, const KernelContext& ctx) {
    return eye_common(in, ctx, true, "ones_with_zero_diag");
}

// Inputs: shape, dtype.
Value ones(const std::vector<Value>& in, const KernelContext& ctx) {
    return Tensor::full(requested_dtype(in.at(1), ctx.float_dtype), shape_arg(in.at(0), "ones"),
                        1.0);
}

// Inputs: input.
Value zeros_like(const std::vector<Value>& in, const KernelContext& ctx) {
    const Tensor x = to_tensor(in.at(0), ctx, "zeros_like");
    return Tensor(x.dtype(), x.shape());
}

// ---- counter-based random numbers -----------------------------------------------------

std::uint64_t splitmix64_at(std::uint64_t key, std::uint64_t c) {
    std::uint64_t z = key + (c + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__extension__ typedef unsigned __int128 U128;

// High 64 bits of a 64 x 64-bit product.
std::uint64_t mul_hi(std::uint64_t a, std::uint64_t b) {
    return static_cast<std::uint64_t>((static_cast<U128>(a) * b) >> 64);
}

double uniform_open(std::uint64_t bits) {
    return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
}

std::uint64_t key_arg(const Value& v, const std::string& op) {
    if (v.is_tensor()) {
        const Tensor t = v.as_tensor();
        if (dtype_kind(t.dtype()) != 1)
            throw TypeError(op + ": key must be an integer tensor, got " +
                            std::string(dtype_name(t.dtype())));
        const Tensor k = t.astype(Dtype::int64);
        const auto* p = k.data<std::int64_t>();
        if (k.numel() == 1) return static_cast<std::uint64_t>(p[0]);
        std::uint64_t acc = 0;
        for (std::int64_t i = 0; i < k.numel(); ++i)
            acc = splitmix64_at(acc, static_cast<std::uint64_t>(p[i]));
        return acc;
    }
    return static_cast<std::uint64_t>(value_int(v, op + " key"));
}

// Inputs: shape, key, dtype.
Value randn(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "randn";
    const Shape shape = shape_arg(in.at(0), op);
    const std::uint64_t key = key_arg(in.at(1), op);
    const Dtype d = requested_dtype(in.at(2), ctx.float_dtype);
    Tensor out(Dtype::float64, shape);
    double* p = out.data<double>();
    for (std::int64_t i = 0; i < out.numel(); ++i) {
        const auto c = static_cast<std::uint64_t>(i);
        const double u1 = uniform_open(splitmix64_at(key, 2 * c));
        const double u2 = uniform_open(splitmix64_at(key, 2 * c + 1));
        p[i] = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    return out.astype(d);
}

// Inputs: shape, key, low, high, dtype.
Value randint(const std::vector<Value>& in, const KernelContext& ctx) {
    (void)ctx;
    const std::string op = "randint";
    const Shape shape = shape_arg(in.at(0), op);
    const std::uint64_t key = key_arg(in.at(1), op);
    const std::int64_t low = value_int(in.at(2), op + " low");
    const std::int64_t high = value_int(in.at(3), op + " high");
    if (low >= high) throw ValueError("low >= high");
    const Dtype d = requested_dtype(in.at(4), Dtype::int64);
    const auto range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    Tensor out(Dtype::int64, shape);
    auto* p = out.data<std::int64_t>();
    for (std::int64_t i = 0; i < out.numel(); ++i) {
        const std::uint64_t bits = splitmix64_at(key, static_cast<std::uint64_t>(i));
        const std::uint64_t offset = mul_hi(bits, range);
        p[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + offset);
    }
    return out.astype(d);
}

[[maybe_unused]] const bool kRegistered = [] {
    register_forward("arange", arange);
    register_forward("eye", eye);
    register_forward("ones_with_zero_diag", ones_with_zero_diag);
    register_forward("ones", ones);
    register_forward("zeros_like", zeros_like);
    register_forward("randn", randn);
    register_forward("randint", randint);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

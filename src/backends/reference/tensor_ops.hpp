// backends/reference/tensor_ops.hpp — shared helpers for the reference kernels.
//
// Everything here is plain, readable, single-threaded C++: the reference backend is the
// correctness oracle, so clarity beats speed. The kernel files (elementwise.cpp,
// binary.cpp, reduce.cpp, layout.cpp, indexing.cpp, and the other families) build on:
//
//   * Shapes: row-major strides, NumPy broadcasting, axis normalisation, index maps
//     (for each output element, the flat offset of the input element it reads).
//   * Dtype dispatch: dispatch<Set>(dtype, f) calls f(std::type_identity<T>{}) with the
//     storage type T of dtype, for the kernel dtypes float32/float64/int64/bool only
//     (TypeError otherwise). The elementwise templates (map_unary, map_binary, ...) are
//     built on it and broadcast like NumPy.
//   * Operands: a kernel input Value (Tensor, Python scalar, Constant, 0-d tensor) as a
//     Tensor plus a "weak" flag (NumPy 2 / NEP 50: a Python scalar does not widen a
//     tensor's dtype), and the promotion rule for mixing them.
//   * Reductions: axis parsing (None / int / tuple, negative axes), the reduced shape with
//     or without keepdim, the input -> output index map, NumPy's pairwise summation.
//   * NumPy scalar semantics: NaN-propagating np_maximum / np_minimum, float floor
//     division and remainder (npy_divmod), integer floor division / remainder.
//   * Copy-style layout helpers reused by several families: reshape, permute,
//     broadcast_to, gather by offsets, take_rows (x[int_tensor]), concat, slice_axis.
//   * Value helpers: reading ints / int lists / doubles / dtypes from a Value.
//
// Invariants: helpers never modify their arguments; every returned Tensor is freshly
// allocated and contiguous; integer tensors are computed in int64 and bools as 0/1 bytes.
// Errors are mithril::Error subclasses (ValueError for shape problems, TypeError for
// dtype problems) whose message names the operation.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "backends/reference/kernels.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"
#include "mithril/value.hpp"

namespace mithril::reference {

using Shape = std::vector<std::int64_t>;

// ---- registration ------------------------------------------------------------------------
// Family files register their kernels from a static initialiser:
//     namespace { const bool kRegistered = [] { register_forward("abs", abs_kernel); ...;
//                                               return true; }(); }
// Registering the same key twice throws InternalError (a programming error).

// ---- shapes ------------------------------------------------------------------------------
// Product of the dimensions (1 for a scalar shape).
std::int64_t shape_numel(const Shape& shape);
// Row-major strides in elements: strides[i] = prod(shape[i+1:]).
Shape row_major_strides(const Shape& shape);
// "[2, 3]" (for messages).
std::string shape_str(const Shape& shape);
// NumPy broadcasting of two / many shapes; ValueError naming `op` when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& op);
Shape broadcast_shapes(const std::vector<Shape>& shapes, const std::string& op);
// axis in [-rank, rank) -> [0, rank); ValueError otherwise.
std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& op);
// For each element of `out` (row-major), the flat offset in a tensor of shape `in` that
// broadcasts to it (`in` must broadcast to `out`; it is right-aligned like NumPy).
std::vector<std::int64_t> broadcast_index_map(const Shape& in, const Shape& out);

// ---- dtype dispatch ----------------------------------------------------------------------
enum DtypeSet : unsigned {
    kF32 = 1u,
    kF64 = 2u,
    kI64 = 4u,
    kBool = 8u,
    kFloats = kF32 | kF64,
    kNumeric = kF32 | kF64 | kI64,
    kIntBool = kI64 | kBool,
    kAllKernel = kF32 | kF64 | kI64 | kBool,
};

[[noreturn]] void throw_unsupported_dtype(Dtype d, const std::string& op);

// Calls f(std::type_identity<T>{}) where T is the storage type of d; d must be in Set.
template <unsigned Set, class F>
decltype(auto) dispatch(Dtype d, F&& f, const std::string& op) {
    if constexpr ((Set & kF32) != 0)
        if (d == Dtype::float32) return f(std::type_identity<float>{});
    if constexpr ((Set & kF64) != 0)
        if (d == Dtype::float64) return f(std::type_identity<double>{});
    if constexpr ((Set & kI64) != 0)
        if (d == Dtype::int64) return f(std::type_identity<std::int64_t>{});
    if constexpr ((Set & kBool) != 0)
        if (d == Dtype::bool_) return f(std::type_identity<bool>{});
    throw_unsupported_dtype(d, op);
}

// ---- dtypes and operands -----------------------------------------------------------------
// A kernel input as a tensor. `weak` marks a Python scalar or a Constant: it takes part in
// the computation but does not decide the result's precision (NEP 50), e.g.
// float32 tensor + 2.0 -> float32, int64 tensor + 2.0 -> ctx.float_dtype.
struct Operand {
    Tensor tensor;
    bool weak = false;
};

// Kind order bool < int < float.
int dtype_kind(Dtype d);  // 0 bool, 1 integer, 2 floating
// Any integer dtype -> int64, float16/bfloat16 -> float32; float32/float64/int64/bool kept.
// Kernels call this on tensors that may carry other storage types.
Tensor to_kernel_dtype(const Tensor& t);
// Value -> Operand: Tensor (strong, converted with to_kernel_dtype), bool/int/float
// (weak: bool, int64, ctx.float_dtype), Constant (weak, ctx.float_dtype). TypeError for
// anything else (None, str, tuple...).
Operand to_operand(const Value& v, const KernelContext& ctx, const std::string& op);
// to_operand(...).tensor.
Tensor to_tensor(const Value& v, const KernelContext& ctx, const std::string& op);
// NumPy promotion of two strong dtypes among float32/float64/int64/bool.
Dtype promote_types(Dtype a, Dtype b);
// Result dtype of an elementwise op over operands, with the weak-scalar rule.
Dtype result_dtype(const std::vector<Operand>& ops, const KernelContext& ctx);
// The dtype of a floating result computed from input dtype d: d if floating, otherwise
// ctx.float_dtype (e.g. exp of an int tensor, true division of ints).
Dtype float_result_dtype(Dtype d, const KernelContext& ctx);
// True when no input is a Tensor (all Python scalars / Constants / other values). Ops whose
// inputs are all Python numbers return a Python scalar Value rather than a 0-d tensor.
bool all_scalars(const std::vector<Value>& inputs);
// A 0-d tensor holding one element back as a Python scalar Value (bool, int or float).
Value scalar_value(const Tensor& t);

// ---- NumPy scalar semantics ------------------------------------------------------------------
// Throws ValueError unless inputs.size() == n (kernels receive every input key).
void expect_inputs(const std::vector<Value>& inputs, std::size_t n, const std::string& op);

// np.maximum / np.minimum: NaN in either operand gives NaN.
template <class T>
T np_maximum(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(a)) return a;
        if (std::isnan(b)) return b;
    }
    return a >= b ? a : b;
}
template <class T>
T np_minimum(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(a)) return a;
        if (std::isnan(b)) return b;
    }
    return a <= b ? a : b;
}

// NumPy's npy_divmod for floats: floor quotient (return) and Python-style remainder (`mod`,
// with the sign of b; 0 takes b's sign). Division by zero gives a / b and fmod's NaN.
template <class T>
T np_divmod(T a, T b, T& mod) {
    mod = std::fmod(a, b);
    if (b == T(0)) return a / b;
    T div = (a - mod) / b;
    if (mod != T(0)) {
        if ((b < T(0)) != (mod < T(0))) {
            mod += b;
            div -= T(1);
        }
    } else {
        mod = std::copysign(T(0), b);
    }
    T floordiv;
    if (div != T(0)) {
        floordiv = std::floor(div);
        if (div - floordiv > T(0.5)) floordiv += T(1);
    } else {
        floordiv = std::copysign(T(0), a / b);
    }
    return floordiv;
}
// np.floor_divide / np.remainder for floats (npy_floor_divide / npy_remainder).
template <class T>
T np_floor_divide(T a, T b) {
    if (b == T(0)) return a / b;
    T mod;
    return np_divmod(a, b, mod);
}
template <class T>
T np_remainder(T a, T b) {
    if (b == T(0)) return std::fmod(a, b);
    T mod;
    np_divmod(a, b, mod);
    return mod;
}
// Integer floor division and remainder as NumPy: Python rounding toward -inf; division by
// zero gives 0 (NumPy warns); INT64_MIN // -1 wraps to INT64_MIN.
std::int64_t int_floor_divide(std::int64_t a, std::int64_t b);
std::int64_t int_remainder(std::int64_t a, std::int64_t b);

// ---- elementwise templates -----------------------------------------------------------------
// Output dtype `out`; f(T x) -> value converted to the storage type of `out`, where T is
// the storage type of x.dtype() (which must be in Set).
template <unsigned Set, class F>
Tensor map_unary(const Tensor& x, Dtype out, F&& f, const std::string& op) {
    Tensor result(out, x.shape());
    dispatch<Set>(
        x.dtype(),
        [&](auto tin) {
            using T = typename decltype(tin)::type;
            dispatch<kAllKernel>(
                out,
                [&](auto tout) {
                    using O = typename decltype(tout)::type;
                    const T* in = x.data<T>();
                    O* dst = result.data<O>();
                    for (std::int64_t i = 0; i < x.numel(); ++i)
                        dst[i] = static_cast<O>(f(in[i]));
                },
                op);
        },
        op);
    return result;
}

// Broadcasting binary map. a and b must have the same dtype (cast them first, e.g. to
// result_dtype); f(T x, T y) -> value converted to the storage type of `out`.
template <unsigned Set, class F>
Tensor map_binary(const Tensor& a, const Tensor& b, Dtype out, F&& f, const std::string& op) {
    if (a.dtype() != b.dtype())
        throw InternalError(op + ": map_binary operands must share a dtype");
    const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
    const auto ia = broadcast_index_map(a.shape(), shape);
    const auto ib = broadcast_index_map(b.shape(), shape);
    Tensor result(out, shape);
    dispatch<Set>(
        a.dtype(),
        [&](auto tin) {
            using T = typename decltype(tin)::type;
            dispatch<kAllKernel>(
                out,
                [&](auto tout) {
                    using O = typename decltype(tout)::type;
                    const T* pa = a.data<T>();
                    const T* pb = b.data<T>();
                    O* dst = result.data<O>();
                    for (std::size_t i = 0; i < ia.size(); ++i)
                        dst[i] = static_cast<O>(f(pa[ia[i]], pb[ib[i]]));
                },
                op);
        },
        op);
    return result;
}

// Broadcasting ternary map over tensors of one dtype (like map_binary).
template <unsigned Set, class F>
Tensor map_ternary(const Tensor& a, const Tensor& b, const Tensor& c, Dtype out, F&& f,
                   const std::string& op) {
    if (a.dtype() != b.dtype() || a.dtype() != c.dtype())
        throw InternalError(op + ": map_ternary operands must share a dtype");
    const Shape shape = broadcast_shapes({a.shape(), b.shape(), c.shape()}, op);
    const auto ia = broadcast_index_map(a.shape(), shape);
    const auto ib = broadcast_index_map(b.shape(), shape);
    const auto ic = broadcast_index_map(c.shape(), shape);
    Tensor result(out, shape);
    dispatch<Set>(
        a.dtype(),
        [&](auto tin) {
            using T = typename decltype(tin)::type;
            dispatch<kAllKernel>(
                out,
                [&](auto tout) {
                    using O = typename decltype(tout)::type;
                    const T* pa = a.data<T>();
                    const T* pb = b.data<T>();
                    const T* pc = c.data<T>();
                    O* dst = result.data<O>();
                    for (std::size_t i = 0; i < ia.size(); ++i)
                        dst[i] = static_cast<O>(f(pa[ia[i]], pb[ib[i]], pc[ic[i]]));
                },
                op);
        },
        op);
    return result;
}

// ---- reductions ----------------------------------------------------------------------------
// Axis argument (None = every axis, int, or tuple/list of ints) -> sorted, unique,
// normalised axes. ValueError for out-of-range or repeated axes.
std::vector<std::int64_t> parse_axes(const Value& axis, std::int64_t rank, const std::string& op);
// Shape after reducing `axes` (kept as size 1 when keepdim).
Shape reduced_shape(const Shape& in, const std::vector<std::int64_t>& axes, bool keepdim);
// For each input element (row-major), the flat index of the output element it reduces
// into (the same for keepdim or not).
std::vector<std::int64_t> reduce_index_map(const Shape& in, const std::vector<std::int64_t>& axes);
// For each output element, the input flat offsets that reduce into it, in row-major order.
std::vector<std::vector<std::int64_t>> reduce_groups(const Shape& in,
                                                     const std::vector<std::int64_t>& axes);
// NumPy's pairwise summation (numpy/core/src/umath/loops_utils.h.src): plain loop below 8
// elements, 8 accumulators up to 128, recursive halves (split at a multiple of 8) above.
// Accumulates in T, as NumPy does for float32/float64.
template <class T>
T pairwise_sum(const T* a, std::int64_t n, std::int64_t stride = 1) {
    if (n < 8) {
        T res = T(0);
        for (std::int64_t i = 0; i < n; ++i)
            res += a[i * stride];
        return res;
    }
    if (n <= 128) {
        T r[8];
        for (int j = 0; j < 8; ++j)
            r[j] = a[j * stride];
        std::int64_t i = 8;
        for (; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; ++j)
                r[j] += a[(i + j) * stride];
        T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i)
            res += a[i * stride];
        return res;
    }
    std::int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2, stride) + pairwise_sum(a + n2 * stride, n - n2, stride);
}

// ---- layout helpers --------------------------------------------------------------------------
// out[i] = src.flat[offsets[i]] for every i; result has `shape` (numel == offsets.size())
// and src's dtype. Works for every dtype (bytes are copied).
Tensor gather_offsets(const Tensor& src, const std::vector<std::int64_t>& offsets, Shape shape);
// Same elements, new shape (numel must match; ValueError otherwise).
Tensor reshape_tensor(const Tensor& t, Shape shape, const std::string& op);
// Dimension i of the result is dimension perm[i] of t (perm a permutation of 0..rank-1).
Tensor permute_dims(const Tensor& t, const std::vector<std::int64_t>& perm, const std::string& op);
// NumPy broadcast_to (ValueError if t's shape does not broadcast to `shape`).
Tensor broadcast_tensor(const Tensor& t, const Shape& shape, const std::string& op);

// input[indices] for an integer index tensor on axis 0 (NumPy advanced indexing): the
// result has shape indices.shape + src.shape[1:]; negative indices count from the end;
// out-of-range indices throw ValueError ("index 5 is out of bounds for axis 0 with size 3").
Tensor take_rows(const Tensor& src, const Tensor& indices, const std::string& op);
// np.concatenate along an existing axis of tensors of one dtype and rank (ValueError with
// NumPy's messages otherwise).
Tensor concat_tensors(const std::vector<Tensor>& parts, std::int64_t axis, const std::string& op);
// src[..., start:stop, ...] on one axis (0 <= start <= stop <= size, step 1).
Tensor slice_axis(const Tensor& src, std::int64_t axis, std::int64_t start, std::int64_t stop);

// ---- value helpers -----------------------------------------------------------------------------
// Python int (bools convert); TypeError naming `what` otherwise.
std::int64_t value_int(const Value& v, const std::string& what);
// Python number, Constant (at ctx precision) or one-element tensor as double.
double value_double(const Value& v, const KernelContext& ctx, const std::string& what);
// int -> {int}; tuple/list of ints -> ints; 1-d int tensor -> its elements.
std::vector<std::int64_t> value_int_list(const Value& v, const std::string& what);
// Tuple of ints Value.
Value int_tuple(const std::vector<std::int64_t>& xs);
// A Python bool (or int, by truthiness) or a one-element bool tensor; TypeError otherwise.
bool value_bool(const Value& v, const std::string& what);

// The elements of `t`, converted to T, as a flat row-major vector.
template <class T>
std::vector<T> to_vec(const Tensor& t) {
    const Tensor c = t.astype(dtype_of<T>());
    const T* p = c.data<T>();
    return std::vector<T>(p, p + c.numel());
}

}  // namespace mithril::reference

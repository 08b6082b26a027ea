// backends/reference/reduce.cpp — reference kernels for the reductions: reduce_sum,
// reduce_mean, reduce_max, reduce_min, reduce_prod, variance, reduce_argmax, reduce_argmin.
//
// Inputs are (input, axis, keepdim) (+ correction for variance). `axis` is None (every
// axis), an int or a tuple of ints; negative axes count from the end. Semantics follow
// NumPy (np.sum, np.mean, np.max, np.min, np.prod, np.var, np.argmax, np.argmin):
//   * sum / prod of int or bool give int64; of floats keep the dtype. Float sums use
//     NumPy's pairwise summation over each group's elements in row-major order (exact
//     NumPy order for reductions over the innermost axis or over all axes);
//   * mean / variance of int or bool are computed in double and returned in ctx.float_dtype;
//     an empty group gives NaN; var = sum((x - mean)^2) / max(n - correction, 0);
//   * max / min propagate NaN and reject empty groups (ValueError, NumPy's message);
//   * argmax / argmin take None or one int, return int64 and pick the first extremum (the
//     first NaN if any).
#include <cmath>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Inputs = std::vector<Value>;

// Parsed (input, axis, keepdim) of a reduction.
struct Reduction {
    Tensor x;
    std::vector<std::int64_t> axes;
    bool keepdim = false;
    std::vector<std::vector<std::int64_t>> groups;  // per output element, input offsets
    Shape out_shape;
};

Reduction parse(const Inputs& in, std::size_t n_inputs, const KernelContext& ctx,
                const std::string& op) {
    expect_inputs(in, n_inputs, op);
    Reduction r;
    r.x = to_tensor(in[0], ctx, op);
    r.axes = parse_axes(in[1], static_cast<std::int64_t>(r.x.rank()), op);
    r.keepdim = value_bool(in[2], op + " keepdim");
    r.groups = reduce_groups(r.x.shape(), r.axes);
    r.out_shape = reduced_shape(r.x.shape(), r.axes, r.keepdim);
    return r;
}

// out[g] = f(data, group g) for every group, with input storage type T (dtype in Set) and
// output dtype `out`.
template <unsigned Set, class F>
Tensor reduce_with(const Reduction& r, const Tensor& x, Dtype out, F f, const std::string& op) {
    Tensor result(out, r.out_shape);
    dispatch<Set>(
        x.dtype(),
        [&](auto tin) {
            using T = typename decltype(tin)::type;
            dispatch<kAllKernel>(
                out,
                [&](auto tout) {
                    using O = typename decltype(tout)::type;
                    const T* px = x.data<T>();
                    O* po = result.data<O>();
                    for (std::size_t g = 0; g < r.groups.size(); ++g)
                        po[g] = static_cast<O>(f(px, r.groups[g]));
                },
                op);
        },
        op);
    return result;
}

// Pairwise sum of the group's elements.
template <class T>
T group_sum(const T* px, const std::vector<std::int64_t>& g) {
    std::vector<T> v(g.size());
    for (std::size_t k = 0; k < g.size(); ++k)
        v[k] = px[g[k]];
    return pairwise_sum(v.data(), static_cast<std::int64_t>(v.size()));
}

Value sum_kernel(const Inputs& in, const KernelContext& ctx) {
    const Reduction r = parse(in, 3, ctx, "reduce_sum");
    if (is_floating(r.x.dtype()))
        return Value(reduce_with<kFloats>(
            r, r.x, r.x.dtype(), [](const auto* px, const auto& g) { return group_sum(px, g); },
            "reduce_sum"));
    return Value(reduce_with<kIntBool>(
        r, r.x, Dtype::int64,
        [](const auto* px, const auto& g) {
            std::uint64_t s = 0;  // wraps like NumPy's int64 sum
            for (auto i : g)
                s += static_cast<std::uint64_t>(static_cast<std::int64_t>(px[i]));
            return static_cast<std::int64_t>(s);
        },
        "reduce_sum"));
}

Value prod_kernel(const Inputs& in, const KernelContext& ctx) {
    const Reduction r = parse(in, 3, ctx, "reduce_prod");
    if (is_floating(r.x.dtype()))
        return Value(reduce_with<kFloats>(
            r, r.x, r.x.dtype(),
            [](const auto* px, const auto& g) {
                using T = std::remove_cv_t<std::remove_reference_t<decltype(*px)>>;
                T p = T(1);
                for (auto i : g)
                    p *= px[i];
                return p;
            },
            "reduce_prod"));
    return Value(reduce_with<kIntBool>(
        r, r.x, Dtype::int64,
        [](const auto* px, const auto& g) {
            std::uint64_t p = 1;
            for (auto i : g)
                p *= static_cast<std::uint64_t>(static_cast<std::int64_t>(px[i]));
            return static_cast<std::int64_t>(p);
        },
        "reduce_prod"));
}

// The input in the precision mean / variance compute in: floats as they are, int / bool in
// double. Returns the dtype of the result too.
std::pair<Tensor, Dtype> stats_input(const Tensor& x, const KernelContext& ctx) {
    if (is_floating(x.dtype())) return {x, x.dtype()};
    return {x.astype(Dtype::float64), ctx.float_dtype};
}

Value mean_kernel(const Inputs& in, const KernelContext& ctx) {
    const Reduction r = parse(in, 3, ctx, "reduce_mean");
    const auto [x, out] = stats_input(r.x, ctx);
    Tensor result = reduce_with<kFloats>(
        r, x, x.dtype(),
        [](const auto* px, const auto& g) {
            using T = std::remove_cv_t<std::remove_reference_t<decltype(*px)>>;
            return group_sum(px, g) / static_cast<T>(g.size());
        },
        "reduce_mean");
    return Value(result.dtype() == out ? result : result.astype(out));
}

// np.var: mean = sum(x) / n; sum((x - mean)^2) / max(n - correction, 0).
Value variance_kernel(const Inputs& in, const KernelContext& ctx) {
    const Reduction r = parse(in, 4, ctx, "variance");
    const double correction =
        in[3].is_none() ? 0.0 : value_double(in[3], ctx, "variance correction");
    const auto [x, out] = stats_input(r.x, ctx);
    Tensor result = reduce_with<kFloats>(
        r, x, x.dtype(),
        [correction](const auto* px, const auto& g) {
            using T = std::remove_cv_t<std::remove_reference_t<decltype(*px)>>;
            const T mean = group_sum(px, g) / static_cast<T>(g.size());
            std::vector<T> sq(g.size());
            for (std::size_t k = 0; k < g.size(); ++k) {
                const T d = px[g[k]] - mean;
                sq[k] = d * d;
            }
            const T ss = pairwise_sum(sq.data(), static_cast<std::int64_t>(sq.size()));
            const double denom = std::max(static_cast<double>(g.size()) - correction, 0.0);
            return static_cast<T>(ss / static_cast<T>(denom));
        },
        "variance");
    return Value(result.dtype() == out ? result : result.astype(out));
}

template <bool IsMax>
Value extremum_kernel(const Inputs& in, const KernelContext& ctx) {
    const std::string op = IsMax ? "reduce_max" : "reduce_min";
    const Reduction r = parse(in, 3, ctx, op);
    for (const auto& g : r.groups)
        if (g.empty())
            throw ValueError(std::string("zero-size array to reduction operation ") +
                             (IsMax ? "maximum" : "minimum") + " which has no identity");
    return Value(reduce_with<kAllKernel>(
        r, r.x, r.x.dtype(),
        [](const auto* px, const auto& g) {
            auto m = px[g[0]];
            for (auto i : g)
                m = IsMax ? np_maximum(m, px[i]) : np_minimum(m, px[i]);
            return m;
        },
        op));
}

template <bool IsMax>
Value arg_kernel(const Inputs& in, const KernelContext& ctx) {
    const std::string op = IsMax ? "reduce_argmax" : "reduce_argmin";
    expect_inputs(in, 3, op);
    if (in[1].is_sequence())
        throw TypeError(op + ": axis must be None or an int, got " + in[1].repr());
    const Reduction r = parse(in, 3, ctx, op);
    for (const auto& g : r.groups)
        if (g.empty())
            throw ValueError(std::string("attempt to get ") + (IsMax ? "argmax" : "argmin") +
                             " of an empty sequence");
    return Value(reduce_with<kAllKernel>(
        r, r.x, Dtype::int64,
        [](const auto* px, const auto& g) {
            std::size_t best = 0;
            for (std::size_t k = 0; k < g.size(); ++k) {
                const auto v = px[g[k]];
                if constexpr (std::is_floating_point_v<std::remove_cv_t<decltype(v)>>) {
                    if (std::isnan(v)) return static_cast<std::int64_t>(k);  // first NaN wins
                }
                if (IsMax ? (v > px[g[best]]) : (v < px[g[best]])) best = k;
            }
            return static_cast<std::int64_t>(best);
        },
        op));
}

const bool kRegistered = [] {
    register_forward("reduce_sum", sum_kernel);
    register_forward("reduce_mean", mean_kernel);
    register_forward("reduce_max", extremum_kernel<true>);
    register_forward("reduce_min", extremum_kernel<false>);
    register_forward("reduce_prod", prod_kernel);
    register_forward("variance", variance_kernel);
    register_forward("reduce_argmax", arg_kernel<true>);
    register_forward("reduce_argmin", arg_kernel<false>);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

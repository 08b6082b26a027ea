// autodiff/vjp_reduce.cpp — VJP rules of the reductions (keys: input, axis, keepdim
// [, correction]).
//
// Mirrors reduce_sum_grad, reduce_mean_grad, reduce_max_grad, reduce_min_grad,
// reduce_prod_grad and variance_grad of Mithril's numpy backend (ops_grad.py):
//   * max / min spread the gradient evenly over every element equal to the extremum of
//     its group (as JAX and torch do);
//   * prod uses output / x where x != 0 and the product of the other elements of the
//     group where x == 0 (numpy recomputes exactly those entries);
//   * variance: 2 / (n - correction) * (x - mean) * g.
// reduce_argmax / reduce_argmin have integer outputs and no rule.
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;
namespace ref = mithril::reference;

struct Reduction {
    Shape in_shape;
    std::vector<std::int64_t> axes;
    bool keepdim = false;
};

Reduction parse(const Inputs& in, const std::string& op) {
    Reduction r;
    r.in_shape = value_shape(in[0]);
    const Value axis = in.size() > 1 ? in[1] : Value(None);
    r.axes = ref::parse_axes(axis, static_cast<std::int64_t>(r.in_shape.size()), op);
    r.keepdim = in.size() > 2 && !in[2].is_none() && vbool(in[2], op + " keepdim");
    return r;
}

std::int64_t group_size(const Reduction& r) {
    std::int64_t n = 1;
    for (auto a : r.axes) n *= r.in_shape[static_cast<size_t>(a)];
    return n;
}

Arr extremum_grad(const Arr& g, const Inputs& in, const KernelContext& ctx, bool is_max,
                  const std::string& op) {
    const Reduction r = parse(in, op);
    const Arr x = to_arr(in[0], ctx);
    const Arr ge = expand_reduced(g, r.in_shape, r.axes, r.keepdim);
    Arr res(r.in_shape);
    for (const auto& grp : ref::reduce_groups(r.in_shape, r.axes)) {
        if (grp.empty()) continue;
        double best = x[grp[0]];
        for (auto i : grp) best = is_max ? std::max(best, x[i]) : std::min(best, x[i]);
        double count = 0.0;
        for (auto i : grp) count += (x[i] == best) ? 1.0 : 0.0;
        for (auto i : grp) res[i] = (x[i] == best ? 1.0 : 0.0) * ge[i] / count;
    }
    return res;
}

void register_all() {
    reg("reduce_sum",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
            const Reduction r = parse(in, "reduce_sum");
            return expand_reduced(g, r.in_shape, r.axes, r.keepdim);
        },
        {1, 2});
    reg("reduce_mean",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
            const Reduction r = parse(in, "reduce_mean");
            const double n = static_cast<double>(group_size(r));
            return map(expand_reduced(g, r.in_shape, r.axes, r.keepdim),
                       [n](double x) { return x / n; });
        },
        {1, 2});
    reg("reduce_max",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return extremum_grad(g, in, ctx, true, "reduce_max");
        },
        {1, 2});
    reg("reduce_min",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return extremum_grad(g, in, ctx, false, "reduce_min");
        },
        {1, 2});
    reg("reduce_prod",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            const Reduction r = parse(in, "reduce_prod");
            const Arr x = to_arr(in[0], ctx);
            const Arr ge = expand_reduced(g, r.in_shape, r.axes, r.keepdim);
            Arr res(r.in_shape);
            for (const auto& grp : ref::reduce_groups(r.in_shape, r.axes)) {
                double prod = 1.0;
                for (auto i : grp) prod *= x[i];
                for (auto i : grp) {
                    double d = 0.0;
                    if (x[i] != 0.0 || prod != 0.0) {
                        d = prod / x[i];
                    } else {
                        d = 1.0;  // product of the other elements of the group
                        for (auto j : grp)
                            if (j != i) d *= x[j];
                    }
                    res[i] = d * ge[i];
                }
            }
            return res;
        },
        {1, 2});
    reg("variance",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            const Reduction r = parse(in, "variance");
            const double corr = in.size() > 3 && !in[3].is_none()
                                    ? vdouble(in[3], ctx, "variance correction")
                                    : 0.0;
            const Arr x = to_arr(in[0], ctx);
            const double n = static_cast<double>(group_size(r));
            const Arr mean = map(sum_axes(x, r.axes, true), [n](double s) { return s / n; });
            const Arr ge = expand_reduced(g, r.in_shape, r.axes, r.keepdim);
            const double c = 2.0 / (n - corr);
            return zip3(x, mean, ge,
                        [c](double xi, double m, double gi) { return c * (xi - m) * gi; });
        },
        {1, 2, 3});
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

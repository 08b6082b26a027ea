// autodiff/vjp_binary.cpp — VJP rules of the broadcasting binary arithmetic primitives.
//
// Mirrors add_grad, subtract_grad, multiplication_grad, divide_grad, power_grad and
// robust_power_grad of Mithril's numpy backend (ops_grad.py). Results are in the
// broadcast output shape; the wrapper (reg) sums them down to each operand's shape.
// Deviation: power's exponent gradient at base 0 is 0 (numpy computes 0^e * log(0) and
// multiplies by (base != 0), which leaves NaN; the intent, and torch's value for e >= 0,
// is 0).
// Not in the numpy backend, added with torch/JAX conventions: minimum / maximum (the
// gradient goes to the selected operand, split 0.5 / 0.5 at ties) and floor_divide (zero).
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;

// Operand i as an Arr (tensor, Python number or Constant).
Arr op(const Inputs& in, std::size_t i, const KernelContext& ctx) { return to_arr(in[i], ctx); }

// The robust power's branch condition (ops.py robust_power):
// (exponent < 1 - log(thr) / log|base|) & (|base| < thr).
bool robust_cond(double b, double e, double thr) {
    const double ab = std::abs(b);
    return (e < (1.0 - std::log(thr) / std::log(ab))) && (ab < thr);
}

Arr minmax_grad(std::size_t idx, const Arr& g, const Inputs& in, const KernelContext& ctx,
                bool is_max) {
    const Arr a = op(in, 0, ctx), b = op(in, 1, ctx);
    const Arr share = zip(a, b, [idx, is_max](double x, double y) {
        if (x == y) return 0.5;
        const bool left_wins = is_max ? x > y : x < y;
        return (left_wins == (idx == 0)) ? 1.0 : 0.0;
    });
    return g * share;
}

void register_all() {
    reg("add", [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
        return g;
    });
    reg("subtract", [](std::size_t idx, const Arr& g, const Inputs&, const Value&,
                       const KernelContext&) { return idx == 0 ? g : -g; });
    reg("multiplication", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                             const KernelContext& ctx) { return op(in, 1 - idx, ctx) * g; });
    reg("divide", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                     const KernelContext& ctx) {
        const Arr num = op(in, 0, ctx), den = op(in, 1, ctx);
        if (idx == 0) return g / den;
        return zip3(g, num, den, [](double gi, double n, double d) { return -gi * n / (d * d); });
    });
    reg("floor_divide", [](std::size_t, const Arr& g, const Inputs&, const Value&,
                           const KernelContext&) { return Arr(g.shape); });
    reg("power", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                    const KernelContext& ctx) {
        const Arr base = op(in, 0, ctx), ex = op(in, 1, ctx);
        if (idx == 0)
            return zip3(g, base, ex, [](double gi, double b, double e) {
                return e * std::pow(b, e - 1.0) * gi;
            });
        return zip3(g, base, ex, [](double gi, double b, double e) {
            if (b == 0.0) return 0.0;
            return std::pow(b, e) * std::log(b) * gi;
        });
    });
    reg("robust_power",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) {
            const Arr base = op(in, 0, ctx), ex = op(in, 1, ctx);
            const double thr = vdouble(in[2], ctx, "robust_power threshold");
            // Broadcast base and exponent to the common shape first, as the numpy rule does.
            const Arr be = zip(base, ex, [](double b, double) { return b; });
            const Arr eb = zip(base, ex, [](double, double e) { return e; });
            Arr r(be.shape);
            const Arr gb = broadcast_to(g, be.shape);
            for (std::int64_t i = 0; i < r.numel(); ++i) {
                const double b = be[i], e = eb[i], ab = std::abs(b);
                const bool cond = robust_cond(b, e, thr);
                if (idx == 0) {
                    r[i] = cond ? sign(b) * ((1.0 / thr) * gb[i])
                                : sign(b) * (e * std::pow(ab, e - 1.0)) * gb[i];
                } else {
                    r[i] = cond ? 0.0 : (std::pow(ab, e) * std::log(ab)) * gb[i];
                    if (b == 0.0) r[i] = 0.0;
                }
            }
            return r;
        },
        {2});
    reg("minimum", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                      const KernelContext& ctx) { return minmax_grad(idx, g, in, ctx, false); });
    reg("maximum", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                      const KernelContext& ctx) { return minmax_grad(idx, g, in, ctx, true); });
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

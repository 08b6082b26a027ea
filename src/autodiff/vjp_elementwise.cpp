// autodiff/vjp_elementwise.cpp — VJP rules of the elementwise unary primitives and the
// activations.
//
// Each rule mirrors the matching *_grad of Mithril's numpy backend
// (mithril/cores/python/numpy/ops_grad.py), kinks included (FORMAT.md §1.3): d|x|/dx at 0
// is 0 (np.sign), Relu at 0 gives 0, LeakyRelu at 0 gives the slope, robust log below the
// threshold gives +-1/threshold, robust sqrt below it +-1/sqrt(threshold), the stable
// reciprocal below it -1/threshold^2. Rules that need the forward output (exp, sqrt,
// sigmoid, tanh, softmax) read it from `output`.
// Not in the numpy backend, added with the usual convention: floor (zero gradient) and
// clamp (torch: g where min <= x <= max, else 0).
#include <cmath>
#include <numbers>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;

Arr x_of(const Inputs& in, const KernelContext& ctx) { return to_arr(in[0], ctx); }

// A rule of the form g * f(x).
template <class F>
ArrRule unary(F f) {
    return
        [f](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return zip(g, x_of(in, ctx), [f](double gi, double xi) { return gi * f(xi); });
        };
}

// A rule of the form g * f(output); `fwd` recomputes the output from the input when the
// caller passes no output tensor.
template <class F, class Fwd>
ArrRule from_output(F f, Fwd fwd) {
    return [f, fwd](std::size_t, const Arr& g, const Inputs& in, const Value& out,
                    const KernelContext& ctx) {
        const Arr o = out.is_tensor() ? to_arr(out, ctx) : map(x_of(in, ctx), fwd);
        return zip(g, o, [f](double gi, double oi) { return gi * f(oi); });
    };
}

ArrRule zero_rule() {
    return [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
        return Arr(g.shape);
    };
}

ArrRule identity_rule() {
    return [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
        return g;
    };
}

// Mithril's relu_grad mask: 1 for x > 0, 0 for x <= 0, NaN stays NaN.
double relu_mask(double x, double below) {
    if (x > 0.0) return 1.0;
    if (x <= 0.0) return below;
    return x;
}

double gelu_grad(double x, bool approximate) {
    if (approximate) {
        const double c = std::sqrt(2.0 / std::numbers::pi);
        const double t = std::tanh(c * (x + 0.044715 * x * x * x));
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * (c * (1.0 + 0.134145 * x * x));
    }
    const double s = x / std::sqrt(2.0);
    const double erf_prime = (2.0 / std::sqrt(std::numbers::pi)) * std::exp(-(s * s));
    return 0.5 + 0.5 * std::erf(s) + ((0.5 * x * erf_prime) / std::sqrt(2.0));
}

void register_all() {
    reg("abs", unary([](double x) { return sign(x); }));
    reg("negate", [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
        return -g;
    });
    reg("exp", from_output([](double o) { return o; }, [](double x) { return std::exp(x); }));
    reg("log", unary([](double x) { return 1.0 / x; }));
    reg("robust_log",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return robust_log_grad(g, x_of(in, ctx), vdouble(in[1], ctx, "robust_log threshold"));
        },
        {1});
    reg("sqrt", from_output([](double o) { return 0.5 * (1.0 / o); },
                            [](double x) { return std::sqrt(x); }));
    reg("robust_sqrt",
        [](std::size_t, const Arr& g, const Inputs& in, const Value& out,
           const KernelContext& ctx) {
            const double thr = vdouble(in[1], ctx, "robust_sqrt threshold");
            const Arr x = x_of(in, ctx);
            const Arr o = out.is_tensor() ? to_arr(out, ctx)
                                          : map(x, [](double v) { return std::sqrt(std::abs(v)); });
            Arr d(x.shape);
            for (std::int64_t i = 0; i < x.numel(); ++i) {
                const double gi = std::abs(x[i]) < thr ? 1.0 / std::sqrt(thr) : 0.5 * (1.0 / o[i]);
                d[i] = sign(x[i]) * gi;
            }
            return d * g;
        },
        {1});
    reg("sin", unary([](double x) { return std::cos(x); }));
    reg("cos", unary([](double x) { return -std::sin(x); }));
    reg("sign", zero_rule());
    reg("square", unary([](double x) { return 2.0 * x; }));
    reg("stable_reciprocal",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            const double thr = vdouble(in[1], ctx, "stable_reciprocal threshold");
            return zip(g, x_of(in, ctx), [thr](double gi, double xi) {
                const double d = std::abs(xi) < thr ? -(1.0 / (thr * thr)) : -1.0 / (xi * xi);
                return d * gi;
            });
        },
        {1});
    reg("floor", zero_rule());

    // activations
    reg("relu", unary([](double x) { return relu_mask(x, 0.0); }));
    reg("leaky_relu", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                         const KernelContext& ctx) {
        const Arr x = x_of(in, ctx);
        if (idx == 1)
            return g * map(x, [](double xi) { return std::isnan(xi) ? xi : std::min(0.0, xi); });
        const Arr slope = to_arr(in[1], ctx);
        return g * zip(x, slope, [](double xi, double s) { return relu_mask(xi, s); });
    });
    reg("gelu",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            const bool approx = in.size() > 1 && vbool(in[1], "gelu approximate");
            return zip(g, x_of(in, ctx),
                       [approx](double gi, double xi) { return gelu_grad(xi, approx) * gi; });
        },
        {1});
    reg("sigmoid", from_output([](double s) { return s * (1.0 - s); }, stable_sigmoid));
    reg("tanh",
        from_output([](double o) { return 1.0 - o * o; }, [](double x) { return std::tanh(x); }));
    reg("softplus", unary([](double x) { return stable_sigmoid(x); }));
    reg("softmax",
        [](std::size_t, const Arr& g, const Inputs& in, const Value& out,
           const KernelContext& ctx) {
            const std::int64_t axis = in.size() > 1 ? vint(in[1], "softmax axis") : -1;
            const Arr o = out.is_tensor() ? to_arr(out, ctx) : softmax(x_of(in, ctx), axis);
            return softmax_grad(g, o, axis);
        },
        {1});

    // NaN handling, clamping, pass-through
    reg("isnan", identity_rule());  // Mithril's isnan_grad returns the output gradient
    reg("nan_to_num", unary([](double x) { return std::isfinite(x) ? 1.0 : 0.0; }), {1, 2, 3});
    reg("clamp",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            Arr x = x_of(in, ctx);
            const bool has_lo = in.size() > 1 && !in[1].is_none();
            const bool has_hi = in.size() > 2 && !in[2].is_none();
            const Arr lo = has_lo ? to_arr(in[1], ctx) : scalar_arr(-INFINITY);
            const Arr hi = has_hi ? to_arr(in[2], ctx) : scalar_arr(INFINITY);
            const Arr mask = zip3(x, lo, hi, [](double xi, double l, double h) {
                return (xi >= l && xi <= h) ? 1.0 : 0.0;
            });
            return g * mask;
        },
        {1, 2});
    reg("stop_gradient", zero_rule());
    reg("buffer", identity_rule());
    reg("zeros_like", zero_rule());
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

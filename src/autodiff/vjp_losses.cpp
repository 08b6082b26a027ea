// autodiff/vjp_losses.cpp — VJP rules of the loss primitives.
//
// Mirrors squared_error_grad, absolute_error_grad, hinge_loss_grad, quad_hinge_loss_grad,
// quantile_loss_grad, kl_divergence_grad, cross_entropy(_with_logits, _with_log_probs)_grad
// and binary_cross_entropy(_with_logits)_grad of Mithril's numpy backend (ops_grad.py),
// with the class weights / pos_weight recomputed as its forward does (ops.py, utils.py):
//   * absolute error at a tie gives 0 (np.sign); hinge loss at the hinge (1 - t x == 0)
//     gives the subgradient 0.5; quantile loss at a tie gives quantile - 0.5;
//   * the robust variants use robust_log_grad (+-1/threshold below the threshold);
//   * cross_entropy_with_logits non-categorical differentiates through log(softmax)
//     exactly as numpy does (robust_log_grad on the softmax when robust);
//   * binary_cross_entropy_with_logits ignores `robust` (numpy does too).
// Deviation: kl_divergence's target gradient is the exact
// g * (rlog(t) - rlog(x) + t * rlog'(t)); numpy's (t * rlog'(x) * g + partial_result) is
// not a derivative of the forward (no suite differentiates the target).
// Also trapezoid (keys y, x; not in the numpy backend): the exact derivative.
// Inputs: losses (input, target[, quantile | threshold]); cross entropy (input, target,
// weights, categorical[, threshold, robust]); binary cross entropy (input, target,
// pos_weight, threshold, robust).
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;
namespace ref = mithril::reference;

double rlog(double x, double thr) {
    const double ax = std::abs(x);
    return ax < thr ? std::log(thr) + ax / thr - 1.0 : std::log(ax);
}

double rlog_grad(double x, double thr) {
    const double ax = std::abs(x);
    const double d = ax < thr ? 1.0 / thr : 1.0 / ax;
    return x < 0.0 ? -d : d;
}

// ---- cross entropy ---------------------------------------------------------------------------

// Mithril's calculate_cross_entropy_class_weights; for non-categorical targets the result
// is shaped [1, C, 1, ...] to broadcast against the input.
Arr class_weights(const Arr& input, const Arr& target, bool categorical, const Value& weights) {
    const std::int64_t c = input.shape.at(1);
    Arr w(Shape{c}, 1.0);
    if (weights.is_bool() || weights.is_none() || weights.is_str()) {
        const bool automatic = weights.is_bool() ? weights.as_bool()
                                                 : (weights.is_str() && weights.as_str() == "auto");
        if (automatic) {
            // calculate_class_weight(labels) on one-hot labels (categorical) or the targets.
            Arr labels = target;
            if (categorical) {
                Shape s = target.shape;
                s.push_back(c);
                labels = Arr(s);
                for (std::int64_t i = 0; i < target.numel(); ++i)
                    labels[i * c + static_cast<std::int64_t>(target[i])] = 1.0;
            }
            std::vector<std::int64_t> axes;
            for (std::size_t a = 0; a < labels.rank(); ++a)
                if (a != 1) axes.push_back(static_cast<std::int64_t>(a));
            const Arr per = sum_axes(labels, axes, false);
            double total = 0.0;
            for (double v : labels.v) total += v;
            const double k = static_cast<double>(labels.shape.at(1));
            w = map(per, [total, k](double p) { return (1.0 / p) * total / k; });
        }
    } else if (weights.is_sequence()) {
        w = Arr(Shape{static_cast<std::int64_t>(weights.items().size())});
        for (std::size_t i = 0; i < weights.items().size(); ++i)
            w.v[i] = weights.items()[i].as_float();
    } else if (weights.is_tensor()) {
        w = to_arr(weights.as_tensor());
    }
    if (!categorical) {
        Shape s(input.rank(), 1);
        s[1] = w.numel();
        w = reshape(w, s);
    }
    return w;
}

struct CeArgs {
    Arr x, t, w;
    bool categorical = true, robust = false;
    double thr = 0.0;
    std::int64_t n = 0, c = 0, rest = 1;  // input [N, C, rest...]
};

CeArgs ce_args(const Inputs& in, const KernelContext& ctx, bool has_robust) {
    CeArgs a;
    a.x = to_arr(in[0], ctx);
    a.t = to_arr(in[1], ctx);
    a.categorical = in.size() > 3 ? vbool(in[3], "cross_entropy categorical") : true;
    if (has_robust) {
        a.thr = vdouble(in[4], ctx, "cross_entropy threshold");
        a.robust = in.size() > 5 && vbool(in[5], "cross_entropy robust");
    }
    a.w = class_weights(a.x, a.t, a.categorical, in.size() > 2 ? in[2] : Value(false));
    a.n = a.x.shape.at(0);
    a.c = a.x.shape.at(1);
    a.rest = a.x.numel() / std::max<std::int64_t>(a.n * a.c, 1);
    return a;
}

// Calls f(input flat index of the target class, target flat index, class) for every
// position of a categorical cross entropy.
template <class F>
void for_targets(const CeArgs& a, F f) {
    for (std::int64_t b = 0; b < a.n; ++b)
        for (std::int64_t r = 0; r < a.rest; ++r) {
            const std::int64_t ti = b * a.rest + r;
            const auto cls = static_cast<std::int64_t>(a.t[ti]);
            f((b * a.c + cls) * a.rest + r, ti, cls);
        }
}

// g (shape [N, rest...]) spread over axis 1: reduce_sum_grad(g, axis=1).
Arr spread_axis1(const Arr& g, const Shape& in_shape) {
    return expand_reduced(g, in_shape, {1}, false);
}

Arr ce_probs(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
    const CeArgs a = ce_args(in, ctx, true);
    if (a.categorical) {
        Arr r(a.x.shape);
        for_targets(a, [&](std::int64_t xi, std::int64_t ti, std::int64_t cls) {
            const double gw = g[ti] * a.w[cls];
            const double d = a.robust ? rlog_grad(a.x[xi], a.thr) : 1.0 / a.x[xi];
            r[xi] = -(d * gw);
        });
        return r;
    }
    const Arr s = spread_axis1(g, a.x.shape) * a.w;
    const Arr l = a.robust ? robust_log_grad(s, a.x, a.thr) * a.t : (s / a.x) * a.t;
    return -l;
}

Arr ce_logits(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
    const CeArgs a = ce_args(in, ctx, true);
    const Arr sm = softmax(a.x, 1);
    if (a.categorical) {
        Arr r = sm;
        for_targets(a, [&](std::int64_t xi, std::int64_t, std::int64_t) { r[xi] -= 1.0; });
        for (std::int64_t b = 0; b < a.n; ++b)
            for (std::int64_t k = 0; k < a.c; ++k)
                for (std::int64_t q = 0; q < a.rest; ++q) {
                    const std::int64_t ti = b * a.rest + q;
                    r[(b * a.c + k) * a.rest + q] *=
                        g[ti] * a.w[static_cast<std::int64_t>(a.t[ti])];
                }
        return r;
    }
    const Arr s = spread_axis1(g, a.x.shape) * a.w;
    const Arr l = a.robust ? robust_log_grad(s, sm, a.thr) * a.t : (s / sm) * a.t;
    return -softmax_grad(l, sm, 1);
}

Arr ce_log_probs(std::size_t, const Arr& g, const Inputs& in, const Value&,
                 const KernelContext& ctx) {
    const CeArgs a = ce_args(in, ctx, false);
    if (a.categorical) {
        Arr r(a.x.shape);
        for_targets(a, [&](std::int64_t xi, std::int64_t ti, std::int64_t cls) {
            r[xi] = -(g[ti] * a.w[cls]);
        });
        return r;
    }
    return -(spread_axis1(g, a.x.shape) * a.t * a.w);
}

// ---- binary cross entropy -----------------------------------------------------------------------

double mean_of(const Arr& a) {
    double s = 0.0;
    for (double v : a.v) s += v;
    return s / static_cast<double>(a.numel());
}

// pos_weight: True or "auto" = calculate_binary_class_weight(target) (of sigmoid(target)
// for logits); False = 0 for probs (Python's -False * t) and 1 for logits; None = 1.
double pos_weight(const Value& v, const Arr& t, const KernelContext& ctx, bool logits) {
    const bool automatic = (v.is_bool() && v.as_bool()) || (v.is_str() && v.as_str() == "auto");
    if (automatic) {
        const double m = mean_of(logits ? map(t, stable_sigmoid) : t);
        return (1.0 - m) / m;
    }
    if (v.is_bool()) return logits ? 1.0 : 0.0;
    if (v.is_none()) return 1.0;
    return vdouble(v, ctx, "binary_cross_entropy pos_weight");
}

Arr bce_probs(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
    const Arr x = to_arr(in[0], ctx), t = to_arr(in[1], ctx);
    const double pw = pos_weight(in[2], t, ctx, false);
    const bool robust = in.size() > 4 && vbool(in[4], "binary_cross_entropy robust");
    const double thr = robust ? vdouble(in[3], ctx, "binary_cross_entropy threshold") : 0.0;
    return zip3(g, x, t, [=](double gi, double xi, double ti) {
        if (robust)
            return -pw * ti * (rlog_grad(xi, thr) * gi) +
                   (1.0 - ti) * (rlog_grad(1.0 - xi, thr) * gi);
        return -pw * ti * gi * (1.0 / xi) + (1.0 - ti) * gi * (1.0 / (1.0 - xi));
    });
}

Arr bce_logits(std::size_t, const Arr& g, const Inputs& in, const Value&,
               const KernelContext& ctx) {
    const Arr x = to_arr(in[0], ctx), t = to_arr(in[1], ctx);
    const double pw = pos_weight(in[2], t, ctx, true);
    if (pw != 1.0)
        return zip3(g, x, t, [pw](double gi, double xi, double ti) {
            const double p = pw * ti;
            return ((p + 1.0 - ti) * stable_sigmoid(xi) - p) * gi;
        });
    return zip3(g, x, t,
                [](double gi, double xi, double ti) { return (stable_sigmoid(xi) - ti) * gi; });
}

// ---- pointwise losses
// ----------------------------------------------------------------------------

Arr hinge(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
    const Arr x = to_arr(in[0], ctx), t = to_arr(in[1], ctx);
    return zip3(g, x, t, [](double gi, double xi, double ti) {
        const double base = 1.0 - ti * xi;
        double m = std::max(0.0, base);
        if (m > 0.0) m = 1.0;
        if (base == 0.0) m = 0.5;
        return -(m * ti) * gi;
    });
}

// trapezoid(y, x) = sum_i (x[i+1] - x[i]) (y[i] + y[i+1]) / 2 over the last axis (x None:
// unit spacing; x 1-d or y's shape). Not in the numpy backend; exact derivative.
Arr trapezoid_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                   const KernelContext& ctx) {
    const Arr y = to_arr(in[0], ctx);
    const std::int64_t n = y.shape.back(), rows = n == 0 ? 0 : y.numel() / n;
    const bool have_x = in.size() > 1 && in[1].is_tensor();
    const Arr x = have_x ? broadcast_to(to_arr(in[1], ctx), y.shape) : Arr(y.shape);
    auto xs = [&](std::int64_t r, std::int64_t i) { return have_x ? x[r * n + i] : double(i); };
    Arr res(y.shape);
    for (std::int64_t r = 0; r < rows; ++r) {
        const double gr = g[g.numel() == 1 ? 0 : r];
        for (std::int64_t i = 0; i < n; ++i) {
            double d = 0.0;
            if (idx == 0) {
                if (i > 0) d += (xs(r, i) - xs(r, i - 1)) / 2.0;
                if (i + 1 < n) d += (xs(r, i + 1) - xs(r, i)) / 2.0;
            } else {
                if (i > 0) d += (y[r * n + i - 1] + y[r * n + i]) / 2.0;
                if (i + 1 < n) d -= (y[r * n + i] + y[r * n + i + 1]) / 2.0;
            }
            res[r * n + i] = gr * d;
        }
    }
    return res;
}

void register_all() {
    reg("squared_error", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                            const KernelContext& ctx) {
        const Arr d = zip3(g, to_arr(in[0], ctx), to_arr(in[1], ctx),
                           [](double gi, double x, double t) { return 2.0 * (x - t) * gi; });
        return idx == 0 ? d : -d;
    });
    reg("absolute_error", [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                             const KernelContext& ctx) {
        const Arr d = zip3(g, to_arr(in[0], ctx), to_arr(in[1], ctx),
                           [](double gi, double x, double t) { return sign(x - t) * gi; });
        return idx == 0 ? d : -d;
    });
    reg("hinge_loss", hinge, {1});
    reg("quad_hinge_loss",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return zip3(g, to_arr(in[0], ctx), to_arr(in[1], ctx),
                        [](double gi, double x, double t) {
                            return -2.0 * (std::max(0.0, 1.0 - t * x) * t) * gi;
                        });
        },
        {1});
    reg("quantile_loss",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) {
            const double q = vdouble(in[2], ctx, "quantile_loss quantile");
            const double side = idx == 0 ? -1.0 : 1.0;
            return zip3(g, to_arr(in[0], ctx), to_arr(in[1], ctx),
                        [=](double gi, double x, double t) {
                            double d = sign(t - x);  // numpy's three masked assignments, in order
                            if (d == 0.0) d = q - 0.5;
                            if (d == 1.0) d = q;
                            if (d == -1.0) d = q - 1.0;
                            return side * d * gi;
                        });
        },
        {2});
    reg("kl_divergence",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) {
            const double thr = vdouble(in[2], ctx, "kl_divergence threshold");
            const Arr x = to_arr(in[0], ctx), t = to_arr(in[1], ctx);
            if (idx == 0)
                return zip3(g, x, t, [thr](double gi, double xi, double ti) {
                    return -ti * (rlog_grad(xi, thr) * gi);
                });
            return zip3(g, x, t, [thr](double gi, double xi, double ti) {
                return gi * (rlog(ti, thr) - rlog(xi, thr) + ti * rlog_grad(ti, thr));
            });
        },
        {2});
    reg("trapezoid", trapezoid_rule);
    reg("cross_entropy", ce_probs, {1, 2, 3, 4, 5});
    reg("cross_entropy_with_logits", ce_logits, {1, 2, 3, 4, 5});
    reg("cross_entropy_with_log_probs", ce_log_probs, {1, 2, 3});
    reg("binary_cross_entropy", bce_probs, {1, 2, 3, 4});
    reg("binary_cross_entropy_with_logits", bce_logits, {1, 2, 3, 4});
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

// backends/reference/losses.cpp — reference kernels of the loss primitives.
//
// Formula keys: squared_error, absolute_error, hinge_loss, quad_hinge_loss, quantile_loss,
// kl_divergence, cross_entropy (probs), cross_entropy_with_logits,
// cross_entropy_with_log_probs, binary_cross_entropy, binary_cross_entropy_with_logits.
//
// Semantics mirror Mithril's NumPy kernels (synnada-ai/mithril:
// mithril/cores/python/numpy/ops.py and utils.py), including their expression order, the
// robust log (ln|x| above the threshold, ln(thr) + |x|/thr - 1 below), the class weights
// ("auto" = class balancing, computed like calculate_cross_entropy_class_weights) and the
// automatic pos_weight of the binary losses. Float losses are computed in the result's
// float dtype T (float32 or float64; integer inputs compute in ctx.float_dtype), so a
// float32 model rounds like NumPy's float32 arrays. Inputs broadcast like NumPy.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

// ---- small numeric helpers (NumPy's maximum/minimum propagate NaN from either side) ----

template <class T>
T np_maximum(T a, T b) {
    return (a >= b || std::isnan(a)) ? a : b;
}
template <class T>
T np_minimum(T a, T b) {
    return (a <= b || std::isnan(a)) ? a : b;
}

// Mithril's robust_log: ln|x| where |x| >= thr, else ln(thr) + |x|/thr - 1.
template <class T>
T robust_log(T x, T thr) {
    const T a = std::abs(x);
    if (a < thr) return (std::log(thr) + a / thr) - T(1);
    return std::log(a);
}

// ln, robust or not, as the losses pick it with their `robust` flag.
template <class T>
T loss_log(T x, bool robust, T thr) {
    return robust ? robust_log(x, thr) : std::log(x);
}

// Float dtype of a loss computed from these tensor / scalar inputs.
Dtype loss_float_dtype(const std::vector<Operand>& ops, const KernelContext& ctx) {
    return float_result_dtype(result_dtype(ops, ctx), ctx);
}

// Broadcasts `ts` to one shape and converts them to T; returns the shape.
template <class T>
Shape broadcast_all(const std::vector<Tensor>& ts, std::vector<std::vector<T>>& out,
                    const std::string& op) {
    std::vector<Shape> shapes;
    for (const auto& t : ts) shapes.push_back(t.shape());
    const Shape shape = broadcast_shapes(shapes, op);
    out.clear();
    for (const auto& t : ts) out.push_back(to_vec<T>(broadcast_tensor(t, shape, op)));
    return shape;
}

template <class T>
Tensor make_tensor(const std::vector<T>& v, const Shape& shape) {
    return Tensor::from_vector<T>(v, shape);
}

// ---- supervised losses -----------------------------------------------------------------

// squared_error / absolute_error keep the operands' promoted dtype (int - int stays int).
template <class F>
Value polymorphic_loss(const std::vector<Value>& in, const KernelContext& ctx,
                       const std::string& op, F f) {
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    const Dtype d = result_dtype(ops, ctx);
    const Tensor a = ops[0].tensor.astype(d);
    const Tensor b = ops[1].tensor.astype(d);
    return map_binary<kNumeric>(
        a, b, d, [&](auto x, auto y) { return f(x, y); }, op);
}

Value squared_error(const std::vector<Value>& in, const KernelContext& ctx) {
    return polymorphic_loss(in, ctx, "squared_error", [](auto x, auto y) {
        using T = decltype(x);
        if constexpr (std::is_integral_v<T>) {
            const auto d = static_cast<std::uint64_t>(x) - static_cast<std::uint64_t>(y);
            return static_cast<T>(d * d);  // wraps like NumPy's int64
        } else {
            const T d = x - y;
            return d * d;
        }
    });
}

Value absolute_error(const std::vector<Value>& in, const KernelContext& ctx) {
    return polymorphic_loss(in, ctx, "absolute_error", [](auto x, auto y) {
        using T = decltype(x);
        if constexpr (std::is_integral_v<T>) {
            const auto d = static_cast<T>(static_cast<std::uint64_t>(x) -
                                          static_cast<std::uint64_t>(y));
            return d < 0 ? static_cast<T>(0 - static_cast<std::uint64_t>(d)) : d;
        } else {
            return std::abs(x - y);
        }
    });
}

// Float losses over broadcast (input, target[, extra...]) computed in T.
template <class F>
Value float_loss(const std::vector<Value>& in, std::size_t n_tensors, const KernelContext& ctx,
                 const std::string& op, F f) {
    std::vector<Operand> ops;
    for (std::size_t i = 0; i < n_tensors; ++i) ops.push_back(to_operand(in.at(i), ctx, op));
    const Dtype d = loss_float_dtype(ops, ctx);
    return dispatch<kFloats>(
        d,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            std::vector<Tensor> ts;
            for (auto& o : ops) ts.push_back(o.tensor);
            std::vector<std::vector<T>> v;
            const Shape shape = broadcast_all<T>(ts, v, op);
            std::vector<T> out(v[0].size());
            for (std::size_t i = 0; i < out.size(); ++i) out[i] = f(v, i);
            return make_tensor(out, shape);
        },
        op);
}

Value hinge_loss(const std::vector<Value>& in, const KernelContext& ctx) {
    return float_loss(in, 2, ctx, "hinge_loss", [](const auto& v, std::size_t i) {
        using T = typename std::decay_t<decltype(v)>::value_type::value_type;
        return np_maximum(T(0), T(1) - v[1][i] * v[0][i]);
    });
}

Value quad_hinge_loss(const std::vector<Value>& in, const KernelContext& ctx) {
    return float_loss(in, 2, ctx, "quad_hinge_loss", [](const auto& v, std::size_t i) {
        using T = typename std::decay_t<decltype(v)>::value_type::value_type;
        const T h = np_maximum(T(0), T(1) - v[1][i] * v[0][i]);
        return h * h;
    });
}

// quantile_loss keeps integer arithmetic for all-integer inputs (general_type_constraint).
Value quantile_loss(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "quantile_loss";
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op),
                             to_operand(in.at(2), ctx, op)};
    const Dtype d = result_dtype(ops, ctx);
    return dispatch<kNumeric>(
        d,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            std::vector<std::vector<T>> v;
            const Shape shape =
                broadcast_all<T>({ops[0].tensor, ops[1].tensor, ops[2].tensor}, v, op);
            std::vector<T> out(v[0].size());
            for (std::size_t i = 0; i < out.size(); ++i) {
                const T err = v[1][i] - v[0][i];
                const T q = v[2][i];
                if constexpr (std::is_floating_point_v<T>)
                    out[i] = np_maximum(q * err, (q - T(1)) * err);
                else
                    out[i] = std::max(q * err, (q - T(1)) * err);
            }
            return make_tensor(out, shape);
        },
        op);
}

// kl_divergence: target * (rlog(target) - rlog(input)).
Value kl_divergence(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "kl_divergence";
    const double thr = value_double(in.at(2), ctx, op + " threshold");
    return float_loss(in, 2, ctx, op, [thr](const auto& v, std::size_t i) {
        using T = typename std::decay_t<decltype(v)>::value_type::value_type;
        const T t = static_cast<T>(thr);
        const T partial = robust_log(v[1][i], t) - robust_log(v[0][i], t);
        return v[1][i] * partial;
    });
}

// ---- binary cross entropy ------------------------------------------------------------

// Mean of a float vector, as NumPy's mean (pairwise sum / n).
template <class T>
T np_mean(const std::vector<T>& v) {
    return pairwise_sum(v.data(), static_cast<std::int64_t>(v.size())) /
           static_cast<T>(v.size());
}

// pos_weight argument: bool true = "auto", bool false = 0 (Python's -False * x), number.
struct PosWeight {
    bool automatic = false;
    double value = 1.0;
};

PosWeight read_pos_weight(const Value& v, const KernelContext& ctx, bool logits) {
    PosWeight pw;
    if (v.is_bool()) {
        pw.automatic = v.as_bool();
        // NumPy: probs keeps a False pos_weight as 0 (-False * t); logits uses 1.0.
        pw.value = v.as_bool() ? 1.0 : (logits ? 1.0 : 0.0);
    } else if (v.is_str()) {
        if (v.as_str() != "auto")
            throw ValueError("pos_weight can only be set to 'auto' in string format, got " +
                             v.as_str());
        pw.automatic = true;
    } else if (v.is_none()) {
        pw.value = 1.0;
    } else {
        pw.value = value_double(v, ctx, "binary_cross_entropy pos_weight");
    }
    return pw;
}

Value binary_cross_entropy(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "binary_cross_entropy";
    const PosWeight pwa = read_pos_weight(in.at(2), ctx, false);
    const double thr_d = value_double(in.at(3), ctx, op + " threshold");
    const bool robust = value_bool(in.at(4), op + " robust");
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    return dispatch<kFloats>(
        loss_float_dtype(ops, ctx),
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            std::vector<std::vector<T>> v;
            const Shape shape = broadcast_all<T>({ops[0].tensor, ops[1].tensor}, v, op);
            T pw = static_cast<T>(pwa.value);
            if (pwa.automatic) {
                const std::vector<T> tgt = to_vec<T>(ops[1].tensor);
                const T m = np_mean(tgt);
                pw = (T(1) - m) / m;
            }
            const T thr = static_cast<T>(thr_d);
            std::vector<T> out(v[0].size());
            for (std::size_t i = 0; i < out.size(); ++i) {
                const T p = v[0][i], t = v[1][i];
                out[i] = -pw * t * loss_log(p, robust, thr) -
                         (T(1) - t) * loss_log(T(1) - p, robust, thr);
            }
            return make_tensor(out, shape);
        },
        op);
}

// Mithril's log_sigmoid: min(0, x) - log1p(e^-|x|), or - rlog(1 + e^-|x|) when robust.
template <class T>
T log_sigmoid(T x, bool robust, T thr) {
    const T m = np_minimum(T(0), x);
    const T e = std::exp(-std::abs(x));
    if (!robust) return m - std::log1p(e);
    return m - robust_log(T(1) + e, thr);
}

template <class T>
T stable_sigmoid(T x) {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    return std::exp(x) / (T(1) + std::exp(x));
}

Value binary_cross_entropy_with_logits(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "binary_cross_entropy_with_logits";
    const PosWeight pwa = read_pos_weight(in.at(2), ctx, true);
    const double thr_d = value_double(in.at(3), ctx, op + " threshold");
    const bool robust = value_bool(in.at(4), op + " robust");
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    return dispatch<kFloats>(
        loss_float_dtype(ops, ctx),
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            std::vector<std::vector<T>> v;
            const Shape shape = broadcast_all<T>({ops[0].tensor, ops[1].tensor}, v, op);
            T pw = static_cast<T>(pwa.value);
            if (pwa.automatic) {
                // NumPy: calculate_binary_class_weight(sigmoid(target)).
                std::vector<T> sig = to_vec<T>(ops[1].tensor);
                for (auto& s : sig) s = stable_sigmoid(s);
                const T m = np_mean(sig);
                pw = (T(1) - m) / m;
            }
            const T thr = static_cast<T>(thr_d);
            std::vector<T> out(v[0].size());
            for (std::size_t i = 0; i < out.size(); ++i) {
                const T x = v[0][i], t = v[1][i];
                if (pw != T(1)) {
                    const T log_weight = (pw - T(1)) * t + T(1);
                    out[i] = (T(1) - t) * x - log_weight * log_sigmoid(x, robust, thr);
                } else {
                    out[i] = (T(1) - t) * x - log_sigmoid(x, robust, thr);
                }
            }
            return make_tensor(out, shape);
        },
        op);
}

// ---- cross entropy --------------------------------------------------------------------

enum class CeKind { Probs, Logits, LogProbs };

// Layout of input [N, C, rest...]: element (n, c, r) at (n * C + c) * R + r.
struct CeDims {
    std::int64_t N = 0, C = 0, R = 1;
    Shape rest;
};

CeDims ce_dims(const Tensor& input, const std::string& op) {
    if (input.rank() < 2)
        throw ValueError(op + ": input must have shape [N, C, ...], got " +
                         shape_str(input.shape()));
    CeDims d;
    d.N = input.shape()[0];
    d.C = input.shape()[1];
    d.rest.assign(input.shape().begin() + 2, input.shape().end());
    d.R = shape_numel(d.rest);
    return d;
}

// Python list repr of the weights for the 1-D error message.
std::string weights_repr(const Value& w) { return w.repr(); }

// calculate_class_weight over a tensor `labels` given as (values, shape): sums over every
// axis except 1, then (1 / s) * total / shape[1].
std::vector<double> class_weight(const std::vector<double>& labels, const Shape& shape) {
    const std::int64_t A = shape[0], B = shape[1];
    const std::int64_t inner = shape_numel(Shape(shape.begin() + 2, shape.end()));
    std::vector<double> s(static_cast<std::size_t>(B), 0.0);
    double total = 0.0;
    for (std::int64_t a = 0; a < A; ++a)
        for (std::int64_t b = 0; b < B; ++b)
            for (std::int64_t k = 0; k < inner; ++k)
                s[static_cast<std::size_t>(b)] +=
                    labels[static_cast<std::size_t>((a * B + b) * inner + k)];
    for (double x : labels) total += x;
    std::vector<double> w(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        w[i] = (1.0 / s[i]) * total / static_cast<double>(B);
    return w;
}

// Class weights as in calculate_cross_entropy_class_weights (before the reshape that the
// non-categorical form applies: callers index by class).
std::vector<double> ce_weights(const Value& weights, const Tensor& target, bool categorical,
                               const CeDims& d, const std::string& op) {
    bool automatic = false;
    if (weights.is_bool() || weights.is_none() || weights.is_str()) {
        automatic = weights.is_bool() ? weights.as_bool()
                                      : (weights.is_str() && weights.as_str() == "auto");
        if (!automatic) return std::vector<double>(static_cast<std::size_t>(d.C), 1.0);
        if (categorical) {
            // one_hot = eye(C)[labels]: shape target.shape + [C]; weights over its axis 1.
            Shape oh_shape = target.shape();
            oh_shape.push_back(d.C);
            if (oh_shape.size() < 2)
                throw ValueError(op + ": target must have at least one dimension");
            const Tensor t = target.astype(Dtype::int64);
            const auto* p = t.data<std::int64_t>();
            std::vector<double> oh(static_cast<std::size_t>(t.numel() * d.C), 0.0);
            for (std::int64_t i = 0; i < t.numel(); ++i) {
                std::int64_t c = p[i] < 0 ? p[i] + d.C : p[i];
                if (c < 0 || c >= d.C)
                    throw ValueError("index " + std::to_string(p[i]) +
                                     " is out of bounds for axis 0 with size " +
                                     std::to_string(d.C));
                oh[static_cast<std::size_t>(i * d.C + c)] = 1.0;
            }
            return class_weight(oh, oh_shape);
        }
        return class_weight(to_vec<double>(target), target.shape());
    }
    if (!weights.is_sequence())
        throw TypeError(op + ": weights must be a bool or a list of floats, got " +
                        weights.repr());
    std::vector<double> w;
    for (const auto& item : weights.items()) {
        if (item.is_sequence())
            throw ValueError("Provided weights: '" + weights_repr(weights) +
                             "' must be 1D list.");
        w.push_back(item.as_float());
    }
    return w;
}

// Class index t of a categorical target, wrapped like NumPy fancy indexing.
std::int64_t class_index(std::int64_t t, std::int64_t size) {
    const std::int64_t c = t < 0 ? t + size : t;
    if (c < 0 || c >= size)
        throw ValueError("index " + std::to_string(t) + " is out of bounds for axis 1 with size " +
                         std::to_string(size));
    return c;
}

template <class T>
Value cross_entropy_impl(CeKind kind, const Tensor& input_in, const Tensor& target_in,
                         const Value& weights_v, bool categorical, bool robust, double thr_d,
                         Dtype fd, const std::string& op) {
    const CeDims d = ce_dims(input_in, op);
    const std::vector<T> x = to_vec<T>(input_in);
    const T thr = static_cast<T>(thr_d);
    std::vector<T> w;
    for (double v : ce_weights(weights_v, target_in, categorical, d, op))
        w.push_back(static_cast<T>(v));
    Shape out_shape{d.N};
    out_shape.insert(out_shape.end(), d.rest.begin(), d.rest.end());
    std::vector<T> out(static_cast<std::size_t>(d.N * d.R));
    auto at = [&](const std::vector<T>& a, std::int64_t n, std::int64_t c, std::int64_t r) {
        return a[static_cast<std::size_t>((n * d.C + c) * d.R + r)];
    };

    if (categorical) {
        if (dtype_kind(target_in.dtype()) != 1) {
            const std::string dn(dtype_name(target_in.dtype()));
            if (kind == CeKind::LogProbs)
                throw ValueError("Crossentropy got unexpected type for target '" + dn + "'");
            throw ValueError("Cross entropy got unexpected type for target '" + dn + "'.");
        }
        if (target_in.shape() != out_shape)
            throw ValueError(op + ": categorical target of shape " +
                             shape_str(target_in.shape()) + " does not match input " +
                             shape_str(input_in.shape()));
        const Tensor tt = target_in.astype(Dtype::int64);
        const auto* t = tt.data<std::int64_t>();
        const auto W = static_cast<std::int64_t>(w.size());
        std::vector<T> e(static_cast<std::size_t>(d.C));
        for (std::int64_t n = 0; n < d.N; ++n) {
            for (std::int64_t r = 0; r < d.R; ++r) {
                const std::size_t o = static_cast<std::size_t>(n * d.R + r);
                const std::int64_t c = class_index(t[o], d.C);
                const T wt = w[static_cast<std::size_t>(class_index(t[o], W))];
                if (kind == CeKind::Probs) {
                    out[o] = -loss_log(at(x, n, c, r), robust, thr) * wt;
                } else if (kind == CeKind::LogProbs) {
                    out[o] = -at(x, n, c, r) * wt;
                } else {
                    T mx = at(x, n, 0, r);
                    for (std::int64_t k = 1; k < d.C; ++k) mx = np_maximum(mx, at(x, n, k, r));
                    for (std::int64_t k = 0; k < d.C; ++k)
                        e[static_cast<std::size_t>(k)] = std::exp(at(x, n, k, r) - mx);
                    const T lognorm = loss_log(pairwise_sum(e.data(), d.C), robust, thr);
                    out[o] = (lognorm - (at(x, n, c, r) - mx)) * wt;
                }
            }
        }
        return Tensor::from_vector<T>(out, out_shape).astype(fd);
    }

    // Non-categorical: target holds per-class values with the input's shape.
    if (static_cast<std::int64_t>(w.size()) != d.C)
        throw ValueError(op + ": expected " + std::to_string(d.C) + " class weights, got " +
                         std::to_string(w.size()));
    const Tensor tb = broadcast_tensor(target_in, input_in.shape(), op);
    const std::vector<T> t = to_vec<T>(tb);
    std::vector<T> terms(static_cast<std::size_t>(d.C)), e(static_cast<std::size_t>(d.C));
    for (std::int64_t n = 0; n < d.N; ++n) {
        for (std::int64_t r = 0; r < d.R; ++r) {
            T lse = T(0);
            if (kind == CeKind::Logits) {
                // NumPy's log_softmax: x - log(sum(exp(x))) with no max shift.
                for (std::int64_t k = 0; k < d.C; ++k)
                    e[static_cast<std::size_t>(k)] = std::exp(at(x, n, k, r));
                lse = loss_log(pairwise_sum(e.data(), d.C), robust, thr);
            }
            for (std::int64_t k = 0; k < d.C; ++k) {
                T lp;
                if (kind == CeKind::Probs) lp = loss_log(at(x, n, k, r), robust, thr);
                else if (kind == CeKind::Logits) lp = at(x, n, k, r) - lse;
                else lp = at(x, n, k, r);
                terms[static_cast<std::size_t>(k)] =
                    at(t, n, k, r) * lp * w[static_cast<std::size_t>(k)];
            }
            out[static_cast<std::size_t>(n * d.R + r)] = -pairwise_sum(terms.data(), d.C);
        }
    }
    return Tensor::from_vector<T>(out, out_shape).astype(fd);
}

// Inputs: input, target, weights, categorical[, threshold, robust].
Value cross_entropy_common(CeKind kind, const std::vector<Value>& in, const KernelContext& ctx,
                           const std::string& op) {
    const Tensor input = to_tensor(in.at(0), ctx, op);
    const Tensor target = to_tensor(in.at(1), ctx, op);
    const bool categorical = value_bool(in.at(3), op + " categorical");
    double thr = 0.0;
    bool robust = false;
    if (kind != CeKind::LogProbs) {
        thr = value_double(in.at(4), ctx, op + " threshold");
        robust = value_bool(in.at(5), op + " robust");
    }
    // The result follows the input's float dtype (the target may be int class indices).
    Dtype fd = float_result_dtype(input.dtype(), ctx);
    if (!categorical && is_floating(target.dtype()) && dtype_kind(input.dtype()) != 2)
        fd = target.dtype();
    return dispatch<kFloats>(
        fd,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            return cross_entropy_impl<T>(kind, input, target, in.at(2), categorical, robust,
                                         thr, fd, op);
        },
        op);
}

Value cross_entropy(const std::vector<Value>& in, const KernelContext& ctx) {
    return cross_entropy_common(CeKind::Probs, in, ctx, "cross_entropy");
}
Value cross_entropy_with_logits(const std::vector<Value>& in, const KernelContext& ctx) {
    return cross_entropy_common(CeKind::Logits, in, ctx, "cross_entropy_with_logits");
}
Value cross_entropy_with_log_probs(const std::vector<Value>& in, const KernelContext& ctx) {
    return cross_entropy_common(CeKind::LogProbs, in, ctx, "cross_entropy_with_log_probs");
}

[[maybe_unused]] const bool kRegistered = [] {
    register_forward("squared_error", squared_error);
    register_forward("absolute_error", absolute_error);
    register_forward("hinge_loss", hinge_loss);
    register_forward("quad_hinge_loss", quad_hinge_loss);
    register_forward("quantile_loss", quantile_loss);
    register_forward("kl_divergence", kl_divergence);
    register_forward("cross_entropy", cross_entropy);
    register_forward("cross_entropy_with_logits", cross_entropy_with_logits);
    register_forward("cross_entropy_with_log_probs", cross_entropy_with_log_probs);
    register_forward("binary_cross_entropy", binary_cross_entropy);
    register_forward("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

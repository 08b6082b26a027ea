// backends/reference/conv_pool.cpp — reference kernels of convolution and pooling.
//
// Formula keys: conv1d, conv1d_bias, conv2d, conv2d_bias, max_pool1d, max_pool2d,
// avg_pool2d.
//
// Convolutions are cross-correlations like torch.nn.functional.conv1d/conv2d:
//   out[n, o, i, j] = sum_{c, a, b} in_padded[n, g*Cg + c, i*sh + a*dh, j*sw + b*dw]
//                                   * weight[o, c, a, b]            (+ bias, broadcast)
// with g = o / (O / groups), Cg = C_in / groups, zero padding, and the output size
// floor((H + pad_top + pad_bottom - dh*(kh - 1) - 1) / sh) + 1 per spatial axis. The sum
// runs over c, then a, then b (NumPy's einsum order for Mithril's conv). The 1-D forms are
// the 2-D ones with a height of 1. Padding forms: an int p, a pair (a, b) meaning (a, a)
// on H and (b, b) on W (1-D: (left, right)), or ((top, bottom), (left, right)).
//
// Pools run over the last one / two axes; every leading axis is a batch axis. Max pooling
// ignores padded cells (torch pads with -inf; FORMAT.md §7.4) and NaNs (NumPy's nanmax:
// a window of only NaNs gives NaN). Average pooling counts padded cells as zeros (torch's
// count_include_pad, NumPy's zero padding) and skips NaNs like np.nanmean; it supports no
// dilation, as neither Mithril backend does. Mithril's NumPy kernels use the first stride
// for both axes and reject dilation; here each axis uses its own stride and dilation works
// as in torch (identical whenever NumPy's form is defined).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Pair = std::pair<std::int64_t, std::int64_t>;

// int -> (v, v); sequence of one or two ints -> pair.
Pair int_pair(const Value& v, const std::string& what) {
    if (v.is_none() || v.is_tbd()) throw ValueError(what + " is not set");
    const auto xs = value_int_list(v, what);
    if (xs.size() == 1) return {xs[0], xs[0]};
    if (xs.size() == 2) return {xs[0], xs[1]};
    throw ValueError(what + ": expected an int or a pair of ints, got " + v.repr());
}

// 1-D padding: p -> (p, p); (left, right).
Pair padding_1d(const Value& v, const std::string& what) { return int_pair(v, what); }

// 2-D padding -> ((top, bottom), (left, right)).
std::pair<Pair, Pair> padding_2d(const Value& v, const std::string& what) {
    if (!v.is_sequence()) {
        const std::int64_t p = value_int(v, what);
        return {{p, p}, {p, p}};
    }
    const auto& items = v.items();
    if (items.size() != 2)
        throw ValueError(what + ": expected 2 entries, got " + v.repr());
    Pair parts[2];
    for (std::size_t i = 0; i < 2; ++i) {
        if (items[i].is_sequence()) parts[i] = int_pair(items[i], what);
        else {
            const std::int64_t p = value_int(items[i], what);
            parts[i] = {p, p};
        }
    }
    return {parts[0], parts[1]};
}

// One spatial window description per axis (height first).
struct Window {
    std::int64_t k[2] = {1, 1};      // kernel size
    std::int64_t s[2] = {1, 1};      // stride
    std::int64_t d[2] = {1, 1};      // dilation
    std::int64_t lo[2] = {0, 0};     // padding before (top, left)
    std::int64_t hi[2] = {0, 0};     // padding after (bottom, right)
};

std::int64_t out_size(std::int64_t in, const Window& w, int axis, const std::string& op) {
    for (auto x : {w.k[axis], w.s[axis], w.d[axis]})
        if (x <= 0)
            throw ValueError(op + ": kernel size, stride and dilation must be positive");
    if (w.lo[axis] < 0 || w.hi[axis] < 0) throw ValueError(op + ": negative padding");
    const std::int64_t span = in + w.lo[axis] + w.hi[axis] - w.d[axis] * (w.k[axis] - 1) - 1;
    if (span < 0)
        throw ValueError(op + ": kernel size " + std::to_string(w.k[axis]) +
                         " (dilated) is larger than the padded input size " +
                         std::to_string(in + w.lo[axis] + w.hi[axis]));
    return span / w.s[axis] + 1;
}

// ---- convolution ----------------------------------------------------------------------

// x: [N, C, H, W], wt: [O, C / groups, KH, KW] -> [N, O, OH, OW], all in T.
template <class T>
Tensor conv2d_core(const Tensor& xt, const Tensor& wt, const Window& win, std::int64_t groups,
                   const std::string& op) {
    const Shape& xs = xt.shape();
    const Shape& ws = wt.shape();
    const std::int64_t N = xs[0], C = xs[1], H = xs[2], W = xs[3];
    const std::int64_t O = ws[0], Cg = ws[1], KH = ws[2], KW = ws[3];
    if (groups <= 0) throw ValueError(op + ": groups must be a positive integer");
    if (C % groups != 0 || O % groups != 0)
        throw ValueError(op + ": in_channels (" + std::to_string(C) + ") and out_channels (" +
                         std::to_string(O) + ") must be divisible by groups (" +
                         std::to_string(groups) + ")");
    if (Cg * groups != C)
        throw ValueError(op + ": expected weight of shape [" + std::to_string(O) + ", " +
                         std::to_string(C / groups) + ", ...] for input of shape " +
                         shape_str(xs) + " and groups=" + std::to_string(groups) + ", got " +
                         shape_str(ws));
    Window w = win;
    w.k[0] = KH;
    w.k[1] = KW;
    const std::int64_t OH = out_size(H, w, 0, op), OW = out_size(W, w, 1, op);
    const std::int64_t Og = O / groups;
    const T* x = xt.data<T>();
    const T* k = wt.data<T>();
    Tensor out(dtype_of<T>(), {N, O, OH, OW});
    T* y = out.data<T>();
    for (std::int64_t n = 0; n < N; ++n)
        for (std::int64_t o = 0; o < O; ++o) {
            const std::int64_t g = o / Og;
            for (std::int64_t i = 0; i < OH; ++i)
                for (std::int64_t j = 0; j < OW; ++j) {
                    T acc = T(0);
                    for (std::int64_t c = 0; c < Cg; ++c) {
                        const std::int64_t ci = g * Cg + c;
                        for (std::int64_t a = 0; a < KH; ++a) {
                            const std::int64_t ih = i * w.s[0] - w.lo[0] + a * w.d[0];
                            for (std::int64_t b = 0; b < KW; ++b) {
                                const std::int64_t iw = j * w.s[1] - w.lo[1] + b * w.d[1];
                                const bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                                const T xv = inside ? x[((n * C + ci) * H + ih) * W + iw] : T(0);
                                acc += xv * k[((o * Cg + c) * KH + a) * KW + b];
                            }
                        }
                    }
                    y[((n * O + o) * OH + i) * OW + j] = acc;
                }
        }
    return out;
}

// Shared body of the four conv keys. Inputs: input, weight, [bias], stride, padding,
// dilation, [groups].
Value conv_common(const std::vector<Value>& in, const KernelContext& ctx, bool two_d,
                  bool bias, const std::string& op) {
    const std::size_t p = bias ? 3 : 2;  // index of stride
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    if (bias) ops.push_back(to_operand(in.at(2), ctx, op));
    const Dtype d = result_dtype(ops, ctx);
    Tensor x = ops[0].tensor.astype(d);
    Tensor w = ops[1].tensor.astype(d);
    const std::size_t rank = two_d ? 4 : 3;
    if (x.rank() != rank || w.rank() != rank)
        throw ValueError(op + ": expected input and weight of rank " + std::to_string(rank) +
                         ", got " + shape_str(x.shape()) + " and " + shape_str(w.shape()));
    Window win;
    std::int64_t groups = 1;
    if (two_d) {
        const Pair s = int_pair(in.at(p), op + " stride");
        const auto pad = padding_2d(in.at(p + 1), op + " padding");
        const Pair dl = int_pair(in.at(p + 2), op + " dilation");
        win.s[0] = s.first, win.s[1] = s.second;
        win.lo[0] = pad.first.first, win.hi[0] = pad.first.second;
        win.lo[1] = pad.second.first, win.hi[1] = pad.second.second;
        win.d[0] = dl.first, win.d[1] = dl.second;
        if (in.size() > p + 3 && !in.at(p + 3).is_none())
            groups = value_int(in.at(p + 3), op + " groups");
    } else {
        win.s[1] = value_int(in.at(p), op + " stride");
        const Pair pad = padding_1d(in.at(p + 1), op + " padding");
        win.lo[1] = pad.first, win.hi[1] = pad.second;
        win.d[1] = value_int(in.at(p + 2), op + " dilation");
        // [N, C, W] -> [N, C, 1, W]
        Shape xs = x.shape(), ws = w.shape();
        x = reshape_tensor(x, {xs[0], xs[1], 1, xs[2]}, op);
        w = reshape_tensor(w, {ws[0], ws[1], 1, ws[2]}, op);
    }
    Tensor out = dispatch<kNumeric>(
        d,
        [&](auto tid) {
            using T = typename decltype(tid)::type;
            return conv2d_core<T>(x, w, win, groups, op);
        },
        op);
    if (!two_d) {
        const Shape os = out.shape();
        out = reshape_tensor(out, {os[0], os[1], os[3]}, op);
    }
    if (bias) {
        const Tensor b = ops[2].tensor.astype(d);
        out = map_binary<kNumeric>(
            out, b, d, [](auto a, auto c) { return a + c; }, op);
    }
    return out;
}

Value conv1d(const std::vector<Value>& in, const KernelContext& ctx) {
    return conv_common(in, ctx, false, false, "conv1d");
}
Value conv1d_bias(const std::vector<Value>& in, const KernelContext& ctx) {
    return conv_common(in, ctx, false, true, "conv1d_bias");
}
Value conv2d(const std::vector<Value>& in, const KernelContext& ctx) {
    return conv_common(in, ctx, true, false, "conv2d");
}
Value conv2d_bias(const std::vector<Value>& in, const KernelContext& ctx) {
    return conv_common(in, ctx, true, true, "conv2d_bias");
}

// ---- pooling --------------------------------------------------------------------------

enum class PoolKind { Max, Avg };

// x viewed as [B, H, W] (in T) -> [B, OH, OW] in O.
template <class T, class O>
void pool_core(const T* x, O* y, std::int64_t B, std::int64_t H, std::int64_t W,
               std::int64_t OH, std::int64_t OW, const Window& w, PoolKind kind) {
    for (std::int64_t bi = 0; bi < B; ++bi)
        for (std::int64_t i = 0; i < OH; ++i)
            for (std::int64_t j = 0; j < OW; ++j) {
                O result;
                if (kind == PoolKind::Max) {
                    bool have = false, saw_nan = false;
                    T best{};
                    for (std::int64_t a = 0; a < w.k[0]; ++a) {
                        const std::int64_t ih = i * w.s[0] - w.lo[0] + a * w.d[0];
                        if (ih < 0 || ih >= H) continue;  // padded row
                        for (std::int64_t b = 0; b < w.k[1]; ++b) {
                            const std::int64_t iw = j * w.s[1] - w.lo[1] + b * w.d[1];
                            if (iw < 0 || iw >= W) continue;  // padded column
                            const T v = x[(bi * H + ih) * W + iw];
                            if constexpr (std::is_floating_point_v<T>) {
                                if (std::isnan(v)) {
                                    saw_nan = true;
                                    continue;
                                }
                            }
                            if (!have || v > best) best = v;
                            have = true;
                        }
                    }
                    if (have) result = static_cast<O>(best);
                    else if (saw_nan) result = std::numeric_limits<O>::quiet_NaN();
                    else if constexpr (std::is_floating_point_v<O>)
                        result = -std::numeric_limits<O>::infinity();
                    else result = std::numeric_limits<O>::lowest();
                } else {
                    O total = O(0);
                    std::int64_t count = 0;
                    for (std::int64_t a = 0; a < w.k[0]; ++a) {
                        const std::int64_t ih = i * w.s[0] - w.lo[0] + a * w.d[0];
                        O row = O(0);
                        for (std::int64_t b = 0; b < w.k[1]; ++b) {
                            const std::int64_t iw = j * w.s[1] - w.lo[1] + b * w.d[1];
                            const bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                            const O v = inside ? static_cast<O>(x[(bi * H + ih) * W + iw]) : O(0);
                            if (std::isnan(static_cast<double>(v))) continue;
                            row += v;
                            ++count;
                        }
                        total += row;
                    }
                    result = count == 0 ? std::numeric_limits<O>::quiet_NaN()
                                        : total / static_cast<O>(count);
                }
                y[(bi * OH + i) * OW + j] = result;
            }
}

// Inputs: input, kernel_size, stride, padding, dilation.
Value pool_common(const std::vector<Value>& in, const KernelContext& ctx, bool two_d,
                  PoolKind kind, const std::string& op) {
    const Tensor x = to_tensor(in.at(0), ctx, op);
    const std::size_t sp = two_d ? 2 : 1;  // spatial axes
    if (x.rank() < sp)
        throw ValueError(op + ": input of shape " + shape_str(x.shape()) + " has too few axes");
    Window win;
    const Value& stride_v = in.at(2).is_none() ? in.at(1) : in.at(2);
    if (two_d) {
        const Pair k = int_pair(in.at(1), op + " kernel_size");
        const Pair s = int_pair(stride_v, op + " stride");
        const auto pad = padding_2d(in.at(3), op + " padding");
        const Pair dl = in.at(4).is_none() ? Pair{1, 1} : int_pair(in.at(4), op + " dilation");
        win.k[0] = k.first, win.k[1] = k.second;
        win.s[0] = s.first, win.s[1] = s.second;
        win.lo[0] = pad.first.first, win.hi[0] = pad.first.second;
        win.lo[1] = pad.second.first, win.hi[1] = pad.second.second;
        win.d[0] = dl.first, win.d[1] = dl.second;
    } else {
        win.k[1] = value_int(in.at(1), op + " kernel_size");
        win.s[1] = value_int(stride_v, op + " stride");
        const Pair pad = padding_1d(in.at(3), op + " padding");
        win.lo[1] = pad.first, win.hi[1] = pad.second;
        win.d[1] = in.at(4).is_none() ? 1 : value_int(in.at(4), op + " dilation");
    }
    if (kind == PoolKind::Avg && (win.d[0] != 1 || win.d[1] != 1))
        throw NotImplementedError("Dilation of (" + std::to_string(win.d[0]) + ", " +
                                  std::to_string(win.d[1]) +
                                  ") is not supported. avg_pool2d only supports a dilation "
                                  "of (1, 1).");
    const Shape& xs = x.shape();
    const std::int64_t W = xs[xs.size() - 1];
    const std::int64_t H = two_d ? xs[xs.size() - 2] : 1;
    const std::int64_t B = x.numel() / std::max<std::int64_t>(H * W, 1);
    const std::int64_t OH = two_d ? out_size(H, win, 0, op) : 1;
    const std::int64_t OW = out_size(W, win, 1, op);
    Shape out_shape(xs.begin(), xs.end() - static_cast<std::ptrdiff_t>(sp));
    if (two_d) out_shape.push_back(OH);
    out_shape.push_back(OW);
    const Dtype od = kind == PoolKind::Max ? x.dtype() : float_result_dtype(x.dtype(), ctx);
    Tensor out(od, out_shape);
    dispatch<kNumeric>(
        x.dtype(),
        [&](auto tid) {
            using T = typename decltype(tid)::type;
            dispatch<kNumeric>(
                od,
                [&](auto oid) {
                    using O = typename decltype(oid)::type;
                    if constexpr (std::is_floating_point_v<O> || std::is_same_v<O, T>)
                        pool_core<T, O>(x.data<T>(), out.data<O>(), B, H, W, OH, OW, win, kind);
                    else
                        throw InternalError(op + ": unexpected pooling dtypes");
                },
                op);
        },
        op);
    return out;
}

Value max_pool1d(const std::vector<Value>& in, const KernelContext& ctx) {
    return pool_common(in, ctx, false, PoolKind::Max, "max_pool1d");
}
Value max_pool2d(const std::vector<Value>& in, const KernelContext& ctx) {
    return pool_common(in, ctx, true, PoolKind::Max, "max_pool2d");
}
Value avg_pool2d(const std::vector<Value>& in, const KernelContext& ctx) {
    return pool_common(in, ctx, true, PoolKind::Avg, "avg_pool2d");
}

[[maybe_unused]] const bool kRegistered = [] {
    register_forward("conv1d", conv1d);
    register_forward("conv1d_bias", conv1d_bias);
    register_forward("conv2d", conv2d);
    register_forward("conv2d_bias", conv2d_bias);
    register_forward("max_pool1d", max_pool1d);
    register_forward("max_pool2d", max_pool2d);
    register_forward("avg_pool2d", avg_pool2d);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

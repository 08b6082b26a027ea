// autodiff/vjp_conv_pool.cpp — VJP rules of convolution and pooling.
//
// Keys: conv1d(_bias): input [N, C, W], weight [O, C, K], (bias,) stride, padding,
// dilation; conv2d(_bias): input [N, C, H, W], weight [O, C/groups, KH, KW], (bias,)
// stride, padding, dilation, groups; max_pool1d / max_pool2d / avg_pool2d: input [*b, (H,)
// W], kernel_size, stride, padding, dilation.
//
// The convolution rules are the exact adjoints of the zero-padded cross-correlation, as
// direct loops (stride, padding, dilation and groups all handled). They equal Mithril's
// numpy conv*_grad wherever that is defined (numpy supports dilation 1 only, and its
// input gradient drops the last column for even kernel widths). bias: output_gradient
// summed over every axis but the channel axis, in the bias's shape.
// Pooling mirrors max_pool1d_grad / max_pool2d_grad / avg_pool2d_grad: every element equal
// to its window's maximum gets the window's full gradient (ties are not split, NaNs never
// match); avg pooling gives each window element g / (kh * kw), padded cells included in
// the count. Deviation, to match the reference forward kernel (FORMAT.md §7.1: max pooling
// ignores padded cells, as torch's -inf padding): the window maximum is taken over real
// cells only, where numpy's zero padding could let a padded 0 win over negative inputs.
// Max pooling honours dilation like the forward kernel (numpy supports dilation 1 only).
#include <algorithm>
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;
namespace ref = mithril::reference;

// An int or a pair of ints -> n values.
std::vector<std::int64_t> ints_n(const Value& v, std::size_t n, const std::string& what) {
    std::vector<std::int64_t> xs = vints(v, what);
    if (xs.size() == 1 && n > 1) xs.assign(n, xs[0]);
    if (xs.size() != n) throw ValueError(what + ": expected " + std::to_string(n) + " values");
    return xs;
}

// Padding of `dims` spatial dimensions -> (before, after) per dimension. Accepts an int,
// one int per dimension, or one (before, after) pair per dimension (1-d: a single pair).
std::vector<std::pair<std::int64_t, std::int64_t>> parse_padding(const Value& v, std::size_t dims) {
    std::vector<std::pair<std::int64_t, std::int64_t>> pads(dims, {0, 0});
    if (v.is_none()) return pads;
    if (!v.is_sequence()) {
        const auto p = vint(v, "padding");
        pads.assign(dims, {p, p});
        return pads;
    }
    const auto& items = v.items();
    if (dims == 1) {
        const auto p = vints(v, "padding");
        pads[0] = p.size() == 2 ? std::make_pair(p[0], p[1]) : std::make_pair(p.at(0), p.at(0));
        return pads;
    }
    for (std::size_t d = 0; d < dims && d < items.size(); ++d) {
        if (items[d].is_sequence()) {
            const auto p = vints(items[d], "padding");
            pads[d] = {p.at(0), p.at(1)};
        } else {
            const auto p = vint(items[d], "padding");
            pads[d] = {p, p};
        }
    }
    return pads;
}

// Stride, padding and dilation of a convolution.
struct Geometry {
    std::vector<std::int64_t> stride, dil;
    std::vector<std::pair<std::int64_t, std::int64_t>> pad;
};

// ---- convolution -------------------------------------------------------------------------------

// Inputs of conv: input, weight, [bias], stride, padding, dilation, [groups].
Arr conv_rule(std::size_t idx, const Arr& g, const Inputs& in, const KernelContext& ctx,
              std::size_t dims, bool has_bias) {
    const std::size_t base = has_bias ? 3 : 2;
    if (has_bias && idx == 2) {
        std::vector<std::int64_t> axes;
        for (std::size_t a = 0; a < g.rank(); ++a)
            if (a != 1) axes.push_back(static_cast<std::int64_t>(a));
        const Arr s = sum_axes(g, axes, false);
        return reshape(s, value_shape(in[2]));
    }
    const Arr x = to_arr(in[0], ctx), w = to_arr(in[1], ctx);
    Geometry geo;
    geo.stride = ints_n(in.size() > base ? in[base] : Value(1), dims, "conv stride");
    geo.pad = parse_padding(in.size() > base + 1 ? in[base + 1] : Value(0), dims);
    geo.dil = in.size() > base + 2 && !in[base + 2].is_none()
                  ? ints_n(in[base + 2], dims, "conv dilation")
                  : std::vector<std::int64_t>(dims, 1);
    const std::int64_t groups = (dims == 2 && in.size() > base + 3 && !in[base + 3].is_none())
                                    ? vint(in[base + 3], "conv groups")
                                    : 1;
    const std::int64_t n = x.shape[0], c = x.shape[1], o = w.shape[0], cg = w.shape[1];
    const std::int64_t og = o / groups;
    // Spatial extents, padded to two dimensions (a 1-d conv is a 2-d conv with height 1).
    const std::int64_t h = dims == 2 ? x.shape[2] : 1, wd = x.shape[dims == 2 ? 3 : 2];
    const std::int64_t kh = dims == 2 ? w.shape[2] : 1, kw = w.shape[dims == 2 ? 3 : 2];
    const std::int64_t oh = dims == 2 ? g.shape[2] : 1, ow = g.shape[dims == 2 ? 3 : 2];
    const std::int64_t sh = dims == 2 ? geo.stride[0] : 1, sw = geo.stride[dims - 1];
    const std::int64_t dh = dims == 2 ? geo.dil[0] : 1, dw = geo.dil[dims - 1];
    const std::int64_t ph = dims == 2 ? geo.pad[0].first : 0, pw = geo.pad[dims - 1].first;

    Arr r(idx == 0 ? x.shape : w.shape);
    for (std::int64_t b = 0; b < n; ++b)
        for (std::int64_t oc = 0; oc < o; ++oc) {
            const std::int64_t c0 = (oc / og) * cg;
            for (std::int64_t i = 0; i < oh; ++i)
                for (std::int64_t j = 0; j < ow; ++j) {
                    const double gv = g[((b * o + oc) * oh + i) * ow + j];
                    if (gv == 0.0) continue;
                    for (std::int64_t ic = 0; ic < cg; ++ic)
                        for (std::int64_t u = 0; u < kh; ++u) {
                            const std::int64_t y = i * sh + u * dh - ph;
                            if (y < 0 || y >= h) continue;
                            for (std::int64_t q = 0; q < kw; ++q) {
                                const std::int64_t z = j * sw + q * dw - pw;
                                if (z < 0 || z >= wd) continue;
                                const std::int64_t xi = ((b * c + c0 + ic) * h + y) * wd + z;
                                const std::int64_t wi = ((oc * cg + ic) * kh + u) * kw + q;
                                if (idx == 0)
                                    r[xi] += gv * w[wi];
                                else
                                    r[wi] += gv * x[xi];
                            }
                        }
                }
        }
    return r;
}

// ---- pooling -----------------------------------------------------------------------------------

// Inputs of pooling: input, kernel_size, stride, padding, dilation.
Arr pool_rule(const Arr& g, const Inputs& in, const KernelContext& ctx, std::size_t dims,
              bool is_max) {
    const Arr x = to_arr(in[0], ctx);
    const auto k = ints_n(in[1], dims, "pool kernel_size");
    const auto s = (in.size() > 2 && !in[2].is_none()) ? ints_n(in[2], dims, "pool stride") : k;
    const auto pad = parse_padding(in.size() > 3 ? in[3] : Value(0), dims);
    const std::size_t r = x.rank();
    const std::int64_t h = dims == 2 ? x.shape[r - 2] : 1, w = x.shape[r - 1];
    const std::int64_t kh = dims == 2 ? k[0] : 1, kw = k[dims - 1];
    const std::int64_t sh = dims == 2 ? s[0] : 1, sw = s[dims - 1];
    const auto dil = (is_max && in.size() > 4 && !in[4].is_none())
                         ? ints_n(in[4], dims, "pool dilation")
                         : std::vector<std::int64_t>(dims, 1);
    const std::int64_t dh = dims == 2 ? dil[0] : 1, dw = dil[dims - 1];
    const std::int64_t pt = dims == 2 ? pad[0].first : 0, pl = pad[dims - 1].first;
    const std::int64_t oh = dims == 2 ? g.shape[g.rank() - 2] : 1, ow = g.shape[g.rank() - 1];
    const std::int64_t batch = x.numel() / std::max<std::int64_t>(h * w, 1);
    // Value at padded coordinates (y, z); padded cells never win a max.
    auto at = [&](std::int64_t b, std::int64_t y, std::int64_t z) -> double {
        y -= pt;
        z -= pl;
        if (y < 0 || y >= h || z < 0 || z >= w) return -INFINITY;
        return x[(b * h + y) * w + z];
    };
    Arr res(x.shape);
    auto add = [&](std::int64_t b, std::int64_t y, std::int64_t z, double v) {
        y -= pt;
        z -= pl;
        if (y < 0 || y >= h || z < 0 || z >= w) return;  // padded cells are cropped away
        res[(b * h + y) * w + z] += v;
    };
    for (std::int64_t b = 0; b < batch; ++b)
        for (std::int64_t i = 0; i < oh; ++i)
            for (std::int64_t j = 0; j < ow; ++j) {
                const double gv = g[(b * oh + i) * ow + j];
                const std::int64_t y0 = i * sh, z0 = j * sw;
                if (!is_max) {
                    for (std::int64_t u = 0; u < kh; ++u)
                        for (std::int64_t q = 0; q < kw; ++q)
                            add(b, y0 + u, z0 + q, gv / static_cast<double>(kh * kw));
                    continue;
                }
                double mx = -INFINITY;
                for (std::int64_t u = 0; u < kh; ++u)
                    for (std::int64_t q = 0; q < kw; ++q)
                        mx = std::max(mx, at(b, y0 + u * dh, z0 + q * dw));
                for (std::int64_t u = 0; u < kh; ++u)
                    for (std::int64_t q = 0; q < kw; ++q)
                        if (at(b, y0 + u * dh, z0 + q * dw) == mx)
                            add(b, y0 + u * dh, z0 + q * dw, gv);
            }
    return res;
}

void register_all() {
    reg("conv1d",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) { return conv_rule(idx, g, in, ctx, 1, false); },
        {2, 3, 4});
    reg("conv1d_bias",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) { return conv_rule(idx, g, in, ctx, 1, true); },
        {3, 4, 5});
    reg("conv2d",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) { return conv_rule(idx, g, in, ctx, 2, false); },
        {2, 3, 4, 5});
    reg("conv2d_bias",
        [](std::size_t idx, const Arr& g, const Inputs& in, const Value&,
           const KernelContext& ctx) { return conv_rule(idx, g, in, ctx, 2, true); },
        {3, 4, 5, 6});
    reg("max_pool1d",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return pool_rule(g, in, ctx, 1, true);
        },
        {1, 2, 3, 4});
    reg("max_pool2d",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return pool_rule(g, in, ctx, 2, true);
        },
        {1, 2, 3, 4});
    reg("avg_pool2d",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext& ctx) {
            return pool_rule(g, in, ctx, 2, false);
        },
        {1, 2, 3, 4});
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

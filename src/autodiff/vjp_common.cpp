// autodiff/vjp_common.cpp — the Arr helpers of vjp_common.hpp (float64, NumPy semantics).
#include "autodiff/vjp_common.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace mithril::autodiff::detail {

namespace ref = mithril::reference;

Arr::Arr(Shape s, double fill)
    : shape(std::move(s)), v(static_cast<std::size_t>(ref::shape_numel(shape)), fill) {}

Arr scalar_arr(double x) { return Arr(Shape{}, x); }

Arr to_arr(const Tensor& t) {
    Arr r(t.shape());
    switch (t.dtype()) {
        case Dtype::float64: {
            const double* p = t.data<double>();
            std::copy(p, p + t.numel(), r.v.begin());
            break;
        }
        case Dtype::float32: {
            const float* p = t.data<float>();
            for (std::int64_t i = 0; i < t.numel(); ++i) r[i] = p[i];
            break;
        }
        default:
            for (std::int64_t i = 0; i < t.numel(); ++i) r[i] = t.at_double(static_cast<size_t>(i));
    }
    return r;
}

Arr to_arr(const Value& v, const KernelContext& ctx) {
    if (v.is_tensor()) return to_arr(v.as_tensor());
    return scalar_arr(ref::value_double(v, ctx, "vjp"));
}

Tensor from_arr(const Arr& a, Dtype dtype) {
    if (dtype == Dtype::float64) return Tensor::from_vector(a.v, a.shape);
    if (dtype == Dtype::float32) {
        std::vector<float> f(a.v.begin(), a.v.end());
        return Tensor::from_vector(f, a.shape);
    }
    return Tensor::from_vector(a.v, a.shape).astype(dtype);
}

Shape value_shape(const Value& v) { return v.is_tensor() ? v.as_tensor().shape() : Shape{}; }

// ---- elementwise -----------------------------------------------------------------------------

Arr operator+(const Arr& a, const Arr& b) {
    return zip(a, b, [](double x, double y) { return x + y; });
}
Arr operator-(const Arr& a, const Arr& b) {
    return zip(a, b, [](double x, double y) { return x - y; });
}
Arr operator*(const Arr& a, const Arr& b) {
    return zip(a, b, [](double x, double y) { return x * y; });
}
Arr operator/(const Arr& a, const Arr& b) {
    return zip(a, b, [](double x, double y) { return x / y; });
}
Arr operator-(const Arr& a) {
    return map(a, [](double x) { return -x; });
}
Arr operator*(double s, const Arr& a) {
    return map(a, [s](double x) { return s * x; });
}

double sign(double x) {
    if (std::isnan(x)) return x;
    return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
}

// ---- layout ------------------------------------------------------------------------------------

Arr broadcast_to(const Arr& a, const Shape& s) {
    const auto idx = ref::broadcast_index_map(a.shape, s);
    Arr r(s);
    for (std::size_t i = 0; i < idx.size(); ++i) r.v[i] = a.v[idx[i]];
    return r;
}

Arr reshape(const Arr& a, Shape s) {
    if (ref::shape_numel(s) != a.numel())
        throw InternalError("vjp reshape: cannot reshape " + ref::shape_str(a.shape) + " to " +
                            ref::shape_str(s));
    Arr r = a;
    r.shape = std::move(s);
    return r;
}

Arr permute(const Arr& a, const std::vector<std::int64_t>& perm) {
    const std::size_t n = a.rank();
    Shape out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = a.shape[static_cast<size_t>(perm[i])];
    const Shape in_strides = ref::row_major_strides(a.shape);
    Arr r(out);
    std::vector<std::int64_t> idx(n, 0);
    for (std::int64_t flat = 0; flat < r.numel(); ++flat) {
        std::int64_t off = 0;
        for (std::size_t d = 0; d < n; ++d)
            off += idx[d] * in_strides[static_cast<size_t>(perm[d])];
        r[flat] = a[off];
        for (std::size_t d = n; d-- > 0;) {
            if (++idx[d] < out[d]) break;
            idx[d] = 0;
        }
    }
    return r;
}

Arr swapaxes(const Arr& a, std::int64_t ax1, std::int64_t ax2) {
    const auto rank = static_cast<std::int64_t>(a.rank());
    ax1 = ref::normalize_axis(ax1, rank, "swapaxes");
    ax2 = ref::normalize_axis(ax2, rank, "swapaxes");
    std::vector<std::int64_t> perm(a.rank());
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<std::int64_t>(i);
    std::swap(perm[static_cast<size_t>(ax1)], perm[static_cast<size_t>(ax2)]);
    return permute(a, perm);
}

namespace {

// Calls f(flat index in the block, flat offset in the full array) for every element of the
// block [start, start + size) of an array of shape `full`.
template <class F>
void for_block(const Shape& full, const Shape& start, const Shape& size, F f) {
    const Shape strides = ref::row_major_strides(full);
    const std::int64_t n = ref::shape_numel(size);
    std::vector<std::int64_t> idx(size.size(), 0);
    for (std::int64_t flat = 0; flat < n; ++flat) {
        std::int64_t off = 0;
        for (std::size_t d = 0; d < size.size(); ++d) off += (start[d] + idx[d]) * strides[d];
        f(flat, off);
        for (std::size_t d = size.size(); d-- > 0;) {
            if (++idx[d] < size[d]) break;
            idx[d] = 0;
        }
    }
}

}  // namespace

Arr slice_block(const Arr& a, const Shape& start, const Shape& size) {
    Arr r(size);
    for_block(a.shape, start, size, [&](std::int64_t i, std::int64_t off) { r[i] = a[off]; });
    return r;
}

void add_block(Arr& dst, const Arr& src, const Shape& start) {
    for_block(dst.shape, start, src.shape,
              [&](std::int64_t i, std::int64_t off) { dst[off] += src[i]; });
}

// ---- reductions --------------------------------------------------------------------------------

Arr sum_axes(const Arr& a, const std::vector<std::int64_t>& axes, bool keepdim) {
    const auto map_idx = ref::reduce_index_map(a.shape, axes);
    Arr r(ref::reduced_shape(a.shape, axes, keepdim));
    for (std::size_t i = 0; i < map_idx.size(); ++i) r.v[static_cast<size_t>(map_idx[i])] += a.v[i];
    return r;
}

Arr sum_all(const Arr& a) {
    double s = 0.0;
    for (double x : a.v) s += x;
    return scalar_arr(s);
}

Arr expand_reduced(const Arr& g, const Shape& in_shape, const std::vector<std::int64_t>& axes,
                   bool keepdim) {
    Shape kept = ref::reduced_shape(in_shape, axes, true);
    Arr gk = keepdim ? g : reshape(g, kept);
    if (gk.shape != kept) gk = reshape(gk, kept);
    return broadcast_to(gk, in_shape);
}

Arr reduce_to(const Arr& g, const Shape& shape) {
    if (g.shape == shape) return g;
    Arr cur = g;
    if (cur.rank() < shape.size()) {
        // Mithril returns such gradients unchanged; broadcasting them up is the only shape-
        // consistent reading (a scalar zero, a [K] row for a [1, K] input).
        bool ok = true;
        for (std::size_t i = 0; i < cur.rank(); ++i) {
            const auto gd = cur.shape[cur.rank() - 1 - i];
            const auto sd = shape[shape.size() - 1 - i];
            if (gd != sd && gd != 1) ok = false;
        }
        if (ok) return broadcast_to(cur, shape);
        if (cur.numel() == ref::shape_numel(shape)) return reshape(cur, shape);
        throw InternalError("vjp reduce_to: gradient of shape " + ref::shape_str(g.shape) +
                            " does not fit input shape " + ref::shape_str(shape));
    }
    const std::size_t lead = cur.rank() - shape.size();
    std::vector<std::int64_t> axes;
    for (std::size_t i = 0; i < lead; ++i) axes.push_back(static_cast<std::int64_t>(i));
    bool ok = true;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const auto gd = cur.shape[lead + i];
        if (gd == shape[i]) continue;
        if (shape[i] == 1)
            axes.push_back(static_cast<std::int64_t>(lead + i));
        else
            ok = false;
    }
    if (ok) {
        Arr r = sum_axes(cur, axes, true);
        return reshape(r, shape);
    }
    if (cur.numel() == ref::shape_numel(shape)) return reshape(cur, shape);
    throw InternalError("vjp reduce_to: gradient of shape " + ref::shape_str(g.shape) +
                        " does not fit input shape " + ref::shape_str(shape));
}

// ---- matrices ----------------------------------------------------------------------------------

Arr matmul(const Arr& a, const Arr& b) {
    if (a.rank() < 2 || b.rank() < 2) throw InternalError("vjp matmul: operands need rank >= 2");
    const std::int64_t m = a.shape[a.rank() - 2], k = a.shape[a.rank() - 1];
    const std::int64_t k2 = b.shape[b.rank() - 2], n = b.shape[b.rank() - 1];
    if (k != k2) throw InternalError("vjp matmul: inner dimensions differ");
    const Shape ba(a.shape.begin(), a.shape.end() - 2), bb(b.shape.begin(), b.shape.end() - 2);
    const Shape batch = ref::broadcast_shapes(ba, bb, "vjp matmul");
    const auto ia = ref::broadcast_index_map(ba, batch);
    const auto ib = ref::broadcast_index_map(bb, batch);
    Shape out = batch;
    out.push_back(m);
    out.push_back(n);
    Arr r(out);
    for (std::size_t p = 0; p < ia.size(); ++p) {
        const double* pa = a.v.data() + ia[p] * m * k;
        const double* pb = b.v.data() + ib[p] * k * n;
        double* pr = r.v.data() + static_cast<std::int64_t>(p) * m * n;
        for (std::int64_t i = 0; i < m; ++i)
            for (std::int64_t j = 0; j < n; ++j) {
                double s = 0.0;
                for (std::int64_t l = 0; l < k; ++l) s += pa[i * k + l] * pb[l * n + j];
                pr[i * n + j] = s;
            }
    }
    return r;
}

Arr transpose_last2(const Arr& a) {
    const auto r = static_cast<std::int64_t>(a.rank());
    return swapaxes(a, r - 2, r - 1);
}

Arr eye(std::int64_t n) {
    Arr r(Shape{n, n});
    for (std::int64_t i = 0; i < n; ++i) r[i * n + i] = 1.0;
    return r;
}

Arr inverse(const Arr& a) {
    const std::int64_t n = a.shape.at(0);
    Arr m = a, inv = eye(n);
    for (std::int64_t c = 0; c < n; ++c) {
        std::int64_t piv = c;
        for (std::int64_t r = c + 1; r < n; ++r)
            if (std::abs(m[r * n + c]) > std::abs(m[piv * n + c])) piv = r;
        if (m[piv * n + c] == 0.0) throw ValueError("vjp: singular matrix");
        if (piv != c)
            for (std::int64_t j = 0; j < n; ++j) {
                std::swap(m[c * n + j], m[piv * n + j]);
                std::swap(inv[c * n + j], inv[piv * n + j]);
            }
        const double d = m[c * n + c];
        for (std::int64_t j = 0; j < n; ++j) {
            m[c * n + j] /= d;
            inv[c * n + j] /= d;
        }
        for (std::int64_t r = 0; r < n; ++r) {
            if (r == c) continue;
            const double f = m[r * n + c];
            if (f == 0.0) continue;
            for (std::int64_t j = 0; j < n; ++j) {
                m[r * n + j] -= f * m[c * n + j];
                inv[r * n + j] -= f * inv[c * n + j];
            }
        }
    }
    return inv;
}

Arr tril(const Arr& a) {
    Arr r = a;
    const std::int64_t n = a.shape.at(0), m = a.shape.at(1);
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = i + 1; j < m; ++j) r[i * m + j] = 0.0;
    return r;
}

void eigh(const Arr& a, std::vector<double>& w, Arr& vecs) {
    const std::int64_t n = a.shape.at(0);
    Arr m = a;
    // Symmetrise (eigvalsh reads the lower triangle; we use the symmetric part).
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < i; ++j) m[j * n + i] = m[i * n + j];
    Arr v = eye(n);
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = i + 1; j < n; ++j) off += m[i * n + j] * m[i * n + j];
        if (off < 1e-300) break;
        for (std::int64_t p = 0; p < n; ++p)
            for (std::int64_t q = p + 1; q < n; ++q) {
                const double apq = m[p * n + q];
                if (apq == 0.0) continue;
                const double theta = (m[q * n + q] - m[p * n + p]) / (2.0 * apq);
                const double t =
                    (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (std::int64_t k = 0; k < n; ++k) {  // columns p, q
                    const double mkp = m[k * n + p], mkq = m[k * n + q];
                    m[k * n + p] = c * mkp - s * mkq;
                    m[k * n + q] = s * mkp + c * mkq;
                }
                for (std::int64_t k = 0; k < n; ++k) {  // rows p, q
                    const double mpk = m[p * n + k], mqk = m[q * n + k];
                    m[p * n + k] = c * mpk - s * mqk;
                    m[q * n + k] = s * mpk + c * mqk;
                }
                for (std::int64_t k = 0; k < n; ++k) {
                    const double vkp = v[k * n + p], vkq = v[k * n + q];
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
    }
    std::vector<std::int64_t> order(static_cast<size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    std::sort(order.begin(), order.end(),
              [&](std::int64_t x, std::int64_t y) { return m[x * n + x] < m[y * n + y]; });
    w.assign(static_cast<size_t>(n), 0.0);
    vecs = Arr(Shape{n, n});
    for (std::int64_t j = 0; j < n; ++j) {
        const std::int64_t src = order[static_cast<size_t>(j)];
        w[static_cast<size_t>(j)] = m[src * n + src];
        for (std::int64_t k = 0; k < n; ++k) vecs[k * n + j] = v[k * n + src];
    }
}

// ---- shared pieces of rules --------------------------------------------------------------------

Arr softmax_grad(const Arr& g, const Arr& out, std::int64_t axis) {
    const auto ax = ref::normalize_axis(axis, static_cast<std::int64_t>(out.rank()), "softmax");
    Arr og = out * g;
    Arr s = sum_axes(og, {ax}, true);
    return out * (g - s);
}

Arr softmax(const Arr& x, std::int64_t axis) {
    const auto ax = ref::normalize_axis(axis, static_cast<std::int64_t>(x.rank()), "softmax");
    const auto groups = ref::reduce_groups(x.shape, {ax});
    Arr r(x.shape);
    for (const auto& grp : groups) {
        double mx = -std::numeric_limits<double>::infinity();
        for (auto i : grp) mx = std::max(mx, x[i]);
        double s = 0.0;
        for (auto i : grp) {
            r[i] = std::exp(x[i] - mx);
            s += r[i];
        }
        for (auto i : grp) r[i] /= s;
    }
    return r;
}

Arr robust_log_grad(const Arr& g, const Arr& x, double threshold) {
    return zip(g, x, [threshold](double gi, double xi) {
        const double ax = std::abs(xi);
        double d = ax < threshold ? 1.0 / threshold : 1.0 / ax;
        if (xi < 0.0) d = -d;
        return d * gi;
    });
}

double stable_sigmoid(double x) {
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

// ---- value readers -----------------------------------------------------------------------------

std::int64_t vint(const Value& v, const std::string& what) { return ref::value_int(v, what); }
double vdouble(const Value& v, const KernelContext& ctx, const std::string& what) {
    return ref::value_double(v, ctx, what);
}
bool vbool(const Value& v, const std::string& what) {
    if (v.is_int()) return v.as_int() != 0;
    return ref::value_bool(v, what);
}
std::vector<std::int64_t> vints(const Value& v, const std::string& what) {
    return ref::value_int_list(v, what);
}

}  // namespace mithril::autodiff::detail

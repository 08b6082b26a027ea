// autodiff/vjp_linalg.cpp — VJP rules of matrix multiplication and the linear-algebra /
// kernel-method primitives.
//
// Mirrors matrix_multiplication_grad, transposed_diag_grad, cartesian_diff_grad,
// distance_matrix_grad, polynomial_features_grad, norm_modifier_grad and the K-gradient
// of gpr_v_outer_grad of Mithril's numpy backend (ops_grad.py).
// Where the numpy backend has no usable rule we give the exact derivative instead:
//   * cholesky (numpy: NotImplementedError): with P = tril(L^T Lbar), diagonal halved,
//     Abar = L^-T P L^-1, returned symmetrised 0.5 (Abar + Abar^T) (torch's convention);
//   * gpr_alpha (numpy: NotImplementedError): alpha = (L L^T)^-1 y, or K_term^-1 y
//     without L;
//   * gpr_v_outer: the L gradient is tril(-L^-T v (g + g^T) v^T) (numpy's formula drops
//     a factor); the branch without L (numpy: NotImplementedError) is derived from
//     K^T K_term^-1 K;
//   * eigvalsh: sum_i g_i v_i v_i^T over the eigenvalues above the clipping threshold,
//     from a symmetric eigen-decomposition (numpy pairs np.linalg.eig's eigenvectors in
//     the wrong order and orientation); with L given, the L gradient is diag(g) (numpy
//     returns the identity, ignoring g).
// tsne_p_joint has no gradient (it runs once, outside training, as in Mithril).
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;

Arr matmul_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                const KernelContext& ctx) {
    Arr a = to_arr(in[0], ctx), b = to_arr(in[1], ctx);
    const bool a_vec = a.rank() == 1, b_vec = b.rank() == 1;
    Arr gg = g;
    if (a_vec) {  // [K] -> [1, K]; g gains a size-1 axis at -2
        a = reshape(a, {1, a.shape[0]});
        Shape s = gg.shape;
        s.insert(s.end() - (b_vec ? 0 : 1), 1);
        gg = reshape(gg, s);
    }
    if (b_vec) {  // [K] -> [K, 1]; g gains a trailing size-1 axis
        b = reshape(b, {b.shape[0], 1});
        Shape s = gg.shape;
        s.push_back(1);
        gg = reshape(gg, s);
    }
    if (idx == 0) {
        Arr r = matmul(gg, transpose_last2(b));  // g @ swapaxes(right, -1, -2)
        if (a_vec) {
            Shape s = r.shape;
            s.erase(s.end() - 2);
            r = reshape(r, s);
        }
        return r;
    }
    Arr r = matmul(transpose_last2(a), gg);  // swapaxes(left, -1, -2) @ g
    if (b_vec) {
        Shape s = r.shape;
        s.pop_back();
        r = reshape(r, s);
    }
    return r;
}

// Flattened [N] view of a column / vector gradient.
Arr as_vector(const Arr& a) { return reshape(a, {a.numel()}); }

Arr col(const Arr& a) { return reshape(a, {a.numel(), 1}); }

// The lower Cholesky factor of a symmetric positive-definite matrix (reads the lower
// triangle, as np.linalg.cholesky); used when the caller passes no forward output.
Arr cholesky_lower(const Arr& a) {
    const std::int64_t n = a.shape.at(0);
    Arr l(a.shape);
    for (std::int64_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (std::int64_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
        if (!(d > 0.0)) throw ValueError("cholesky gradient: matrix is not positive definite");
        l[j * n + j] = std::sqrt(d);
        for (std::int64_t i = j + 1; i < n; ++i) {
            double s = a[i * n + j];
            for (std::int64_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
            l[i * n + j] = s / l[j * n + j];
        }
    }
    return l;
}

Arr cholesky_rule(std::size_t, const Arr& g, const Inputs& in, const Value& out,
                  const KernelContext& ctx) {
    const Arr l = out.is_tensor() ? to_arr(out, ctx) : cholesky_lower(to_arr(in[0], ctx));
    const std::int64_t n = l.shape.at(0);
    Arr p = tril(matmul(transpose_last2(l), g));
    for (std::int64_t i = 0; i < n; ++i) p[i * n + i] *= 0.5;
    const Arr linv = inverse(l);
    const Arr abar = matmul(matmul(transpose_last2(linv), p), linv);
    return 0.5 * (abar + transpose_last2(abar));
}

Arr eigvalsh_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                  const KernelContext& ctx) {
    const bool has_l = in[1].is_tensor();
    const Arr gv = as_vector(g);
    if (has_l) {
        if (idx == 0) return Arr(value_shape(in[0]));
        const Shape ls = value_shape(in[1]);
        Arr r(ls);
        for (std::int64_t i = 0; i < gv.numel() && i < ls.at(0); ++i) r[i * ls.at(1) + i] = gv[i];
        return r;
    }
    const Arr k = to_arr(in[0], ctx);
    const double thr = vdouble(in[2], ctx, "eigvalsh threshold");
    std::vector<double> w;
    Arr v;
    eigh(k, w, v);
    const std::int64_t n = k.shape.at(0);
    Arr r(k.shape);
    for (std::int64_t e = 0; e < n; ++e) {
        if (!(std::max(w[static_cast<size_t>(e)], thr) > thr)) continue;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < n; ++j)
                r[i * n + j] += gv[e] * v[i * n + e] * v[j * n + e];
    }
    return r;
}

Arr gpr_alpha_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                   const KernelContext& ctx) {
    const Arr y = to_arr(in[0], ctx);
    const Arr gc = reshape(g, y.shape.size() == 2 ? y.shape : Shape{g.numel(), 1});
    const Arr yc = reshape(y, gc.shape);
    if (in[1].is_tensor()) {
        if (idx == 2) return Arr(value_shape(in[2]));
        const Arr l = to_arr(in[1], ctx);
        const Arr kinv = inverse(matmul(l, transpose_last2(l)));
        const Arr u = matmul(kinv, gc);  // K^-1 g (K symmetric)
        if (idx == 0) return reshape(u, y.shape);
        const Arr alpha = matmul(kinv, yc);
        const Arr kbar = -matmul(u, transpose_last2(alpha));
        return tril(matmul(kbar + transpose_last2(kbar), l));
    }
    const Arr kt = to_arr(in[2], ctx);
    const Arr kinv_t = transpose_last2(inverse(kt));
    const Arr u = matmul(kinv_t, gc);  // K^-T g
    if (idx == 0) return reshape(u, y.shape);
    if (idx == 1) return Arr(value_shape(in[1]));
    const Arr alpha = matmul(inverse(kt), yc);
    return -matmul(u, transpose_last2(alpha));
}

Arr gpr_v_outer_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                     const KernelContext& ctx) {
    const Arr k = to_arr(in[0], ctx);
    const Arr gs = g + transpose_last2(g);
    if (in[2].is_tensor()) {
        if (idx == 1) return Arr(value_shape(in[1]));
        const Arr l = to_arr(in[2], ctx);
        const Arr linv = inverse(l);
        const Arr v = matmul(linv, k);
        const Arr vbar = matmul(v, gs);
        if (idx == 0) return matmul(transpose_last2(linv), vbar);
        return tril(-matmul(matmul(transpose_last2(linv), vbar), transpose_last2(v)));
    }
    const Arr kt = to_arr(in[1], ctx);
    const Arr m = inverse(kt);
    if (idx == 0)
        return matmul(matmul(m, k), transpose_last2(g)) + matmul(matmul(transpose_last2(m), k), g);
    if (idx == 1)  // -(M^T K) g (M K)^T
        return -matmul(matmul(matmul(transpose_last2(m), k), g), transpose_last2(matmul(m, k)));
    return Arr(value_shape(in[2]));
}

Arr distance_matrix_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                         const KernelContext& ctx) {
    const Arr left = to_arr(in[0], ctx), right = to_arr(in[1], ctx);
    const Arr norm = to_arr(in[2], ctx);
    const double p = norm[0];
    const std::int64_t n = left.shape.at(0), m = right.shape.at(0), d = left.shape.at(1);
    if (idx == 2) {
        double s = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < m; ++j) {
                double term = 0.0;
                for (std::int64_t k = 0; k < d; ++k) {
                    const double a = std::abs(left[i * d + k] - right[j * d + k]);
                    double lg = std::log(a);
                    if (!std::isfinite(lg)) lg = 0.0;  // np.nan_to_num(posinf=0, neginf=0)
                    term += std::pow(a, p) * lg;
                }
                s += g[i * m + j] * term;
            }
        return Arr(norm.shape, s);
    }
    Arr r(idx == 0 ? left.shape : right.shape);
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < m; ++j)
            for (std::int64_t k = 0; k < d; ++k) {
                const double diff = left[i * d + k] - right[j * d + k];
                const double dg = p * std::pow(std::abs(diff), p - 1.0) * sign(diff);
                if (idx == 0)
                    r[i * d + k] += g[i * m + j] * dg;
                else
                    r[j * d + k] -= g[i * m + j] * dg;
            }
    return r;
}

// combinations_with_replacement(range(dims + 1), degree) in lexicographic order, as power
// vectors over [1, x_1, ..., x_dims]; the first (pure bias) one is skipped.
std::vector<std::vector<int>> poly_powers(std::int64_t dims, std::int64_t degree) {
    std::vector<std::vector<int>> out;
    std::vector<std::int64_t> c(static_cast<size_t>(degree), 0);
    while (true) {
        std::vector<int> p(static_cast<size_t>(dims + 1), 0);
        for (auto i : c) ++p[static_cast<size_t>(i)];
        out.push_back(p);
        std::int64_t pos = degree - 1;
        while (pos >= 0 && c[static_cast<size_t>(pos)] == dims) --pos;
        if (pos < 0) break;
        const auto v = c[static_cast<size_t>(pos)] + 1;
        for (auto q = pos; q < degree; ++q) c[static_cast<size_t>(q)] = v;
    }
    out.erase(out.begin());
    return out;
}

Arr polynomial_features_rule(std::size_t, const Arr& g, const Inputs& in, const Value&,
                             const KernelContext& ctx) {
    const Arr x = to_arr(in[0], ctx);
    const std::int64_t samples = x.shape.at(0), dims = x.shape.at(1);
    const auto powers = poly_powers(dims, vint(in[1], "polynomial_features degree"));
    const auto nf = static_cast<std::int64_t>(powers.size());
    Arr r(x.shape);
    for (std::int64_t s = 0; s < samples; ++s) {
        std::vector<double> data(static_cast<size_t>(dims + 1), 1.0);
        for (std::int64_t j = 0; j < dims; ++j) data[static_cast<size_t>(j + 1)] = x[s * dims + j];
        for (std::int64_t k = 0; k < nf; ++k) {
            const auto& p = powers[static_cast<size_t>(k)];
            for (std::int64_t d = 1; d <= dims; ++d) {
                if (p[static_cast<size_t>(d)] <= 0) continue;
                double prod = 1.0;
                for (std::int64_t i = 0; i <= dims; ++i)
                    prod *= std::pow(data[static_cast<size_t>(i)],
                                     p[static_cast<size_t>(i)] - (i == d ? 1 : 0));
                r[s * dims + d - 1] += p[static_cast<size_t>(d)] * prod * g[s * nf + k];
            }
        }
    }
    return r;
}

Arr norm_modifier_rule(std::size_t, const Arr& g, const Inputs& in, const Value&,
                       const KernelContext& ctx) {
    const Arr x = to_arr(in[0], ctx);
    return zip(g, x, [](double gi, double xi) {
        double m = std::fmod(xi - 1.0, 8.0);  // Python's floor modulo
        if (m != 0.0 && m < 0.0) m += 8.0;
        const double inner = m / 8.0 - 0.5;
        if (inner != 0.0) return inner > 0.0 ? -gi : gi;
        return 0.0;
    });
}

void register_all() {
    reg("matrix_multiplication", matmul_rule);
    reg("cholesky", cholesky_rule);
    reg("eigvalsh", eigvalsh_rule, {2});
    reg("transposed_diag",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
            const std::int64_t n = value_shape(in[0]).at(0);
            return col(as_vector(g)) * eye(n);  // output_gradient * eye
        });
    reg("gpr_alpha", gpr_alpha_rule);
    reg("gpr_v_outer", gpr_v_outer_rule);
    reg("cartesian_diff",
        [](std::size_t idx, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
            const Arr s = sum_axes(g, {idx == 0 ? 1 : 0}, false);
            return idx == 0 ? s : -s;
        });
    reg("distance_matrix", distance_matrix_rule);
    reg("polynomial_features", polynomial_features_rule, {1});
    reg("norm_modifier", norm_modifier_rule);
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

// backends/reference/linalg.cpp — reference kernels of matrix multiplication, the
// Gaussian-process and distance helpers, t-SNE's joint probabilities and the AUC metric.
//
// Formula keys: matrix_multiplication, cholesky, eigvalsh, transposed_diag, gpr_alpha,
// gpr_v_outer, distance_matrix, cartesian_diff, polynomial_features, tsne_p_joint,
// auc_core, trapezoid.
//
// Semantics mirror Mithril's NumPy kernels (synnada-ai/mithril:
// mithril/cores/python/numpy/ops.py, utils.py, mithril/cores/utils.py):
//   * matrix_multiplication is np.matmul: 1-D operands get a unit axis that is removed
//     again, leading axes broadcast; dot products accumulate sequentially (BLAS may round
//     differently in the last bits); int64 wraps; bool @ bool is OR of ANDs.
//   * cholesky is the lower factor of the input's lower triangle (LAPACK potrf order). A
//     matrix that is not positive definite gives None, as NumPy's kernel catches
//     LinAlgError and returns None; gpr_alpha, eigvalsh and gpr_v_outer then take their
//     K_term branch (np.linalg.solve with partial pivoting, symmetric eigenvalues by the
//     cyclic Jacobi method clipped below at threshold, and lstsq as an SVD pseudo-inverse
//     with rcond = eps * max(M, N), NumPy >= 2's default). These factorizations are computed
//     in double and may differ from LAPACK in the last bits. eigvalsh returns [N, 1] (the
//     operator's shape template) where np.diag / np.linalg.eigvalsh give [N].
//   * polynomial_features multiplies data**p over (1, x_1, ..., x_d) left to right, the
//     exponent vectors p in combinations_with_replacement order with the constant dropped.
//   * tsne_p_joint runs Mithril's binary search (mithril/cores/utils.py) for each row's
//     sigma with its exact iteration limits, in double.
//   * auc_core reproduces the kernel's thresholding literally, including its quirk that a
//     threshold above 1 counts no prediction as positive.
//   * trapezoid is np.trapezoid(y, x) over the last axis (x None: unit spacing).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

// A dense row-major matrix of doubles used by the factorizations.
struct Mat {
    std::int64_t rows = 0, cols = 0;
    std::vector<double> a;
    double& operator()(std::int64_t i, std::int64_t j) {
        return a[static_cast<std::size_t>(i * cols + j)];
    }
    double operator()(std::int64_t i, std::int64_t j) const {
        return a[static_cast<std::size_t>(i * cols + j)];
    }
};

Mat to_mat(const Tensor& t, const std::string& what) {
    if (t.rank() == 1) return Mat{t.shape()[0], 1, to_vec<double>(t)};
    if (t.rank() != 2)
        throw ValueError(what + ": expected a matrix, got shape " + shape_str(t.shape()));
    return Mat{t.shape()[0], t.shape()[1], to_vec<double>(t)};
}

Mat square_mat(const Tensor& t, const std::string& what) {
    Mat m = to_mat(t, what);
    if (m.rows != m.cols || t.rank() != 2)
        throw ValueError(what + ": expected a square matrix, got shape " + shape_str(t.shape()));
    return m;
}

Tensor mat_tensor(const Mat& m, Dtype d, Shape shape) {
    return Tensor::from_vector<double>(m.a, std::move(shape)).astype(d);
}

// Integer power as NumPy computes int ** int.
std::int64_t ipow(std::int64_t base, std::int64_t exp) {
    if (exp < 0) throw ValueError("Integers to negative integer powers are not allowed.");
    std::uint64_t result = 1, b = static_cast<std::uint64_t>(base);
    for (; exp > 0; exp >>= 1) {
        if (exp & 1) result *= b;
        b *= b;
    }
    return static_cast<std::int64_t>(result);
}

template <class T>
T power(T x, T p) {
    if constexpr (std::is_integral_v<T>) return ipow(x, p);
    else return std::pow(x, p);
}

// ---- matrix multiplication -------------------------------------------------------------

Value matrix_multiplication(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "matrix_multiplication";
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    const Dtype d = result_dtype(ops, ctx);
    const Tensor a = ops[0].tensor.astype(d), b = ops[1].tensor.astype(d);
    for (int i = 0; i < 2; ++i)
        if ((i == 0 ? a : b).rank() == 0)
            throw ValueError("matmul: Input operand " + std::to_string(i) +
                             " does not have enough dimensions (has 0, gufunc core with "
                             "signature (n?,k),(k,m?)->(n?,m?) requires 1)");
    Shape as = a.shape(), bs = b.shape();
    const bool vec_a = as.size() == 1, vec_b = bs.size() == 1;
    if (vec_a) as.insert(as.begin(), 1);
    if (vec_b) bs.push_back(1);
    const std::int64_t M = as[as.size() - 2], K = as.back(), K2 = bs[bs.size() - 2],
                       N = bs.back();
    if (K != K2)
        throw ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                         "gufunc signature (n?,k),(k,m?)->(n?,m?) (size " +
                         std::to_string(K2) + " is different from " + std::to_string(K) + ")");
    const Shape ba(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
    const Shape batch = broadcast_shapes(ba, bb, op);
    const auto ia = broadcast_index_map(ba, batch), ib = broadcast_index_map(bb, batch);
    Shape out_shape = batch;
    if (!vec_a) out_shape.push_back(M);
    if (!vec_b) out_shape.push_back(N);
    Tensor out(d, out_shape);
    dispatch<kAllKernel>(
        d,
        [&](auto tid) {
            using T = typename decltype(tid)::type;
            const T* pa = a.data<T>();
            const T* pb = b.data<T>();
            T* po = out.data<T>();
            for (std::size_t bi = 0; bi < ia.size(); ++bi) {
                const T* x = pa + ia[bi] * M * K;
                const T* y = pb + ib[bi] * K * N;
                T* z = po + static_cast<std::int64_t>(bi) * M * N;
                for (std::int64_t i = 0; i < M; ++i)
                    for (std::int64_t j = 0; j < N; ++j) {
                        if constexpr (std::is_same_v<T, bool>) {
                            bool acc = false;
                            for (std::int64_t k = 0; k < K; ++k)
                                acc = acc || (x[i * K + k] && y[k * N + j]);
                            z[i * N + j] = acc;
                        } else if constexpr (std::is_integral_v<T>) {
                            std::uint64_t acc = 0;
                            for (std::int64_t k = 0; k < K; ++k)
                                acc += static_cast<std::uint64_t>(x[i * K + k]) *
                                       static_cast<std::uint64_t>(y[k * N + j]);
                            z[i * N + j] = static_cast<T>(acc);
                        } else {
                            T acc = T(0);
                            for (std::int64_t k = 0; k < K; ++k) acc += x[i * K + k] * y[k * N + j];
                            z[i * N + j] = acc;
                        }
                    }
            }
        },
        op);
    return out;
}

// ---- factorizations ----------------------------------------------------------------------

// Lower Cholesky factor from the lower triangle of a; false if not positive definite.
bool cholesky_lower(const Mat& a, Mat& l) {
    const std::int64_t n = a.rows;
    l = Mat{n, n, std::vector<double>(static_cast<std::size_t>(n * n), 0.0)};
    for (std::int64_t j = 0; j < n; ++j) {
        double s = a(j, j);
        for (std::int64_t k = 0; k < j; ++k) s -= l(j, k) * l(j, k);
        if (!(s > 0.0)) return false;  // also rejects NaN
        l(j, j) = std::sqrt(s);
        for (std::int64_t i = j + 1; i < n; ++i) {
            double t = a(i, j);
            for (std::int64_t k = 0; k < j; ++k) t -= l(i, k) * l(j, k);
            l(i, j) = t / l(j, j);
        }
    }
    return true;
}

// Solves L X = B (lower) or L^T X = B (transposed) for X, using only L's lower triangle.
Mat solve_lower(const Mat& l, const Mat& b, bool transposed) {
    const std::int64_t n = l.rows;
    if (b.rows != n) throw ValueError("solve_triangular: incompatible dimensions");
    Mat x = b;
    for (std::int64_t c = 0; c < b.cols; ++c) {
        if (!transposed) {
            for (std::int64_t i = 0; i < n; ++i) {
                double s = x(i, c);
                for (std::int64_t k = 0; k < i; ++k) s -= l(i, k) * x(k, c);
                x(i, c) = s / l(i, i);
            }
        } else {
            for (std::int64_t i = n - 1; i >= 0; --i) {
                double s = x(i, c);
                for (std::int64_t k = i + 1; k < n; ++k) s -= l(k, i) * x(k, c);
                x(i, c) = s / l(i, i);
            }
        }
    }
    return x;
}

// np.linalg.solve: LU with partial pivoting; ValueError("Singular matrix") when singular.
Mat solve_general(Mat a, Mat b) {
    const std::int64_t n = a.rows;
    if (b.rows != n) throw ValueError("solve: incompatible dimensions");
    for (std::int64_t k = 0; k < n; ++k) {
        std::int64_t p = k;
        for (std::int64_t i = k + 1; i < n; ++i)
            if (std::abs(a(i, k)) > std::abs(a(p, k))) p = i;
        if (a(p, k) == 0.0) throw ValueError("Singular matrix");
        if (p != k) {
            for (std::int64_t j = 0; j < n; ++j) std::swap(a(k, j), a(p, j));
            for (std::int64_t j = 0; j < b.cols; ++j) std::swap(b(k, j), b(p, j));
        }
        for (std::int64_t i = k + 1; i < n; ++i) {
            const double f = a(i, k) / a(k, k);
            for (std::int64_t j = k; j < n; ++j) a(i, j) -= f * a(k, j);
            for (std::int64_t j = 0; j < b.cols; ++j) b(i, j) -= f * b(k, j);
        }
    }
    for (std::int64_t c = 0; c < b.cols; ++c)
        for (std::int64_t i = n - 1; i >= 0; --i) {
            double s = b(i, c);
            for (std::int64_t j = i + 1; j < n; ++j) s -= a(i, j) * b(j, c);
            b(i, c) = s / a(i, i);
        }
    return b;
}

// Eigenvalues (ascending) of the symmetric matrix given by a's lower triangle (cyclic
// Jacobi rotations until the off-diagonal part vanishes).
std::vector<double> symmetric_eigenvalues(const Mat& lower) {
    const std::int64_t n = lower.rows;
    Mat a = lower;
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = i + 1; j < n; ++j) a(i, j) = a(j, i);
    for (int sweep = 0; sweep < 100; ++sweep) {
        double off = 0.0, total = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < n; ++j) {
                total += a(i, j) * a(i, j);
                if (j > i) off += a(i, j) * a(i, j);
            }
        if (off <= 1e-36 * total || !std::isfinite(off)) break;
        for (std::int64_t p = 0; p < n; ++p)
            for (std::int64_t q = p + 1; q < n; ++q) {
                if (a(p, q) == 0.0) continue;
                const double theta = (a(q, q) - a(p, p)) / (2.0 * a(p, q));
                const double t = (theta >= 0 ? 1.0 : -1.0) /
                                 (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (std::int64_t k = 0; k < n; ++k) {  // columns p, q
                    const double akp = a(k, p), akq = a(k, q);
                    a(k, p) = c * akp - s * akq;
                    a(k, q) = s * akp + c * akq;
                }
                for (std::int64_t k = 0; k < n; ++k) {  // rows p, q
                    const double apk = a(p, k), aqk = a(q, k);
                    a(p, k) = c * apk - s * aqk;
                    a(q, k) = s * apk + c * aqk;
                }
            }
    }
    std::vector<double> ev(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) ev[static_cast<std::size_t>(i)] = a(i, i);
    std::sort(ev.begin(), ev.end());
    return ev;
}

// np.linalg.lstsq(a, b)[0] as the SVD pseudo-inverse solution (one-sided Jacobi SVD),
// singular values below rcond * max singular value treated as zero.
Mat lstsq(const Mat& a, const Mat& b, double rcond) {
    const std::int64_t m = a.rows, n = a.cols;
    if (b.rows != m) throw ValueError("lstsq: incompatible dimensions");
    // Work on the matrix with at least as many rows as columns: A = U S V^T.
    const bool tall = m >= n;
    Mat u = a;
    if (!tall) {  // transpose
        u = Mat{n, m, std::vector<double>(static_cast<std::size_t>(m * n))};
        for (std::int64_t i = 0; i < m; ++i)
            for (std::int64_t j = 0; j < n; ++j) u(j, i) = a(i, j);
    }
    const std::int64_t r = u.rows, c = u.cols;
    Mat v{c, c, std::vector<double>(static_cast<std::size_t>(c * c), 0.0)};
    for (std::int64_t i = 0; i < c; ++i) v(i, i) = 1.0;
    for (int sweep = 0; sweep < 100; ++sweep) {
        bool rotated = false;
        for (std::int64_t p = 0; p < c; ++p)
            for (std::int64_t q = p + 1; q < c; ++q) {
                double al = 0, be = 0, ga = 0;
                for (std::int64_t k = 0; k < r; ++k) {
                    al += u(k, p) * u(k, p);
                    be += u(k, q) * u(k, q);
                    ga += u(k, p) * u(k, q);
                }
                if (ga == 0.0 || std::abs(ga) <= 1e-15 * std::sqrt(al * be)) continue;
                rotated = true;
                const double zeta = (be - al) / (2.0 * ga);
                const double t = (zeta >= 0 ? 1.0 : -1.0) /
                                 (std::abs(zeta) + std::sqrt(1.0 + zeta * zeta));
                const double cs = 1.0 / std::sqrt(1.0 + t * t), sn = cs * t;
                for (std::int64_t k = 0; k < r; ++k) {
                    const double x = u(k, p), y = u(k, q);
                    u(k, p) = cs * x - sn * y;
                    u(k, q) = sn * x + cs * y;
                }
                for (std::int64_t k = 0; k < c; ++k) {
                    const double x = v(k, p), y = v(k, q);
                    v(k, p) = cs * x - sn * y;
                    v(k, q) = sn * x + cs * y;
                }
            }
        if (!rotated) break;
    }
    std::vector<double> sigma(static_cast<std::size_t>(c));
    double smax = 0.0;
    for (std::int64_t j = 0; j < c; ++j) {
        double s = 0;
        for (std::int64_t k = 0; k < r; ++k) s += u(k, j) * u(k, j);
        sigma[static_cast<std::size_t>(j)] = std::sqrt(s);
        smax = std::max(smax, std::sqrt(s));
    }
    // pinv(A) = V S^+ U^T (tall), or its transpose U S^+ V^T for the transposed problem.
    Mat pinv{n, m, std::vector<double>(static_cast<std::size_t>(m * n), 0.0)};
    for (std::int64_t j = 0; j < c; ++j) {
        const double s = sigma[static_cast<std::size_t>(j)];
        if (s <= rcond * smax || s == 0.0) continue;
        for (std::int64_t x = 0; x < n; ++x)
            for (std::int64_t y = 0; y < m; ++y) {
                // U's column j holds u_j * s (not normalised), hence the / s^2.
                const double term = tall ? v(x, j) * u(y, j) : u(x, j) * v(y, j);
                pinv(x, y) += term / (s * s);
            }
    }
    Mat out{n, b.cols, std::vector<double>(static_cast<std::size_t>(n * b.cols), 0.0)};
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < b.cols; ++j) {
            double s = 0;
            for (std::int64_t k = 0; k < m; ++k) s += pinv(i, k) * b(k, j);
            out(i, j) = s;
        }
    return out;
}

double dtype_eps(Dtype d) {
    return d == Dtype::float32 ? static_cast<double>(std::numeric_limits<float>::epsilon())
                               : std::numeric_limits<double>::epsilon();
}

// Inputs: input.
Value cholesky(const std::vector<Value>& in, const KernelContext& ctx) {
    const Tensor x = to_tensor(in.at(0), ctx, "cholesky");
    const Mat a = square_mat(x, "cholesky");
    Mat l;
    if (!cholesky_lower(a, l)) return Value(None);  // NumPy kernel: LinAlgError -> None
    return mat_tensor(l, float_result_dtype(x.dtype(), ctx), x.shape());
}

// Inputs: K_term, L (tensor or None), threshold.
Value eigvalsh(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "eigvalsh";
    const Tensor k = to_tensor(in.at(0), ctx, op);
    const Dtype d = float_result_dtype(k.dtype(), ctx);
    std::vector<double> ev;
    if (in.at(1).is_tensor()) {
        const Mat l = square_mat(to_tensor(in.at(1), ctx, op), op);
        for (std::int64_t i = 0; i < l.rows; ++i) ev.push_back(l(i, i));
    } else {
        const double thr = value_double(in.at(2), ctx, op + " threshold");
        ev = symmetric_eigenvalues(square_mat(k, op));
        for (auto& e : ev) e = std::isnan(e) ? e : std::max(e, thr);  // np.clip(ev, thr, None)
    }
    const auto n = static_cast<std::int64_t>(ev.size());
    return Tensor::from_vector<double>(ev, {n, 1}).astype(d);
}

// Inputs: input.
Value transposed_diag(const std::vector<Value>& in, const KernelContext& ctx) {
    const Tensor x = to_tensor(in.at(0), ctx, "transposed_diag");
    if (x.rank() != 2)
        throw ValueError("transposed_diag: expected a matrix, got shape " + shape_str(x.shape()));
    const std::int64_t n = std::min(x.shape()[0], x.shape()[1]);
    std::vector<std::int64_t> offsets;
    for (std::int64_t i = 0; i < n; ++i) offsets.push_back(i * x.shape()[1] + i);
    return gather_offsets(x, offsets, {n, 1});
}

// Inputs: label_mu_diff, L (tensor or None), K_term.
Value gpr_alpha(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "gpr_alpha";
    const Tensor y = to_tensor(in.at(0), ctx, op);
    const Mat b = to_mat(y, op);
    Mat x;
    Dtype d = float_result_dtype(y.dtype(), ctx);
    if (in.at(1).is_tensor()) {
        const Tensor lt = to_tensor(in.at(1), ctx, op);
        const Mat l = square_mat(lt, op);
        x = solve_lower(l, solve_lower(l, b, false), true);
        d = float_result_dtype(promote_types(d, lt.dtype()), ctx);
    } else {
        const Tensor kt = to_tensor(in.at(2), ctx, op);
        x = solve_general(square_mat(kt, op), b);
        d = float_result_dtype(promote_types(d, kt.dtype()), ctx);
    }
    return mat_tensor(x, d, y.shape());
}

// Inputs: K, K_term, L (tensor or None).
Value gpr_v_outer(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "gpr_v_outer";
    const Tensor kt = to_tensor(in.at(0), ctx, op);
    const Mat k = to_mat(kt, op);
    Dtype d = float_result_dtype(kt.dtype(), ctx);
    Mat v;
    const bool have_l = in.at(2).is_tensor();
    if (have_l) {
        v = solve_lower(square_mat(to_tensor(in.at(2), ctx, op), op), k, false);
    } else {
        const Mat kterm = square_mat(to_tensor(in.at(1), ctx, op), op);
        v = lstsq(kterm, k, dtype_eps(d) * static_cast<double>(std::max(kterm.rows, kterm.cols)));
    }
    // L: v^T v; otherwise K^T v.
    const Mat& left = have_l ? v : k;
    Mat out{left.cols, v.cols,
            std::vector<double>(static_cast<std::size_t>(left.cols * v.cols), 0.0)};
    for (std::int64_t i = 0; i < left.cols; ++i)
        for (std::int64_t j = 0; j < v.cols; ++j) {
            double s = 0;
            for (std::int64_t r = 0; r < v.rows; ++r) s += left(r, i) * v(r, j);
            out(i, j) = s;
        }
    return mat_tensor(out, d, {out.rows, out.cols});
}

// ---- distances and features ----------------------------------------------------------------

// Inputs: left [N, d], right [M, d], norm (scalar).
Value distance_matrix(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "distance_matrix";
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op),
                             to_operand(in.at(2), ctx, op)};
    const Dtype d = result_dtype(ops, ctx);
    const Tensor &l = ops[0].tensor, &r = ops[1].tensor;
    if (l.rank() != 2 || r.rank() != 2 || l.shape()[1] != r.shape()[1])
        throw ValueError(op + ": expected [N, d] and [M, d], got " + shape_str(l.shape()) +
                         " and " + shape_str(r.shape()));
    const std::int64_t N = l.shape()[0], M = r.shape()[0], D = l.shape()[1];
    return dispatch<kNumeric>(
        d,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            const auto a = to_vec<T>(l), b = to_vec<T>(r);
            const T p = to_vec<T>(ops[2].tensor).at(0);
            std::vector<T> terms(static_cast<std::size_t>(D)), out;
            for (std::int64_t i = 0; i < N; ++i)
                for (std::int64_t j = 0; j < M; ++j) {
                    for (std::int64_t k = 0; k < D; ++k) {
                        T diff = a[static_cast<std::size_t>(i * D + k)] -
                                 b[static_cast<std::size_t>(j * D + k)];
                        if constexpr (std::is_integral_v<T>) diff = diff < 0 ? -diff : diff;
                        else diff = std::abs(diff);
                        terms[static_cast<std::size_t>(k)] = power(diff, p);
                    }
                    if constexpr (std::is_integral_v<T>) {
                        T s = 0;
                        for (auto t : terms) s += t;
                        out.push_back(s);
                    } else {
                        out.push_back(pairwise_sum(terms.data(), D));
                    }
                }
            return Tensor::from_vector<T>(out, {N, M});
        },
        op);
}

// Inputs: left [N, d], right [M, d].
Value cartesian_diff(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "cartesian_diff";
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op)};
    const Dtype d = result_dtype(ops, ctx);
    const Tensor l = ops[0].tensor.astype(d), r = ops[1].tensor.astype(d);
    if (l.rank() != 2 || r.rank() != 2)
        throw ValueError(op + ": expected [N, d] and [M, d], got " + shape_str(l.shape()) +
                         " and " + shape_str(r.shape()));
    const std::int64_t N = l.shape()[0], M = r.shape()[0];
    const Tensor lv = reshape_tensor(l, {N, 1, l.shape()[1]}, op);
    const Tensor rv = reshape_tensor(r, {1, M, r.shape()[1]}, op);
    return map_binary<kNumeric>(
        lv, rv, d,
        [](auto x, auto y) {
            using T = decltype(x);
            if constexpr (std::is_integral_v<T>)
                return static_cast<T>(static_cast<std::uint64_t>(x) -
                                      static_cast<std::uint64_t>(y));
            else return x - y;
        },
        op);
}

// Exponent vectors over (1, x_1, ..., x_d): combinations_with_replacement(range(d + 1),
// degree) in lexicographic order, as counts per index, without the first (all-constant).
std::vector<std::vector<std::int64_t>> monomial_powers(std::int64_t d, std::int64_t degree) {
    std::vector<std::vector<std::int64_t>> powers;
    std::vector<std::int64_t> combo(static_cast<std::size_t>(degree), 0);
    while (true) {
        std::vector<std::int64_t> p(static_cast<std::size_t>(d + 1), 0);
        for (auto c : combo) ++p[static_cast<std::size_t>(c)];
        powers.push_back(std::move(p));
        // next combination with replacement (non-decreasing sequence)
        std::int64_t i = degree - 1;
        while (i >= 0 && combo[static_cast<std::size_t>(i)] == d) --i;
        if (i < 0) break;
        const std::int64_t v = combo[static_cast<std::size_t>(i)] + 1;
        for (std::int64_t j = i; j < degree; ++j) combo[static_cast<std::size_t>(j)] = v;
    }
    powers.erase(powers.begin());
    return powers;
}

// Inputs: input [N, d], degree.
Value polynomial_features(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "polynomial_features";
    const Tensor x = to_tensor(in.at(0), ctx, op);
    const std::int64_t degree = value_int(in.at(1), op + " degree");
    if (x.rank() != 2)
        throw ValueError(op + ": expected input [N, d], got " + shape_str(x.shape()));
    if (degree < 1) throw ValueError(op + ": degree must be at least 1");
    const std::int64_t N = x.shape()[0], D = x.shape()[1];
    const auto powers = monomial_powers(D, degree);
    const auto F = static_cast<std::int64_t>(powers.size());
    return dispatch<kNumeric>(
        x.dtype(),
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            const T* p = x.data<T>();
            std::vector<T> out(static_cast<std::size_t>(N * F));
            for (std::int64_t n = 0; n < N; ++n)
                for (std::int64_t f = 0; f < F; ++f) {
                    const auto& pw = powers[static_cast<std::size_t>(f)];
                    T acc = power(T(1), static_cast<T>(pw[0]));
                    for (std::int64_t j = 0; j < D; ++j) {
                        const auto e = static_cast<T>(pw[static_cast<std::size_t>(j + 1)]);
                        acc *= power(p[n * D + j], e);
                    }
                    out[static_cast<std::size_t>(n * F + f)] = acc;
                }
            return Tensor::from_vector<T>(out, {N, F});
        },
        op);
}

// ---- t-SNE joint probabilities -----------------------------------------------------------

// tsne_softmax of one row (already divided by 2 sigma^2) with column `zero` zeroed.
std::vector<double> tsne_row_softmax(const std::vector<double>& x, std::int64_t zero) {
    double mx = x.empty() ? 0.0 : x[0];
    for (double v : x) mx = (mx >= v || std::isnan(mx)) ? mx : v;
    std::vector<double> e(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) e[i] = std::exp(x[i] - mx);
    if (zero >= 0) e[static_cast<std::size_t>(zero)] = 0.0;
    const double s = pairwise_sum(e.data(), static_cast<std::int64_t>(e.size()));
    for (auto& v : e) v = v / s;
    return e;
}

// perplexity_fn for row i of -D^2 at sigma (calc_prob_matrix with zero_index = i).
double row_perplexity(const std::vector<double>& neg_row, double sigma, std::int64_t i,
                      double thr) {
    const double two_sig_sq = 2.0 * (sigma * sigma);
    if (two_sig_sq == 0.0)
        throw ValueError("tsne_p_joint: sigma reached 0 (NumPy fails here with an AxisError)");
    std::vector<double> x(neg_row.size());
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = neg_row[k] / two_sig_sq;
    std::vector<double> p = tsne_row_softmax(x, i);
    std::vector<double> terms(p.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double c = std::isnan(p[k]) ? p[k] : std::min(std::max(p[k], thr), 1.0 - thr);
        terms[k] = c * std::log2(c);
    }
    const double entropy = -pairwise_sum(terms.data(), static_cast<std::int64_t>(terms.size()));
    return std::pow(2.0, entropy);
}

// find_boundary_point of mithril/cores/utils.py.
std::pair<double, int> find_boundary_point(const std::function<double(double)>& f, double start,
                                           double boundary, int it, int max_it) {
    const double target = f(start);
    if (f(boundary) == target) return {boundary, it};
    double guess = (start + boundary) / 2;
    while (start != guess && guess != boundary && it <= max_it) {
        if (f(guess) == target) start = guess;
        else boundary = guess;
        guess = (start + boundary) / 2;
        ++it;
    }
    return {start, it};
}

// binary_search of mithril/cores/utils.py with lower = 0, upper = 1001, max_it = 1000.
std::pair<double, double> binary_search(const std::function<double(double)>& f, double target) {
    const int max_it = 1000;
    double lower = 0.0, upper = 1001.0, guess = 0.0;
    int it = 0;
    while (it <= max_it && lower != upper) {
        guess = (lower + upper) / 2;
        const double val = f(guess);
        if (val == target) break;
        ++it;
        if (val > target) upper = guess;
        else if (val < target) lower = guess;
    }
    if (it <= max_it && lower != upper) {
        auto [up, it2] = find_boundary_point(f, guess, upper, it, max_it);
        upper = up;
        auto [lo, it3] = find_boundary_point(f, guess, lower, it2, max_it);
        lower = lo;
        (void)it3;
    }
    return {lower, upper};
}

// Inputs: squared_distances [N, N], target_perplexity, threshold.
Value tsne_p_joint(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "tsne_p_joint";
    const Tensor dt = to_tensor(in.at(0), ctx, op);
    const Mat d2 = square_mat(dt, op);
    const double target = value_double(in.at(1), ctx, op + " target_perplexity");
    const double thr = value_double(in.at(2), ctx, op + " threshold");
    const std::int64_t n = d2.rows;
    std::vector<std::vector<double>> neg(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j) neg[static_cast<std::size_t>(i)].push_back(-d2(i, j));
    std::vector<double> sigmas;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto& row = neg[static_cast<std::size_t>(i)];
        auto f = [&](double s) { return row_perplexity(row, s, i, thr); };
        const auto [lo, hi] = binary_search(f, target);
        sigmas.push_back((lo + hi) / 2);
    }
    // calc_prob_matrix(neg, sigmas) with the diagonal zeroed, then symmetrised.
    Mat p{n, n, std::vector<double>(static_cast<std::size_t>(n * n), 0.0)};
    for (std::int64_t i = 0; i < n; ++i) {
        const double tss = 2.0 * (sigmas[static_cast<std::size_t>(i)] *
                                  sigmas[static_cast<std::size_t>(i)]);
        if (tss == 0.0 && n == 1)
            throw ValueError("tsne_p_joint: sigma is 0 (NumPy fails here with an AxisError)");
        std::vector<double> x(static_cast<std::size_t>(n), 0.0);
        if (tss != 0.0)
            for (std::int64_t j = 0; j < n; ++j)
                x[static_cast<std::size_t>(j)] = neg[static_cast<std::size_t>(i)]
                                                    [static_cast<std::size_t>(j)] / tss;
        const auto row = tsne_row_softmax(x, i);
        for (std::int64_t j = 0; j < n; ++j) p(i, j) = row[static_cast<std::size_t>(j)];
    }
    Mat out = p;
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j)
            out(i, j) = (p(i, j) + p(j, i)) / (2.0 * static_cast<double>(n));
    return mat_tensor(out, float_result_dtype(dt.dtype(), ctx), {n, n});
}

// ---- metrics -----------------------------------------------------------------------------

// Inputs: input [N], label [N].
Value auc_core(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "auc_core";
    const Tensor x = to_tensor(in.at(0), ctx, op);
    const Tensor lab = to_tensor(in.at(1), ctx, op);
    if (x.rank() > 1)
        throw ValueError("Input should be 1D array, but given '" + std::to_string(x.rank()) + "D'");
    if (lab.rank() > 1)
        throw ValueError("Label should be 1D array, but given '" + std::to_string(lab.rank()) +
                         "D'");
    const auto xv = to_vec<double>(x), lv = to_vec<double>(lab);
    if (xv.size() != lv.size())
        throw ValueError(op + ": input and label lengths differ");
    double n_pos = 0;
    for (double l : lv) n_pos += (l == 1.0) ? 1.0 : 0.0;
    const double n_neg = static_cast<double>(lv.size()) - n_pos;
    // np.unique (ascending, NaN last, NaNs merged), then flipped.
    std::vector<double> thresholds = xv;
    std::sort(thresholds.begin(), thresholds.end(), [](double a, double b) {
        if (std::isnan(a)) return false;
        if (std::isnan(b)) return true;
        return a < b;
    });
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end(),
                                 [](double a, double b) {
                                     return a == b || (std::isnan(a) && std::isnan(b));
                                 }),
                     thresholds.end());
    std::reverse(thresholds.begin(), thresholds.end());
    const auto m = static_cast<std::int64_t>(thresholds.size());
    std::vector<double> out(static_cast<std::size_t>(2 * m));
    for (std::int64_t t = 0; t < m; ++t) {
        const double thr = thresholds[static_cast<std::size_t>(t)];
        double tp = 0, fp = 0;
        for (std::size_t i = 0; i < xv.size(); ++i) {
            // input_c[input_c >= thr] = 1; input_c[input_c < thr] = 0; then == 1.
            const bool positive = xv[i] >= thr && !(1.0 < thr);
            if (positive && lv[i] == 1.0) tp += 1;
            if (positive && lv[i] == 0.0) fp += 1;
        }
        out[static_cast<std::size_t>(t)] = tp / n_pos;
        out[static_cast<std::size_t>(m + t)] = fp / n_neg;
    }
    return Tensor::from_vector<double>(out, {2, m}).astype(float_result_dtype(x.dtype(), ctx));
}

// Inputs: y, x (tensor or None).
Value trapezoid(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "trapezoid";
    const Tensor y = to_tensor(in.at(0), ctx, op);
    if (y.rank() == 0) throw ValueError(op + ": y must have at least one axis");
    const bool have_x = in.size() > 1 && in.at(1).is_tensor();
    Dtype d = y.dtype();
    Tensor x;
    if (have_x) {
        x = to_tensor(in.at(1), ctx, op);
        d = promote_types(d, x.dtype());
    }
    d = float_result_dtype(d, ctx);
    const std::int64_t n = y.shape().back();
    const std::int64_t rows = n == 0 ? 0 : y.numel() / n;
    Shape out_shape(y.shape().begin(), y.shape().end() - 1);
    if (have_x && !(x.rank() == 1 && x.numel() == n) && x.shape() != y.shape())
        throw ValueError(op + ": x of shape " + shape_str(x.shape()) +
                         " does not match y of shape " + shape_str(y.shape()));
    return dispatch<kFloats>(
        d,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            const auto yv = to_vec<T>(y);
            const std::vector<T> xv = have_x ? to_vec<T>(x) : std::vector<T>{};
            const bool x_1d = have_x && x.rank() == 1;
            std::vector<T> out(static_cast<std::size_t>(shape_numel(out_shape)), T(0));
            std::vector<T> terms(static_cast<std::size_t>(std::max<std::int64_t>(n - 1, 0)));
            for (std::int64_t r = 0; r < rows; ++r) {
                for (std::int64_t i = 0; i + 1 < n; ++i) {
                    T dx = T(1);
                    if (have_x) {
                        const std::int64_t base = x_1d ? 0 : r * n;
                        dx = xv[static_cast<std::size_t>(base + i + 1)] -
                             xv[static_cast<std::size_t>(base + i)];
                    }
                    const T ys = yv[static_cast<std::size_t>(r * n + i + 1)] +
                                 yv[static_cast<std::size_t>(r * n + i)];
                    terms[static_cast<std::size_t>(i)] = dx * ys / T(2);
                }
                out[static_cast<std::size_t>(r)] = pairwise_sum(terms.data(), n - 1);
            }
            return Tensor::from_vector<T>(out, out_shape);
        },
        op);
}

[[maybe_unused]] const bool kRegistered = [] {
    register_forward("matrix_multiplication", matrix_multiplication);
    register_forward("cholesky", cholesky);
    register_forward("eigvalsh", eigvalsh);
    register_forward("transposed_diag", transposed_diag);
    register_forward("gpr_alpha", gpr_alpha);
    register_forward("gpr_v_outer", gpr_v_outer);
    register_forward("distance_matrix", distance_matrix);
    register_forward("cartesian_diff", cartesian_diff);
    register_forward("polynomial_features", polynomial_features);
    register_forward("tsne_p_joint", tsne_p_joint);
    register_forward("auc_core", auc_core);
    register_forward("trapezoid", trapezoid);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

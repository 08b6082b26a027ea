// autodiff/vjp_common.hpp — private helpers shared by the VJP rule files (vjp_*.cpp).
//
// Rules compute in float64 on `Arr`, a minimal dense row-major array (shape + doubles),
// with NumPy semantics for broadcasting, reductions, `@` and softmax, and convert back
// to a Tensor at the end. `reg()` wraps an Arr rule into a VjpRule that:
//   * converts the output gradient to Arr;
//   * answers a zero tensor of the input's shape for the indices listed as
//     non-differentiable and for non-tensor inputs (Python scalars, tuples, None, ...);
//   * sums the rule's result down to the input's shape (reduce_to), so every rule may
//     return its gradient in the broadcast output shape, as Mithril's numpy backend does;
//   * returns the gradient in the output gradient's dtype when floating, otherwise in
//     ctx.float_dtype.
// Invariants: an Arr always has v.size() == prod(shape) (1 for a scalar shape); helpers
// never modify their arguments.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autodiff/vjp.hpp"
#include "backends/reference/tensor_ops.hpp"

namespace mithril::autodiff::detail {

using Shape = std::vector<std::int64_t>;
using reference::KernelContext;

struct Arr {
    Shape shape;
    std::vector<double> v;

    Arr() : v(1, 0.0) {}  // a scalar 0
    explicit Arr(Shape s, double fill = 0.0);
    std::int64_t numel() const { return static_cast<std::int64_t>(v.size()); }
    std::size_t rank() const { return shape.size(); }
    double& operator[](std::int64_t i) { return v[static_cast<std::size_t>(i)]; }
    double operator[](std::int64_t i) const { return v[static_cast<std::size_t>(i)]; }
};

Arr scalar_arr(double x);
// Any tensor dtype -> doubles (bool 0/1).
Arr to_arr(const Tensor& t);
// Tensor, Python number or Constant (at ctx precision) -> Arr; TypeError otherwise.
Arr to_arr(const Value& v, const KernelContext& ctx);
Tensor from_arr(const Arr& a, Dtype dtype);
// Shape of a tensor Value, {} for anything else.
Shape value_shape(const Value& v);

// ---- elementwise ---------------------------------------------------------------------------
template <class F>
Arr map(const Arr& a, F f) {
    Arr r(a.shape);
    for (std::int64_t i = 0; i < a.numel(); ++i) r[i] = f(a[i]);
    return r;
}
// NumPy-broadcasting binary / ternary maps.
template <class F>
Arr zip(const Arr& a, const Arr& b, F f) {
    const Shape s = reference::broadcast_shapes(a.shape, b.shape, "vjp");
    const auto ia = reference::broadcast_index_map(a.shape, s);
    const auto ib = reference::broadcast_index_map(b.shape, s);
    Arr r(s);
    for (std::size_t i = 0; i < ia.size(); ++i) r.v[i] = f(a.v[ia[i]], b.v[ib[i]]);
    return r;
}
template <class F>
Arr zip3(const Arr& a, const Arr& b, const Arr& c, F f) {
    const Shape s = reference::broadcast_shapes({a.shape, b.shape, c.shape}, "vjp");
    const auto ia = reference::broadcast_index_map(a.shape, s);
    const auto ib = reference::broadcast_index_map(b.shape, s);
    const auto ic = reference::broadcast_index_map(c.shape, s);
    Arr r(s);
    for (std::size_t i = 0; i < ia.size(); ++i) r.v[i] = f(a.v[ia[i]], b.v[ib[i]], c.v[ic[i]]);
    return r;
}
Arr operator+(const Arr& a, const Arr& b);
Arr operator-(const Arr& a, const Arr& b);
Arr operator*(const Arr& a, const Arr& b);
Arr operator/(const Arr& a, const Arr& b);
Arr operator-(const Arr& a);
Arr operator*(double s, const Arr& a);
double sign(double x);  // np.sign: -1, 0, 1 (NaN stays NaN)

// ---- layout ----------------------------------------------------------------------------------
Arr broadcast_to(const Arr& a, const Shape& s);
Arr reshape(const Arr& a, Shape s);
// Dimension i of the result is dimension perm[i] of a.
Arr permute(const Arr& a, const std::vector<std::int64_t>& perm);
Arr swapaxes(const Arr& a, std::int64_t ax1, std::int64_t ax2);
// Sub-block [start[d], start[d] + size[d]) of every dimension d.
Arr slice_block(const Arr& a, const Shape& start, const Shape& size);
// Adds `src` into the block of `dst` starting at `start` (src.shape gives the size).
void add_block(Arr& dst, const Arr& src, const Shape& start);

// ---- reductions ------------------------------------------------------------------------------
Arr sum_axes(const Arr& a, const std::vector<std::int64_t>& axes, bool keepdim);
Arr sum_all(const Arr& a);
// np.broadcast_to(expand_dims(g, axes) unless keepdim, in_shape): the gradient of a
// reduction over `axes` spread back over the input.
Arr expand_reduced(const Arr& g, const Shape& in_shape, const std::vector<std::int64_t>& axes,
                   bool keepdim);
// Sum `g` over broadcast dimensions so it has `shape` (Mithril's accumulate_grads); a
// lower-rank g is first broadcast up to `shape`.
Arr reduce_to(const Arr& g, const Shape& shape);

// ---- matrices --------------------------------------------------------------------------------
// NumPy `@` for operands of rank >= 2, batch dimensions broadcast.
Arr matmul(const Arr& a, const Arr& b);
Arr transpose_last2(const Arr& a);
Arr eye(std::int64_t n);
// Square-matrix helpers (rank 2, row-major).
Arr inverse(const Arr& a);  // Gauss-Jordan with partial pivoting
Arr tril(const Arr& a);
// Symmetric eigen-decomposition (cyclic Jacobi): ascending eigenvalues w, eigenvectors as
// the columns of vecs.
void eigh(const Arr& a, std::vector<double>& w, Arr& vecs);

// ---- shared pieces of rules ------------------------------------------------------------------
// out * (g - sum(out * g, axis, keepdims)) — Mithril's softmax_grad.
Arr softmax_grad(const Arr& g, const Arr& out, std::int64_t axis);
Arr softmax(const Arr& x, std::int64_t axis);
// Mithril's robust_log_grad: g * (+-1/|x|, or +-1/threshold where |x| < threshold).
Arr robust_log_grad(const Arr& g, const Arr& x, double threshold);
// Mithril's numerically stable sigmoid.
double stable_sigmoid(double x);

// ---- registration ----------------------------------------------------------------------------
using ArrRule = std::function<Arr(std::size_t idx, const Arr& g, const std::vector<Value>& in,
                                  const Value& out, const KernelContext& ctx)>;
// Registers `rule` under `key` through the wrapper described in the header comment.
void reg(const std::string& key, ArrRule rule, std::vector<std::size_t> non_differentiable = {});
// Float dtype of gradients: g's dtype when floating, otherwise ctx.float_dtype.
Dtype grad_dtype(const Tensor& g, const KernelContext& ctx);

// Value readers (thin wrappers over reference::value_*, naming the rule in messages).
std::int64_t vint(const Value& v, const std::string& what);
double vdouble(const Value& v, const KernelContext& ctx, const std::string& what);
bool vbool(const Value& v, const std::string& what);
std::vector<std::int64_t> vints(const Value& v, const std::string& what);

}  // namespace mithril::autodiff::detail

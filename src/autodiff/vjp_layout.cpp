// autodiff/vjp_layout.cpp — VJP rules of the shape / layout / indexing primitives.
//
// Mirrors reshape_grad, transpose_grad, swapaxes_grad, permute_tensor_grad, flatten_grad,
// squeeze_grad, broadcast_to_grad, concat_grad, split_grad, pad_grad, where_grad,
// indexer_grad, primitive_embedding_grad, cast_grad, atleast_1d_grad and to_list_grad of
// Mithril's numpy backend (ops_grad.py).
//
// Conventions for list-valued inputs and outputs (a VjpRule takes and returns one Tensor):
//   * concat: its `input` (index 0) is a list of tensors. Input index 1000 + i asks for
//     the cotangent of element i of that list; index 0 itself is an error. The axis
//     (index 1) gets a zero scalar.
//   * split (output: a list of equal pieces) and to_list (inputs input1..inputN, output a
//     list): the output gradient is the pieces STACKED on a new leading axis, shape
//     [n, *piece_shape] — exactly the array Mithril's numpy `split` returns
//     (np.stack(np.split(...))). to_list's rule for input i returns output_grad[i].
// indexer: the gradient scatters g back (numpy `grad[index] = g`, so a repeated advanced
// index keeps the last write). The index map comes from running the reference "indexer"
// kernel on a tensor holding each element's own flat position, so every index form the
// forward kernel accepts (int, slice, None, Ellipsis, tuples, integer tensors) is covered.
// embedding accumulates (np.add.at).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;
namespace ref = mithril::reference;

constexpr std::size_t kListBase = 1000;

Arr reshape_to_input(std::size_t, const Arr& g, const Inputs& in, const Value&,
                     const KernelContext&) {
    return reshape(g, value_shape(in[0]));
}

Arr transpose_rule(std::size_t, const Arr& g, const Inputs& in, const Value&,
                   const KernelContext&) {
    const auto rank = static_cast<std::int64_t>(g.rank());
    std::vector<std::int64_t> axes;
    if (in.size() > 1 && !in[1].is_none()) axes = vints(in[1], "transpose axes");
    if (axes.empty()) {  // None (or an empty tuple): input.T
        for (std::int64_t i = rank - 1; i >= 0; --i) axes.push_back(i);
        return permute(g, axes);
    }
    std::vector<std::int64_t> inv(axes.size());
    for (std::size_t i = 0; i < axes.size(); ++i)
        inv[static_cast<size_t>(ref::normalize_axis(axes[i], rank, "transpose"))] =
            static_cast<std::int64_t>(i);
    return permute(g, inv);  // g.transpose(argsort(axes))
}

// Cotangent of element k of concat's list input.
Arr concat_element(const Arr& g, const Value& list, const Value& axis_v, std::size_t k) {
    const auto& items = list.items();
    if (k >= items.size())
        throw ValueError("concat: gradient is not defined for list element " + std::to_string(k));
    if (axis_v.is_none()) {
        std::int64_t start = 0;
        for (std::size_t i = 0; i < k; ++i) start += ref::shape_numel(value_shape(items[i]));
        const Shape shape = value_shape(items[k]);
        Arr r(shape);
        for (std::int64_t i = 0; i < r.numel(); ++i) r[i] = g[start + i];
        return r;
    }
    const auto ax = ref::normalize_axis(vint(axis_v, "concat axis"),
                                        static_cast<std::int64_t>(g.rank()), "concat");
    Shape start(g.rank(), 0);
    for (std::size_t i = 0; i < k; ++i)
        start[static_cast<size_t>(ax)] += value_shape(items[i])[static_cast<size_t>(ax)];
    return slice_block(g, start, value_shape(items[k]));
}

Tensor concat_rule(std::size_t idx, const Tensor& output_grad, const Inputs& in, const Value&,
                   const KernelContext& ctx) {
    const Dtype dt = grad_dtype(output_grad, ctx);
    if (idx == 1) return Tensor(dt, value_shape(in[1]));
    if (idx < kListBase)
        throw ValueError("concat: ask for list element i of 'input' with input index 1000 + i");
    const Value axis = in.size() > 1 ? in[1] : Value(0);
    return from_arr(concat_element(to_arr(output_grad), in[0], axis, idx - kListBase), dt);
}

Tensor cast_rule(std::size_t idx, const Tensor& output_grad, const Inputs& in, const Value&,
                 const KernelContext& ctx) {
    if (idx != 0 || !in[0].is_tensor())
        return Tensor(grad_dtype(output_grad, ctx), value_shape(in[idx]));
    return output_grad.astype(in[0].as_tensor().dtype());  // output_gradient.astype(input dtype)
}

Arr split_rule(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
    const Shape in_shape = value_shape(in[0]);
    if (g.rank() != in_shape.size() + 1)
        throw ValueError("split: the output gradient must be the pieces stacked on axis 0");
    const auto rank = static_cast<std::int64_t>(in_shape.size());
    const auto ax =
        ref::normalize_axis(in.size() > 2 ? vint(in[2], "split axis") : 0, rank, "split");
    const std::int64_t n = g.shape[0];
    Shape piece(g.shape.begin() + 1, g.shape.end());
    Arr res(in_shape);
    Shape start(in_shape.size(), 0);
    const std::int64_t piece_numel = ref::shape_numel(piece);
    for (std::int64_t k = 0; k < n; ++k) {
        Arr p(piece);
        std::copy(g.v.begin() + k * piece_numel, g.v.begin() + (k + 1) * piece_numel, p.v.begin());
        add_block(res, p, start);
        start[static_cast<size_t>(ax)] += piece[static_cast<size_t>(ax)];
    }
    return res;
}

// pad_width: ((before, after), ...) per dimension; also a single pair or an int (numpy).
Arr pad_rule(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
    const Shape in_shape = value_shape(in[0]);
    Shape before(in_shape.size(), 0);
    const Value& pw = in[1];
    if (pw.is_sequence() && !pw.items().empty() && pw.items()[0].is_sequence()) {
        for (std::size_t d = 0; d < in_shape.size() && d < pw.items().size(); ++d)
            before[d] = vints(pw.items()[d], "pad pad_width")[0];
    } else {
        const auto p = vints(pw, "pad pad_width");
        std::fill(before.begin(), before.end(), p.at(0));
    }
    return slice_block(g, before, in_shape);
}

Arr where_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
               const KernelContext& ctx) {
    const Arr cond = to_arr(in[0], ctx);
    const bool first = idx == 1;
    return zip(g, cond, [first](double gi, double c) { return ((c != 0.0) == first) ? gi : 0.0; });
}

Arr indexer_rule(std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
    const ref::ForwardKernel* fwd = ref::find_forward("indexer");
    if (fwd == nullptr) throw NotImplementedError("indexer gradient: no reference indexer kernel");
    const Shape in_shape = value_shape(in[0]);
    Arr pos(in_shape);
    std::iota(pos.v.begin(), pos.v.end(), 0.0);
    KernelContext ctx64;
    ctx64.float_dtype = Dtype::float64;
    const Value picked = (*fwd)({Value(from_arr(pos, Dtype::float64)), in[1]}, ctx64);
    const Arr where = to_arr(picked, ctx64);
    const Arr gb = broadcast_to(g, where.shape);
    Arr res(in_shape);
    for (std::int64_t i = 0; i < where.numel(); ++i)
        res[static_cast<std::int64_t>(where[i])] = gb[i];
    return res;
}

Arr permute_tensor_rule(std::size_t, const Arr& g, const Inputs& in, const Value&,
                        const KernelContext& ctx) {
    const Arr idx = to_arr(in[1], ctx);
    std::vector<std::int64_t> order(static_cast<size_t>(idx.numel()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return idx[a] < idx[b]; });
    // output_gradient[np.argsort(indices)]
    const std::int64_t row = g.rank() == 0 ? 1 : g.numel() / std::max<std::int64_t>(g.shape[0], 1);
    Arr res(g.shape);
    for (std::size_t j = 0; j < order.size(); ++j)
        std::copy(g.v.begin() + order[j] * row, g.v.begin() + (order[j] + 1) * row,
                  res.v.begin() + static_cast<std::int64_t>(j) * row);
    return res;
}

Arr embedding_rule(std::size_t, const Arr& g, const Inputs& in, const Value&,
                   const KernelContext& ctx) {
    const Arr ids = to_arr(in[0], ctx);
    const Shape w_shape = value_shape(in[1]);
    Arr res(w_shape);
    const std::int64_t dim =
        w_shape.size() > 1 ? ref::shape_numel(Shape(w_shape.begin() + 1, w_shape.end())) : 1;
    const std::int64_t rows = w_shape.empty() ? 1 : w_shape[0];
    for (std::int64_t k = 0; k < ids.numel(); ++k) {
        auto r = static_cast<std::int64_t>(ids[k]);
        if (r < 0) r += rows;  // numpy negative indexing
        for (std::int64_t j = 0; j < dim; ++j) res[r * dim + j] += g[k * dim + j];
    }
    return res;
}

Arr to_list_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
                 const KernelContext&) {
    const Shape shape = value_shape(in[idx]);
    const std::int64_t n = ref::shape_numel(shape);
    Arr r(shape);
    std::copy(g.v.begin() + static_cast<std::int64_t>(idx) * n,
              g.v.begin() + static_cast<std::int64_t>(idx + 1) * n, r.v.begin());
    return r;
}

void register_all() {
    reg("reshape", reshape_to_input, {1});
    reg("flatten", reshape_to_input, {1, 2});
    reg("squeeze", reshape_to_input);
    reg("atleast_1d", reshape_to_input);
    reg("transpose", transpose_rule, {1});
    reg("swapaxes",
        [](std::size_t, const Arr& g, const Inputs& in, const Value&, const KernelContext&) {
            return swapaxes(g, vint(in[1], "swapaxes axis1"), vint(in[2], "swapaxes axis2"));
        },
        {1, 2});
    reg("permute_tensor", permute_tensor_rule, {1});
    reg("broadcast_to",
        [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
            return g;  // the wrapper sums the broadcast dimensions away
        },
        {1});
    register_vjp("concat", concat_rule);
    reg("split", split_rule, {1, 2});
    reg("pad", pad_rule, {1});
    reg("where", where_rule, {0});
    reg("indexer", indexer_rule, {1});
    reg("primitive_embedding", embedding_rule, {0});
    register_vjp("cast", cast_rule);
    reg("to_list", to_list_rule);
}

const bool kRegistered = [] {
    register_all();
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

// autodiff/vjp_attention.cpp — VJP rule of scaled_dot_product_attention.
//
// Keys: query [..., L, E], key [..., S, E], value [..., S, O], dropout_p, attn_mask,
// is_causal, scale. Mirrors scaled_dot_product_attention_grad of Mithril's numpy backend
// (ops_grad.py): with A = softmax(Q K^T * scale + bias) recomputed from the inputs (bias:
// -inf above the diagonal when causal, -inf where a bool mask is false, plus a float
// mask), dV = A^T g, dS = softmax_grad(g V^T, A), dQ = dS K * scale,
// dK = (Q^T dS)^T * scale. Batch dimensions broadcast; the wrapper sums them back to each
// operand's shape. Only dropout_p == 0 is supported (as in the numpy backend); the mask,
// is_causal and scale get no gradient.
// positional_encoding (not in the numpy backend; the reference forward is torch's
// input + pe): the input's gradient is g.
#include <cmath>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff::detail {

namespace {

using Inputs = std::vector<Value>;

// The attention weights A = softmax(Q K^T * scale + bias, -1), and the scale used.
Arr attention_weights(const Arr& q, const Arr& k, const Inputs& in, const KernelContext& ctx,
                      double& scale) {
    const std::int64_t l = q.shape[q.rank() - 2], e = q.shape[q.rank() - 1];
    const std::int64_t s = k.shape[k.rank() - 2];
    scale = (in.size() > 6 && !in[6].is_none()) ? vdouble(in[6], ctx, "attention scale")
                                                : 1.0 / std::sqrt(static_cast<double>(e));
    Arr bias(Shape{l, s});
    const bool causal = in.size() > 5 && !in[5].is_none() && vbool(in[5], "attention is_causal");
    if (causal)
        for (std::int64_t i = 0; i < l; ++i)
            for (std::int64_t j = i + 1; j < s; ++j) bias[i * s + j] = -INFINITY;
    if (in.size() > 4 && in[4].is_tensor()) {
        const Tensor& mt = in[4].as_tensor();
        const Arr m = to_arr(mt);
        if (mt.dtype() == Dtype::bool_)
            bias = zip(bias, m, [](double b, double mv) { return mv != 0.0 ? b : -INFINITY; });
        else
            bias = bias + m;
    }
    const double sc = scale;
    Arr logits = map(matmul(q, transpose_last2(k)), [sc](double x) { return x * sc; });
    return softmax(logits + bias, -1);
}

Arr sdpa_rule(std::size_t idx, const Arr& g, const Inputs& in, const Value&,
              const KernelContext& ctx) {
    if (in.size() > 3 && !in[3].is_none() && vdouble(in[3], ctx, "attention dropout_p") != 0.0)
        throw NotImplementedError(
            "Currently Numpy scaled_dot_product_attention only support dropout_p 0");
    const Arr q = to_arr(in[0], ctx), k = to_arr(in[1], ctx), v = to_arr(in[2], ctx);
    double scale = 1.0;
    const Arr a = attention_weights(q, k, in, ctx, scale);
    if (idx == 2) return matmul(transpose_last2(a), g);
    const Arr ds = softmax_grad(matmul(g, transpose_last2(v)), a, -1);
    if (idx == 0) return scale * matmul(ds, k);
    return scale * transpose_last2(matmul(transpose_last2(q), ds));
}

const bool kRegistered = [] {
    reg("scaled_dot_product_attention", sdpa_rule, {3, 4, 5, 6});
    reg("positional_encoding",
        [](std::size_t, const Arr& g, const Inputs&, const Value&, const KernelContext&) {
            return g;
        },
        {1, 2});
    return true;
}();

}  // namespace

}  // namespace mithril::autodiff::detail

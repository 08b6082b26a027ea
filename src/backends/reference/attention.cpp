// backends/reference/attention.cpp — reference kernels of the attention primitives.
//
// Formula keys: scaled_dot_product_attention, positional_encoding.
//
// scaled_dot_product_attention mirrors Mithril's NumPy kernel (and torch's definition):
//   weight = (query @ key^T) * scale + bias;  output = softmax(weight, axis=-1) @ value
// query [..., L, E], key [..., S, E], value [..., S, O]; the leading (batch) axes broadcast
// like NumPy's matmul. scale None means 1/sqrt(E). bias is 0 except: is_causal keeps
// j <= i (others -inf); a bool attn_mask keeps its true cells; a numeric attn_mask is added.
// Dropout is random, so the deterministic reference accepts only dropout_p == 0 and throws
// RuntimeError otherwise (as Mithril's NumPy backend does). Dot products accumulate
// sequentially in the result's float dtype; the softmax subtracts the row maximum and sums
// with NumPy's pairwise summation. A row whose cells are all masked gives NaN, as in NumPy.
//
// positional_encoding follows Mithril's Torch kernel (the only backend that has it):
//   pe[p, 2i] = sin(p * d_i), pe[p, 2i + 1] = cos(p * d_i), d_i = exp(2i * -ln(10000) / H)
// computed in float32 as torch does, then output = input + pe[None, :input.shape[1]]
// (broadcast). The result dtype is the input's float dtype (ctx.float_dtype for integer
// input, where torch would give float32). An odd hidden_dim is rejected, as in torch.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

Shape batch_of(const Shape& s) { return Shape(s.begin(), s.end() - 2); }

template <class T>
Tensor sdpa_impl(const Tensor& qt, const Tensor& kt, const Tensor& vt, const Value& mask_v,
                 bool causal, double scale, const std::string& op) {
    const Shape &qs = qt.shape(), &ks = kt.shape(), &vs = vt.shape();
    const std::int64_t L = qs[qs.size() - 2], E = qs.back();
    const std::int64_t S = ks[ks.size() - 2], O = vs.back();
    if (ks.back() != E)
        throw ValueError(op + ": query " + shape_str(qs) + " and key " + shape_str(ks) +
                         " differ in the embedding size");
    if (vs[vs.size() - 2] != S)
        throw ValueError(op + ": key " + shape_str(ks) + " and value " + shape_str(vs) +
                         " differ in the sequence length");
    const Shape batch =
        broadcast_shapes({batch_of(qs), batch_of(ks), batch_of(vs)}, op);
    const auto iq = broadcast_index_map(batch_of(qs), batch);
    const auto ik = broadcast_index_map(batch_of(ks), batch);
    const auto iv = broadcast_index_map(batch_of(vs), batch);

    // Attention bias, of shape bshape (broadcast against [batch..., L, S]).
    Shape bshape{L, S};
    std::vector<T> bias(static_cast<std::size_t>(L * S), T(0));
    if (causal)
        for (std::int64_t i = 0; i < L; ++i)
            for (std::int64_t j = i + 1; j < S; ++j)
                bias[static_cast<std::size_t>(i * S + j)] = -std::numeric_limits<T>::infinity();
    if (mask_v.is_tensor()) {
        const Tensor mask = to_kernel_dtype(mask_v.as_tensor());
        if (mask.dtype() == Dtype::bool_) {
            bshape = broadcast_shapes(mask.shape(), Shape{L, S}, op);
            const auto im = broadcast_index_map(mask.shape(), bshape);
            const auto ib = broadcast_index_map(Shape{L, S}, bshape);
            const bool* m = mask.data<bool>();
            std::vector<T> nb(im.size());
            for (std::size_t i = 0; i < im.size(); ++i)
                nb[i] = m[im[i]] ? bias[static_cast<std::size_t>(ib[i])]
                                 : -std::numeric_limits<T>::infinity();
            bias = std::move(nb);
        } else {
            // NumPy adds in place: the mask must broadcast to [L, S].
            const std::vector<T> m = to_vec<T>(broadcast_tensor(mask, Shape{L, S}, op));
            for (std::size_t i = 0; i < bias.size(); ++i) bias[i] += m[i];
        }
    }
    Shape wshape = batch;
    wshape.push_back(L);
    wshape.push_back(S);
    if (broadcast_shapes(wshape, bshape, op) != wshape)
        throw ValueError(op + ": attn_mask of shape " + shape_str(bshape) +
                         " does not broadcast to the attention weights " + shape_str(wshape));
    const auto ibias = broadcast_index_map(bshape, wshape);

    const T* q = qt.data<T>();
    const T* k = kt.data<T>();
    const T* v = vt.data<T>();
    const T sc = static_cast<T>(scale);
    Shape oshape = batch;
    oshape.push_back(L);
    oshape.push_back(O);
    Tensor out(dtype_of<T>(), oshape);
    T* y = out.data<T>();
    std::vector<T> row(static_cast<std::size_t>(S));
    for (std::size_t b = 0; b < iq.size(); ++b) {
        const T* qb = q + iq[b] * L * E;
        const T* kb = k + ik[b] * S * E;
        const T* vb = v + iv[b] * S * O;
        for (std::int64_t i = 0; i < L; ++i) {
            for (std::int64_t j = 0; j < S; ++j) {
                T dot = T(0);
                for (std::int64_t e = 0; e < E; ++e) dot += qb[i * E + e] * kb[j * E + e];
                const auto w_index =
                    static_cast<std::size_t>((static_cast<std::int64_t>(b) * L + i) * S + j);
                row[static_cast<std::size_t>(j)] =
                    dot * sc + bias[static_cast<std::size_t>(ibias[w_index])];
            }
            // softmax over the row: e^(x - max) / sum
            T mx = row.empty() ? T(0) : row[0];
            for (std::int64_t j = 1; j < S; ++j) {
                const T r = row[static_cast<std::size_t>(j)];
                mx = (mx >= r || std::isnan(mx)) ? mx : r;
            }
            for (auto& r : row) r = std::exp(r - mx);
            const T s = pairwise_sum(row.data(), S);
            for (auto& r : row) r = r / s;
            T* yo = y + (static_cast<std::int64_t>(b) * L + i) * O;
            for (std::int64_t o = 0; o < O; ++o) {
                T acc = T(0);
                for (std::int64_t j = 0; j < S; ++j)
                    acc += row[static_cast<std::size_t>(j)] * vb[j * O + o];
                yo[o] = acc;
            }
        }
    }
    return out;
}

// Inputs: query, key, value, dropout_p, attn_mask, is_causal, scale.
Value scaled_dot_product_attention(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "scaled_dot_product_attention";
    std::vector<Operand> ops{to_operand(in.at(0), ctx, op), to_operand(in.at(1), ctx, op),
                             to_operand(in.at(2), ctx, op)};
    const double dropout_p =
        in.at(3).is_none() ? 0.0 : value_double(in.at(3), ctx, op + " dropout_p");
    if (dropout_p != 0.0)
        throw RuntimeError(
            "Currently Numpy scaled_dot_product_attention only support dropout_p 0");
    const Value& mask = in.at(4);
    const bool causal = value_bool(in.at(5), op + " is_causal");
    if (causal && mask.is_tensor())
        throw ValueError("Causal attention is not support attn_mask!");
    for (const auto& o : ops)
        if (o.tensor.rank() < 2)
            throw ValueError(op + ": query, key and value need at least 2 axes, got " +
                             shape_str(o.tensor.shape()));
    const std::int64_t E = ops[0].tensor.shape().back();
    const double scale = in.at(6).is_none() ? 1.0 / std::sqrt(static_cast<double>(E))
                                            : value_double(in.at(6), ctx, op + " scale");
    const Dtype d = float_result_dtype(result_dtype(ops, ctx), ctx);
    return dispatch<kFloats>(
        d,
        [&](auto tid) -> Value {
            using T = typename decltype(tid)::type;
            return sdpa_impl<T>(ops[0].tensor.astype(d), ops[1].tensor.astype(d),
                                ops[2].tensor.astype(d), mask, causal, scale, op);
        },
        op);
}

// Inputs: input, hidden_dim, max_len.
Value positional_encoding(const std::vector<Value>& in, const KernelContext& ctx) {
    const std::string op = "positional_encoding";
    const Tensor x = to_tensor(in.at(0), ctx, op);
    const std::int64_t H = value_int(in.at(1), op + " hidden_dim");
    const std::int64_t max_len = value_int(in.at(2), op + " max_len");
    if (H <= 0 || H % 2 != 0)
        throw ValueError(op + ": hidden_dim must be a positive even number, got " +
                         std::to_string(H));
    if (max_len < 0) throw ValueError(op + ": max_len must be non-negative");
    if (x.rank() < 2)
        throw ValueError(op + ": input needs at least 2 axes, got " + shape_str(x.shape()));
    const std::int64_t len = std::min(x.shape()[1], max_len);
    // torch: div_term = exp(arange(0, H, 2) * (-log(10000.0) / H)) in float32.
    const float c = -std::log(10000.0f) / static_cast<float>(H);
    std::vector<float> pe(static_cast<std::size_t>(len * H));
    for (std::int64_t i = 0; i < H / 2; ++i) {
        const float div = std::exp(static_cast<float>(2 * i) * c);
        for (std::int64_t p = 0; p < len; ++p) {
            const float angle = static_cast<float>(p) * div;
            pe[static_cast<std::size_t>(p * H + 2 * i)] = std::sin(angle);
            pe[static_cast<std::size_t>(p * H + 2 * i + 1)] = std::cos(angle);
        }
    }
    const Dtype d = float_result_dtype(x.dtype(), ctx);
    const Tensor pet = Tensor::from_vector<float>(pe, Shape{1, len, H}).astype(d);
    return map_binary<kFloats>(
        x.astype(d), pet, d, [](auto a, auto b) { return a + b; }, op);
}

[[maybe_unused]] const bool kRegistered = [] {
    register_forward("scaled_dot_product_attention", scaled_dot_product_attention);
    register_forward("positional_encoding", positional_encoding);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

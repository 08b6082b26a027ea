// ops/attention.cpp — attention and sequence primitives.
//
// Mirrors ScaledDotProduct and PositionalEncoding (primitives.py).
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

// Keys in Mithril's order: query, key, value, dropout_p, attn_mask, is_causal,
// scale. attn_mask is a None-valued scalar unless use_attn_mask.
OperatorSpec sdp_spec(bool use_attn_mask) {
    KeySpec mask = use_attn_mask ? tkey("attn_mask", kTAll, ShapeTemplate{"L", "S"})
                                 : key("attn_mask", kNone, Value(None));
    return make_spec("scaled_dot_product_attention", "ScaledDotProduct",
                     tkey("output", kTFloat, ShapeTemplate{Variadic("Var"), "L", "O"}),
                     {tkey("query", kTNum, ShapeTemplate{Variadic("Var"), "L", "E"}),
                      tkey("key", kTNum, ShapeTemplate{Variadic("Var"), "S", "E"}),
                      tkey("value", kTNum, ShapeTemplate{Variadic("Var"), "S", "O"}),
                      key("dropout_p", kFloat), std::move(mask), key("is_causal", kBool),
                      key("scale", kNone | kInt | kFloat)});
}

}  // namespace

ScaledDotProduct::ScaledDotProduct(Value is_causal, Value scale, Value dropout_p,
                                   bool use_attn_mask, Value query, Value key_, Value value,
                                   Value attn_mask)
    : Model(ClassTag{}, "ScaledDotProduct") {
    if (is_causal.is_bool() && is_causal.as_bool() && use_attn_mask)
        throw ValueError("Causal attention is not support attn_mask!");
    static const OperatorSpec with_mask = sdp_spec(true);
    static const OperatorSpec without_mask = sdp_spec(false);
    Values v{{"query", query},         {"key", key_},           {"value", value},
             {"dropout_p", dropout_p}, {"is_causal", is_causal}, {"scale", scale}};
    if (use_attn_mask) v.emplace_back("attn_mask", attn_mask);
    else v.emplace_back("attn_mask", Value(None));
    init_operator(*this, use_attn_mask ? with_mask : without_mask, v);
}

PositionalEncoding::PositionalEncoding(Value hidden_dim, Value max_len, Value input)
    : Model(ClassTag{}, "PositionalEncoding") {
    static const OperatorSpec s =
        make_spec("positional_encoding", "PositionalEncoding", tkey("output", kTFloat, var("N1")),
                  {tkey("input", kTAll, var("N1")), key("hidden_dim", kInt),
                   key("max_len", kInt)});
    init_operator(*this, s, {{"input", input}, {"hidden_dim", hidden_dim}, {"max_len", max_len}});
}

}  // namespace mithril

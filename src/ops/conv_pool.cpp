// ops/conv_pool.cpp — convolution and pooling primitives and their scalar helpers.
//
// Mirrors PrimitiveConvolution1D/2D (formula conv1d / conv1d_bias, conv2d /
// conv2d_bias), PrimitiveMaxPool1D, PrimitivePool2D (max_pool2d, avg_pool2d),
// PaddingConverter1D/2D, StrideConverter and TupleConverter (primitives.py).
// Padding values may be ints, pairs, pairs of pairs, or a PaddingType given as
// a string ("same" / "valid").
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

// Conv keys in Mithril's order: input, weight, (bias,) stride, padding,
// dilation (, groups for 2D).
OperatorSpec conv_spec(bool two_d, bool use_bias) {
    const char* fk = two_d ? (use_bias ? "conv2d_bias" : "conv2d")
                           : (use_bias ? "conv1d_bias" : "conv1d");
    const char* cls = two_d ? "PrimitiveConvolution2D" : "PrimitiveConvolution1D";
    ShapeTemplate out = two_d ? ShapeTemplate{"N", "out_channels", "H_out", "W_out"}
                              : ShapeTemplate{"N", "out_channels", "d_out"};
    ShapeTemplate in = two_d ? ShapeTemplate{"N", "C_in", "H", "W"}
                             : ShapeTemplate{"N", "C_in", "d_in"};
    ShapeTemplate w = two_d ? ShapeTemplate{"out_channels", "C_in", "kernel_size_0", "kernel_size_1"}
                            : ShapeTemplate{"out_channels", "C_in", "kernel_size"};
    ShapeTemplate b = two_d ? ShapeTemplate{1, "out_channels", 1, 1}
                            : ShapeTemplate{1, "out_channels", 1};
    const Type pair_or_int = kInt | kTuple;
    std::vector<KeySpec> inputs{tkey("input", kTNum, in), tkey("weight", kTNum, w)};
    if (use_bias) inputs.push_back(tkey("bias", kTNum, b));
    inputs.push_back(key("stride", two_d ? pair_or_int : kInt));
    inputs.push_back(key("padding", pair_or_int));
    inputs.push_back(key("dilation", two_d ? pair_or_int : kInt));
    if (two_d) inputs.push_back(key("groups", kInt));
    auto s = make_spec(fk, cls, tkey("output", kTNum, out), std::move(inputs));
    s.constraints.push_back(con(two_d ? "conv_2d_constraints" : "conv_1d_constraints",
                                two_d ? cs::ConstraintFn(cs::conv_2d_constraints)
                                      : cs::ConstraintFn(cs::conv_1d_constraints),
                                {"output", "input", "stride", "padding", "dilation", "weight"}));
    std::vector<std::string> tkeys{"output", "input", "weight"};
    if (use_bias) tkeys.push_back("bias");
    // Mithril: sum_fn over (input, weight, bias), operator.add without bias.
    s.constraints.push_back(type_con(TypeRule::Arithmetic, false, tkeys));
    return s;
}

}  // namespace

PrimitiveConvolution1D::PrimitiveConvolution1D(bool use_bias, Value input, Value weight,
                                               Value stride, Value padding, Value dilation,
                                               Value bias)
    : Model(ClassTag{}, "PrimitiveConvolution1D") {
    static const OperatorSpec with_bias = conv_spec(false, true);
    static const OperatorSpec without_bias = conv_spec(false, false);
    Values v{{"input", input}, {"weight", weight}, {"stride", stride},
             {"padding", padding}, {"dilation", dilation}};
    if (use_bias) v.emplace_back("bias", bias);
    else if (!bias.is_tbd())
        throw ValueError("Operator does not have 'bias' input. Got bias argument!");
    init_operator(*this, use_bias ? with_bias : without_bias, v);
}

PrimitiveConvolution2D::PrimitiveConvolution2D(bool use_bias, Value input, Value weight,
                                               Value stride, Value padding, Value dilation,
                                               Value groups, Value bias)
    : Model(ClassTag{}, "PrimitiveConvolution2D") {
    static const OperatorSpec with_bias = conv_spec(true, true);
    static const OperatorSpec without_bias = conv_spec(true, false);
    Values v{{"input", input},       {"weight", weight},     {"stride", stride},
             {"padding", padding},   {"dilation", dilation}, {"groups", groups}};
    if (use_bias) v.emplace_back("bias", bias);
    else if (!bias.is_tbd())
        throw ValueError("Operator does not have 'bias' input. Got bias argument!");
    init_operator(*this, use_bias ? with_bias : without_bias, v);
}

namespace {

Values pool_values(const Value& input, const Value& kernel_size, const Value& stride,
                   const Value& padding, const Value& dilation) {
    return {{"input", input},
            {"kernel_size", kernel_size},
            {"stride", stride},
            {"padding", padding},
            {"dilation", dilation}};
}

OperatorSpec pool2d_spec(const char* fk, const char* cls) {
    auto s = make_spec(fk, cls,
                       tkey("output", kTNum, ShapeTemplate{"N", Variadic("C_in"), "H_out", "W_out"}),
                       {tkey("input", kTNum, ShapeTemplate{"N", Variadic("C_in"), "H", "W"}),
                        key("kernel_size", kTuple), key("stride", kTuple), key("padding", kTuple),
                        key("dilation", kTuple)});
    s.constraints.push_back(con("pool_2d_constraints", cs::pool_2d_constraints,
                                {"output", "input", "kernel_size", "stride", "padding", "dilation"}));
    return s;
}

}  // namespace

PrimitiveMaxPool1D::PrimitiveMaxPool1D(Value input, Value kernel_size, Value stride,
                                       Value padding, Value dilation)
    : Model(ClassTag{}, "PrimitiveMaxPool1D") {
    static const OperatorSpec s = [] {
        auto s = make_spec("max_pool1d", "PrimitiveMaxPool1D",
                           tkey("output", kTNum, ShapeTemplate{"N", Variadic("C_in"), "W_out"}),
                           {tkey("input", kTNum, ShapeTemplate{"N", Variadic("C_in"), "W"}),
                            key("kernel_size", kInt), key("stride", kInt), key("padding", kTuple),
                            key("dilation", kInt)});
        s.constraints.push_back(
            con("pool_1d_constraints", cs::pool_1d_constraints,
                {"output", "input", "kernel_size", "stride", "padding", "dilation"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, pool_values(input, kernel_size, stride, padding, dilation));
}

PrimitiveMaxPool2D::PrimitiveMaxPool2D(Value input, Value kernel_size, Value stride,
                                       Value padding, Value dilation)
    : Model(ClassTag{}, "PrimitiveMaxPool2D") {
    static const OperatorSpec s = pool2d_spec("max_pool2d", "PrimitiveMaxPool2D");
    init_operator(*this, s, pool_values(input, kernel_size, stride, padding, dilation));
}

PrimitiveAvgPool2D::PrimitiveAvgPool2D(Value input, Value kernel_size, Value stride,
                                       Value padding, Value dilation)
    : Model(ClassTag{}, "PrimitiveAvgPool2D") {
    static const OperatorSpec s = pool2d_spec("avg_pool2d", "PrimitiveAvgPool2D");
    init_operator(*this, s, pool_values(input, kernel_size, stride, padding, dilation));
}

// ---- scalar helpers -------------------------------------------------------------------

PaddingConverter1D::PaddingConverter1D(Value kernel_size, Value input)
    : Model(ClassTag{}, "PaddingConverter1D") {
    static const OperatorSpec s = [] {
        auto s = make_spec("padding_converter_1d", "PaddingConverter1D", key("output", kTuple),
                           {key("input", kInt | kStr | kTuple), key("kernel_size", kInt)});
        s.constraints.push_back(con("padding_1d_constraint", cs::padding_1d_constraint,
                                    {"output", "input", "kernel_size"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"kernel_size", kernel_size}});
}

PaddingConverter2D::PaddingConverter2D(Value kernel_size, Value input)
    : Model(ClassTag{}, "PaddingConverter2D") {
    static const OperatorSpec s = [] {
        auto s = make_spec("padding_converter_2d", "PaddingConverter2D", key("output", kTuple),
                           {key("input", kInt | kStr | kTuple), key("kernel_size", kTuple)});
        s.constraints.push_back(con("padding_2d_constraint", cs::padding_2d_constraint,
                                    {"output", "input", "kernel_size"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"kernel_size", kernel_size}});
}

StrideConverter::StrideConverter(Value kernel_size, Value input)
    : Model(ClassTag{}, "StrideConverter") {
    static const OperatorSpec s = [] {
        auto s = make_spec("stride_converter", "StrideConverter", key("output", kInt | kTuple),
                           {key("input", kInt | kStr | kTuple | kNone),
                            key("kernel_size", kInt | kTuple)});
        s.constraints.push_back(con("stride_constraint", cs::stride_constraint,
                                    {"output", "input", "kernel_size"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"kernel_size", kernel_size}});
}

TupleConverter::TupleConverter(Value input) : Model(ClassTag{}, "TupleConverter") {
    static const OperatorSpec s = [] {
        auto s = make_spec("tuple_converter", "TupleConverter", key("output", kTuple),
                           {key("input", kInt | kStr | kTuple | kNone)});
        s.constraints.push_back(con("tuple_converter_constraint", cs::tuple_converter_constraint,
                                    {"output", "input"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

}  // namespace mithril

// models/conv_pool.cpp — Convolution1D/2D, MaxPool1D/2D, AvgPool2D.
//
// Mirrors Convolution1D, Convolution2D, Pool1D and Pool2D of
// synnada-ai/mithril: mithril/models/models.py. The convolutions take the
// kernel size for padding conversion from Shape(weight): Mithril writes
// `k_shp.output[-1]` / `k_shp.output[-2:]`, i.e. an Indexer on the shape
// tuple. These converter chains are built with functional calls (provisional
// models) and pulled in by the convolution, so that the key order starts
// with "input" as in Mithril's call signature. Pools convert kernel size, stride,
// padding and dilation with StrideConverter / PaddingConverter* /
// TupleConverter exactly as Mithril does.
#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

namespace {

// Pool1D of models.py; `pool` is the primitive pooling model.
void build_pool1d(Model& self, const Model& pool, const Value& kernel_size, const Value& stride,
                  const Value& padding, const Value& dilation, const Value& input) {
    const Value pad = padding.kind() == Value::Kind::List ? to_tuple(padding) : padding;
    StrideConverter stride_conv;
    PaddingConverter1D pad_conv;
    Connection s = attach(self, stride_conv,
                          {{"input", named("stride", stride)},
                           {"kernel_size", named("kernel_size", kernel_size)}});
    Connection p =
        attach(self, pad_conv, {{"input", named("padding", pad)}, {"kernel_size", "kernel_size"}});
    attach(self, pool,
           {{"input", named("input", input)},
            {"kernel_size", "kernel_size"},
            {"stride", s},
            {"padding", p},
            {"dilation", named("dilation", dilation)},
            {"output", named("output")}});
    self["input"].set_differentiability(false);
    self.set_cin({"input"});
    self.expose_keys({"output"});
}

// Pool2D of models.py.
void build_pool2d(Model& self, const Model& pool, const Value& kernel_size, const Value& stride,
                  const Value& padding, const Value& dilation, const Value& input) {
    const Value pad = padding.kind() == Value::Kind::List ? to_tuple(padding) : padding;
    const Value st = stride.kind() == Value::Kind::List ? to_tuple(stride) : stride;
    const Value ks = kernel_size.kind() == Value::Kind::List ? to_tuple(kernel_size) : kernel_size;

    TupleConverter kt_converter;
    StrideConverter s_converter;
    TupleConverter st_converter;
    PaddingConverter2D p_converter;
    TupleConverter pt_converter;
    TupleConverter dt_converter;

    Connection kt = attach(self, kt_converter, {{"input", named("kernel_size", ks)}});
    Connection s =
        attach(self, s_converter, {{"input", named("stride", st)}, {"kernel_size", kt}});
    Connection stt = attach(self, st_converter, {{"input", s}});
    Connection p = attach(self, p_converter, {{"input", named("padding", pad)}, {"kernel_size", kt}});
    Connection pt = attach(self, pt_converter, {{"input", p}});
    Connection dt = attach(self, dt_converter, {{"input", named("dilation", dilation)}});
    attach(self, pool,
           {{"input", named("input", input)},
            {"kernel_size", kt},
            {"stride", stt},
            {"padding", pt},
            {"dilation", dt},
            {"output", named("output")}});
    self["input"].set_differentiability(false);
    self.set_cin({"input"});
    self.expose_keys({"output"});
}

}  // namespace

// ---- convolutions -------------------------------------------------------------------------

Convolution1D::Convolution1D(std::optional<int64_t> kernel_size,
                             std::optional<int64_t> out_channels, Value stride, Value padding,
                             Value dilation, bool use_bias, Value input, Value weight)
    : Model(ClassTag{}, "Convolution1D") {
    const Value pad = padding.kind() == Value::Kind::List ? to_tuple(padding) : padding;
    const ShapeDim oc = out_channels ? ShapeDim(*out_channels) : ShapeDim(None);
    const ShapeDim ks = kernel_size ? ShapeDim(*kernel_size) : ShapeDim(None);

    // Provisional chain weight -> Shape -> [-1] -> PaddingConverter1D, pulled in
    // when the convolution is attached (so "input" is the first key).
    Connection wshape = Shape()({{"input", shaped("weight", {oc, "C_in", ks}, weight)}});
    Connection k_last = Indexer(Value(-1))({{"input", wshape}});
    Connection p = PaddingConverter1D()({{"input", named("padding", pad)}, {"kernel_size", k_last}});

    ConnectMap conv{{"output", named("output")},
                    {"input", named("input", input)},
                    {"weight", wshape.model()["weight"]},
                    {"stride", named("stride", stride)},
                    {"padding", p},
                    {"dilation", named("dilation", dilation)}};
    if (use_bias) conv.push_back({"bias", "bias"});
    attach(*this, PrimitiveConvolution1D(use_bias), std::move(conv));
    (*this)["input"].set_differentiability(false);
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

Convolution2D::Convolution2D(Value kernel_size, std::optional<int64_t> out_channels,
                             Value stride, Value padding, Value dilation, Value groups,
                             bool use_bias, Value input, Value weight)
    : Model(ClassTag{}, "Convolution2D") {
    // k_size = (k, k) for an int or None, else the given pair.
    ShapeDim kh = ShapeDim(None), kw = ShapeDim(None);
    if (kernel_size.is_int()) {
        kh = kw = ShapeDim(kernel_size.as_int());
    } else if (kernel_size.is_sequence()) {
        const auto& items = kernel_size.items();
        if (items.size() != 2) throw ValueError("kernel_size must be an int or a pair of ints");
        kh = items[0].is_int() ? ShapeDim(items[0].as_int()) : ShapeDim(None);
        kw = items[1].is_int() ? ShapeDim(items[1].as_int()) : ShapeDim(None);
    } else if (!kernel_size.is_none()) {
        throw TypeError("kernel_size must be None, an int or a pair of ints");
    }
    const ShapeDim oc = out_channels ? ShapeDim(*out_channels) : ShapeDim(None);
    const Value st = stride.kind() == Value::Kind::List ? to_tuple(stride) : stride;
    const Value pad = padding.kind() == Value::Kind::List ? to_tuple(padding) : padding;
    const Value dil = dilation.kind() == Value::Kind::List ? to_tuple(dilation) : dilation;

    // Provisional chains (weight -> Shape -> [-2:] -> PaddingConverter2D ->
    // TupleConverter; stride / dilation -> TupleConverter), pulled in when the
    // convolution is attached (so "input" is the first key).
    Connection wshape = Shape()({{"input", shaped("weight", {oc, "C_in", kh, kw}, weight)}});
    Connection k_last2 = Indexer(Value(slice(-2, std::nullopt)))({{"input", wshape}});
    Connection p = PaddingConverter2D()({{"input", named("padding", pad)}, {"kernel_size", k_last2}});
    Connection stt = TupleConverter()({{"input", named("stride", st)}});
    Connection pt = TupleConverter()({{"input", p}});
    Connection dt = TupleConverter()({{"input", named("dilation", dil)}});

    ConnectMap conv{{"output", named("output")},
                    {"input", named("input", input)},
                    {"weight", wshape.model()["weight"]},
                    {"stride", stt},
                    {"padding", pt},
                    {"dilation", dt},
                    {"groups", named("groups", groups)}};
    if (use_bias) conv.push_back({"bias", "bias"});
    attach(*this, PrimitiveConvolution2D(use_bias), std::move(conv));
    (*this)["input"].set_differentiability(false);
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- pools --------------------------------------------------------------------------------

MaxPool1D::MaxPool1D(Value kernel_size, Value stride, Value padding, Value dilation, Value input)
    : Model(ClassTag{}, "MaxPool1D") {
    build_pool1d(*this, PrimitiveMaxPool1D(), kernel_size, stride, padding, dilation, input);
    finish_library_model();
}

MaxPool2D::MaxPool2D(Value kernel_size, Value stride, Value padding, Value dilation, Value input)
    : Model(ClassTag{}, "MaxPool2D") {
    build_pool2d(*this, PrimitiveMaxPool2D(), kernel_size, stride, padding, dilation, input);
    finish_library_model();
}

AvgPool2D::AvgPool2D(Value kernel_size, Value stride, Value padding, Value dilation, Value input)
    : Model(ClassTag{}, "AvgPool2D") {
    build_pool2d(*this, PrimitiveAvgPool2D(), kernel_size, stride, padding, dilation, input);
    finish_library_model();
}

}  // namespace mithril

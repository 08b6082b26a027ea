// models/layers.cpp — Linear, ElementWiseAffine, Layer, MLP, SiLU, Randn, RandInt.
//
// Mirrors the classes of the same names in synnada-ai/mithril:
// mithril/models/models.py: same submodels in the same order, same key
// names, shape templates, canonical keys and exposed outputs. Mithril builds
// Linear's transposed weight with connection algebra (IOKey.transpose()),
// which places a Transpose before the MatrixMultiply; the same functional
// call is used here, so the key order is input, weight, bias.
#include <string>

#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

// ---- Linear -----------------------------------------------------------------------------

Linear::Linear(std::optional<int64_t> dimension, bool use_bias, Value input, Value weight,
               Value bias)
    : Model(ClassTag{}, "Linear") {
    const ShapeDim dim = dim_or(dimension, "d_out");
    std::vector<std::pair<ConnRef, ShapeTemplate>> shapes{
        {"input", {"N", Variadic("Var_inter"), "d_in"}},
        {"weight", {dim, "d_in"}},
        {"output", {"N", Variadic("Var_inter"), dim}},
    };
    // IOKey("weight").transpose(): a provisional Transpose, pulled in when the
    // MatrixMultiply is attached (so "input" is created before "weight").
    Connection weight_t = Transpose()({{"input", named("weight", weight)}});
    MatrixMultiply mult;
    if (use_bias) {
        Connection prod =
            attach(*this, mult, {{"left", named("input", input)}, {"right", weight_t}});
        attach(*this, Add(),
               {{"left", prod},
                {"right", typed("bias", Type::tensor(), bias)},
                {"output", named("output")}});
        shapes.push_back({"bias", {dim}});
    } else {
        attach(*this, mult,
               {{"left", named("input", input)}, {"right", weight_t}, {"output", named("output")}});
    }
    set_shapes(shapes);
    (*this)["input"].set_differentiability(false);
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- ElementWiseAffine ------------------------------------------------------------------------

ElementWiseAffine::ElementWiseAffine(Value input, Value weight, Value bias)
    : Model(ClassTag{}, "ElementWiseAffine") {
    Connection prod = attach(*this, Multiply(),
                             {{"left", named("input", input)}, {"right", named("weight", weight)}});
    attach(*this, Add(),
           {{"left", prod}, {"right", named("bias", bias)}, {"output", named("output")}});
    (*this)["input"].set_differentiability(false);
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- Layer ----------------------------------------------------------------------------------

Layer::Layer(Model activation, std::optional<int64_t> dimension, Value input, Value weight,
             Value bias)
    : Model(ClassTag{}, "Layer") {
    Linear linear(dimension);
    Connection lin_out = attach(*this, linear,
                                {{"input", named("input", input)},
                                 {"weight", named("weight", weight)},
                                 {"bias", named("bias", bias)}});
    attach(*this, activation, {{"input", lin_out}, {"output", named("output")}});
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- MLP ------------------------------------------------------------------------------------

MLP::MLP(std::vector<Model> activations, std::vector<std::optional<int64_t>> dimensions,
         std::map<std::string, std::string> input_name_templates, Value input,
         KeyValues weights_biases)
    : Model(ClassTag{}, "MLP") {
    if (activations.size() != dimensions.size())
        throw ValueError("Lengths of activations and dimensions must be equal!");
    if (activations.empty()) throw ValueError("At least one layer must be defined!");

    auto tmpl = [&](const std::string& k) {
        auto it = input_name_templates.find(k);
        return it == input_name_templates.end() ? k : it->second;
    };
    const std::string weight = tmpl("weight");
    const std::string bias = tmpl("bias");
    auto given = [&](const std::string& k) {
        auto it = weights_biases.find(k);
        return it == weights_biases.end() ? Value() : it->second;
    };

    Connection prev_out;
    for (size_t i = 0; i < activations.size(); ++i) {
        Layer layer(activations[i], dimensions[i]);
        const std::string wk = weight + std::to_string(i);
        const std::string bk = bias + std::to_string(i);
        ConnectMap kwargs;
        if (i == 0)
            kwargs.push_back({"input", named("input", input)});
        else
            kwargs.push_back({"input", prev_out});
        kwargs.push_back({"weight", named(wk, given(wk))});
        kwargs.push_back({"bias", named(bk, given(bk))});
        if (i + 1 == activations.size()) kwargs.push_back({"output", named("output")});
        prev_out = attach(*this, layer, std::move(kwargs));
    }
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- SiLU -----------------------------------------------------------------------------------

SiLU::SiLU(Value input) : Model(ClassTag{}, "SiLU") {
    attach(*this, Negate(), {{"input", named("input", input)}, {"output", "minus"}});
    attach(*this, Exponential(), {{"input", "minus"}, {"output", "exp"}});
    attach(*this, Add(), {{"left", scalar_tensor_int(1)}, {"right", "exp"}, {"output", "add"}});
    attach(*this, Divide(),
           {{"numerator", "input"}, {"denominator", "add"}, {"output", named("output")}});
    set_shapes({{"input", {Variadic("Var")}}, {"output", {Variadic("Var")}}});
    (*this)["input"].set_differentiability(false);
    expose_keys({"output"});
    finish_library_model();
}

// ---- Randn / RandInt ----------------------------------------------------------------------------
// The PRNG key is a state: `key` feeds the primitive and `new_key = key + 1`
// is bound back to it, so every evaluation draws fresh numbers.

Randn::Randn(Value shape, int64_t key, Value dtype) : Model(ClassTag{}, "Randn") {
    attach(*this, PrimitiveRandn(),
           {{"shape", named("shape", shape)},
            {"key", "key"},
            {"dtype", named("dtype", dtype)},
            {"output", named("output")}});
    attach(*this, Add(), {{"left", "key"}, {"right", 1}, {"output", "new_key"}});
    bind_state_keys("key", "new_key", Value(key));
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

RandInt::RandInt(Value shape, int64_t key, Value low, Value high, Value dtype)
    : Model(ClassTag{}, "RandInt") {
    attach(*this, PrimitiveRandInt(),
           {{"shape", named("shape", shape)},
            {"key", "key"},
            {"low", named("low", low)},
            {"high", named("high", high)},
            {"dtype", named("dtype", dtype)},
            {"output", named("output")}});
    attach(*this, Add(), {{"left", "key"}, {"right", 1}, {"output", "new_key"}});
    bind_state_keys("key", "new_key", Value(key));
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

}  // namespace mithril

// models/norms.cpp — LayerNorm, GroupNorm, BatchNorm2D.
//
// LayerNorm and GroupNorm mirror synnada-ai/mithril: mithril/models/models.py
// (GroupNorm's connection-algebra chain `input.shape`, `reshape`, `mean`,
// `var`, `-`, `/`, `sqrt` is built here from the same primitives, explicitly).
// BatchNorm2D is not in the stored models.py versions; it follows spec §2.2
// (num_features, momentum, inference; running statistics as state keys) with
// torch's semantics: batch statistics over axes (0, 2, 3) in training (biased
// variance for normalization, unbiased for the running variance), running
// statistics in inference.
#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

// ---- LayerNorm ----------------------------------------------------------------------------

LayerNorm::LayerNorm(bool use_scale, bool use_bias, double eps, Value input, Value weight,
                     Value bias)
    : Model(ClassTag{}, "LayerNorm") {
    Mean mean(-1, true);
    Subtract numerator;
    numerator.set_types({{"left", Type::tensor()}, {"right", Type::tensor()}});
    Variance var(-1, true, 0);
    Add add;
    add.set_types({{"left", Type::tensor()}});
    Sqrt denominator;

    Connection m = attach(*this, mean, {{"input", named("input", input)}});
    Connection num = attach(*this, numerator, {{"left", "input"}, {"right", m}});
    Connection v = attach(*this, var, {{"input", "input"}});
    Connection ve = attach(*this, add, {{"left", v}, {"right", eps}});
    Connection den = attach(*this, denominator, {{"input", ve}});
    Connection cout = attach(*this, Divide(), {{"numerator", num}, {"denominator", den}});

    set_shapes({{"input", {"B", "C", "d"}}});
    (*this)["input"].set_differentiability(false);

    const std::vector<std::pair<ConnRef, ShapeTemplate>> shapes{{"left", {"B", "C", "d"}},
                                                                {"right", {"d"}}};
    if (use_scale) {
        Multiply mult;
        mult.set_types({{"left", Type::tensor()}, {"right", Type::tensor()}});
        cout = attach(*this, mult, {{"left", cout}, {"right", named("weight", weight)}});
        mult.set_shapes(shapes);
    }
    if (use_bias) {
        Add badd;
        badd.set_types({{"left", Type::tensor()}, {"right", Type::tensor()}});
        cout = attach(*this, badd, {{"left", cout}, {"right", named("bias", bias)}});
        badd.set_shapes(shapes);
    }
    attach(*this, Buffer(), {{"input", cout}, {"output", named("output")}});
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- GroupNorm ----------------------------------------------------------------------------

GroupNorm::GroupNorm(int64_t num_groups, bool use_scale, bool use_bias, double eps, Value input,
                     Value weight, Value bias)
    : Model(ClassTag{}, "GroupNorm") {
    // input.shape, input.shape[0], input.reshape((B, num_groups, -1))
    Connection in_shape = attach(*this, Shape(), {{"input", named("input", input)}});
    Connection b = attach(*this, Indexer(0), {{"input", in_shape}});
    Connection grouped_shape =
        attach(*this, ToTuple(3), {{"input1", b}, {"input2", num_groups}, {"input3", -1}});
    Connection x = attach(*this, Reshape(), {{"input", "input"}, {"shape", grouped_shape}});
    // mean / var over the last axis, keepdim
    Connection m = attach(*this, Mean(-1, true), {{"input", x}});
    Connection v = attach(*this, Variance(-1, true), {{"input", x}});
    // (x - mean) / sqrt(var + eps)
    Connection centered = attach(*this, Subtract(), {{"left", x}, {"right", m}});
    Connection ve = attach(*this, Add(), {{"left", v}, {"right", eps}});
    Connection sd = attach(*this, Sqrt(), {{"input", ve}});
    Connection normed =
        attach(*this, Divide(), {{"numerator", centered}, {"denominator", sd}});
    Connection cout = attach(*this, Reshape(), {{"input", normed}, {"shape", in_shape}});

    set_shapes({{"input", {"B", "C", "H", "W"}}});
    (*this)["input"].set_differentiability(false);

    const std::vector<std::pair<ConnRef, ShapeTemplate>> shapes{{"left", {"B", "C", "H", "W"}},
                                                                {"right", {1, "C", 1, 1}}};
    if (use_scale) {
        Multiply mult;
        cout = attach(*this, mult,
                      {{"left", cout}, {"right", typed("weight", Type::tensor_float(), weight)}});
        mult.set_shapes(shapes);
    }
    if (use_bias) {
        Add badd;
        cout = attach(*this, badd,
                      {{"left", cout}, {"right", typed("bias", Type::tensor_float(), bias)}});
        badd.set_shapes(shapes);
    }
    attach(*this, Buffer(), {{"input", cout}, {"output", named("output")}});
    set_cin({"input"});
    expose_keys({"output"});
    finish_library_model();
}

// ---- BatchNorm2D ----------------------------------------------------------------------------

BatchNorm2D::BatchNorm2D(int64_t num_features, double momentum, bool inference, double eps,
                         bool use_scale, bool use_bias, Value input, Value weight, Value bias)
    : Model(ClassTag{}, "BatchNorm2D") {
    const ShapeTemplate stat_shape{1, num_features, 1, 1};
    Connection mean, var;
    if (inference) {
        // Normalize with the running statistics; they pass through unchanged.
        mean = attach(*this, Buffer(),
                      {{"input", shaped("running_mean", stat_shape)}, {"output", "running_mean_out"}},
                      "input");
        var = attach(*this, Buffer(),
                     {{"input", shaped("running_var", stat_shape)}, {"output", "running_var_out"}},
                     "input");
    } else {
        Value axes{0, 2, 3};
        mean = attach(*this, Mean(axes, true), {{"input", "input"}});
        var = attach(*this, Variance(axes, true, 0), {{"input", "input"}});
        Connection var_unbiased = attach(*this, Variance(axes, true, 1), {{"input", "input"}});
        // running = (1 - momentum) * running + momentum * batch
        auto update = [&](const std::string& key, const Connection& batch_stat) {
            Connection kept = attach(*this, Multiply(),
                                     {{"left", shaped(key, stat_shape)}, {"right", 1.0 - momentum}});
            Connection fresh =
                attach(*this, Multiply(), {{"left", batch_stat}, {"right", momentum}});
            attach(*this, Add(), {{"left", kept}, {"right", fresh}, {"output", key + "_out"}});
        };
        update("running_mean", mean);
        update("running_var", var_unbiased);
    }
    Connection centered = attach(*this, Subtract(), {{"left", "input"}, {"right", mean}});
    Connection ve = attach(*this, Add(), {{"left", var}, {"right", eps}});
    Connection sd = attach(*this, Sqrt(), {{"input", ve}});
    Connection cout = attach(*this, Divide(), {{"numerator", centered}, {"denominator", sd}});
    if (use_scale)
        cout = attach(*this, Multiply(),
                      {{"left", cout},
                       {"right", shaped("weight", stat_shape, weight)}});
    if (use_bias)
        cout = attach(*this, Add(),
                      {{"left", cout}, {"right", shaped("bias", stat_shape, bias)}});
    attach(*this, Buffer(), {{"input", cout}, {"output", named("output")}});

    set_shapes({{"input", {"B", num_features, "H", "W"}}});
    if (!input.is_tbd()) set_values({{"input", input}});
    bind_state_keys("running_mean", "running_mean_out",
                    Value(Tensor::full(Dtype::float32, {1, num_features, 1, 1}, 0.0)));
    bind_state_keys("running_var", "running_var_out",
                    Value(Tensor::full(Dtype::float32, {1, num_features, 1, 1}, 1.0)));
    (*this)["input"].set_differentiability(false);
    set_cin({"input"});
    set_cout({"output"});
    expose_keys({"output"});
    finish_library_model();
}

}  // namespace mithril

// models/classic_ml.cpp — KernelizedSVM, LinearSVM, LogisticRegression,
// PolynomialRegression, GPRLoss, GaussProcessRegressionCore,
// EncoderDistanceMatrix, MDSCore, TSNECore, MDS, TSNE.
//
// Mirrors the classes of the same names in synnada-ai/mithril:
// mithril/models/models.py, including its unexported DistanceEncoder base
// of MDS and TSNE (build_distance_encoder below). Deliberate differences:
//   - for input types other than "points" Mithril leaves the base model's
//     extra inputs (TSNE's p_joint) auto-named; here they keep their names in
//     both branches, as FORMAT.md §7.5 lists p_joint among TSNE's inputs;
//   - GPRLoss's `output: [1]` and GaussProcessRegressionCore's `loss: [1]`
//     templates are not set: the loss is computed from a squeezed [1, 1]
//     product and full reductions, i.e. it is rank 0, and a rank-1 template
//     contradicts broadcasting;
//   - TSNECore passes its perplexity to TsnePJoint as a 0-d tensor, the
//     type that key requires.
#include <cmath>
#include <numbers>
#include <set>

#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

// ---- KernelizedSVM ---------------------------------------------------------------------------

KernelizedSVM::KernelizedSVM(Model kernel, Value weight, Value bias, KeyValues kernel_values)
    : Model(ClassTag{}, "KernelizedSVM") {
    const auto kernel_inputs = kernel.input_keys();
    if (kernel_inputs.size() < 2) throw KeyError("Kernel requires at least two inputs!");
    const auto kernel_outputs = kernel.output_keys();
    if (kernel_outputs.size() != 1) throw KeyError("Kernel requires single output!");

    // The kernel's differentiable (tensor) inputs keep their names.
    ConnectMap kernel_args;
    for (const auto& key : kernel_inputs) {
        Connection c = kernel[key];
        if (c.differentiable() == std::optional<bool>(false)) continue;
        if (!c.value().is_tbd() || !c.type().is_tensor()) continue;
        auto it = kernel_values.find(key);
        kernel_args.push_back({key, named(key, it == kernel_values.end() ? Value() : it->second)});
    }
    kernel_args.push_back({kernel_outputs.front(), named("kernel")});
    *this |= kernel.connect(std::move(kernel_args));

    attach(*this, Linear(),
           {{"input", kernel.cout()},
            {"weight", named("weight", weight)},
            {"bias", named("bias", bias)},
            {"output", named("output")}});
    set_shapes({{"input1", {"N", "d_in"}},
                {"input2", {"M", "d_in"}},
                {"weight", {1, "M"}},
                {"bias", {1}},
                {"output", {"N", 1}},
                {"kernel", {"N", "M"}}});
    set_cin({"input1"});
    expose_keys({"kernel", "output"});
    set_cout({"output"});
    finish_library_model();
}

// ---- LinearSVM / LogisticRegression / PolynomialRegression -------------------------------------

LinearSVM::LinearSVM(Value input, Value weight, Value bias) : Model(ClassTag{}, "LinearSVM") {
    Connection out = attach(*this, Linear(1),
                            {{"input", named("input", input)},
                             {"weight", named("weight", weight)},
                             {"bias", named("bias", bias)},
                             {"output", named("output")}});
    attach(*this, Sign(), {{"input", out}, {"output", named("decision_output")}});
    (*this)["input"].set_differentiability(false);
    expose_keys({"output", "decision_output"});
    set_cout({"output"});
    finish_library_model();
}

LogisticRegression::LogisticRegression(Value input, Value weight, Value bias)
    : Model(ClassTag{}, "LogisticRegression") {
    Connection out = attach(*this, Linear(1),
                            {{"input", named("input", input)},
                             {"weight", named("weight", weight)},
                             {"bias", named("bias", bias)},
                             {"output", named("output")}});
    attach(*this, Sigmoid(), {{"input", out}, {"output", named("probs_output")}});
    (*this)["input"].set_differentiability(false);
    expose_keys({"output", "probs_output"});
    set_cout({"output"});
    finish_library_model();
}

PolynomialRegression::PolynomialRegression(int64_t degree, std::optional<int64_t> dimension,
                                           Value input, Value weight, Value bias)
    : Model(ClassTag{}, "PolynomialRegression") {
    Connection feats =
        attach(*this, PolynomialFeatures(degree), {{"input", named("input", input)}});
    attach(*this, Linear(dimension),
           {{"input", feats},
            {"weight", named("weight", weight)},
            {"bias", named("bias", bias)},
            {"output", named("output")}});
    (*this)["input"].set_differentiability(false);
    expose_keys({"output"});
    finish_library_model();
}

// ---- Gaussian process regression ------------------------------------------------------------------

GPRLoss::GPRLoss(bool robust, Value labels, Value mu, Value L, Value K_term, Value alpha)
    : Model(ClassTag{}, "GPRLoss") {
    Connection diff =
        attach(*this, Subtract(), {{"left", named("labels", labels)}, {"right", named("mu", mu)}});
    Connection t = attach(*this, Transpose(), {{"input", diff}});
    Connection dot =
        attach(*this, MatrixMultiply(), {{"left", t}, {"right", named("alpha", alpha)}});
    Connection sq = attach(*this, Squeeze(), {{"input", dot}});
    Connection half = attach(*this, Multiply(), {{"left", sq}, {"right", 0.5}});
    Connection eig = attach(*this, Eigvalsh(),
                            {{"K_term", named("K_term", K_term)}, {"L", named("L", L)}});
    Connection lg = attach(*this, Log(robust), {{"input", eig}});
    Connection sum = attach(*this, Sum(), {{"input", lg}});
    Connection len = attach(*this, Length(), {{"input", "labels"}});
    Connection c = attach(*this, Multiply(),
                          {{"left", len}, {"right", std::log(2 * std::numbers::pi) / 2}});
    Connection s1 = attach(*this, Add(), {{"left", half}, {"right", sum}});
    attach(*this, Add(), {{"left", s1}, {"right", c}, {"output", named("output")}});
    set_shapes({{"labels", {"N", 1}},
                {"mu", {"N", 1}},
                {"L", {"N", "N"}},
                {"K_term", {"N", "N"}},
                {"alpha", {"N", 1}}});
    (*this)["labels"].set_differentiability(false);
    expose_keys({"output"});
    finish_library_model();
}

GaussProcessRegressionCore::GaussProcessRegressionCore(Value s, Value k, Value k_star, Value mu,
                                                       Value label)
    : Model(ClassTag{}, "GaussProcessRegressionCore") {
    Connection n = attach(*this, Size(0), {{"input", named("k", k)}});
    Connection eye = attach(*this, Eye(), {{"N", n}});
    Connection s_eye = attach(*this, Multiply(), {{"left", named("s", s)}, {"right", eye}});
    Connection K_term = attach(*this, Add(), {{"left", "k"}, {"right", s_eye}});
    Connection L = attach(*this, Cholesky(), {{"input", K_term}});
    Connection label_mu = attach(*this, Subtract(),
                                 {{"left", named("label", label)}, {"right", named("mu", mu)}});
    Connection alpha = attach(*this, GPRAlpha(),
                              {{"label_mu_diff", label_mu}, {"L", L}, {"K_term", K_term}});
    // Loss.
    attach(*this, GPRLoss(),
           {{"labels", "label"},
            {"mu", "mu"},
            {"L", L},
            {"K_term", K_term},
            {"alpha", alpha},
            {"output", named("loss")}});
    // Prediction.
    Connection kt = attach(*this, Transpose(), {{"input", "k"}});
    Connection pd = attach(*this, MatrixMultiply(), {{"left", kt}, {"right", alpha}});
    Connection pred = attach(*this, Add(),
                             {{"left", "mu"}, {"right", pd}, {"output", named("prediction")}});
    // Confidence.
    Connection v = attach(*this, GPRVOuter(), {{"K", "k"}, {"L", L}, {"K_term", K_term}});
    Connection cs = attach(*this, Subtract(), {{"left", named("k_star", k_star)}, {"right", v}});
    Connection cd = attach(*this, TransposedDiagonal(), {{"input", cs}});
    Connection ca = attach(*this, Absolute(), {{"input", cd}});
    attach(*this, Add(), {{"left", "s"}, {"right", ca}, {"output", named("confidence")}});

    expose_keys({"loss", "prediction", "confidence"});
    set_cout({pred});
    set_shapes({{"label", {"N", 1}},
                {"s", {1}},
                {"k", {"N", "M"}},
                {"k_star", {"N", "M_test"}},
                {"mu", {"N", 1}},
                {"prediction", {"N", 1}},
                {"confidence", {"N", 1}}});
    (*this)["label"].set_differentiability(false);
    finish_library_model();
}

// ---- distance models ---------------------------------------------------------------------------

EncoderDistanceMatrix::EncoderDistanceMatrix(bool get_final_distance, bool robust, Value input1,
                                             Value input2)
    : Model(ClassTag{}, "EncoderDistanceMatrix") {
    Connection m = attach(*this, NormModifier(), {{"input", "norm"}});
    if (get_final_distance) {
        Connection d = attach(*this, DistanceMatrix(),
                              {{"left", named("input1", input1)},
                               {"right", named("input2", input2)},
                               {"norm", m}});
        Connection r = attach(*this, Divide(),
                              {{"numerator", scalar_tensor(1.0)}, {"denominator", m}});
        attach(*this, Power(robust), {{"base", d}, {"exponent", r}, {"output", named("output")}});
    } else {
        attach(*this, DistanceMatrix(),
               {{"left", named("input1", input1)},
                {"right", named("input2", input2)},
                {"norm", m},
                {"output", named("output")}});
    }
    expose_keys({"output"});
    finish_library_model();
}

MDSCore::MDSCore(bool exact_distances, bool robust, Value distances, Value pred_distances,
                 Value norm)
    : Model(ClassTag{}, "MDSCore") {
    Connection m = attach(*this, NormModifier(), {{"input", named("norm", norm)}});
    Connection r1 = attach(*this, StableReciprocal(), {{"input", m}});
    if (exact_distances) {
        Connection p4 = attach(*this, Power(robust),
                               {{"base", named("pred_distances", pred_distances)}, {"exponent", r1}});
        Connection sub = attach(*this, Subtract(),
                                {{"left", named("distances", distances)}, {"right", p4}});
        Connection ab = attach(*this, Absolute(), {{"input", sub}});
        Connection p1 = attach(*this, Power(robust), {{"base", ab}, {"exponent", m}});
        Connection s1 = attach(*this, Sum(), {{"input", p1}});
        Connection p2 = attach(*this, Power(robust), {{"base", "distances"}, {"exponent", m}});
        Connection s2 = attach(*this, Sum(), {{"input", p2}});
        Connection r2 = attach(*this, StableReciprocal(), {{"input", s2}});
        Connection mult = attach(*this, Multiply(), {{"left", s1}, {"right", r2}});
        attach(*this, Power(robust),
               {{"base", mult}, {"exponent", r1}, {"output", named("output")}});
    } else {
        Connection p1 = attach(*this, Power(robust),
                               {{"base", named("distances", distances)}, {"exponent", r1}});
        Connection p4 = attach(*this, Power(robust),
                               {{"base", named("pred_distances", pred_distances)}, {"exponent", r1}});
        Connection sub = attach(*this, Subtract(), {{"left", p1}, {"right", p4}});
        Connection ab = attach(*this, Absolute(), {{"input", sub}});
        Connection p2 = attach(*this, Power(robust), {{"base", ab}, {"exponent", m}});
        Connection s1 = attach(*this, Sum(), {{"input", p2}});
        Connection s2 = attach(*this, Sum(), {{"input", "distances"}});
        Connection r2 = attach(*this, StableReciprocal(), {{"input", s2}});
        Connection mult = attach(*this, Multiply(), {{"left", s1}, {"right", r2}});
        attach(*this, Power(robust),
               {{"base", mult}, {"exponent", r1}, {"output", named("output")}});
    }
    (*this)["distances"].set_differentiability(false);
    set_shapes({{"distances", {"N", "N"}}, {"pred_distances", {"N", "N"}}});
    expose_keys({"output"});
    finish_library_model();
}

TSNECore::TSNECore(bool exact_distances, bool calculate_p_joint, double perplexity,
                   Value distances, Value pred_distances, Value p_joint)
    : Model(ClassTag{}, "TSNECore") {
    bool dist_created = false;
    auto dist = [&]() -> ConnectValue {
        if (dist_created) return ConnectValue("distances");
        dist_created = true;
        return ConnectValue(named("distances", distances));
    };
    TsnePJoint p_joint_model;
    if (exact_distances) {
        Connection sq = attach(*this, Square(), {{"input", dist()}});
        if (calculate_p_joint)
            attach(*this, p_joint_model,
                   {{"squared_distances", sq}, {"target_perplexity", scalar_tensor(perplexity)}});
    } else if (calculate_p_joint) {
        attach(*this, p_joint_model,
               {{"squared_distances", dist()}, {"target_perplexity", scalar_tensor(perplexity)}});
    }
    Connection s1 = attach(*this, Add(),
                           {{"left", 1.0}, {"right", named("pred_distances", pred_distances)}});
    Connection d1 = attach(*this, Divide(), {{"numerator", 1.0}, {"denominator", s1}});
    Connection n = attach(*this, Size(0), {{"input", dist()}});
    Connection zd = attach(*this, EyeComplement(), {{"N", n}});
    Connection mult = attach(*this, Multiply(), {{"left", d1}, {"right", zd}});
    Connection s2 = attach(*this, Sum(), {{"input", mult}});
    Connection d2 = attach(*this, Divide(), {{"numerator", mult}, {"denominator", s2}});
    Connection kl;
    if (calculate_p_joint)
        kl = attach(*this, KLDivergence(), {{"input", d2}, {"target", p_joint_model["output"]}});
    else
        kl = attach(*this, KLDivergence(), {{"input", d2}, {"target", named("p_joint", p_joint)}});
    attach(*this, Sum(), {{"input", kl}, {"output", named("output")}});

    (*this)["distances"].set_differentiability(false);
    set_shapes({{"distances", {"N", "N"}}, {"pred_distances", {"N", "N"}}});
    set_cin({"distances"});
    set_cout({"output"});
    expose_keys({"output"});
    finish_library_model();
}

namespace {

// DistanceEncoder of models.py: feeds `base_model` (MDSCore or TSNECore) with
// distances of the input (or the input itself) and of the predicted coords.
void build_distance_encoder(Model& self, Model base_model, bool requires_norm,
                            const std::string& input_type, const Value& input,
                            const Value& coords, const Value& norm) {
    if (input_type != "distances" && input_type != "powered_distances" && input_type != "points")
        throw ValueError("input_type must be one of 'distances', 'powered_distances', 'points'");
    EncoderDistanceMatrix coords_dm(false);
    ConnectMap base_kwargs;
    if (input_type == "points") {
        EncoderDistanceMatrix input_dm(false);
        Connection in_d = attach(self, input_dm,
                                 {{"input1", named("input", input)},
                                  {"input2", "input"},
                                  {"norm", named("norm", norm)}});
        Connection co_d = attach(self, coords_dm,
                                 {{"input1", named("coords", coords)},
                                  {"input2", "coords"},
                                  {"norm", "norm"}});
        base_kwargs = {{"distances", in_d}, {"pred_distances", co_d}};
    } else {
        Connection co_d = attach(self, coords_dm,
                                 {{"input1", named("coords", coords)},
                                  {"input2", "coords"},
                                  {"norm", named("norm", norm)}});
        base_kwargs = {{"distances", named("input", input)}, {"pred_distances", co_d}};
    }
    base_kwargs.push_back({"output", named("output")});
    if (requires_norm) base_kwargs.push_back({"norm", "norm"});
    std::set<std::string> given;
    for (const auto& [k, v] : base_kwargs) given.insert(k);
    for (const auto& key : base_model.input_keys())
        if (!given.count(key) && key.rfind('$', 0) != 0) base_kwargs.push_back({key, key});
    self |= base_model.connect(std::move(base_kwargs));
    attach(self, Buffer(), {{"input", "coords"}, {"output", named("predicted_coords")}});
    self["input"].set_differentiability(false);
    self.expose_keys({"output", "predicted_coords"});
}

}  // namespace

MDS::MDS(int64_t prediction_dim, std::string input_type, Value input, Value coords, Value norm)
    : Model(ClassTag{}, "MDS") {
    build_distance_encoder(*this, MDSCore(input_type == "distances"), true, input_type, input,
                           coords, norm);
    set_shapes({{"coords", {None, prediction_dim}}});
    finish_library_model();
}

TSNE::TSNE(int64_t prediction_dim, std::string input_type, double preplexity,
           bool calculate_p_joint, Value input, Value norm)
    : Model(ClassTag{}, "TSNE") {
    build_distance_encoder(*this,
                           TSNECore(input_type == "distances", calculate_p_joint, preplexity),
                           false, input_type, input, Value(), norm);
    set_shapes({{"coords", {None, prediction_dim}}});
    finish_library_model();
}

}  // namespace mithril

// Library composites (models.hpp) and TrainModel (train_model.hpp): every
// composite constructs with Mithril's key names, the spec §3.6 acceptance
// cases M4, M5, M9, M10, M12 (test_shapes.py), deep nesting, and the
// TrainModel rules and errors of spec §6 / FORMAT.md §4.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/models.hpp"
#include "mithril/primitives.hpp"
#include "mithril/train_model.hpp"
#include "model_harness.hpp"

using namespace mithril;
using V = Variadic;

namespace {

IOKey out_key(const std::string& name) {
    IOKey k;
    k.name = name;
    return k;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Every key of `want` is a key of `m` of the given direction.
void check_inputs(const Model& m, const std::vector<std::string>& want) {
    auto ins = as_set(m.input_keys());
    for (const auto& k : want) {
        INFO(m.class_name() << " input " << k);
        CHECK(ins.count(k) == 1);
    }
}
void check_outputs(const Model& m, const std::vector<std::string>& want) {
    auto outs = as_set(m.output_keys());
    for (const auto& k : want) {
        INFO(m.class_name() << " output " << k);
        CHECK(outs.count(k) == 1);
    }
}
void check_has(const Model& m, const std::vector<std::string>& want) {
    for (const auto& k : want) {
        INFO(m.class_name() << " key " << k);
        CHECK(m.has_key(k));
    }
}

// The key under which `parent` knows a connection of one of its submodels.
std::string key_in(const Model& parent, const Connection& c) { return parent.conn(c).key(); }

// Mithril's SquaredError.safe_shapes: input, target and output share one shape.
void set_safe_shapes(Model& loss) {
    loss.set_shapes({{"input", {"N", V("Var")}},
                     {"target", {"N", V("Var")}},
                     {"output", {"N", V("Var")}}});
}

std::vector<std::string> class_names(const Model& m) {
    std::vector<std::string> out;
    for (const auto& s : m.submodels()) out.push_back(s.class_name());
    return out;
}

}  // namespace

// ---- construction and key names -------------------------------------------------------------

TEST_CASE("layers construct with Mithril's keys", "[models]") {
    Linear lin;
    CHECK(lin.class_name() == "Linear");
    CHECK(lin.is_frozen());
    CHECK(lin.input_keys() == std::vector<std::string>{"input", "weight", "bias"});
    CHECK(lin.output_keys() == std::vector<std::string>{"output"});
    CHECK(lin.cin().key() == "input");
    CHECK(lin.cout().key() == "output");
    CHECK(class_names(lin) == std::vector<std::string>{"Transpose", "MatrixMultiply", "Add"});

    Linear nobias(std::nullopt, false);
    CHECK(as_set(nobias.input_keys()) == std::set<std::string>{"input", "weight"});

    ElementWiseAffine ewa;
    check_inputs(ewa, {"input", "weight", "bias"});
    check_outputs(ewa, {"output"});

    Layer layer(Relu(), 3);
    check_inputs(layer, {"input", "weight", "bias"});
    check_outputs(layer, {"output"});

    MLP mlp({Relu(), Sigmoid(), Buffer()}, {5, 4, 1});
    check_inputs(mlp, {"input", "weight0", "bias0", "weight1", "bias1", "weight2", "bias2"});
    CHECK(mlp.output_keys() == std::vector<std::string>{"output"});
    CHECK(mlp.cin().key() == "input");

    MLP renamed({Relu()}, {2}, {{"weight", "w"}, {"bias", "b"}});
    check_inputs(renamed, {"input", "w0", "b0"});
    CHECK_THROWS_AS(MLP({Relu()}, {2, 3}), ValueError);

    SiLU silu;
    check_inputs(silu, {"input"});
    check_outputs(silu, {"output"});
    check_has(silu, {"minus", "exp", "add"});

    Randn randn(Value{2, 3});
    check_outputs(randn, {"output"});
    check_has(randn, {"shape", "key", "dtype", "new_key"});
    RandInt randint(Value{2, 3}, 0, 0, 10);
    check_outputs(randint, {"output"});
    check_has(randint, {"shape", "key", "low", "high", "dtype"});
}

TEST_CASE("convolutions and pools construct with Mithril's keys", "[models]") {
    Convolution1D c1(3, 8);
    CHECK(c1.input_keys() == std::vector<std::string>{"input", "weight", "bias"});
    c1.set_shapes({{"input", {2, 4, 10}}});
    CHECK_MODEL_SHAPES(c1, {{"weight", {8, 4, 3}}, {"bias", {1, 8, 1}}, {"output", {2, 8, 8}}});
    check_has(c1, {"stride", "padding", "dilation"});
    check_outputs(c1, {"output"});
    CHECK(c1.cin().key() == "input");

    Convolution2D c2(3, 8);
    CHECK(c2.input_keys() == std::vector<std::string>{"input", "weight", "bias"});
    check_has(c2, {"stride", "padding", "dilation", "groups"});
    check_outputs(c2, {"output"});

    Convolution2D c2nb(Value{3, 5}, 8, Value{1, 1}, Value{0, 0}, Value{1, 1}, 1, false);
    CHECK_FALSE(c2nb.has_key("bias"));
    CHECK_MODEL_SHAPES(c2nb, {{"weight", {8, "C", 3, 5}}});

    MaxPool1D p1(2);
    MaxPool2D p2(2);
    AvgPool2D p3(Value{2, 2});
    for (const Model* p : std::vector<const Model*>{&p1, &p2, &p3}) {
        check_inputs(*p, {"input"});
        check_has(*p, {"kernel_size", "stride", "padding", "dilation"});
        check_outputs(*p, {"output"});
    }
}

TEST_CASE("normalizations construct with Mithril's keys", "[models]") {
    LayerNorm ln;
    check_inputs(ln, {"input", "weight", "bias"});
    check_outputs(ln, {"output"});
    ln.set_shapes({{"input", {2, 3, 7}}});
    CHECK_MODEL_SHAPES(ln, {{"weight", {7}}, {"bias", {7}}, {"output", {2, 3, 7}}});

    LayerNorm ln_plain(false, false);
    CHECK(as_set(ln_plain.input_keys()) == std::set<std::string>{"input"});

    GroupNorm gn(4);
    check_inputs(gn, {"input", "weight", "bias"});
    gn.set_shapes({{"input", {2, 8, 5, 5}}});
    CHECK_MODEL_SHAPES(gn, {{"weight", {1, 8, 1, 1}}, {"output", {2, 8, 5, 5}}});

    BatchNorm2D bn(3);
    check_inputs(bn, {"input", "weight", "bias"});
    check_outputs(bn, {"output"});
    check_has(bn, {"running_mean", "running_var", "running_mean_out", "running_var_out"});
    bn.set_shapes({{"input", {4, 3, 6, 6}}});
    CHECK_MODEL_SHAPES(bn, {{"output", {4, 3, 6, 6}}, {"weight", {1, 3, 1, 1}}});

    BatchNorm2D bn_inf(3, 0.1, true);
    check_outputs(bn_inf, {"output"});
}

TEST_CASE("regularizers and kernels construct with Mithril's keys", "[models]") {
    L1 l1;
    L2 l2;
    for (const Model* m : std::vector<const Model*>{&l1, &l2}) {
        CHECK(m->input_keys() == std::vector<std::string>{"input"});
        CHECK(m->output_keys() == std::vector<std::string>{"output"});
        CHECK(m->cin().key() == "input");
        CHECK(m->cout().key() == "output");
    }
    QuadraticFormRegularizer q;
    check_inputs(q, {"input", "kernel"});
    q.set_shapes({{"input", {1, 5}}});
    CHECK_MODEL_SHAPES(q, {{"kernel", {5, 5}}});

    RBFKernel rbf;
    check_inputs(rbf, {"input1", "input2", "l_scale", "sigma"});
    rbf.set_shapes({{"input1", {4, 3}}, {"input2", {6, 3}}});
    CHECK_MODEL_SHAPES(rbf, {{"output", {4, 6}}, {"l_scale", {1}}, {"sigma", {1}}});

    PolynomialKernel pk;
    check_inputs(pk, {"input1", "input2", "poly_coef", "degree"});
    check_outputs(pk, {"output"});
}

TEST_CASE("classic ML models construct with Mithril's keys", "[models]") {
    KernelizedSVM svm(RBFKernel{});
    check_inputs(svm, {"input1", "input2", "l_scale", "sigma", "weight", "bias"});
    check_outputs(svm, {"kernel", "output"});
    CHECK(svm.cin().key() == "input1");
    svm.set_shapes({{"input1", {10, 3}}, {"input2", {7, 3}}});
    CHECK_MODEL_SHAPES(svm, {{"kernel", {10, 7}}, {"weight", {1, 7}}, {"output", {10, 1}}});
    CHECK_THROWS_AS(KernelizedSVM(Relu{}), KeyError);

    LinearSVM lsvm;
    check_inputs(lsvm, {"input", "weight", "bias"});
    check_outputs(lsvm, {"output", "decision_output"});
    CHECK(lsvm.cout().key() == "output");

    LogisticRegression lr;
    check_outputs(lr, {"output", "probs_output"});
    CHECK(lr.cout().key() == "output");
    lr.set_shapes({{"input", {9, 4}}});
    CHECK_MODEL_SHAPES(lr, {{"weight", {1, 4}}, {"probs_output", {9, 1}}});

    PolynomialRegression pr(2, 1);
    check_inputs(pr, {"input", "weight", "bias"});
    check_outputs(pr, {"output"});

    GPRLoss gl;
    check_inputs(gl, {"labels", "mu", "L", "K_term", "alpha"});
    check_outputs(gl, {"output"});
    gl.set_shapes({{"labels", {5, 1}}});
    CHECK_MODEL_SHAPES(gl, {{"L", {5, 5}}, {"alpha", {5, 1}}, {"output", {}}});

    GaussProcessRegressionCore gpr;
    check_inputs(gpr, {"label", "s", "k", "k_star", "mu"});
    check_outputs(gpr, {"loss", "prediction", "confidence"});
    CHECK(gpr.cout().key() == "prediction");

    EncoderDistanceMatrix edm;
    check_inputs(edm, {"input1", "input2", "norm"});
    EncoderDistanceMatrix edm_raw(false);
    check_outputs(edm_raw, {"output"});

    MDSCore mds_core;
    check_inputs(mds_core, {"distances", "pred_distances", "norm"});
    MDSCore mds_core_pow(false);
    check_outputs(mds_core_pow, {"output"});

    TSNECore tsne_core;
    check_inputs(tsne_core, {"distances", "pred_distances", "p_joint"});
    TSNECore tsne_core_calc(true, true);
    CHECK_FALSE(tsne_core_calc.has_key("p_joint"));
    check_inputs(tsne_core_calc, {"distances", "pred_distances"});

    MDS mds(2);
    check_inputs(mds, {"input", "coords", "norm"});
    check_outputs(mds, {"output", "predicted_coords"});
    MDS mds_points(2, "points");
    check_inputs(mds_points, {"input", "coords", "norm"});
    CHECK_MODEL_SHAPES(mds_points, {{"coords", {"n", 2}}});

    TSNE tsne(2);
    check_inputs(tsne, {"input", "coords", "norm", "p_joint"});
    check_outputs(tsne, {"output", "predicted_coords"});
    CHECK_THROWS_AS(MDS(2, "bogus"), ValueError);
}

TEST_CASE("recurrent models construct with Mithril's keys", "[models]") {
    RNNCell rnn;
    check_inputs(rnn, {"input", "prev_hidden", "w_ih", "w_hh", "w_ho", "bias_h", "bias_o"});
    check_outputs(rnn, {"hidden", "hidden_compl", "output"});
    CHECK(rnn.cout().key() == "output");

    LSTMCell lstm;
    check_inputs(lstm, {"input", "prev_hidden", "prev_cell", "w_i", "w_f", "w_c", "w_o", "w_out",
                        "bias_f", "bias_i", "bias_c", "bias_o", "bias_out"});
    check_outputs(lstm, {"hidden", "cell", "hidden_compl", "output"});

    OneToMany otm(CellType::rnn(), 3);
    check_inputs(otm, {"input", "initial_hidden", "w_ih", "w_hh", "w_ho", "bias_h", "bias_o",
                       "target1", "target2"});
    check_outputs(otm, {"output0", "output1", "output2"});
    CHECK_FALSE(otm.has_key("target0"));
    OneToMany otm_tf(CellType::rnn(), 3, true);
    check_inputs(otm_tf, {"target0", "target1", "target2"});

    OneToMany otm_lstm(CellType::lstm(), 2);
    check_inputs(otm_lstm, {"input", "initial_hidden", "initial_cell", "w_out", "bias_out"});

    ManyToOne mto(CellType::rnn(), 3);
    check_inputs(mto, {"input0", "input1", "input2", "initial_hidden", "w_ih"});
    check_outputs(mto, {"output0", "output1", "output2", "hidden_concat"});
    CHECK(mto.cout().key() == "hidden_concat");

    EncoderDecoder ed(CellType::rnn(), 3, 4);
    check_inputs(ed, {"input0", "input1", "input2", "initial_hidden", "w_ih", "indices",
                      "decoder_input", "decoder_w_ih", "target1", "target2", "target3"});
    check_outputs(ed, {"output0", "output1", "output2", "output3"});

    EncoderDecoderInference edi(CellType::rnn(), 2, 2);
    check_outputs(edi, {"output0", "output1"});
}

TEST_CASE("metrics construct with Mithril's keys", "[models]") {
    Metric metric;
    check_inputs(metric, {"pred", "label"});
    check_outputs(metric, {"output", "pred_formatted", "label_formatted"});

    Accuracy acc;
    check_inputs(acc, {"pred", "label"});
    check_outputs(acc, {"output"});
    CHECK(acc.cin().key() == "pred");

    Precision p;
    check_has(p, {"n_true_positive", "n_false_positive"});
    Precision pm("macro", 3);
    check_has(pm, {"precision_0", "precision_2", "denominator_1", "n_classes"});
    Precision pw("weighted", 2);
    check_has(pw, {"weighted_precision_0", "n_class_1"});
    Recall r("macro", 2);
    check_has(r, {"recall_1", "false_negative_0"});
    F1 f1("weighted", 2);
    check_outputs(f1, {"output"});
    CHECK_THROWS_AS(Precision("macro"), ValueError);

    AUC auc(3);
    check_inputs(auc, {"pred", "label"});
    check_outputs(auc, {"output", "auc_class_0", "auc_class_2"});
}

TEST_CASE("Linear infers its weight from input and output", "[models]") {
    Linear lin(5);
    lin.set_shapes({{"input", {8, 3}}});
    CHECK_MODEL_SHAPES(lin, {{"weight", {5, 3}}, {"bias", {5}}, {"output", {8, 5}}});
    Linear free;
    free.set_shapes({{"input", {8, 2, 3}}});
    CHECK_MODEL_SHAPES(free, {{"weight", {"d", 3}}, {"bias", {"d"}}, {"output", {8, 2, "d"}}});
}

// ---- spec §3.6 acceptance cases ----------------------------------------------------------------

TEST_CASE("M4: TrainModel(Linear()) + SquaredError + Mean", "[spec-M4]") {
    Linear model;
    model.set_shapes({{"input", {100, 4}}});
    TrainModel ctx(model);
    SquaredError loss;
    set_safe_shapes(loss);
    ctx.add_loss(loss, {Mean()}, std::nullopt, std::nullopt,
                 {{"input", "output"}, {"target", "target"}});
    // expect_symbolic_before_target
    CHECK_MODEL_SHAPES(ctx, {{"weight", {"u1", 4}},
                             {"bias", {"u1"}},
                             {"output", {100, "u1"}},
                             {"target", {100, "u1"}}});

    ctx.set_shapes({{"target", {100, 1}}});
    CHECK_MODEL_SHAPES(ctx, {{"input", {100, 4}},
                             {"target", {100, 1}},
                             {"weight", {1, 4}},
                             {"bias", {1}},
                             {"output", {100, 1}}});
    auto subs = ctx.submodels();
    REQUIRE(subs.size() == 3);
    CHECK_MODEL_SHAPES(model, {{"weight", {1, 4}}});
    auto linear_parts = model.submodels();
    REQUIRE(linear_parts.size() == 3);
    CHECK_MODEL_SHAPES(linear_parts[0], {{"output", {4, 1}}});    // transpose(weight)
    CHECK_MODEL_SHAPES(linear_parts[1], {{"output", {100, 1}}});  // matmul_out
    CHECK_MODEL_SHAPES(subs[1], {{"output", {100, 1}}});          // squared_error
    CHECK_MODEL_SHAPES(subs[2], {{"output", {}}});                // final (Mean)

    ctx.finalize();
    CHECK_MODEL_SHAPES(ctx, {{"final_cost", {}}});
    check_outputs(ctx, {"output", "final_cost"});
}

TEST_CASE("M5: MLP([Softplus, Buffer, Buffer], [5, 10, 1]) + SquaredError + Mean", "[spec-M5]") {
    MLP model({Softplus(), Buffer(), Buffer()}, {5, 10, 1});
    TrainModel ctx(model);
    SquaredError loss;
    set_safe_shapes(loss);
    ctx.add_loss(loss, {{"input", model["output"]}, {"target", "target"}}, {Mean()});
    ctx.set_shapes({{"input", {100, 4}}, {"target", {100, 1}}});
    CHECK_MODEL_SHAPES(ctx, {{"input", {100, 4}},
                             {"target", {100, 1}},
                             {"weight0", {5, 4}},
                             {"bias0", {5}},
                             {"weight1", {10, 5}},
                             {"bias1", {10}},
                             {"weight2", {1, 10}},
                             {"bias2", {1}},
                             {"output", {100, 1}}});
    CHECK_MODEL_SHAPES(ctx.submodels()[1], {{"output", {100, 1}}});
    CHECK_MODEL_SHAPES(ctx.submodels()[2], {{"output", {}}});
}

TEST_CASE("M9: five Convolution2D(3, 64, padding=1) chained with +=", "[spec-M9]") {
    auto conv = [] { return Convolution2D(3, 64, Value{1, 1}, 1); };
    Model model;
    model += conv().connect({{"input", "input"}});
    model += conv();
    model += conv();
    model += conv();
    model += conv().connect({{"output", out_key("output")}});
    auto convs = model.submodels();
    REQUIRE(convs.size() == 5);
    const std::string w0 = key_in(model, convs[0]["weight"]);
    const std::string b0 = key_in(model, convs[0]["bias"]);
    const std::string w1 = key_in(model, convs[1]["weight"]);

    SECTION("symbolic, no shapes given") {
        CHECK_MODEL_SHAPES(model, {{"input", {"a", "b", "c", "d"}},
                                   {w0, {64, "b", 3, 3}},
                                   {b0, {1, 64, 1, 1}},
                                   {w1, {64, 64, 3, 3}},
                                   {"output", {"a", 64, "e", "f"}}});
    }
    SECTION("input [8, 3, 64, 64]") {
        model.set_shapes({{"input", {8, 3, 64, 64}}});
        CHECK_MODEL_SHAPES(model, {{w0, {64, 3, 3, 3}},
                                   {b0, {1, 64, 1, 1}},
                                   {w1, {64, 64, 3, 3}},
                                   {"output", {8, 64, 64, 64}}});
    }
}

TEST_CASE("M10: CrossEntropy(categorical=True)", "[spec-M10]") {
    CrossEntropy ce("logits", "", Value(), Value(), false, Constant::MIN_POSITIVE_NORMAL, true);
    ce.set_shapes({{"input", {8, 10}}, {"target", {8}}});
    CHECK_MODEL_SHAPES(ce, {{"output", {8}}, {"threshold", {}}});
}

TEST_CASE("M12: OneToMany(RNNCell, max_sequence_length=5)", "[spec-M12]") {
    OneToMany model(CellType::rnn(), 5);
    model.set_shapes({{"input", {20, 1, 15}},
                      {"initial_hidden", {20, 1, 8}},
                      {"target1", {17, 1, 15}},
                      {"target2", {13, 1, 15}},
                      {"target3", {9, 1, 15}},
                      {"target4", {4, 1, 15}}});
    CHECK_MODEL_SHAPES(model, {{"w_ih", {8, 15}},
                               {"w_hh", {8, 8}},
                               {"w_ho", {15, 8}},
                               {"bias_h", {8}},
                               {"bias_o", {15}},
                               {"output0", {20, 1, 15}},
                               {"output1", {17, 1, 15}},
                               {"output2", {13, 1, 15}},
                               {"output3", {9, 1, 15}},
                               {"output4", {4, 1, 15}}});
}

// ---- nesting ----------------------------------------------------------------------------------

TEST_CASE("a model nested four levels deep infers through every level", "[models][nesting]") {
    Linear inner(8);
    Model level1;
    level1 |= inner.connect({{"input", "input"}});
    level1 += Relu().connect({{"output", out_key("output")}});
    Model level2;
    level2 |= level1.connect({{"input", "input"}});
    level2 += Linear(4).connect({{"output", out_key("output")}});
    Model level3;
    level3 |= level2.connect({{"input", "input"}});
    level3 += Sigmoid().connect({{"output", out_key("output")}});
    Model level4;
    level4 |= level3.connect({{"input", "input"}});
    level4 += Linear(2).connect({{"output", out_key("output")}});

    level4.set_shapes({{"input", {16, 3}}});
    CHECK_MODEL_SHAPES(level4, {{"output", {16, 2}}});
    // The innermost Linear sees the outermost input.
    CHECK_MODEL_SHAPES(inner, {{"weight", {8, 3}}, {"output", {16, 8}}});
    CHECK_MODEL_SHAPES(level1, {{"output", {16, 8}}});
    CHECK_MODEL_SHAPES(level2, {{"output", {16, 4}}});
    // Extension freezes levels 1-3 (their canonical outputs become outputs);
    // level 4 is not frozen, so its named output is not exposed yet.
    CHECK(level3.key_kind("output") == KeyKind::Output);
    CHECK(level1.key_kind("output") == KeyKind::Output);
    CHECK(level4.cout().key() == "output");
    CHECK(inner.has_parent());
    CHECK(level3.has_parent());
    CHECK_FALSE(level4.has_parent());
}

// ---- TrainModel ----------------------------------------------------------------------------------

TEST_CASE("TrainModel keeps the model's inputs and outputs", "[models][train]") {
    LogisticRegression lr;
    TrainModel tm(lr);
    CHECK(tm.class_name() == "TrainModel");
    check_inputs(tm, {"input", "weight", "bias"});
    check_outputs(tm, {"output", "probs_output"});

    Model bad;
    bad |= Relu().connect({{"input", "input"}, {"output", out_key("final_cost")}});
    bad.expose_keys({"final_cost"});
    CHECK_THROWS_WITH(TrainModel(bad), "'final_cost' could not be used as an external key in TrainModel!");
}

TEST_CASE("TrainModel errors are Mithril's", "[models][train]") {
    Linear lin;
    TrainModel tm(lin);
    CHECK_THROWS_WITH(tm += Relu(), "TrainModel could not be extended!");
    CHECK_THROWS_AS(tm += Relu(), NotImplementedError);
    CHECK_THROWS_WITH(tm.add_loss(SquaredError(), {{"input", lin["input"]}, {"target", "target"}}),
                      "Given key to the add_loss model should be one of the outputs of the model!");
    CHECK_THROWS_WITH(tm.add_loss(SquaredError(), {{"input", "output"}}),
                      "The provided keys do not match the model's loss.");
    CHECK_THROWS_WITH(tm.finalize(), "Requires at least 1 attached loss!");

    TrainModel tm2(Linear{});
    tm2.add_loss(SquaredError(), {{"input", "output"}, {"target", "target"}});
    tm2.finalize();
    CHECK(tm2.is_finalized());
    CHECK(tm2.is_frozen());
    CHECK_THROWS_WITH(tm2.add_loss(AbsoluteError(), {{"input", "output"}, {"target", "target"}}),
                      "No modifications can be made to a finalized TrainModel!");
    CHECK_THROWS_WITH(tm2.set_loss_combiner(Mean()),
                      "No modifications can be made to a finalized TrainModel!");
    tm2.finalize();  // idempotent
}

TEST_CASE("TrainModel with two losses, a coefficient and a combiner", "[models][train]") {
    Linear lin(1);
    TrainModel tm(lin);
    tm.add_loss(SquaredError(), {{"input", "output"}, {"target", "target"}});
    tm.add_loss(AbsoluteError(), {{"input", "output"}, {"target", "target"}}, {Sum()}, "abs_loss",
                Value(0.5));
    tm.set_loss_combiner(Mean());
    tm.finalize();
    check_outputs(tm, {"output", "abs_loss", "final_cost"});
    CHECK(tm.cout().key() == "final_cost");
    auto names = class_names(tm);
    CHECK(std::count(names.begin(), names.end(), "Concat") == 1);
    CHECK(names.back() == "Mean");
    tm.set_shapes({{"input", {6, 3}}, {"target", {6, 1}}});
    CHECK_MODEL_SHAPES(tm, {{"final_cost", {}}, {"abs_loss", {}}});
}

TEST_CASE("TrainModel regularization and geometric-mean scaling", "[models][train]") {
    Linear lin(1);
    TrainModel tm(lin);
    tm.add_loss(SquaredError(), {{"input", "output"}, {"target", "target"}});
    tm.add_regularization(L2(), Value(Tensor::scalar(0.1)), {{"input", "weight"}});
    CHECK_THROWS_WITH(tm.add_regularization(L2(), 0.1, {}),
                      "The provided keys do not match the regularization model keys!");
    CHECK_THROWS_WITH(tm.add_regularization(L2(), 0.1, {{"input", "input"}}),
                      "The provided keys are not valid; at least one of the keys must belong to "
                      "the model!");
    tm.finalize();
    CHECK(tm.has_key("loss"));
    CHECK(tm.key_kind("loss") != KeyKind::Output);
    check_outputs(tm, {"final_cost"});
    auto names = class_names(tm);
    // The L2 term is divided by the size Mean reduced over.
    CHECK(std::count(names.begin(), names.end(), "Divide") == 1);
    CHECK(std::count(names.begin(), names.end(), "Prod") >= 1);
    tm.set_shapes({{"input", {3, 2}}, {"target", {3, 1}}});
    CHECK_MODEL_SHAPES(tm, {{"final_cost", {}}, {"weight", {1, 2}}});
}

TEST_CASE("TrainModel regularization by regex", "[models][train]") {
    MLP mlp({Relu(), Relu()}, {4, 1});
    TrainModel tm(mlp);
    tm.add_loss(SquaredError(), {{"input", "output"}, {"target", "target"}});
    tm.add_regularization([] { return Model(L1()); }, 0.01, "input", Regex{"weight\\d"});
    auto names = class_names(tm);
    CHECK(std::count(names.begin(), names.end(), "L1") == 2);
    tm.finalize();
    check_outputs(tm, {"final_cost"});
}

TEST_CASE("TrainModel metrics", "[models][train]") {
    Linear lin(3);
    TrainModel tm(lin);
    tm.add_loss(CrossEntropy(), {{"input", "output"}, {"target", "target"}});
    tm.add_metric(Accuracy(std::nullopt, false, true, false), {}, "accuracy",
                  {{"pred", "output"}, {"label", "target"}});
    check_outputs(tm, {"accuracy"});
    tm.finalize();
    check_outputs(tm, {"output", "accuracy", "final_cost"});
}

TEST_CASE("a TrainModel can not become a submodel", "[models][train][errors]") {
    mithril::TrainModel tm(mithril::Linear(1));
    mithril::Model parent;
    CHECK_THROWS_WITH(parent |= tm, "TrainModel can not be a submodel of another model!");
}

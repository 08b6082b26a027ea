// compile(): physical naming, graph passes, key classification, evaluate
// (forward and reverse mode) on the reference backend, and the compile /
// evaluate errors of spec §1.8-1.9 and FORMAT.md §3.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "mithril/compile.hpp"
#include "mithril/mithril.hpp"

using namespace mithril;

namespace {
ReferenceBackend f64{Dtype::float64};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}
std::vector<std::string> key_names(const PhysicalModel& pm) {
    std::vector<std::string> out;
    for (const auto& [k, s] : pm.get_shapes()) out.push_back(k);
    return out;
}
double at(const Value& v, int64_t i) { return v.as_tensor().at_double(size_t(i)); }
double at(const Tensor& t, int64_t i) { return t.at_double(size_t(i)); }
}  // namespace

TEST_CASE("Linear compiles to transpose, matmul, add with Mithril's short names", "[compile][naming]") {
    auto pm = compile(Linear(2), f64);
    auto keys = key_names(pm);
    for (const char* k : {"input", "weight", "bias", "output", "axes", "output_0", "output_1"}) {
        INFO(k);
        CHECK(has(keys, k));
    }
    CHECK(pm.output_keys() == std::vector<std::string>{"output"});
    CHECK(has(pm.trainable_keys(), "weight"));
    CHECK(has(pm.trainable_keys(), "bias"));
    CHECK(has(pm.data_keys(), "input"));
}

TEST_CASE("TrainModel names continue through loss and reduce", "[compile][naming]") {
    TrainModel tm(Linear(1));
    tm.add_loss(SquaredError(), {Mean()}, std::nullopt, std::nullopt,
                {{"input", "output"}, {"target", "target"}});
    auto pm = compile(tm, f64);
    auto keys = key_names(pm);
    for (const char* k : {"output_2", "axis", "keepdim", "output_3", "final_cost", "target"}) {
        INFO(k);
        CHECK(has(keys, k));
    }
}

TEST_CASE("Linear forward and backward on the reference backend", "[compile][evaluate]") {
    auto pm = compile(Linear(1), f64, {.trainable_keys = {"input"}});
    TensorMap params{{"input", Tensor({{1.0}, {3.0}})}, {"weight", Tensor({{2.0}})}, {"bias", Tensor({0.5})}};
    auto out = pm.evaluate(params);
    CHECK(at(out.outputs.at("output"), 0) == 2.5);
    CHECK(at(out.outputs.at("output"), 1) == 6.5);
    auto res = pm.evaluate(params, {}, {.output_gradients = TensorMap{{"output", Tensor({{1.0}, {2.0}})}}});
    CHECK(at(res.gradients.at("weight"), 0) == 1.0 * 1 + 3.0 * 2);
    CHECK(at(res.gradients.at("bias"), 0) == 3.0);
    CHECK(at(res.gradients.at("input"), 0) == 2.0);
    CHECK(at(res.gradients.at("input"), 1) == 4.0);
}

TEST_CASE("gradients of a small MLP match central finite differences", "[compile][evaluate][grad]") {
    MLP mlp({Tanh(), Sigmoid()}, {3, 2});
    auto pm = compile(mlp, f64, {.shapes = {{"input", {4, 2}}}, .trainable_keys = {"input"}});
    auto params = pm.randomize_params({}, 7);
    auto cot = Tensor::full(Dtype::float64, {4, 2}, 1.0);
    cot.data<double>()[3] = -2.0;
    auto res = pm.evaluate(params, {}, {.output_gradients = TensorMap{{"output", cot}}});
    auto loss = [&](const TensorMap& p) {
        auto o = pm.evaluate(p).outputs.at("output").as_tensor();
        double s = 0;
        for (int64_t i = 0; i < o.numel(); ++i) s += o.at_double(size_t(i)) * cot.at_double(size_t(i));
        return s;
    };
    for (const auto& [name, t] : params) {
        for (int64_t i = 0; i < t.numel(); ++i) {
            const double eps = 1e-6;
            TensorMap plus = params, minus = params;
            plus[name].data<double>()[i] += eps;
            minus[name].data<double>()[i] -= eps;
            double fd = (loss(plus) - loss(minus)) / (2 * eps);
            INFO(name << "[" << i << "]");
            CHECK(at(res.gradients.at(name), i) == Approx(fd).epsilon(1e-6).margin(1e-9));
        }
    }
}

TEST_CASE("a TrainModel gets a unit cotangent on final_cost", "[compile][evaluate]") {
    TrainModel tm(Linear(1));
    tm.add_loss(SquaredError(), {Mean()}, std::nullopt, std::nullopt,
                {{"input", "output"}, {"target", "target"}});
    auto pm = compile(tm, f64, {.constant_keys = {{"input", Tensor({{1.0}, {2.0}})}, {"target", Tensor({{1.0}, {1.0}})}}});
    TensorMap params{{"weight", Tensor({{1.0}})}, {"bias", Tensor({0.0})}};
    auto res = pm.evaluate(params, {}, {.output_gradients = true});
    // outputs 1, 2; errors 0, 1; mean squared error 0.5; d/dw = mean(2 e x) = 2
    CHECK(res.outputs.at("final_cost").as_tensor().at_double(0) == 0.5);
    CHECK(at(res.gradients.at("weight"), 0) == 2.0);
    CHECK(at(res.gradients.at("bias"), 0) == 1.0);
    CHECK_THROWS_WITH(pm.evaluate(params, {}, {.output_gradients = TensorMap{{"output", Tensor({{1.0}, {1.0}})}}}),
                      "Models with any losses can not take any gradients for other outputs!");
}

TEST_CASE("Buffers are removed and duplicates merged", "[compile][passes]") {
    Model m;
    m |= Buffer().connect({{"input", IOKey{.name = "x", .differentiable = true}}, {"output", "b"}});
    m |= Relu().connect({{"input", "b"}, {"output", "r1"}});
    m |= Relu().connect({{"input", "b"}, {"output", "r2"}});
    m |= Add().connect({{"left", "r1"}, {"right", "r2"}, {"output", IOKey{.name = "y"}}});
    m.expose_keys({"y"});
    auto pm = compile(m, f64);
    auto s = pm.summary(true);
    CHECK(s.find("buffer") == std::string::npos);
    CHECK(std::count(s.begin(), s.end(), '\n') > 0);
    size_t relus = 0;
    for (size_t p = s.find("= relu("); p != std::string::npos; p = s.find("= relu(", p + 1)) ++relus;
    CHECK(relus == 1);
    auto res = pm.evaluate({{"x", Tensor({-1.0, 2.0})}});
    CHECK(at(res.outputs.at("y"), 0) == 0.0);
    CHECK(at(res.outputs.at("y"), 1) == 4.0);
}

TEST_CASE("static inference folds constant subgraphs", "[compile][passes]") {
    Model m;
    m |= Multiply().connect({{"left", "a"}, {"right", "b"}, {"output", "ab"}});
    m |= Add().connect({{"left", "ab"}, {"right", IOKey{.name = "w", .differentiable = true}}, {"output", IOKey{.name = "y"}}});
    m.expose_keys({"y"});
    auto pm = compile(m, f64, {.constant_keys = {{"a", Tensor({2.0})}, {"b", Tensor({3.0})}}});
    auto stat = pm.static_keys();
    CHECK(has(stat, "ab"));
    CHECK(pm.summary(true).find("multiplication") == std::string::npos);
    CHECK(at(pm.evaluate({{"w", Tensor({1.0})}}).outputs.at("y"), 0) == 7.0);
}

TEST_CASE("discarded outputs and their exclusive producers are pruned", "[compile][passes]") {
    Model m;
    m |= Relu().connect({{"input", IOKey{.name = "x", .differentiable = true}}, {"output", "r"}});
    m |= Sigmoid().connect({{"input", "x"}, {"output", "s"}});
    m.expose_keys({"r", "s"});
    auto pm = compile(m, f64, {.discard_keys = {"s"}});
    CHECK(pm.output_keys() == std::vector<std::string>{"r"});
    CHECK(has(pm.discarded_keys(), "s"));
    CHECK(pm.evaluate({{"x", Tensor({1.0})}}).outputs.count("s") == 0);
}

TEST_CASE("compile and evaluate errors", "[compile][errors]") {
    SECTION("no outputs") {
        CHECK_THROWS_WITH(compile(Model(), f64), "Models with no output keys can not be compiled.");
    }
    SECTION("static keys must be inputs") {
        CHECK_THROWS_WITH(compile(Linear(1), f64, {.constant_keys = {{"output", Tensor({1.0})}}}),
                          Catch::StartsWith("Provided static keys must be subset of the input keys."));
    }
    SECTION("unknown key") {
        CHECK_THROWS_WITH(compile(Linear(1), f64, {.constant_keys = {{"nope", Tensor({1.0})}}}),
                          "Key 'nope' is not found in connections.");
    }
    SECTION("disjoint sets") {
        CHECK_THROWS_WITH(compile(Linear(1), f64, {.data_keys = {"input"}, .discard_keys = {"input"}}),
                          Catch::StartsWith("Constant, data, trainable and discard keys must be disjoint sets."));
    }
    SECTION("constant shape contradicts inference") {
        Layer layer(Relu(), 3);
        CHECK_THROWS_WITH(compile(layer, f64, {.constant_keys = {{"bias", Tensor({1.0, 2.0, 3.0, 4.0})}}}),
                          "Possible values mismatch!");
    }
    SECTION("evaluate needs cotangents") {
        Model m;
        m |= Relu().connect({{"input", IOKey{.name = "x", .differentiable = true}}, {"output", "a"}});
        m |= Sigmoid().connect({{"input", "x"}, {"output", "b"}});
        m.expose_keys({"a", "b"});
        auto pm = compile(m, f64);
        CHECK_THROWS_WITH(pm.evaluate({{"x", Tensor({1.0})}}, {}, {.output_gradients = TensorMap{}}),
                          Catch::StartsWith("To evaluate gradients you must provide gradients for at least one of the"));
    }
    SECTION("inference mode has no gradients") {
        auto pm = compile(Linear(1), f64, {.inference = true});
        CHECK_THROWS_WITH(pm.evaluate({{"weight", Tensor({{1.0}})}, {"bias", Tensor({0.0})}},
                                      {{"input", Tensor({{1.0}})}}, {.output_gradients = true}),
                          "Inference mode does not support gradients calculation");
    }
    SECTION("data with the wrong shape") {
        auto pm = compile(Linear(2), f64, {.shapes = {{"input", {3, 4}}}});
        auto params = pm.randomize_params();
        CHECK_THROWS_WITH(pm.evaluate(params, {{"input", Tensor({{1.0, 2.0}, {3.0, 4.0}})}}),
                          Catch::Contains("does not match its inferred shape"));
    }
}

TEST_CASE("safe_names and file_path", "[compile][errors]") {
    SECTION("unnamed runtime data") {
        Model m;
        m |= Relu().connect({{"output", IOKey{.name = "y"}}});
        m.set_differentiability({{"$1", false}});
        m.expose_keys({"y"});
        CHECK_THROWS_WITH(compile(m, f64, {.inference = true}),
                          Catch::StartsWith("Runtime data keys must be named in logical model when "
                                            "safe_names set to True. The following keys are unnamed: "));
        CHECK_NOTHROW(compile(m, f64, {.inference = true, .safe_names = false}));
    }
    SECTION("file_path writes the program") {
        std::string path = "mithril_compile_test_program.txt";
        compile(Linear(2), f64, {.file_path = path});
        std::ifstream in(path);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text.find("matrix_multiplication") != std::string::npos);
        std::remove(path.c_str());
        CHECK_THROWS_AS(compile(Linear(2), f64, {.jit = true, .file_path = path}), Error);
    }
}

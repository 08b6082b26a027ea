// The conformance runner (src/conformance/, FORMAT.md §1.3, §1.4, §5, §6, §8):
// the directed comparison rule, per-backend alternatives, the exclusion
// table, and whole suite files written here by hand (our own small cases, not
// Mithril's) run through run_suite_file.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "conformance/runner.hpp"

using namespace mithril;
using namespace mithril::conformance;

namespace {

// Writes `text` to <tmp>/<name>.json and runs it; returns the results.
std::vector<CaseResult> run_text(const std::string &name, const std::string &text) {
    const auto dir = std::filesystem::temp_directory_path() / "mithril_conformance_test";
    std::filesystem::create_directories(dir);
    const auto path = dir / (name + ".json");
    {
        std::ofstream out(path);
        out << text;
    }
    std::vector<CaseResult> results;
    run_suite_file(path.string(), Options{}, [&](const CaseResult &r) { results.push_back(r); });
    std::filesystem::remove(path);
    return results;
}

Tensor t(const char *json) { return io::json_to_tensor(Json::parse(json)); }

} // namespace

TEST_CASE("conformance: the directed comparison rule (FORMAT.md 1.4)", "[conformance]") {
    CHECK_FALSE(directed_mismatch(t("[10]"), t("[10.0]"))); // int E against float C
    CHECK_FALSE(directed_mismatch(t("[1.0, 2.0]"), t("[1.0, 2.0]")));
    // Strict inequality: a difference of exactly tol fails the absolute test.
    CHECK(directed_mismatch(t("[0.0]"), t("[0.5]"), 0.5, 0.0));
    CHECK_FALSE(directed_mismatch(t("[0.0]"), t("[0.25]"), 0.5, 0.0));
    // Relative test: |E - C| < |E| * rtol on every element.
    CHECK_FALSE(directed_mismatch(t("[1e6]"), t("[1000000.5]"), 1e-14, 1e-6));
    // The two tests apply to the whole tensor, never mixed element by element:
    // element 0 passes only the absolute test, element 1 only the relative one.
    CHECK(directed_mismatch(t("[0.0, 1e6]"), t("[1e-15, 1000000.5]"), 1e-14, 1e-6));
    // NaN anywhere fails; shapes must be equal.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Tensor with_nan = Tensor::from_vector(std::vector<double>{1.0, nan}, {2});
    auto why = directed_mismatch(t("[1.0, 2.0]"), with_nan);
    REQUIRE(why);
    CHECK_THAT(*why, Catch::Contains("NaN at [1]"));
    CHECK(directed_mismatch(with_nan, with_nan));
    auto shape = directed_mismatch(t("[[1.0]]"), t("[1.0]"));
    REQUIRE(shape);
    CHECK_THAT(*shape, Catch::Contains("shape [1] != expected [1, 1]"));
    auto diff = directed_mismatch(t("[[0.0, 0.0], [0.0, 0.0]]"), t("[[0.0, 0.0], [0.0, 1.0]]"));
    REQUIRE(diff);
    CHECK_THAT(*diff, Catch::StartsWith("max abs diff 1 at [1,1]"));
    // Cross-backend rule of 5.6: non-strict, NaN equals NaN.
    CHECK_FALSE(allclose_mismatch(with_nan, with_nan, 0.0, 0.0));
    CHECK_FALSE(allclose_mismatch(t("[1.0]"), t("[1.5]"), 0.5, 0.0));
    CHECK(allclose_mismatch(t("[1.0]"), t("[1.6]"), 0.5, 0.0));
}

TEST_CASE("conformance: per-backend alternatives and exclusions", "[conformance]") {
    Json alt = Json::parse(R"({"jax": [1.0], "torch": [0.0], "numpy": [2.0]})");
    CHECK(expected_tensor(alt, "numpy", "x").at_double(0) == 2.0);
    CHECK(expected_tensor(alt, "jax", "x").at_double(0) == 1.0);
    CHECK_THROWS(expected_tensor(Json::parse(R"({"jax": [1.0]})"), "numpy", "x"));
    CHECK(excluded_reason("models_directed_test", "test_power_1"));
    CHECK(excluded_reason("primitives_directed_test", "test_robust_log_3"));
    CHECK(excluded_reason("integration_directed_test", "test_linear_9"));
    CHECK_FALSE(excluded_reason("models_directed_test", "test_linear_1"));
    CHECK_FALSE(excluded_reason("randomized_model_tests_all_backends", "test_power_1"));
}

TEST_CASE("conformance: a models suite runs case by case", "[conformance]") {
    auto results = run_text("models_directed_test", R"({
      "test_add_ok": {
        "model": {"name": "Model", "submodels": {"a": "Add"},
                  "connections": {"a": {"left": {"key": {"name": "x", "type": {"Tensor": ["int", "float", "bool"]}}},
                                        "right": {"key": {"name": "y", "type": {"Tensor": ["int", "float", "bool"]}}},
                                        "output": "out"}},
                  "exposed_keys": ["out"],
                  "assigned_differentiabilities": [["x", true], ["y", true]]},
        "inputs": {"x": [1.0, 2.0], "y": [3.0, 4.0]},
        "output_grads": {"out": [1.0, -1.0]},
        "results": {"eval": {"out": [4.0, 6.0]}, "grad": {"x": [1.0, -1.0], "y": {"numpy": [1.0, -1.0], "jax": [0.0, 0.0]}}}
      },
      "test_add_wrong_value": {
        "model": {"name": "Add", "assigned_types": [["left", {"Tensor": ["float"]}], ["right", {"Tensor": ["float"]}]],
                  "assigned_differentiabilities": [["left", true], ["right", true]]},
        "inputs": {"left": [1.0], "right": [1.0]},
        "output_grads": {"output": [1.0]},
        "results": {"eval": {"output": [3.0]}, "grad": {"left": [1.0], "right": [1.0]}}
      },
      "test_power_1": {"model": "Power"},
      "test_bad_model": {"model": {"name": "NoSuchModel"}}
    })");
    REQUIRE(results.size() == 4);
    CHECK(results[0].name == "models_directed_test/test_add_ok");
    CHECK(results[0].status == Status::Pass);
    INFO(results[0].reason);
    CHECK(results[1].status == Status::Fail);
    CHECK_THAT(results[1].reason, Catch::StartsWith("[reference] output 'output' max abs diff 1"));
    CHECK(results[2].status == Status::Skip);
    CHECK(results[2].reason == "excluded upstream without a stated reason");
    CHECK(results[3].status == Status::Fail);
    CHECK_THAT(results[3].reason, Catch::Contains("KeyError") && Catch::Contains("NoSuchModel"));
}

TEST_CASE("conformance: error, shape and numpy_utils suites", "[conformance]") {
    auto errors = run_text("error_test", R"({
      "test_empty": {"model": {"name": "Model"}, "inputs": {}, "results": {"eval": {}, "grad": {}},
                     "error_info": {"error_type": "KeyError",
                                    "error_message": "'Models with no output keys can not be compiled.'"}},
      "test_wrong_expectation": {"model": {"name": "Model"}, "inputs": {}, "results": {"eval": {}, "grad": {}},
                                 "error_info": {"error_type": "ValueError", "error_message": "nope"}}
    })");
    REQUIRE(errors.size() == 2);
    INFO(errors[0].reason);
    CHECK(errors[0].status == Status::Pass);
    CHECK(errors[1].status == Status::Fail);
    CHECK_THAT(errors[1].reason, Catch::StartsWith("expected ValueError 'nope', got KeyError"));

    auto stale = run_text("shape_directed_test", R"({"test_a": {}, "test_b": {}})");
    REQUIRE(stale.size() == 2);
    CHECK(stale[1].status == Status::Skip);
    CHECK(stale[1].reason == "stale format, no reference harness");

    auto grads = run_text("numpy_utils", R"({
      "test_sum_rows": {"kwargs": {"gradient": [[1.0, 2.0], [3.0, 4.0]], "input_shape": [1, 2]},
                        "result": [[4.0, 6.0]]},
      "test_leading": {"kwargs": {"gradient": [[[1.0, 2.0]], [[3.0, 4.0]]], "input_shape": [2]},
                       "result": [4.0, 6.0]},
      "test_wrong": {"kwargs": {"gradient": [[1.0, 2.0]], "input_shape": [1, 1]}, "result": [[4.0]]}
    })");
    REQUIRE(grads.size() == 3);
    CHECK(grads[0].status == Status::Pass);
    CHECK(grads[1].status == Status::Pass);
    CHECK(grads[2].status == Status::Fail);

    CHECK_THROWS(run_text("not_a_suite", "{}"));
    CHECK_THROWS(run_text("models_directed_test", "[1, 2"));
}

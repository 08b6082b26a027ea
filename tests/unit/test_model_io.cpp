// Model dictionaries (FORMAT.md §1.2, §2, §4, §7; include/mithril/model_io.hpp):
// the JSON -> tensor rule, the registry, every connection form, exposure and
// the assigned_* lists, errors that name their key, model_to_json round trips,
// TrainModels from output specs, and a smoke test that builds every model of
// the shared conformance suites (read at run time; skipped when absent).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "io/model_dict.hpp"
#include "mithril/model_io.hpp"
#include "mithril/models.hpp"
#include "mithril/primitives.hpp"

using namespace mithril;
using io::Json;

namespace {

std::set<std::string> as_set(const std::vector<std::string> &v) { return {v.begin(), v.end()}; }

Model build(const char *text) { return model_from_json_text(text); }

// The same keys and the same symbolic shapes, up to symbol renaming.
void check_same_model(const Model &a, const Model &b) {
    CHECK(as_set(a.input_keys()) == as_set(b.input_keys()));
    CHECK(as_set(a.output_keys()) == as_set(b.output_keys()));
    auto sa = a.get_shapes(false), sb = b.get_shapes(false);
    for (const auto &k : a.input_keys()) {
        INFO("key " << k);
        CHECK(sa[k] == sb[k]);
    }
    for (const auto &k : a.output_keys()) {
        INFO("key " << k);
        CHECK(sa[k] == sb[k]);
    }
}

std::string suite_path(const std::string &file) {
    return std::string(MITHRIL_SOURCE_DIR) + "/../shared/conformance/" + file;
}

} // namespace

TEST_CASE("io: JSON values become tensors by literal kind", "[io]") {
    Tensor f = io::json_to_tensor(Json::parse("[[1.0],[2],[3]]"));
    CHECK(f.dtype() == Dtype::float64);
    CHECK(f.shape() == std::vector<int64_t>{3, 1});
    Tensor i = io::json_to_tensor(Json::parse("[[1],[-1]]"));
    CHECK(i.dtype() == Dtype::int64);
    CHECK(i.at_double(1) == -1.0);
    Tensor b = io::json_to_tensor(Json::parse("[true, false]"));
    CHECK(b.dtype() == Dtype::bool_);
    Tensor s = io::json_to_tensor(Json::parse("2.5e0"));
    CHECK(s.rank() == 0);
    CHECK(s.dtype() == Dtype::float64);
    CHECK(io::json_to_tensor(Json::parse("7")).dtype() == Dtype::int64);
    CHECK(io::json_to_tensor(Json::parse("[]")).shape() == std::vector<int64_t>{0});
    CHECK_THROWS_AS(io::json_to_tensor(Json::parse("[[1, 2], [3]]"), "x"), ValueError);
    CHECK_THROWS_WITH(io::json_to_tensor(Json::parse("[\"a\"]"), "weight"),
                      Catch::Contains("weight"));
    CHECK(io::tensor_to_json(f).dump() == "[[1.0],[2.0],[3.0]]");
    CHECK(io::tensor_to_json(i).dump() == "[[1],[-1]]");
}

TEST_CASE("io: type specs and shapes", "[io]") {
    CHECK(io::type_from_spec(Json::parse(R"({"Tensor": ["int", "float", "bool"]})"), "k") ==
          Type::tensor());
    CHECK(io::type_from_spec(Json::parse(R"(["int", "float"])"), "k") ==
          (Type::scalar_int() | Type::scalar_float()));
    CHECK(io::type_from_spec(Json::parse(R"([{"Tensor": ["float"]}, "float"])"), "k") ==
          (Type::tensor_float() | Type::scalar_float()));
    CHECK(io::type_from_spec(Json::parse(R"({"tuple": ["int", "..."]})"), "k") ==
          Type(Type::TupleT));
    CHECK_THROWS_WITH(io::type_from_spec(Json::parse(R"("complex")"), "poly_coef"),
                      Catch::Contains("poly_coef"));
    auto spec = io::type_to_spec(Type::tensor_float() | Type::scalar_int());
    REQUIRE(spec);
    CHECK(io::type_from_spec(*spec, "k") == (Type::tensor_float() | Type::scalar_int()));
    ShapeTemplate t = io::shape_from_json(Json::parse(R"(["N", 3, null, "V,..."])"), "k");
    REQUIRE(t.size() == 4);
    CHECK(t[0].is_name());
    CHECK(t[1].value() == 3);
    CHECK(t[2].is_none());
    CHECK((t[3].is_variadic() && t[3].name() == "V"));
}

TEST_CASE("io: registry names are case-insensitive and args are checked", "[io]") {
    CHECK(build(R"("sigmoid")").class_name() == "Sigmoid");
    CHECK(build(R"({"name": "buffer"})").class_name() == "Buffer");
    Model rnn = build(
        R"({"name": "ManytoOne", "args": {"cell_type": "RNNCell", "max_sequence_length": 2}})");
    CHECK(rnn.class_name() == "ManyToOne");
    CHECK(rnn.has_key("input1"));
    Model mlp = build(
        R"({"name": "MLP", "args": {"dimensions": [3, 2], "activations": ["sigmoid", {"name": "Softmax"}]}})");
    CHECK(as_set(mlp.input_keys()).count("weight1") == 1);
    Model layer = build(R"({"name": "Layer", "args": {"activation": "Relu", "dimension": 3}})");
    CHECK(layer.get_shapes(false)["weight"]->front() == "3");
    Model sum = build(R"({"name": "Sum", "args": {"axis": [0, 2]}, "tuples": ["axis"]})");
    CHECK(sum["axis"].value() == Value({0, 2}));
    Model conv = build(R"({"name": "Convolution1D", "args": {"kernel_size": 3, "out_channels": 1,
                           "padding": "SAME"}, "enums": {"padding": "PaddingType"}})");
    CHECK(conv.class_name() == "Convolution1D");
    // An arg naming an input key is a key value (Mithril's **kwargs).
    Model add = build(R"({"name": "Add", "args": {"right": 2}})");
    CHECK(add["right"].value() == Value(2));

    CHECK_THROWS_AS(build(R"({"name": "NoSuchModel"})"), KeyError);
    CHECK_THROWS_WITH(build(R"({"name": "NoSuchModel"})"), Catch::Contains("NoSuchModel"));
    CHECK_THROWS_AS(build(R"({"name": "Linear", "args": {"shapes": {}}})"), TypeError);
    CHECK_THROWS_WITH(build(R"({"name": "Linear", "args": {"shapes": 1}})"),
                      Catch::Contains("'shapes'"));
    CHECK_THROWS_WITH(build(R"({"name": "Linear", "args": {"dimension": 1.5}})"),
                      Catch::Contains("dimension"));
    CHECK_THROWS_WITH(build(R"({"name": "MDS"})"), Catch::Contains("prediction_dim"));
    CHECK_THROWS_AS(
        build(R"({"name": "Conv", "args": {"padding": "SAME"}, "enums": {"padding": "X"}})"),
        Error);
    CHECK_THROWS_AS(model_from_json_text("{not json"), ValueError);
    CHECK(registered_model_names().size() > 120);
}

TEST_CASE("io: every connection form of a container", "[io]") {
    // Two multiplies feeding an add: shared named input, a scalar, a tensor
    // constant, a Constant, a key description with type and differentiability,
    // a connect pair onto an unnamed output, exposure, and the assigned_* lists.
    Model m = build(R"({
      "name": "Model",
      "submodels": {"a": "Multiply", "b": {"name": "Multiply"}, "c": "Add", "d": "Power"},
      "connections": {
        "a": {"left": {"key": {"name": "x", "type": {"Tensor": ["int", "float", "bool"]},
                               "differentiable": true}},
              "right": 0.5},
        "b": {"left": "x", "right": {"tensor": [1.0, 2.0, 3.0]}, "output": "prod"},
        "c": {"left": {"key": {"connect": [["a", "output"]]}}, "right": "prod",
              "output": {"key": {"name": "sum", "expose": true}}},
        "d": {"base": "sum", "exponent": "Constant.EPSILON", "output": "pw"}
      },
      "exposed_keys": ["pw"],
      "assigned_shapes": [[["x", ["N", 3]]]],
      "assigned_types": [["x", {"Tensor": ["float"]}]],
      "assigned_differentiabilities": [["x", true]]
    })");
    CHECK(as_set(m.input_keys()) == std::set<std::string>{"x"});
    CHECK(as_set(m.output_keys()) == std::set<std::string>{"sum", "pw"});
    CHECK(m["x"].differentiable() == std::optional<bool>(true));
    CHECK(m["x"].type() == Type::tensor_float());
    auto shapes = m.get_shapes(false);
    REQUIRE(shapes["sum"]);
    CHECK(shapes["sum"]->back() == "3");
    CHECK(m.key_kind("prod") == KeyKind::Internal);

    SECTION("round trip through the recorded dict") {
        Model again = model_from_json_text(model_to_json_text(m));
        check_same_model(m, again);
    }
    SECTION("round trip through the wiring (no record)") {
        Json d = io::model_to_json(m);
        d["exposed_keys"] = Json::array({"pw"}); // a different dict: record is not reused
        Model copy = io::model_from_json(d);
        copy.set_name("copy");
        Model outer;
        outer |= copy.connect({{"x", "x"}});
        Model again = io::model_from_json(io::model_to_json(outer));
        check_same_model(outer, again);
    }
}

TEST_CASE("io: extending from inputs and merging with connect", "[io]") {
    // The first Add's inputs are free; a later Multiply writes into both of them.
    Model m = build(R"({
      "name": "Model",
      "submodels": {"s": "Add", "p": "Multiply"},
      "connections": {"s": {"output": "out"},
                      "p": {"left": "u", "right": "v",
                            "output": {"key": {"connect": [["s", "left"], ["s", "right"]]}}}},
      "exposed_keys": ["out"]
    })");
    CHECK(as_set(m.input_keys()) == std::set<std::string>{"u", "v"});
    CHECK(as_set(m.output_keys()) == std::set<std::string>{"out"});
    Model again = io::model_from_json(io::model_to_json(m));
    check_same_model(m, again);
}

TEST_CASE("io: malformed dicts raise errors naming the key", "[io]") {
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"}, "connections": {}})"),
                      "Requires submodel keys and connections keys to be compatible!");
    CHECK_THROWS_AS(build(R"({"name": "Model", "submodels": {"a": "Relu"}, "connections": {}})"),
                    KeyError);
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"nokey": "x"}}})"),
                      Catch::Contains("nokey"));
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"input": {"key": {"connect": [["zz", "output"]]}}}}})"),
                      Catch::Contains("zz"));
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"input": "x"}},
                                "assigned_differentiabilities": [[["a", 0], true]]})"),
                      Catch::Contains("Unknown info format!"));
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"input": "x"}},
                                "assigned_types": [["y", "int"]]})"),
                      Catch::Contains("'y'"));
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"input": "x"}}, "exposed_keys": ["q"]})"),
                      Catch::Contains("'q'"));
    CHECK_THROWS_AS(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                              "connections": {"a": {"input": "x"}},
                              "assigned_constraints": [{"fn": "nope", "keys": ["x"]}]})"),
                    RuntimeError);
    CHECK_THROWS_AS(build(R"({"name": "Model", "bogus": 1})"), KeyError);
    CHECK_THROWS_AS(build("[1, 2]"), TypeError);
    CHECK_THROWS_WITH(build(R"({"name": "Model", "submodels": {"a": "Relu"},
                                "connections": {"a": {"input": {"tensor": [[1], [2, 3]]}}}})"),
                      Catch::Contains("a.input"));
}

TEST_CASE("io: model_to_json of models built in C++", "[io]") {
    Model m;
    m |= Relu().connect({{"input", "x"}, {"output", "r"}});
    m |= Add().connect({{"left", "r"}, {"right", Value(Tensor({1.0, 2.0}))}, {"output", "y"}});
    m.expose_keys({"y"});
    Json d = io::model_to_json(m);
    CHECK(d["submodels"].size() == 2);
    Model again = io::model_from_json(d);
    check_same_model(m, again);
    CHECK(again["x"].shares_edge(again["x"]));
    // A library model with constructor arguments can not be written without a record.
    CHECK_THROWS_WITH(io::model_to_json(Linear(3)), Catch::Contains("Linear"));
    CHECK(io::model_to_json(Sigmoid())["name"] == "Sigmoid");
}

TEST_CASE("io: TrainModel from output specs, regularizations and its round trip", "[io]") {
    Model model = build(R"({"name": "Linear", "args": {"dimension": 1}})");
    Json specs = Json::parse(R"({"output": {"loss": "SquaredError", "reduce_steps": ["Mean"],
                                            "target_key": "target"}})");
    Json regs = Json::parse(R"([{"model": "l2", "coef": {"tensor": 0.1}, "input": "weight"},
                                {"model": "l1", "coef": 0.2, "input": "b.*", "regex": true}])");
    TrainModel tm = io::train_model_from_specs(model, specs, regs, Json("Mean"));
    tm.finalize();
    CHECK(as_set(tm.output_keys()) == std::set<std::string>{"output", "final_cost"});
    CHECK(as_set(tm.input_keys()).count("target") == 1);

    Json d = io::model_to_json(tm);
    CHECK(d["is_train_model"] == true);
    CHECK(d["losses"].size() == 1);
    CHECK(d["regularizations"].size() == 2);
    TrainModel again = io::train_model_from_dict(d);
    again.finalize();
    CHECK(as_set(again.output_keys()) == as_set(tm.output_keys()));
    CHECK(as_set(again.input_keys()) == as_set(tm.input_keys()));
    Model via_text = model_from_json_text(d.dump());
    CHECK(as_set(via_text.output_keys()) == as_set(tm.output_keys()));

    SECTION("errors") {
        Json bad = Json::parse(R"({"output": {"loss": "SquaredError"}})");
        CHECK_THROWS_WITH(
            io::train_model_from_specs(build(R"({"name": "Linear"})"), bad, Json(), Json()),
            "The provided keys do not match the model's loss.");
        Json regs_bad = Json::parse(R"([{"model": "l2", "coef": 0.1, "nothere": "weight"}])");
        CHECK_THROWS_AS(
            io::train_model_from_specs(build(R"({"name": "Linear"})"), specs, regs_bad, Json()),
            KeyError);
        Json no_coef = Json::parse(R"([{"model": "l2", "input": "weight"}])");
        CHECK_THROWS_WITH(
            io::train_model_from_specs(build(R"({"name": "Linear"})"), specs, no_coef, Json()),
            Catch::Contains("coef"));
    }
}

TEST_CASE("io: every model of the shared conformance suites builds", "[io]") {
    const char *files[] = {"models_directed_test.json",      "integration_directed_test.json",
                           "no_grad_inference_test.json",    "error_test.json",
                           "static_keys_directed_test.json", "discard_keys_directed_test.json"};
    if (!std::filesystem::exists(suite_path(files[0]))) {
        SUCCEED("skipped: " + suite_path(files[0]) + " not found");
        return;
    }
    size_t total = 0, built = 0, trips = 0;
    std::vector<std::string> failures;
    for (const char *file : files) {
        std::ifstream in(suite_path(file));
        REQUIRE(in);
        Json suite = Json::parse(in);
        for (auto it = suite.begin(); it != suite.end(); ++it) {
            const Json &c = it.value();
            if (!c.contains("model")) continue; // stale layouts (integration test_linear_9)
            ++total;
            const std::string name = std::string(file) + "/" + it.key();
            try {
                Model m = io::model_from_json(c["model"]);
                ++built;
                Model again = io::model_from_json(io::model_to_json(m));
                if (as_set(again.input_keys()) == as_set(m.input_keys()) &&
                    as_set(again.output_keys()) == as_set(m.output_keys()))
                    ++trips;
                else
                    failures.push_back(name + ": round trip changed the keys");
                // The wiring serializer too (the record of the top model ignored).
                Model rewired = io::model_from_json(io::model_to_json_from_wiring(m));
                if (as_set(rewired.input_keys()) != as_set(m.input_keys()) ||
                    as_set(rewired.output_keys()) != as_set(m.output_keys()) ||
                    rewired.get_shapes(false) != m.get_shapes(false))
                    failures.push_back(name + ": the wiring round trip changed keys or shapes");
                if (c.contains("output_specs") && !c["output_specs"].empty()) {
                    TrainModel tm = io::train_model_from_specs(
                        m, c["output_specs"], c.value("regularizations", Json()),
                        c.value("final_loss_combiner", Json()));
                    tm.finalize();
                }
            } catch (const Error &e) {
                failures.push_back(name + ": " + e.python_name() + " " + e.what());
            }
        }
    }
    for (const auto &f : failures)
        WARN(f);
    INFO(built << " of " << total << " models built, " << trips << " round trips kept their keys");
    // The error suite's cases fail at compile time, not while building.
    CHECK(failures.empty());
}

// Logical models: composition rules (|=, +=, connect), canonical keys,
// freezing, naming, exposure, the spec's §1.2/§1.5 errors, and the
// model-level shape cases M1-M3, M7, M8, E3 of spec §3.6.
#include <catch2/catch.hpp>

#include "mithril/connection_ops.hpp"
#include "mithril/model.hpp"
#include "mithril/primitives.hpp"
#include "model_harness.hpp"

using namespace mithril;
using V = Variadic;

TEST_CASE("M1: shared broadcast through a named internal key", "[logical][spec-M1]") {
    Model m;
    m |= Add().connect({{"left", "left"}, {"right", "right"}, {"output", "a"}});
    m |= Add().connect({{"left", "a"}, {"right", "a"}, {"output", "output"}});
    m.set_shapes({{"left", {3, 4, 5, 1}}, {"right", {1, 7}}});
    CHECK_MODEL_SHAPES(m, {{"a", {3, 4, 5, 7}}, {"output", {3, 4, 5, 7}}});
}

TEST_CASE("M2: composite broadcasting", "[logical][spec-M2]") {
    Model m;
    m |= Multiply().connect({{"left", "input1"}, {"right", "input2"}, {"output", "m1"}});
    m |= Multiply().connect({{"left", "input2"}, {"right", "m1"}, {"output", "m2"}});
    m |= Add().connect({{"left", "m2"}, {"right", "m2"}, {"output", "output"}});
    m.set_shapes({{"input1", {1, 1, 1, 1, 1, 1, 1, 37, 43}}, {"input2", {134, 47, 1, 1, 1}}});
    ShapeTemplate expect{1, 1, 1, 1, 134, 47, 1, 37, 43};
    CHECK_MODEL_SHAPES(m, {{"m1", expect}, {"m2", expect}, {"output", expect}});
}

TEST_CASE("M3: incremental refinement of a broadcast", "[logical][spec-M3]") {
    Add add;
    add.set_shapes({{"left", {2, 1, V("V1")}}, {"right", {2, 1, V("V2")}}});
    CHECK_MODEL_SHAPES(add, {{"output", {2, "u1", V("V1")}}});
    add.set_shapes({{"left", {2, 1}}, {"right", {2, 1, 3}}});
    CHECK_MODEL_SHAPES(add, {{"output", {2, 2, 3}}});
}

TEST_CASE("M7: reshape and transpose", "[logical][spec-M7]") {
    SECTION("reshape (-1,)") {
        Reshape r(Value{-1});
        r.set_shapes({{"input", {10, 5, 20, 30}}});
        CHECK_MODEL_SHAPES(r, {{"output", {30000}}});
    }
    SECTION("reshape (1, -1)") {
        Reshape r(Value{1, -1});
        CHECK_MODEL_SHAPES(r, {{"output", {1, "u1"}}});
        r.set_shapes({{"input", {10, 5, 20, 30}}});
        CHECK_MODEL_SHAPES(r, {{"output", {1, 30000}}});
    }
    SECTION("transpose with axes None") {
        Transpose t;
        t.set_shapes({{"input", {3, 4, 5}}});
        CHECK_MODEL_SHAPES(t, {{"output", {5, 4, 3}}});
    }
}

TEST_CASE("M8: tensor item shapes through connection algebra", "[logical][spec-M8]") {
    SECTION("x[:, None, :, 2:4]") {
        auto x = Buffer()({{"input", IOKey{.name = "input", .shape = ShapeTemplate{3, 4, 5}}}});
        auto out = x[{Slice{}, None, Slice{}, slice(2, 4)}];
        Model m = Model::create({}, {{"output", out}});
        CHECK_MODEL_SHAPES(m, {{"output", {3, 1, 4, 2}}});
    }
    SECTION("x[Tensor[int] index]") {
        auto x = Buffer()({{"input", IOKey{.name = "input", .shape = ShapeTemplate{7, 4, 5}}}});
        auto out = x[Tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}})];
        Model m = Model::create({}, {{"output", out}});
        CHECK_MODEL_SHAPES(m, {{"output", {3, 3, 4, 5}}});
    }
}

TEST_CASE("E3: broadcast_to to an incompatible shape", "[logical][spec-E3][errors]") {
    BroadcastTo b(Value{3, 4, 5});
    CHECK_THROWS_WITH(b.set_shapes({{"input", {7, 8, 9}}}), "Shape mismatch in broadcast_to model");
}

// ---- composition rules -------------------------------------------------------------

TEST_CASE("+= on an empty model behaves like |=", "[logical][canonical]") {
    Model m;
    m += Relu();
    CHECK(m.cin().key() == "$1");
    CHECK(m.cout().key() == "$2");
    m += Sigmoid();
    CHECK(m.submodels().size() == 2);
    CHECK(m.cin().key() == "$1");
    CHECK(m.cout().key() == "$3");
    CHECK(m.key_kind("$2") == KeyKind::Internal);
}

TEST_CASE("+= wires the parent's canonical output to the child's canonical input", "[logical][canonical]") {
    Model m;
    m |= Relu().connect({{"input", "x"}, {"output", "y"}});
    m += Sigmoid().connect({{"output", "z"}});
    auto sig = m.submodels().back();
    CHECK(m["y"].shares_edge(sig["input"]));
    CHECK(m.cout().key() == "z");
    CHECK(m.cin().key() == "x");
    CHECK(m.input_keys() == std::vector<std::string>{"x"});
}

TEST_CASE("canonical output of a consumed key moves to the consumer", "[logical][canonical]") {
    Model m;
    m |= Buffer().connect({{"input", "input1"}, {"output", "output1"}});
    m |= Buffer().connect({{"input", "input2"}, {"output", "input1"}});
    CHECK(m.cins().size() == 1);
    CHECK(m.cin().key() == "input2");
    CHECK(m.cout().key() == "output1");
}

TEST_CASE("cin/cout require exactly one", "[logical][canonical][errors]") {
    Model m;
    m |= Buffer().connect({{"input", "a"}, {"output", "b"}});
    m |= Buffer().connect({{"input", "c"}, {"output", "d"}});
    CHECK_THROWS_WITH(m.cout(), "Currently, there exists 2 canonical outputs, model should have "
                                "exactly one canonical output!");
    CHECK_THROWS_AS(m.cin(), KeyError);
}

TEST_CASE("extension errors of spec §1.2", "[logical][errors]") {
    SECTION("no canonical input") {
        Model m;
        m |= Buffer().connect({{"input", "x"}, {"output", "lin_out1"}});
        Add add;
        add.set_cin({});
        CHECK_THROWS_WITH(m += add, "No existing canonical input is found to extension model! Use |= operator.");
    }
    SECTION("more than one canonical input") {
        Model child;
        child |= Buffer().connect({{"input", "a"}, {"output", "b"}});
        child |= Buffer().connect({{"input", "c"}, {"output", "d"}});
        Model m;
        m |= Relu();
        CHECK_THROWS_WITH(m += child, "Submodel must have single available canonical input! Set "
                                      "canonical input or use |= operator.");
    }
    SECTION("frozen model") {
        Add add;
        CHECK_THROWS_WITH(add |= Relu(), "Model is frozen and can not be extended!");
    }
    SECTION("re-extension of a child") {
        Model m;
        Relu r;
        m |= r;
        Model other;
        CHECK_THROWS_WITH(other |= r, "Child model could not be re-extended!");
    }
    SECTION("extending a submodel") {
        Model inner;
        inner |= Relu();
        Model outer;
        outer |= inner;
        CHECK_THROWS_WITH(inner |= Sigmoid(), Catch::Contains("can not be extended"));
    }
    SECTION("submodel name clash") {
        Model m;
        Relu a, b;
        a.set_name("act");
        b.set_name("act");
        m |= a;
        CHECK_THROWS_WITH(m |= b, "Model already has a submodel named act.");
    }
    SECTION("multi-write") {
        Model m;
        m |= Buffer().connect({{"input", "a"}, {"output", "out"}});
        CHECK_THROWS_WITH(m |= Buffer().connect({{"input", "b"}, {"output", "out"}}),
                          "Given connections are both output connections. Multi-write error!");
    }
    SECTION("cycle, three models") {
        Model m;
        m |= Relu().connect({{"input", "input1"}, {"output", "output"}});
        m |= Relu().connect({{"input", "output"}, {"output", "output1"}});
        CHECK_THROWS_WITH(m |= Relu().connect({{"input", "output1"}, {"output", "input1"}}),
                          "There exists a cyclic subgraph between input1 key and ['output1'] key(s)!");
    }
    SECTION("cycle, two models") {
        Model m;
        m |= Sigmoid().connect({{"input", "my_input"}, {"output", "output"}});
        CHECK_THROWS_WITH(m |= Sigmoid().connect({{"input", "output"}, {"output", "my_input"}}),
                          "There exists a cyclic subgraph between my_input key and ['output'] key(s)!");
        CHECK(m.submodels().size() == 1);
    }
    SECTION("unknown child key") {
        Model m;
        CHECK_THROWS_AS(m |= Relu().connect({{"inputt", "x"}}), KeyError);
    }
}

TEST_CASE("IOKey checks of spec §1.5", "[logical][errors]") {
    SECTION("scalar value with a shape") {
        Model m;
        CHECK_THROWS_WITH(
            m |= Add().connect({{"left", IOKey{.name = "x", .value = 3, .shape = ShapeTemplate{2, 3}}}}),
            "Scalar values are shapeless, shape should be None or []. Got [2, 3].");
    }
    SECTION("type and value disagree") {
        Model m;
        CHECK_THROWS_WITH(m |= Add().connect({{"left", IOKey{.name = "x", .value = 3, .type = Type::tensor_float()}}}),
                          Catch::StartsWith("type of the given value and given type does not match"));
    }
    SECTION("differentiable forces Tensor[float]") {
        Model m;
        m |= Add().connect({{"left", IOKey{.name = "w", .differentiable = true}}, {"right", "b"}});
        CHECK(m["w"].type() == Type::tensor_float());
        CHECK(m["w"].differentiable() == true);
    }
    SECTION("value reset") {
        Model m;
        m |= Add().connect({{"left", IOKey{.name = "x", .value = 3}}, {"right", "y"}});
        CHECK_THROWS_WITH(m["x"].set_value(4), "Value is set before as 3. A value can not be reset.");
    }
}

TEST_CASE("literal values become latent inputs", "[logical]") {
    Model m;
    m |= Add().connect({{"left", "x"}, {"right", 2.0}, {"output", "y"}});
    CHECK(m.input_keys() == std::vector<std::string>{"x"});
    CHECK(m.key_kind("$1") == KeyKind::LatentInput);
    CHECK(m.key_kind("y") == KeyKind::LatentOutput);
}

TEST_CASE("freezing exposes canonical outputs and names submodels", "[logical]") {
    Model inner;
    inner |= Relu().connect({{"input", "input"}, {"output", "hidden"}});
    inner += Relu().connect({{"output", "out"}});
    CHECK(inner.output_keys().empty());
    Model outer;
    outer |= inner.connect({{"input", "x"}});
    CHECK(inner.is_frozen());
    CHECK(inner.output_keys() == std::vector<std::string>{"out"});
    CHECK(outer.summary().find("Relu_0") == std::string::npos);  // outer shows "Model"
    CHECK(inner.summary().find("Relu_1") != std::string::npos);
}

TEST_CASE("expose_keys renames and exposes outputs", "[logical]") {
    Model m;
    m |= Relu().connect({{"input", "x"}, {"output", "y"}});
    m |= Sigmoid().connect({{"input", "y"}, {"output", "z"}});
    m.expose_keys({"y"}, {{"result", "z"}});
    auto outs = m.output_keys();
    CHECK(std::find(outs.begin(), outs.end(), "y") != outs.end());
    CHECK(std::find(outs.begin(), outs.end(), "result") != outs.end());
}

TEST_CASE("merge_connections and rename_key", "[logical]") {
    Model m;
    m |= Add().connect({{"left", "a"}, {"right", "b"}, {"output", "c"}});
    m.merge_connections({"a", "b"}, "ab");
    CHECK(m.input_keys() == std::vector<std::string>{"ab"});
    m.set_shapes({{"ab", {2, 3}}});
    CHECK_MODEL_SHAPES(m, {{"c", {2, 3}}});
    m.rename_key("c", "sum");
    CHECK(m.has_key("sum"));
    CHECK_FALSE(m.has_key("c"));
}

TEST_CASE("nested model four levels deep resolves shapes", "[logical][nesting]") {
    auto wrap = [](Model child) {
        Model m;
        m |= child.connect({{"input", "input"}, {"output", "output"}});
        m.expose_keys({"output"});
        return m;
    };
    Model level1;
    level1 |= Relu().connect({{"input", "input"}, {"output", "output"}});
    Model level4 = wrap(wrap(wrap(level1)));
    level4.set_shapes({{"input", {8, V("V"), 3}}});
    CHECK_MODEL_SHAPES(level4, {{"output", {8, V("V"), 3}}});
    level4.set_shapes({{"input", {8, 2, 3}}});
    CHECK_MODEL_SHAPES(level4, {{"output", {8, 2, 3}}});
    CHECK_MODEL_SHAPES(level1, {{"output", {8, 2, 3}}});
}

TEST_CASE("shape conflicts across a connection raise", "[logical][errors]") {
    Model m;
    m |= Relu().connect({{"input", IOKey{.name = "x", .shape = ShapeTemplate{2, 3}}}, {"output", "y"}});
    CHECK_THROWS_WITH(m.set_shapes({{"y", {2, 3, 4}}}),
                      "Determined shape representations should have same length.");
    CHECK_THROWS_WITH(m.set_shapes({{"y", {2, 4}}}), "Possible values mismatch!");
}

TEST_CASE("connection algebra builds operators lazily", "[logical][algebra]") {
    Model m;
    m |= Buffer().connect({{"input", IOKey{.name = "x", .shape = ShapeTemplate{4, 5}}}, {"output", "bx"}});
    auto y = (m["bx"] * 2.0 + m["bx"]).sum(1);
    CHECK(m.submodels().size() == 1);  // nothing added yet
    m |= Buffer().connect({{"input", y}, {"output", IOKey{.name = "out"}}});
    CHECK(m.submodels().size() == 5);  // multiply, add, sum pulled in, then the buffer
    CHECK_MODEL_SHAPES(m, {{"out", {4}}});
}

TEST_CASE("shape() values propagate through algebra", "[logical][algebra]") {
    Model m;
    m |= Buffer().connect({{"input", IOKey{.name = "x", .shape = ShapeTemplate{6, 4}}}, {"output", "y"}});
    auto shp = m["y"].shape();
    CHECK(shp.value() == Value{6, 4});
}

TEST_CASE("functional API and Model::create", "[logical][functional]") {
    auto h = Relu()({{"input", IOKey{.name = "input"}}});
    auto out = Sigmoid()({{"input", h}});
    Model m = Model::create({}, {{"output", out}}, "mlp");
    CHECK(m.name() == "mlp");
    CHECK(m.is_frozen());
    CHECK(m.input_keys() == std::vector<std::string>{"input"});
    CHECK(m.output_keys() == std::vector<std::string>{"output"});
    CHECK(m.submodels().size() == 2);
}

TEST_CASE("type inference flows through a model in both directions", "[logical][types]") {
    Model m;
    m |= Add().connect({{"left", "a"}, {"right", "b"}, {"output", "c"}});
    m.set_types({{"a", Type::tensor_float()}});
    CHECK(m["c"].type() == Type::tensor_float());
    Model n;
    n |= Greater().connect({{"left", "a"}, {"right", "b"}, {"output", "c"}});
    CHECK(n["c"].type().contains(Type::tensor_bool()));
    CHECK_FALSE(n["c"].type().intersects(Type::tensor_float()));
}

TEST_CASE("M6: Flatten shapes, numeric and symbolic", "[logical][spec-M6]") {
    struct Row {
        int start, end;
        ShapeTemplate input, output;
    };
    std::vector<Row> rows = {
        {1, -1, {10, 5, 20, 30}, {10, 3000}},  {1, -1, {None, 5, 20, 30}, {None, 3000}},
        {1, -1, {8, None, 20, 30}, {8, None}}, {1, -1, {8, 3, None, None}, {8, None}},
        {3, -1, {8, 3, 2, 4, 5}, {8, 3, 2, 20}}, {3, -1, {8, 3, None, 4, 5}, {8, 3, None, 20}},
        {0, -1, {8, 3, 2}, {48}},
    };
    for (const auto& r : rows) {
        Flatten f(r.start, r.end);
        f.set_shapes({{"input", r.input}});
        CHECK_MODEL_SHAPES(f, {{"output", r.output}});
    }
    Flatten symbolic(1, -1);
    CHECK_MODEL_SHAPES(symbolic, {{"input", {"u1", "u3", V("V1")}}, {"output", {"u1", "u2"}}});
}

TEST_CASE("M11: SwapAxes(3, 1) without shapes", "[logical][spec-M11]") {
    SwapAxes s(3, 1);
    CHECK_MODEL_SHAPES(s, {{"input", {"u1", "u4", "u3", "u2", V("V1")}},
                           {"output", {"u1", "u2", "u3", "u4", V("V1")}}});
}

TEST_CASE("bind_state_keys makes both ends latent", "[logical]") {
    Model m;
    m |= Add().connect({{"left", "state_in"}, {"right", "x"}, {"output", "state_out"}});
    m |= Relu().connect({{"input", "state_out"}, {"output", "y"}});
    m.expose_keys({"state_out", "y"});
    m.bind_state_keys("state_in", "state_out", 0.0);
    CHECK(m.input_keys() == std::vector<std::string>{"x"});
    CHECK(m.output_keys() == std::vector<std::string>{"y"});
    CHECK(m.key_kind("state_in") == KeyKind::LatentInput);
    CHECK_THROWS_AS(m.bind_state_keys("state_in", "y", 0.0), KeyError);  // already bound
}

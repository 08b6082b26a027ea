// test_constraints_layout.cpp — shape constraint functions of the reduce,
// layout, sliding-window and creation families, called directly on template
// shapes as Mithril's tests/scripts/test_constraints.py does (spec §3.6 cases
// C6, E4, E5, E6, and M6/M11 at the constraint level). Each case checks the
// final shapes (up to renaming), the status flag, and that a second run
// changes nothing (idempotency: the solver must reach a fixpoint).
#include <catch2/catch.hpp>

#include <set>

#include "constraint_harness.hpp"
#include "constraints/families.hpp"
#include "mithril/errors.hpp"

using namespace mithril;
using namespace mithril::constraints;
using mithril::testing::EdgePtr;
using mithril::testing::run_fn;
using mithril::testing::tensor_edge;
using mithril::testing::value_edge;

namespace {

using Expect = std::vector<std::pair<EdgePtr, ShapeTemplate>>;

void check_shapes(const Expect& cases) {
    std::string why;
    bool ok = mithril::testing::shapes_match(cases, &why);
    INFO(why);
    CHECK(ok);
}

// A second run on the solved state must record no update.
bool settled(const ConstraintFn& fn, const std::vector<EdgePtr>& edges) {
    EdgeUpdates u;
    run_constraint_once("again", fn, edges, u);
    return u.empty();
}

// A list edge whose items are the given tensor edges (Concat's input, Split's output).
EdgePtr list_edge(std::vector<EdgePtr> items) {
    auto e = Edge::make(Type(Type::ListT));
    e->elements = std::move(items);
    e->elements_known = true;
    return e;
}

Variadic V(const char* n) { return Variadic(n); }

}  // namespace

// ---- reduce -----------------------------------------------------------------------------

TEST_CASE("reduce: forward with a tuple axis (spec C6)", "[constraints][spec-C6]") {
    SymbolTable t;
    auto out = tensor_edge({"a", "b"}, t), in = tensor_edge({3, 4, 5, 6}, t);
    std::vector<EdgePtr> e{out, in, value_edge(Value{1, 3}), value_edge(false)};
    CHECK(run_fn(reduce_constraints, e));
    check_shapes({{out, {3, 5}}, {in, {3, 4, 5, 6}}});
    CHECK(settled(reduce_constraints, e));
}

TEST_CASE("reduce: forward variants", "[constraints]") {
    SymbolTable t;
    SECTION("int axis") {
        auto out = tensor_edge({"a", "b"}, t), in = tensor_edge({3, 4, 5}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(1), value_edge(false)}));
        check_shapes({{out, {3, 5}}});
    }
    SECTION("negative axis into a variadic output") {
        auto out = tensor_edge({"x", V("V1"), "y"}, t), in = tensor_edge({3, 4, 5, 6}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(Value{-1, 1}), value_edge(false)}));
        check_shapes({{out, {3, 5}}});
    }
    SECTION("keepdim with positive and negative axes") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3, 4, 5, 6, 7}, t);
        std::vector<EdgePtr> e{out, in, value_edge(Value{1, 2, -2, -3}), value_edge(true)};
        CHECK(run_fn(reduce_constraints, e));
        check_shapes({{out, {1, 1, 1, 4, 1, 1, 7}}});
        CHECK(settled(reduce_constraints, e));
    }
    SECTION("axis None, keepdim True") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(None), value_edge(true)}));
        check_shapes({{out, {1, 1, 1}}});
    }
    SECTION("axis None, keepdim False gives a scalar") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({"a", V("W")}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(None), value_edge(false)}));
        check_shapes({{out, {}}});
    }
    SECTION("keepdim unknown: nothing to infer") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3}, t);
        auto kd = value_edge(Value::tbd(), Type::scalar_bool());
        EdgeUpdates u;
        CHECK_FALSE(run_fn(reduce_constraints, {out, in, value_edge(None), kd}, &u));
        CHECK(u.empty());
        check_shapes({{out, {V("V")}}});
    }
}

TEST_CASE("reduce: variadic shapes", "[constraints]") {
    SymbolTable t;
    SECTION("axis -1 on [(V...), a] gives [(V...)]") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({V("V"), "a"}, t);
        std::vector<EdgePtr> e{out, in, value_edge(-1), value_edge(false)};
        CHECK(run_fn(reduce_constraints, e));
        check_shapes({{out, {V("V")}}, {in, {V("V"), "a"}}});
        CHECK(settled(reduce_constraints, e));
    }
    SECTION("axis 0 with keepdim on [a, (V...)]") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({"a", V("V")}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(0), value_edge(true)}));
        check_shapes({{out, {1, V("V")}}, {in, {"a", V("V")}}});
    }
    SECTION("axis -1 with keepdim on an unknown-rank input") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({V("V")}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(-1), value_edge(true)}));
        check_shapes({{out, {V("V"), 1}}, {in, {V("V"), "a"}}});
    }
    SECTION("axes (1, -3, -4): minimum input rank 6, output tied to the input") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, in, value_edge(Value{1, -3, -4}), value_edge(false)};
        CHECK(run_fn(reduce_constraints, e));
        check_shapes(
            {{out, {"a", V("V"), "e", "f"}}, {in, {"a", "b", V("V"), "c", "d", "e", "f"}}});
        CHECK(settled(reduce_constraints, e));
    }
    SECTION("axes (2, -2): dims near the variadic stay unknown") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, in, value_edge(Value{2, -2}), value_edge(false)};
        CHECK_FALSE(run_fn(reduce_constraints, e));
        check_shapes({{out, {"a", V("X")}}, {in, {"a", "b", "c", V("V")}}});
        CHECK(settled(reduce_constraints, e));
    }
}

TEST_CASE("reduce: backward from a known output rank", "[constraints]") {
    SymbolTable t;
    SECTION("axis 1 between known ranks") {
        auto out = tensor_edge({3, 4, 5}, t), in = tensor_edge({"a", "b", "c", "d"}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(1), value_edge(false)}));
        check_shapes({{in, {3, "b", 4, 5}}});
    }
    SECTION("axes (-2, 2)") {
        auto out = tensor_edge({3, 4, 5}, t), in = tensor_edge({"a", "b", "c", "d", "e"}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(Value{-2, 2}), value_edge(false)}));
        check_shapes({{in, {3, 4, "c", "d", 5}}});
    }
    SECTION("variadic input gets one dim per axis") {
        auto out = tensor_edge({"u1", "u2", "u3", "u4"}, t), in = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, in, value_edge(Value{1, -2}), value_edge(false)};
        CHECK(run_fn(reduce_constraints, e));
        check_shapes({{out, {"u1", "u2", "u3", "u4"}}, {in, {"u1", "a", "u2", "u3", "b", "u4"}}});
        CHECK(settled(reduce_constraints, e));
    }
    SECTION("keepdim: output dims at the axes become 1") {
        auto out = tensor_edge({4, "x", "y", 7}, t), in = tensor_edge({V("V")}, t);
        CHECK(run_fn(reduce_constraints, {out, in, value_edge(Value{1, -2}), value_edge(true)}));
        check_shapes({{out, {4, 1, 1, 7}}, {in, {4, "a", "b", 7}}});
    }
    SECTION("keepdim with a non-1 output dim at an axis") {
        auto out = tensor_edge({4, 2, 1, 7}, t), in = tensor_edge({V("V")}, t);
        CHECK_THROWS_WITH(
            run_fn(reduce_constraints, {out, in, value_edge(Value{1, -2}), value_edge(true)}),
            "Possible values mismatch!");
    }
}

TEST_CASE("reduce: errors (spec E5, E6)", "[constraints][spec-E5][spec-E6]") {
    SymbolTable t;
    SECTION("E5: duplicate axis after normalisation") {
        auto out = tensor_edge({}, t), in = tensor_edge({3, 4}, t);
        CHECK_THROWS_AS(
            run_fn(reduce_constraints, {out, in, value_edge(Value{-1, 1}), value_edge(false)}),
            ValueError);
        CHECK_THROWS_WITH(
            run_fn(reduce_constraints, {out, in, value_edge(Value{-1, 1}), value_edge(false)}),
            "Dim 1 appears multiple times in the reduce axes");
    }
    SECTION("E6: output rank") {
        auto out = tensor_edge({"a", "b", "c"}, t), in = tensor_edge({3, 4, 5}, t);
        CHECK_THROWS_WITH(
            run_fn(reduce_constraints, {out, in, value_edge(1), value_edge(false)}),
            Catch::StartsWith("Shape mismatch, output rank = 3. Output rank must be exactly 2 "
                              "where input rank = 3 and axis = 1."));
    }
    SECTION("minimum input rank") {
        auto out = tensor_edge({V("W")}, t), in = tensor_edge({3, 4}, t);
        CHECK_THROWS_WITH(run_fn(reduce_constraints, {out, in, value_edge(2), value_edge(false)}),
                          "Input rank is 2. Minimum rank 3 input is required for axis = 2.");
    }
    SECTION("keepdim keeps the rank") {
        auto out = tensor_edge({"a"}, t), in = tensor_edge({3, 4}, t);
        CHECK_THROWS_WITH(
            run_fn(reduce_constraints, {out, in, value_edge(1), value_edge(true)}),
            Catch::Contains("must have same length when keepdim is True in reduce model"));
    }
}

// ---- reshape ------------------------------------------------------------------------------

TEST_CASE("reshape: forward, -1 and backward", "[constraints]") {
    SymbolTable t;
    SECTION("(-1,) flattens (M7)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({10, 5, 20, 30}, t);
        std::vector<EdgePtr> e{out, in, value_edge(Value::tuple({-1}))};
        CHECK(run_fn(reshape_constraints, e));
        check_shapes({{out, {30000}}});
        CHECK(settled(reshape_constraints, e));
    }
    SECTION("(1, -1) with an unknown input: symbolic output (M7)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W")}, t);
        CHECK_FALSE(run_fn(reshape_constraints, {out, in, value_edge(Value{1, -1})}));
        check_shapes({{out, {1, "u1"}}});
    }
    SECTION("one unknown input dim is inferred") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, "a", 4}, t);
        CHECK(run_fn(reshape_constraints, {out, in, value_edge(Value{8, 3})}));
        check_shapes({{in, {2, 3, 4}}, {out, {8, 3}}});
    }
    SECTION("shape unknown, both sides known and consistent") {
        auto out = tensor_edge({6, 4}, t), in = tensor_edge({2, 3, 4}, t);
        CHECK(run_fn(reshape_constraints, {out, in, value_edge(Value::tbd(), Type(Type::TupleT))}));
    }
    SECTION("shape unknown: a known output gives the shape value") {
        auto out = tensor_edge({1, 2, 3}, t), in = tensor_edge({V("V")}, t);
        auto shape = value_edge(Value::tbd(), Type(Type::TupleT));
        CHECK_FALSE(run_fn(reshape_constraints, {out, in, shape}));
        CHECK(resolve(shape)->value == Value{1, 2, 3});
    }
    SECTION("shape unknown, incompatible known sides") {
        auto out = tensor_edge({2, 2}, t), in = tensor_edge({1, 2, 3, 4}, t);
        CHECK_THROWS_WITH(
            run_fn(reshape_constraints, {out, in, value_edge(Value::tbd(), Type(Type::TupleT))}),
            "Shape mismatch! output (2, 2) and input (1, 2, 3, 4) have incompatible shapes");
    }
}

TEST_CASE("reshape: errors (spec E4)", "[constraints][spec-E4]") {
    SymbolTable t;
    SECTION("E4") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3, 4}, t);
        CHECK_THROWS_AS(run_fn(reshape_constraints, {out, in, value_edge(Value{2, 5})}),
                        ValueError);
        CHECK_THROWS_WITH(run_fn(reshape_constraints, {out, in, value_edge(Value{2, 5})}),
                          "Input (1, 2, 3, 4) can not be reshaped to (2, 5)");
    }
    SECTION("-1 that does not divide") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, 3}, t);
        CHECK_THROWS_WITH(run_fn(reshape_constraints, {out, in, value_edge(Value{4, -1})}),
                          "Input (2, 3) can not be reshaped to (4, -1)");
    }
    SECTION("output has too many dims") {
        auto out = tensor_edge({"a", V("V"), "b", "c"}, t), in = tensor_edge({2, 3}, t);
        CHECK_THROWS_WITH(
            run_fn(reshape_constraints, {out, in, value_edge(Value{6, 1})}),
            "Shape mismatch! Output has mimimum 3 dim(s) while reshaped one has 2 dim(s).");
    }
}

// ---- flatten ------------------------------------------------------------------------------

TEST_CASE("flatten: numeric cases (M6)", "[constraints]") {
    SymbolTable t;
    struct C {
        int64_t s, e;
        ShapeTemplate in, out;
        bool status;
    };
    auto cases = GENERATE(values<C>({
        {1, -1, {10, 5, 20, 30}, {10, 3000}, true},
        {1, -1, {"n", 5, 20, 30}, {"n", 3000}, true},
        {1, -1, {8, "n", 20, 30}, {8, "m"}, false},
        {1, -1, {8, 3, "n", "m"}, {8, "k"}, false},
        {3, -1, {8, 3, 2, 4, 5}, {8, 3, 2, 20}, true},
        {3, -1, {8, 3, "n", 4, 5}, {8, 3, "n", 20}, true},
        {0, -1, {8, 3, 2}, {48}, true},
    }));
    auto out = tensor_edge({V("V")}, t), in = tensor_edge(cases.in, t);
    std::vector<EdgePtr> e{out, in, value_edge(cases.s), value_edge(cases.e)};
    CHECK(run_fn(flatten_constraints, e) == cases.status);
    check_shapes({{in, cases.in}, {out, cases.out}});
    CHECK(settled(flatten_constraints, e));
}

TEST_CASE("flatten: symbolic and backward", "[constraints]") {
    SymbolTable t;
    SECTION("Flatten(1, -1) without shapes (M6)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W")}, t);
        std::vector<EdgePtr> e{out, in, value_edge(1), value_edge(-1)};
        CHECK_FALSE(run_fn(flatten_constraints, e));
        check_shapes({{in, {"u1", "u3", V("V1")}}, {out, {"u1", "u2"}}});
        CHECK(settled(flatten_constraints, e));
    }
    SECTION("Flatten(1, 2) keeps the variadic tail") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W")}, t);
        CHECK_FALSE(run_fn(flatten_constraints, {out, in, value_edge(1), value_edge(2)}));
        check_shapes({{in, {"a", "b", "c", V("X")}}, {out, {"a", "d", V("X")}}});
    }
    SECTION("Flatten(1, -1) on a suffix-only variadic input still fixes the output rank") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W"), "a", "b"}, t);
        std::vector<EdgePtr> e{out, in, value_edge(1), value_edge(-1)};
        CHECK_FALSE(run_fn(flatten_constraints, e));
        check_shapes({{in, {V("W"), "a", "b"}}, {out, {"x", "y"}}});
        CHECK(settled(flatten_constraints, e));
    }
    SECTION("flattened dim known: the single unknown input dim follows") {
        auto out = tensor_edge({8, 12}, t), in = tensor_edge({8, "a", 4}, t);
        CHECK(run_fn(flatten_constraints, {out, in, value_edge(1), value_edge(-1)}));
        check_shapes({{in, {8, 3, 4}}});
    }
    SECTION("start after end") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, 3, 4}, t);
        CHECK_THROWS_WITH(run_fn(flatten_constraints, {out, in, value_edge(2), value_edge(1)}),
                          "Start_dim cannot be greater or equal to end dim!");
    }
}

// ---- squeeze ------------------------------------------------------------------------------

TEST_CASE("squeeze", "[constraints]") {
    SymbolTable t;
    SECTION("known input") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 3, 1, 4}, t);
        std::vector<EdgePtr> e{out, in};
        CHECK(run_fn(squeeze_constraints, e));
        check_shapes({{out, {3, 4}}});
        CHECK(settled(squeeze_constraints, e));
    }
    SECTION("variadic input keeps its known non-1 ends") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, V("W"), 1, 5}, t);
        CHECK_FALSE(run_fn(squeeze_constraints, {out, in}));
        check_shapes({{out, {2, V("X"), 5}}});
    }
    SECTION("an output dim of 1 is an error") {
        auto out = tensor_edge({2, 1}, t), in = tensor_edge({V("W")}, t);
        CHECK_THROWS_WITH(run_fn(squeeze_constraints, {out, in}),
                          "Squeeze output shape can not have any dimensionality as 1, got output "
                          "shape as [2, 1]");
    }
}

// ---- swapaxes -----------------------------------------------------------------------------

TEST_CASE("swapaxes", "[constraints]") {
    SymbolTable t;
    SECTION("SwapAxes(3, 1) without shapes (M11)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W")}, t);
        std::vector<EdgePtr> e{out, in, value_edge(3), value_edge(1)};
        CHECK(run_fn(swap_axes_constraints, e));
        check_shapes(
            {{in, {"u1", "u4", "u3", "u2", V("V1")}}, {out, {"u1", "u2", "u3", "u4", V("V1")}}});
        CHECK(settled(swap_axes_constraints, e));
    }
    SECTION("known input") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, 3, 4}, t);
        CHECK(run_fn(swap_axes_constraints, {out, in, value_edge(0), value_edge(-1)}));
        check_shapes({{out, {4, 3, 2}}});
    }
    SECTION("backward from a known output") {
        auto out = tensor_edge({2, 3, 4}, t), in = tensor_edge({V("W")}, t);
        CHECK(run_fn(swap_axes_constraints, {out, in, value_edge(1), value_edge(2)}));
        check_shapes({{in, {2, 4, 3}}});
    }
    SECTION("negative axes on variadic shapes") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W")}, t);
        CHECK(run_fn(swap_axes_constraints, {out, in, value_edge(-1), value_edge(-2)}));
        check_shapes({{in, {V("X"), "a", "b"}}, {out, {V("X"), "b", "a"}}});
    }
    SECTION("axis out of bounds") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, 3}, t);
        CHECK_THROWS_WITH(run_fn(swap_axes_constraints, {out, in, value_edge(0), value_edge(2)}),
                          Catch::StartsWith("axis2 exceeds the shape bounds in swapaxes model"));
    }
}

// ---- transpose ----------------------------------------------------------------------------

TEST_CASE("transpose (reverse_constraints)", "[constraints]") {
    SymbolTable t;
    SECTION("axes None reverses (M7)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({3, 4, 5}, t);
        std::vector<EdgePtr> e{out, in, value_edge(None)};
        CHECK(run_fn(reverse_constraints, e));
        check_shapes({{out, {5, 4, 3}}});
        CHECK(settled(reverse_constraints, e));
    }
    SECTION("axes None backward") {
        auto out = tensor_edge({3, "a"}, t), in = tensor_edge({V("W")}, t);
        CHECK(run_fn(reverse_constraints, {out, in, value_edge(None)}));
        check_shapes({{in, {"a", 3}}, {out, {3, "a"}}});
    }
    SECTION("axes None on variadic shapes swaps the known ends") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({"a", V("W"), "b", "c"}, t);
        CHECK_FALSE(run_fn(reverse_constraints, {out, in, value_edge(None)}));
        check_shapes({{out, {"c", "b", V("X"), "a"}}});
    }
    SECTION("explicit permutation") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({"a", "b", "c"}, t);
        CHECK(run_fn(reverse_constraints, {out, in, value_edge(Value{1, 0, 2})}));
        check_shapes({{out, {"b", "a", "c"}}, {in, {"a", "b", "c"}}});
    }
    SECTION("rank mismatch") {
        auto out = tensor_edge({"a", "b"}, t), in = tensor_edge({1, 2, 3}, t);
        CHECK_THROWS_WITH(run_fn(reverse_constraints, {out, in, value_edge(None)}),
                          "Shape mismatch in Transpose model");
    }
}

// ---- concat -------------------------------------------------------------------------------

TEST_CASE("concat", "[constraints]") {
    SymbolTable t;
    SECTION("axis 0 forward") {
        auto a = tensor_edge({2, 3}, t), b = tensor_edge({4, "x"}, t),
             out = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, list_edge({a, b}), value_edge(0)};
        CHECK(run_fn(concat_constraints, e));
        check_shapes({{out, {6, 3}}, {b, {4, 3}}});
        CHECK(settled(concat_constraints, e));
    }
    SECTION("negative axis backward: the one unknown input size") {
        auto a = tensor_edge({3, 4}, t), b = tensor_edge({V("W")}, t),
             out = tensor_edge({3, 10}, t);
        CHECK(run_fn(concat_constraints, {out, list_edge({a, b}), value_edge(-1)}));
        check_shapes({{b, {3, 6}}});
    }
    SECTION("shared variadic: the missing size along the axis") {
        auto a = tensor_edge({V("V"), 9, "u"}, t), b = tensor_edge({V("V"), 2, "u"}, t);
        auto d = tensor_edge({V("V"), "x", "u"}, t), out = tensor_edge({V("V"), 12, "u"}, t);
        std::vector<EdgePtr> e{out, list_edge({a, b, d}), value_edge(-2)};
        CHECK(run_fn(concat_constraints, e));
        check_shapes({{d, {V("V"), 1, "u"}}, {out, {V("V"), 12, "u"}}});
        CHECK(settled(concat_constraints, e));
    }
    SECTION("axis None: the single unknown input dim") {
        auto a = tensor_edge({2, 3, 4}, t), b = tensor_edge({6, 7, 8, 9}, t);
        auto d = tensor_edge({2, 1, "u", 2, 3, 4}, t), out = tensor_edge({3096}, t);
        CHECK(run_fn(concat_constraints, {out, list_edge({a, b, d}), value_edge(None)}));
        check_shapes({{d, {2, 1, 1, 2, 3, 4}}});
    }
    SECTION("axis None flattens every input") {
        auto a = tensor_edge({2, 3}, t), b = tensor_edge({4}, t), out = tensor_edge({V("V")}, t);
        CHECK(run_fn(concat_constraints, {out, list_edge({a, b}), value_edge(None)}));
        check_shapes({{out, {10}}});
    }
    SECTION("variadic shapes share everything but the axis") {
        auto a = tensor_edge({V("A")}, t), b = tensor_edge({V("B")}, t),
             out = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, list_edge({a, b}), value_edge(-1)};
        CHECK_FALSE(run_fn(concat_constraints, e));
        check_shapes({{a, {V("X"), "p"}}, {b, {V("X"), "q"}}, {out, {V("X"), "r"}}});
        CHECK(settled(concat_constraints, e));
    }
}

// ---- pad --------------------------------------------------------------------------------------

TEST_CASE("pad", "[constraints]") {
    SymbolTable t;
    Value pw{Value{0, 1}, Value{2, 3}, Value{5, 0}, Value{9, 12}};
    SECTION("forward") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3, 4}, t);
        std::vector<EdgePtr> e{out, in, value_edge(pw)};
        CHECK(run_fn(pad_constraints, e));
        check_shapes({{out, {2, 7, 8, 25}}});
        CHECK(settled(pad_constraints, e));
    }
    SECTION("backward") {
        auto out = tensor_edge({2, 7, 8, 25}, t), in = tensor_edge({V("V")}, t);
        CHECK(run_fn(pad_constraints, {out, in, value_edge(pw)}));
        check_shapes({{in, {1, 2, 3, 4}}});
    }
    SECTION("partly unknown") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({"a", 2, 3, 4}, t);
        CHECK_FALSE(run_fn(pad_constraints, {out, in, value_edge(pw)}));
        check_shapes({{out, {"b", 7, 8, 25}}});
    }
    SECTION("mismatch") {
        auto out = tensor_edge({2, 7, 8, 25}, t), in = tensor_edge({1, 2, 3, 5}, t);
        CHECK_THROWS_WITH(run_fn(pad_constraints, {out, in, value_edge(pw)}),
                          "Shape mismatch for pad. Input shape = 5, pad value = (9, 12), output "
                          "shape = 25");
    }
    SECTION("pad width unknown") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({"a", 2}, t);
        EdgeUpdates u;
        CHECK_FALSE(
            run_fn(pad_constraints, {out, in, value_edge(Value::tbd(), Type(Type::TupleT))}, &u));
        CHECK(u.empty());
    }
}

// ---- broadcast_to, where ---------------------------------------------------------------------

TEST_CASE("broadcast_to", "[constraints]") {
    SymbolTable t;
    SECTION("forward") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({4, 1}, t);
        std::vector<EdgePtr> e{out, value_edge(Value{3, 4, 5}), in};
        CHECK(run_fn(broadcast_to_constraints, e));
        check_shapes({{out, {3, 4, 5}}});
        CHECK(settled(broadcast_to_constraints, e));
    }
    SECTION("mismatch (spec E3)") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({7, 8, 9}, t);
        CHECK_THROWS_WITH(run_fn(broadcast_to_constraints, {out, value_edge(Value{3, 4, 5}), in}),
                          "Shape mismatch in broadcast_to model");
    }
    SECTION("lower dimension") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 2, 3, 4}, t);
        CHECK_THROWS_WITH(run_fn(broadcast_to_constraints, {out, value_edge(Value{3, 4}), in}),
                          "Cannot broadcast to lower dimension");
    }
    SECTION("output with too many dims") {
        auto out = tensor_edge({"a", "b", V("V"), "c"}, t), in = tensor_edge({1}, t);
        CHECK_THROWS_WITH(
            run_fn(broadcast_to_constraints, {out, value_edge(Value{3, 4}), in}),
            "Shape mismatch. Output has minimum 3 dim(s) where it must have exactly 2 dim(s).");
    }
}

TEST_CASE("where broadcasts its three inputs", "[constraints]") {
    SymbolTable t;
    SECTION("known ranks") {
        auto out = tensor_edge({V("V")}, t), cond = tensor_edge({3, 1}, t);
        auto a = tensor_edge({1, 4}, t), b = tensor_edge({}, t);
        std::vector<EdgePtr> e{out, cond, a, b};
        CHECK(run_fn(where_constraints, e));
        check_shapes({{out, {3, 4}}});
        CHECK(settled(where_constraints, e));
    }
    SECTION("a shared unknown dim") {
        auto out = tensor_edge({V("V")}, t), cond = tensor_edge({2, "a"}, t);
        auto a = tensor_edge({"a"}, t), b = tensor_edge({1}, t);
        CHECK(run_fn(where_constraints, {out, cond, a, b}));
        check_shapes({{out, {2, "a"}}, {cond, {2, "a"}}});
    }
    SECTION("variadic input: trailing values still flow") {
        auto out = tensor_edge({V("V")}, t), cond = tensor_edge({V("C"), 5}, t);
        auto a = tensor_edge({1}, t), b = tensor_edge({1, 1}, t);
        CHECK_FALSE(run_fn(where_constraints, {out, cond, a, b}));
        check_shapes({{out, {V("X"), "x", 5}}});
    }
    SECTION("unknown inputs next to a known dim may only be 1 or that dim") {
        auto out = tensor_edge({V("V")}, t), cond = tensor_edge({"c"}, t);
        auto a = tensor_edge({5}, t), b = tensor_edge({"b"}, t);
        std::vector<EdgePtr> e{out, cond, a, b};
        CHECK_FALSE(run_fn(where_constraints, e));
        check_shapes({{out, {5}}});
        auto dims = resolve(cond)->shape->primary().dims();
        REQUIRE(dims[0].possible() != nullptr);
        CHECK(*dims[0].possible() == std::set<int64_t>{1, 5});
        CHECK(settled(where_constraints, e));
    }
    SECTION("inconsistent inputs") {
        auto out = tensor_edge({V("V")}, t), cond = tensor_edge({3}, t);
        auto a = tensor_edge({4}, t), b = tensor_edge({1}, t);
        CHECK_THROWS_WITH(run_fn(where_constraints, {out, cond, a, b}),
                          "Inputs shape mismatch at dimension 0. Shapes are inconsistent.");
    }
}

// ---- polynomial_features, atleast_1d, split ---------------------------------------------------

TEST_CASE("polynomial_features", "[constraints]") {
    SymbolTable t;
    SECTION("forward: C(3 + 2, 2) - 1 = 9 terms") {
        auto out = tensor_edge({"n", "d"}, t), in = tensor_edge({"n", 3}, t);
        CHECK(run_fn(polynomial_features_constraints, {out, in, value_edge(2)}));
        check_shapes({{out, {"n", 9}}});
    }
    SECTION("backward") {
        auto out = tensor_edge({"n", 9}, t), in = tensor_edge({"n", "d"}, t);
        CHECK(run_fn(polynomial_features_constraints, {out, in, value_edge(2)}));
        check_shapes({{in, {"n", 3}}});
    }
}

TEST_CASE("atleast_1d", "[constraints]") {
    SymbolTable t;
    SECTION("scalar becomes [1]") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({}, t);
        CHECK(run_fn(atleast_1d_constraints, {out, in}));
        check_shapes({{out, {1}}});
    }
    SECTION("rank >= 1 passes through, variadic included") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({V("W"), "a"}, t);
        std::vector<EdgePtr> e{out, in};
        CHECK(run_fn(atleast_1d_constraints, e));
        check_shapes({{out, {V("W"), "a"}}, {in, {V("W"), "a"}}});
        CHECK(settled(atleast_1d_constraints, e));
    }
    SECTION("backward from a rank-2 output") {
        auto out = tensor_edge({2, 3}, t), in = tensor_edge({V("W")}, t);
        CHECK(run_fn(atleast_1d_constraints, {out, in}));
        check_shapes({{in, {2, 3}}});
    }
    SECTION("output [1]: input may be [] or [1]") {
        auto out = tensor_edge({1}, t), in = tensor_edge({V("W")}, t);
        CHECK_FALSE(run_fn(atleast_1d_constraints, {out, in}));
        check_shapes({{in, {V("W")}}});
    }
}

TEST_CASE("split into a list of equal parts", "[constraints]") {
    SymbolTable t;
    auto p0 = tensor_edge({V("A")}, t), p1 = tensor_edge({V("B")}, t);
    auto in = tensor_edge({4, 6}, t);
    std::vector<EdgePtr> e{list_edge({p0, p1}), in, value_edge(2), value_edge(1)};
    CHECK(run_fn(split_constraints, e));
    check_shapes({{p0, {4, 3}}, {p1, {4, 3}}});
    CHECK(settled(split_constraints, e));
    auto odd = tensor_edge({4, 5}, t);
    CHECK_THROWS_AS(
        run_fn(split_constraints, {list_edge({tensor_edge({V("C")}, t), tensor_edge({V("D")}, t)}),
                                   odd, value_edge(2), value_edge(1)}),
        ValueError);
}

// ---- sliding windows --------------------------------------------------------------------------

TEST_CASE("conv and pool output sizes", "[constraints]") {
    SymbolTable t;
    SECTION("conv2d, padding 1, kernel 3 keeps 64x64 (M9's layer)") {
        auto pad = GENERATE(Value(1), Value{1, 1}, Value{Value{1, 1}, Value{1, 1}});
        auto out = tensor_edge({"n", 64, "h", "w"}, t), in = tensor_edge({8, 3, 64, 64}, t);
        auto w = tensor_edge({64, 3, 3, 3}, t);
        std::vector<EdgePtr> e{
            out, in, value_edge(Value{1, 1}), value_edge(pad), value_edge(Value{1, 1}), w};
        CHECK(run_fn(conv_2d_constraints, e));
        check_shapes({{out, {"n", 64, 64, 64}}});
        CHECK(settled(conv_2d_constraints, e));
    }
    SECTION("output [n, C, (V...)]: the spatial dims go to an alternative repr") {
        auto out = tensor_edge({"n", 64, V("V")}, t), in = tensor_edge({8, 3, 32, 16}, t);
        auto w = tensor_edge({64, 3, 3, 3}, t);
        std::vector<EdgePtr> e{
            out, in, value_edge(Value{1, 1}), value_edge(Value{0, 0}), value_edge(Value{1, 1}), w};
        CHECK(run_fn(conv_2d_constraints, e));
        CHECK(settled(conv_2d_constraints, e));
        const auto& reprs = resolve(out)->shape->reprs;
        REQUIRE(reprs.size() == 2);
        SymbolNamer namer;
        CHECK(namer.repr_tokens(reprs[1]) == std::vector<std::string>{"(V1, ...)", "30", "14"});
    }
    SECTION("conv2d with asymmetric padding and stride") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 1, 10, 9}, t);
        auto w = tensor_edge({"o", 1, 3, 2}, t);
        Value pad{Value{0, 1}, Value{2, 0}};
        CHECK(run_fn(conv_2d_constraints, {out, in, value_edge(Value{2, 3}), value_edge(pad),
                                           value_edge(Value{1, 1}), w}));
        check_shapes({{out, {V("X"), 5, 4}}});  // (10+1-3)//2+1 = 5, (9+2-2)//3+1 = 4
    }
    SECTION("padding still unknown: nothing yet") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({8, 3, 64, 64}, t);
        auto w = tensor_edge({64, 3, 3, 3}, t);
        EdgeUpdates u;
        CHECK_FALSE(
            run_fn(conv_2d_constraints,
                   {out, in, value_edge(Value{1, 1}), value_edge(Value::tbd(), Type(Type::TupleT)),
                    value_edge(Value{1, 1}), w},
                   &u));
        CHECK(u.empty());
    }
    SECTION("conv1d with dilation") {
        auto out = tensor_edge({"n", "c", "l"}, t), in = tensor_edge({"n", 2, 20}, t);
        auto w = tensor_edge({"c", 2, 3}, t);
        CHECK(run_fn(conv_1d_constraints,
                     {out, in, value_edge(1), value_edge(Value{0, 0}), value_edge(2), w}));
        check_shapes({{out, {"n", "c", 16}}});
    }
    SECTION("pool1d and pool2d") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({2, 9}, t);
        CHECK(run_fn(pool_1d_constraints,
                     {out, in, value_edge(3), value_edge(None), value_edge(0), value_edge(1)}));
        check_shapes({{out, {V("X"), 3}}});
        auto out2 = tensor_edge({V("W")}, t), in2 = tensor_edge({1, 3, 32, 31}, t);
        CHECK(run_fn(pool_2d_constraints, {out2, in2, value_edge(2), value_edge(Value{2, 2}),
                                           value_edge(Value{0, 0}), value_edge(Value{1, 1})}));
        check_shapes({{out2, {V("Y"), 16, 15}}});
    }
    SECTION("window larger than the padded input") {
        auto out = tensor_edge({V("V")}, t), in = tensor_edge({1, 1, 2, 2}, t);
        auto w = tensor_edge({1, 1, 5, 5}, t);
        CHECK_THROWS_WITH(
            run_fn(conv_2d_constraints, {out, in, value_edge(Value{1, 1}), value_edge(Value{0, 0}),
                                         value_edge(Value{1, 1}), w}),
            "Dimension Error: Output dimension calculated to be lesser than zero!");
    }
}

// ---- creation ---------------------------------------------------------------------------------

TEST_CASE("arange", "[constraints]") {
    SymbolTable t;
    struct C {
        Value start, stop, step;
        int64_t len;
    };
    auto c = GENERATE(values<C>({{1, 5, 1, 4},
                                 {1, 5, 2, 2},
                                 {1, 5, 1.1, 4},
                                 {-1, -5, -1.1, 4},
                                 {5, 1, -1.1, 4},
                                 {5.2, 1.34, -0.9, 5}}));
    auto out = tensor_edge({"a"}, t);
    std::vector<EdgePtr> e{out, value_edge(c.start), value_edge(c.stop), value_edge(c.step)};
    CHECK(run_fn(arange_constraints, e));
    check_shapes({{out, {c.len}}});
    CHECK(settled(arange_constraints, e));
}

TEST_CASE("arange: empty range and errors", "[constraints]") {
    SymbolTable t;
    SECTION("empty range gives a rank-0 output") {
        auto out = tensor_edge({V("V")}, t);
        CHECK(run_fn(arange_constraints, {out, value_edge(1), value_edge(1), value_edge(1)}));
        check_shapes({{out, {}}});
    }
    SECTION("step unknown") {
        auto out = tensor_edge({5}, t);
        CHECK_FALSE(run_fn(arange_constraints, {out, value_edge(5.2), value_edge(1.34),
                                                value_edge(Value::tbd(), Type::scalar_number())}));
    }
    SECTION("messages") {
        auto out = tensor_edge({"a"}, t);
        CHECK_THROWS_WITH(
            run_fn(arange_constraints, {out, value_edge(4), value_edge(1), value_edge(0.9)}),
            "Start number (4) can not be higher than stop number (1) while step = 0.9");
        CHECK_THROWS_WITH(
            run_fn(arange_constraints, {out, value_edge(1), value_edge(5), value_edge(-0.9)}),
            "Start number (1) can not be lower than stop number (5) while step = -0.9");
        auto two = tensor_edge({"a", "b"}, t);
        CHECK_THROWS_WITH(
            run_fn(arange_constraints, {two, value_edge(1), value_edge(5), value_edge(2)}),
            "Arange output shape can only have 1 dim in this setting. Got 2 dim(s) here.");
        auto many = tensor_edge({"a", V("V"), "b"}, t);
        CHECK_THROWS_WITH(
            run_fn(arange_constraints, {many, value_edge(1), value_edge(5), value_edge(2)}),
            "Shape mismatch. Output has at least 2 dim(s) where it can have at most 1 dim.");
    }
}

TEST_CASE("eye and randn", "[constraints]") {
    SymbolTable t;
    SECTION("eye(3): M None means square") {
        auto out = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{out, value_edge(3), value_edge(None)};
        CHECK(run_fn(eye_constraints, e));
        check_shapes({{out, {3, 3}}});
        CHECK(settled(eye_constraints, e));
    }
    SECTION("eye backward: N and M from the output shape") {
        auto out = tensor_edge({4, 5}, t);
        auto n = value_edge(Value::tbd(), Type::scalar_int()),
             m = value_edge(Value::tbd(), Type::scalar_int());
        CHECK(run_fn(eye_constraints, {out, n, m}));
        CHECK(resolve(n)->value == Value(4));
        CHECK(resolve(m)->value == Value(5));
    }
    SECTION("randn from a tuple or an int") {
        auto out = tensor_edge({V("V")}, t);
        CHECK(run_fn(randn_constraints, {out, value_edge(Value{2, 3})}));
        check_shapes({{out, {2, 3}}});
        auto one = tensor_edge({"a", V("W")}, t);
        CHECK(run_fn(randn_constraints, {one, value_edge(5)}));
        check_shapes({{one, {5}}});
        auto bad = tensor_edge({"a", "b", V("W")}, t);
        CHECK_THROWS_WITH(
            run_fn(randn_constraints, {bad, value_edge(Value{2})}),
            "Shape mismatch. Output has minimum 2 dim(s) where it must have exactly 1 dim(s).");
    }
}

TEST_CASE("cross_entropy target shape", "[constraints]") {
    SymbolTable t;
    SECTION("categorical (M10)") {
        auto in = tensor_edge({8, 10}, t), target = tensor_edge({V("V")}, t);
        std::vector<EdgePtr> e{value_edge(true), in, target};
        CHECK(run_fn(cross_entropy_constraint, e));
        check_shapes({{target, {8}}});
        CHECK(settled(cross_entropy_constraint, e));
    }
    SECTION("categorical backward with extra dims") {
        auto in = tensor_edge({V("V")}, t), target = tensor_edge({8, 5}, t);
        CHECK(run_fn(cross_entropy_constraint, {value_edge(true), in, target}));
        check_shapes({{in, {8, "c", 5}}});
    }
    SECTION("categorical symbolic") {
        auto in = tensor_edge({V("V")}, t), target = tensor_edge({V("W")}, t);
        CHECK(run_fn(cross_entropy_constraint, {value_edge(true), in, target}));
        check_shapes({{in, {"n", "c", V("X")}}, {target, {"n", V("X")}}});
    }
    SECTION("not categorical: same shape") {
        auto in = tensor_edge({8, 10}, t), target = tensor_edge({V("V")}, t);
        CHECK(run_fn(cross_entropy_constraint, {value_edge(false), in, target}));
        check_shapes({{target, {8, 10}}});
    }
    SECTION("categorical unknown") {
        auto in = tensor_edge({8, 10}, t), target = tensor_edge({V("V")}, t);
        CHECK_FALSE(run_fn(cross_entropy_constraint,
                           {value_edge(Value::tbd(), Type::scalar_bool()), in, target}));
    }
}

// ---- in the solver ------------------------------------------------------------------------------

TEST_CASE("layout constraints reach a fixpoint in the solver", "[constraints]") {
    SymbolTable t;
    auto x = tensor_edge({V("X")}, t), y = tensor_edge({V("Y")}, t);
    auto z = tensor_edge({V("Z")}, t), r = tensor_edge({V("R")}, t);
    Solver s;
    s.add(std::make_shared<Constraint>("swap", swap_axes_constraints,
                                       std::vector<EdgePtr>{y, x, value_edge(3), value_edge(1)}));
    s.add(std::make_shared<Constraint>("transpose", reverse_constraints,
                                       std::vector<EdgePtr>{z, y, value_edge(None)}));
    s.add(std::make_shared<Constraint>(
        "reduce", reduce_constraints,
        std::vector<EdgePtr>{r, z, value_edge(Value{0, -1}), value_edge(false)}));
    s.solve_all();
    check_shapes({{x, {"a", "b", "c", "d", V("V")}}, {y, {"a", "d", "c", "b", V("V")}}});
    EdgeUpdates u;
    set_edge_shape(*resolve(x), ShapeRepr({Dim(2), Dim(3), Dim(4), Dim(5), Dim(6)}), u);
    s.solve(u);
    check_shapes({{y, {2, 5, 4, 3, 6}}, {z, {6, 3, 4, 5, 2}}, {r, {3, 4, 5}}});
    CHECK(s.unsolved_count() == 0);
}

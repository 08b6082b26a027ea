// Broadcast constraints on template shapes: spec §3.6 cases C1-C5, E1, E2
// plus symbolic and backward cases of our own.
#include <catch2/catch.hpp>

#include "constraint_harness.hpp"

using namespace mithril;
using namespace mithril::testing;
using constraints::SymbolTable;
using V = Variadic;

namespace {
struct Case {
    SymbolTable table;
    EdgePtr output, left, right;
    Case(const ShapeTemplate& o, const ShapeTemplate& l, const ShapeTemplate& r)
        : output(tensor_edge(o, table)), left(tensor_edge(l, table)), right(tensor_edge(r, table)) {}
    bool run(const constraints::ConstraintFn& fn) { return run_fn(fn, {output, left, right}); }
};
#define CHECK_SHAPES(...)                               \
    do {                                                \
        std::string why;                                \
        bool ok = shapes_match({__VA_ARGS__}, &why);    \
        INFO(why);                                      \
        CHECK(ok);                                      \
    } while (0)
}  // namespace

TEST_CASE("bcast forward: known ranks", "[constraints][spec-C1]") {
    Case c({"x", V("Var3"), "z"}, {1, 1, 4, 1}, {1, 3});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.output, {1, 1, 4, 3}});
}

TEST_CASE("bcast backward: same variadic on both inputs", "[constraints][spec-C2]") {
    Case c({3, 4, 5, 6}, {V("Var1")}, {V("Var1")});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.left, {3, 4, 5, 6}}, {c.right, {3, 4, 5, 6}});
}

TEST_CASE("bcast backward: scalar output makes scalar inputs", "[constraints][spec-C3]") {
    Case c({}, {V("Var1")}, {V("Var2")});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.left, {}}, {c.right, {}});
}

TEST_CASE("bcast forward and backward", "[constraints][spec-C4]") {
    Case c({3, "c", 5}, {"a", 1, "b"}, {1, 4, 1});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.output, {3, 4, 5}}, {c.left, {3, 1, 5}}, {c.right, {1, 4, 1}});
}

TEST_CASE("bcast_matrix_mult keeps possible values", "[constraints][spec-C5]") {
    Case c({V("out"), "b", "d"}, {"x", 2, "z", "a", "b", "c"}, {V("right"), 3, "c", "d"});
    CHECK_FALSE(c.run(constraints::bcast_matrix_mult));
    CHECK_SHAPES({c.output, {V("out"), "k", 2, "l", 3, "b", "d"}},
                 {c.left, {"x", 2, "z", "a", "b", "c"}},
                 {c.right, {V("right"), 3, "c", "d"}});
    const auto* a = c.table.dims.at("a").possible();
    REQUIRE(a != nullptr);
    CHECK(*a == std::set<int64_t>{1, 3});
}

TEST_CASE("bcast error: inconsistent dims", "[constraints][spec-E1][errors]") {
    Case c({V("Var3"), "x", "z"}, {4, 3}, {3, 3});
    CHECK_THROWS_WITH(c.run(constraints::bcast),
                      "Inputs shape mismatch at dimension 0. Shapes are inconsistent.");
}

TEST_CASE("bcast error: possible values mismatch", "[constraints][spec-E2][errors]") {
    Case c({3, 4, 5}, {"a", 3, "b"}, {1, "c", 5});
    CHECK_THROWS_WITH(c.run(constraints::bcast), "Possible values mismatch!");
}

TEST_CASE("bcast: variadic inputs keep a variadic output", "[constraints]") {
    Case c({V("O")}, {2, 1, V("V1")}, {2, 1, V("V2")});
    CHECK_FALSE(c.run(constraints::bcast));
    CHECK_SHAPES({c.output, {2, "u", V("W")}});
}

TEST_CASE("bcast: a known dim > 1 restricts the other side", "[constraints]") {
    Case c({V("O")}, {"a"}, {5});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.output, {5}});
    CHECK(*c.table.dims.at("a").possible() == std::set<int64_t>{1, 5});
}

TEST_CASE("bcast: output 1 forces both inputs to 1", "[constraints]") {
    Case c({1}, {"a"}, {"b"});
    CHECK(c.run(constraints::bcast));
    CHECK_SHAPES({c.left, {1}}, {c.right, {1}});
}

TEST_CASE("bcast: shorter known operand fixes the rank of the other", "[constraints]") {
    Case c({4, 5, 6}, {5, 6}, {V("R")});
    c.run(constraints::bcast);
    CHECK_SHAPES({c.right, {4, "p", "q"}});
}

TEST_CASE("bcast_error_check validates resolved shapes", "[constraints][errors]") {
    SECTION("consistent") {
        Case c({3, 4}, {3, 1}, {4});
        CHECK(c.run(constraints::bcast_error_check));
    }
    SECTION("inconsistent output") {
        Case c({3, 5}, {3, 1}, {4});
        CHECK_THROWS_WITH(c.run(constraints::bcast_error_check),
                          Catch::Contains("Shape mismatch for broadcast. Dimensionalities for the "
                                          "corresponding shape index are left: 1, right: 4, output: 5"));
    }
}

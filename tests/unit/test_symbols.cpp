// Symbols and edges: uniadic possible values, variadic binding, repr
// unification, liveness-based update recording, and the solver-level error
// messages of spec §3.5 / §3.4.
#include <catch2/catch.hpp>

#include "constraint_harness.hpp"
#include "mithril/model.hpp"
#include "mithril/primitives.hpp"

using namespace mithril;
using namespace mithril::constraints;
using V = Variadic;

TEST_CASE("uniadics intersect possible values on unification", "[constraints][symbols]") {
    Updates u;
    Dim a = Dim::with_possible({1, 3, 5});
    Dim b = Dim::with_possible({3, 5, 7});
    unify(a, b, u);
    REQUIRE(a.possible() != nullptr);
    CHECK(*a.possible() == std::set<int64_t>{3, 5});
    CHECK(a.same(b));
    restrict_dim(b, {5, 9}, u);
    CHECK(a.value() == 5);
    CHECK_THROWS_WITH(set_dim_value(a, 4, u), "Possible values mismatch!");
    CHECK_THROWS_WITH(Dim::with_possible({}), "Possible value set could not be empty!");
}

TEST_CASE("valued uniadics compare by value", "[constraints][symbols]") {
    CHECK(Dim(4).same(Dim(4)));
    CHECK_FALSE(Dim(4).same(Dim(5)));
    CHECK_FALSE(Dim().same(Dim()));
}

TEST_CASE("binding a variadic rewrites every repr holding it", "[constraints][symbols]") {
    Updates u;
    SymbolTable t;
    ShapeRepr r1 = repr_from_template({"a", V("V")}, t);
    ShapeRepr r2 = repr_from_template({V("V"), 7}, t);
    ShapeRepr known = repr_from_template({2, 3, 4}, t);
    ShapeNode n(r1);
    match_into(n, known, u);
    r2.normalize();
    REQUIRE_FALSE(r2.has_root());
    CHECK(r2.values() == std::vector<int64_t>{3, 4, 7});
    CHECK(t.dims.at("a").value() == 2);
}

TEST_CASE("repr unification errors", "[constraints][symbols][errors]") {
    Updates u;
    SymbolTable t;
    SECTION("rank mismatch of known reprs") {
        ShapeRepr a = repr_from_template({1, 2}, t), b = repr_from_template({1, 2, 3}, t);
        CHECK_THROWS_WITH(match_reprs(a, b, u), "Determined shape representations should have same length.");
    }
    SECTION("minimum rank") {
        ShapeRepr a = repr_from_template({V("V"), "x", "y", "z"}, t), b = repr_from_template({1, 2}, t);
        CHECK_THROWS_WITH(match_reprs(a, b, u), "Requires minimum of 3 dimensionality, got 2.");
    }
    SECTION("a variadic can not contain itself") {
        ShapeRepr a = repr_from_template({"x", V("V")}, t), b = repr_from_template({V("V")}, t);
        CHECK_THROWS_WITH(match_reprs(a, b, u), "Incompatible possible values for Variadic!");
    }
    SECTION("two variadics in one template") {
        CHECK_THROWS_AS(repr_from_template({V("A"), V("B")}, t), ValueError);
    }
}

TEST_CASE("crossed variadic reprs stay alternatives until decided", "[constraints][symbols]") {
    Updates u;
    SymbolTable t;
    ShapeNode n(repr_from_template({"x", V("A")}, t));
    match_into(n, repr_from_template({V("B"), "y"}, t), u);
    CHECK(n.reprs.size() == 2);
    match_into(n, repr_from_template({5, 6, 7}, t), u);
    CHECK(n.reprs.size() == 1);
    CHECK(t.dims.at("x").value() == 5);
    CHECK(t.dims.at("y").value() == 7);
}

TEST_CASE("fresh symbols matched into a node announce nothing", "[constraints][symbols]") {
    SymbolTable t;
    ShapeNode n(repr_from_template({V("V"), 3}, t));
    Updates first;
    match_into(n, ShapeRepr({}, Var(), {Dim()}), first);
    CHECK(first.empty());  // [(W), u] says nothing [(V), 3] did not
    Updates second;
    match_into(n, ShapeRepr({Dim(4)}, Var(), {Dim()}), second);
    CHECK_FALSE(second.empty());  // a known leading 4 is news
}

TEST_CASE("symbol names in printouts", "[constraints][symbols]") {
    SymbolTable t;
    SymbolNamer namer;
    ShapeRepr r = repr_from_template({"a", V("V"), 3, "a"}, t);
    CHECK(namer.repr_tokens(r) == std::vector<std::string>{"u1", "(V1, ...)", "3", "u1"});
    CHECK(namer.repr_string(repr_from_template({"b", "a"}, t)) == "[u2, u1]");
}

TEST_CASE("edge merge errors", "[logical][errors]") {
    SECTION("types of connections are not consistent") {
        Model m;
        m |= Add().connect({{"left", IOKey{.name = "x", .type = Type::scalar_int()}}, {"right", "y"}});
        CHECK_THROWS_WITH(m |= Relu().connect({{"input", "x"}}),
                          "Types of connections are not consistent. Check connection types!");
    }
    SECTION("differentiability mismatch") {
        Model inner;
        inner |= Relu().connect({{"input", "x"}, {"output", "y"}});
        inner.set_differentiability({{"x", false}});
        Model m;
        CHECK_THROWS_WITH(m |= inner.connect({{"x", IOKey{.name = "x", .differentiable = true}}}),
                          "Differentiability mismatch!");
    }
    SECTION("set_differentiability overrides the flag") {
        Model m;
        m |= Relu().connect({{"input", IOKey{.name = "x", .differentiable = true}}});
        m.set_differentiability({{"x", false}});
        CHECK(m["x"].differentiable() == false);
    }
    SECTION("acceptable types") {
        Model m;
        m |= Relu().connect({{"input", "x"}});
        CHECK_THROWS_WITH(m.set_types({{"x", Type::scalar_int()}}),
                          Catch::StartsWith("Acceptable types are mithril.framework.common.Tensor["));
    }
}

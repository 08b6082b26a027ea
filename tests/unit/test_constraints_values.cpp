// test_constraints_values.cpp — value-propagation, indexing and scalar-forward constraints
// called directly on template shapes (as Mithril's test_constraints.py does): Shape, Size,
// Length, Item, ToTensor, TensorToList, ToList/ToTuple, Union, Buffer, the padding / stride /
// tuple converters, Dtype, Cast, Slice, Indexer (spec case M8) and general_forward_constraint,
// forward and backward, with their error messages.
#include <catch2/catch.hpp>

#include "constraint_harness.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

using namespace mithril;
using constraints::Edge;
using constraints::SymbolTable;
using testing::EdgePtr;
using testing::run_fn;
using testing::shapes_match;
using testing::tensor_edge;
using testing::value_edge;

namespace {

const Value& val(const EdgePtr& e) { return constraints::resolve(e)->value; }
Type type_of(const EdgePtr& e) { return constraints::resolve(e)->type; }
EdgePtr untyped() { return Edge::make(); }

#define CHECK_SHAPES(...)                                                                          \
    do {                                                                                           \
        std::string why;                                                                           \
        bool ok = shapes_match({__VA_ARGS__}, &why);                                               \
        INFO(why);                                                                                 \
        CHECK(ok);                                                                                 \
    } while (0)

Value tup(std::vector<Value> v) { return Value::tuple(std::move(v)); }
const Slice kAll{std::nullopt, std::nullopt, std::nullopt};

}  // namespace

// ---- Shape / Size / Length / Item ---------------------------------------------------------

TEST_CASE("shape_constraints: forward and backward", "[constraints]") {
    SymbolTable t;
    SECTION("known input gives the tuple") {
        auto in = tensor_edge({3, 4, 5}, t);
        auto out = untyped();
        CHECK(run_fn(constraints::shape_constraints, {out, in}));
        CHECK(val(out) == tup({3, 4, 5}));
    }
    SECTION("partially known input: nothing yet") {
        auto in = tensor_edge({"a", 4}, t);
        auto out = untyped();
        CHECK_FALSE(run_fn(constraints::shape_constraints, {out, in}));
        CHECK(val(out).is_tbd());
    }
    SECTION("known tuple sets the input shape") {
        auto in = tensor_edge({Variadic("V")}, t);
        auto out = value_edge(tup({2, 3}));
        CHECK(run_fn(constraints::shape_constraints, {out, in}));
        CHECK_SHAPES({in, {2, 3}});
    }
    SECTION("rank mismatch is an error") {
        auto in = tensor_edge({"a", 3}, t);
        auto out = value_edge(tup({2, 3, 4}));
        CHECK_THROWS_AS(run_fn(constraints::shape_constraints, {out, in}), ValueError);
    }
}

TEST_CASE("size_constraints: None, int and tuple dims", "[constraints]") {
    SymbolTable t;
    using constraints::size_constraints;
    SECTION("dim None is the number of elements") {
        auto in = tensor_edge({3, 4}, t);
        auto out = untyped();
        CHECK(run_fn(size_constraints, {out, in, value_edge(None)}));
        CHECK(val(out) == Value(12));
    }
    SECTION("dim None backward with one unknown dim") {
        auto in = tensor_edge({3, "a"}, t);
        CHECK(run_fn(size_constraints, {value_edge(12), in, value_edge(None)}));
        CHECK_SHAPES({in, {3, 4}});
    }
    SECTION("int dim and negative dim on a variadic input") {
        auto in = tensor_edge({3, 4, 5}, t);
        auto out = untyped();
        CHECK(run_fn(size_constraints, {out, in, value_edge(1)}));
        CHECK(val(out) == Value(4));
        auto in2 = tensor_edge({Variadic("V"), 7}, t);
        auto out2 = untyped();
        CHECK(run_fn(size_constraints, {out2, in2, value_edge(-1)}));
        CHECK(val(out2) == Value(7));
    }
    SECTION("tuple dims give a tuple") {
        auto in = tensor_edge({3, 4, 5}, t);
        auto out = untyped();
        CHECK(run_fn(size_constraints, {out, in, value_edge(tup({0, -1}))}));
        CHECK(val(out) == tup({3, 5}));
    }
    SECTION("backward extends a variadic input") {
        auto in = tensor_edge({Variadic("V")}, t);
        CHECK(run_fn(size_constraints, {value_edge(6), in, value_edge(1)}));
        CHECK_SHAPES({in, {"a", 6, Variadic("W")}});
        auto in2 = tensor_edge({Variadic("V2")}, t);
        CHECK(run_fn(size_constraints, {value_edge(5), in2, value_edge(-1)}));
        CHECK_SHAPES({in2, {Variadic("W"), 5}});
    }
    SECTION("dim beyond the rank") {
        auto in = tensor_edge({3, 4}, t);
        CHECK_THROWS_WITH(run_fn(size_constraints, {untyped(), in, value_edge(3)}),
                          Catch::Contains("Input has dimensionality of 2. Should be at least 4"));
    }
    SECTION("unknown dim: waits") {
        auto in = tensor_edge({3, "a"}, t);
        CHECK_FALSE(run_fn(size_constraints, {untyped(), in, value_edge(1)}));
    }
    SECTION("dim not exposed by a variadic input: waits without guessing") {
        auto in = tensor_edge({"a", Variadic("V"), "b"}, t);
        auto out = value_edge(4);
        constraints::EdgeUpdates u;
        CHECK_FALSE(run_fn(size_constraints, {out, in, value_edge(2)}, &u));
        CHECK(u.empty());
        CHECK_SHAPES({in, {"a", Variadic("V"), "b"}});
    }
}

TEST_CASE("length_constraints: first dim or sequence length", "[constraints]") {
    SymbolTable t;
    auto in = tensor_edge({5, 3}, t);
    auto out = untyped();
    CHECK(run_fn(constraints::length_constraints, {out, in}));
    CHECK(val(out) == Value(5));

    auto in2 = tensor_edge({Variadic("V")}, t);
    CHECK(run_fn(constraints::length_constraints, {value_edge(4), in2}));
    CHECK_SHAPES({in2, {4, Variadic("W")}});

    auto out3 = untyped();
    CHECK(run_fn(constraints::length_constraints, {out3, value_edge(tup({1, 2, 3}))}));
    CHECK(val(out3) == Value(3));
}

TEST_CASE("item_constraints: every dim is 1", "[constraints]") {
    SymbolTable t;
    SECTION("unknown dims become 1") {
        auto in = tensor_edge({1, "a", 1}, t);
        CHECK(run_fn(constraints::item_constraints, {untyped(), in}));
        CHECK_SHAPES({in, {1, 1, 1}});
    }
    SECTION("variadic input stays open") {
        auto in = tensor_edge({"a", Variadic("V")}, t);
        CHECK_FALSE(run_fn(constraints::item_constraints, {untyped(), in}));
        CHECK_SHAPES({in, {1, Variadic("V")}});
    }
    SECTION("error") {
        auto in = tensor_edge({1, 2, 1}, t);
        CHECK_THROWS_AS(run_fn(constraints::item_constraints, {untyped(), in}), ValueError);
        CHECK_THROWS_WITH(
            run_fn(constraints::item_constraints, {untyped(), in}),
            "Only tensors with 1 elements can be converted to scalar, got input shape "
            "as [1, 2, 1]");
    }
    SECTION("valued tensor gives the scalar") {
        auto in = value_edge(Value(Tensor({{2.5}})));
        auto out = untyped();
        CHECK(run_fn(constraints::item_constraints, {out, in}));
        CHECK(val(out) == Value(2.5));
    }
}

// ---- ToTensor / TensorToList ---------------------------------------------------------------

TEST_CASE("to_tensor_constraints: shape and type from the literal", "[constraints]") {
    SymbolTable t;
    SECTION("nested int list") {
        auto out = tensor_edge({Variadic("V")}, t);
        CHECK(run_fn(
            constraints::to_tensor_constraints,
            {out, value_edge(Value::list({Value::list({1, 2, 3}), Value::list({4, 5, 6})}))}));
        CHECK_SHAPES({out, {2, 3}});
        CHECK(type_of(out) == Type::tensor_int());
    }
    SECTION("mixed list is float; scalar is rank 0") {
        auto out = tensor_edge({Variadic("V")}, t);
        CHECK(run_fn(constraints::to_tensor_constraints, {out, value_edge(Value::list({1, 2.0}))}));
        CHECK(type_of(out) == Type::tensor_float());
        auto out2 = tensor_edge({Variadic("V2")}, t);
        CHECK(run_fn(constraints::to_tensor_constraints, {out2, value_edge(true)}));
        CHECK_SHAPES({out2, {}});
        CHECK(type_of(out2) == Type::tensor_bool());
    }
    SECTION("errors") {
        auto out = tensor_edge({2}, t);
        CHECK_THROWS_WITH(run_fn(constraints::to_tensor_constraints,
                                 {out, value_edge(Value::list({Value::list({1, 2})}))}),
                          "Shape dimensions does not match");
        auto out2 = tensor_edge({3}, t);
        CHECK_THROWS_WITH(
            run_fn(constraints::to_tensor_constraints, {out2, value_edge(Value::list({1, 2}))}),
            "Shape representations does not match");
        auto out3 = tensor_edge({Variadic("V")}, t);
        CHECK_THROWS_AS(run_fn(constraints::to_tensor_constraints,
                               {out3, value_edge(Value::list({Value::list({1, 2}), 3}))}),
                        ValueError);
    }
}

TEST_CASE("tensor_to_list_constraints: both directions", "[constraints]") {
    SymbolTable t;
    auto in = tensor_edge({Variadic("V")}, t);
    CHECK(run_fn(constraints::tensor_to_list_constraints,
                 {value_edge(Value::list({Value::list({1, 2}), Value::list({3, 4})})), in}));
    CHECK_SHAPES({in, {2, 2}});

    auto out = untyped();
    CHECK(run_fn(constraints::tensor_to_list_constraints,
                 {out, value_edge(Value(Tensor({{1, 2}, {3, 4}})))}));
    CHECK(val(out).repr() == "[[1, 2], [3, 4]]");
}

// ---- containers / buffer -------------------------------------------------------------------

TEST_CASE("to_list / to_tuple / union constraints", "[constraints]") {
    SECTION("forward values and item edges") {
        auto a = value_edge(1), b = untyped();
        auto out = Edge::make(Type(Type::TupleT));
        CHECK_FALSE(run_fn(constraints::to_tuple_constraints, {out, a, b}));
        CHECK(constraints::resolve(out)->elements_known);
        REQUIRE(constraints::resolve(out)->elements.size() == 2);
        CHECK(constraints::resolve(out)->elements[1].get() == b.get());
        constraints::EdgeUpdates u;
        constraints::set_edge_value(*b, Value(2.5), u);
        CHECK(run_fn(constraints::to_tuple_constraints, {out, a, b}));
        CHECK(val(out) == tup({1, 2.5}));
    }
    SECTION("list forward, backward") {
        auto out = untyped();
        CHECK(run_fn(constraints::to_list_constraints, {out, value_edge(1), value_edge(2)}));
        CHECK(val(out) == Value::list({1, 2}));
        auto a = untyped(), b = untyped();
        CHECK(run_fn(constraints::to_list_constraints, {value_edge(Value::list({3, 4})), a, b}));
        CHECK(val(a) == Value(3));
        CHECK(val(b) == Value(4));
    }
    SECTION("union concatenates") {
        auto out = untyped();
        CHECK(run_fn(constraints::union_constraints,
                     {out, value_edge(1), value_edge(tup({2, 3})), value_edge(4.5)}));
        CHECK(val(out) == tup({1, 2, 3, 4.5}));
    }
}

TEST_CASE("buffer_constraint: output is the input", "[constraints]") {
    SymbolTable t;
    auto out = untyped();
    CHECK(run_fn(constraints::buffer_constraint, {out, value_edge(3)}));
    CHECK(val(out) == Value(3));

    auto in = tensor_edge({3, "a"}, t, Type::tensor_float());
    auto o2 = tensor_edge({"b", 4}, t);
    CHECK_FALSE(run_fn(constraints::buffer_constraint, {o2, in}));
    CHECK_SHAPES({in, {3, 4}}, {o2, {3, 4}});
    CHECK(type_of(o2) == Type::tensor_float());
}

// ---- converters ----------------------------------------------------------------------------

TEST_CASE("padding / stride / tuple converters", "[constraints]") {
    using constraints::padding_1d_constraint;
    using constraints::padding_2d_constraint;
    auto run1 = [](const Value& p, const Value& k) {
        auto out = untyped();
        bool s = run_fn(padding_1d_constraint, {out, value_edge(p), value_edge(k)});
        return std::make_pair(s, val(out));
    };
    auto run2 = [](const Value& p, const Value& k) {
        auto out = untyped();
        bool s = run_fn(padding_2d_constraint, {out, value_edge(p), value_edge(k)});
        return std::make_pair(s, val(out));
    };
    CHECK(run1("same", 3).second == tup({1, 1}));
    CHECK(run1("valid", 4).second == tup({0, 0}));
    CHECK(run1(2, Value()).second == tup({2, 2}));
    CHECK(run1(tup({1, 2}), Value()).second == tup({1, 2}));
    CHECK_FALSE(run1("same", Value()).first);
    CHECK_THROWS_AS(run1("same", 4), RuntimeError);
    CHECK_THROWS_WITH(run1("same", 4),
                      "'same' padding is not supported when the kernel size is even!");

    CHECK(run2("same", tup({3, 5})).second == tup({tup({1, 1}), tup({2, 2})}));
    CHECK(run2("same", 3).second == tup({tup({1, 1}), tup({1, 1})}));
    CHECK(run2(1, Value()).second == tup({1, 1}));
    CHECK(run2(tup({1, tup({2, 3})}), Value()).second == tup({tup({1, 1}), tup({2, 3})}));
    CHECK_THROWS_WITH(run2("same", tup({3, 2})),
                      "'same' padding is not supported when the kernel size is even!");

    auto s1 = untyped();
    CHECK(run_fn(constraints::stride_constraint, {s1, value_edge(None), value_edge(tup({3, 3}))}));
    CHECK(val(s1) == tup({3, 3}));
    auto s2 = untyped();
    CHECK(run_fn(constraints::stride_constraint, {s2, value_edge(2), untyped()}));
    CHECK(val(s2) == Value(2));
    CHECK_FALSE(run_fn(constraints::stride_constraint, {untyped(), value_edge(None), untyped()}));

    auto t1 = untyped();
    CHECK(run_fn(constraints::tuple_converter_constraint, {t1, value_edge(3)}));
    CHECK(val(t1) == tup({3, 3}));
    auto t2 = untyped();
    CHECK(run_fn(constraints::tuple_converter_constraint, {t2, value_edge(tup({1, 2}))}));
    CHECK(val(t2) == tup({1, 2}));
}

TEST_CASE("dtype_constraints and cast_constraints", "[constraints]") {
    SymbolTable t;
    auto out = untyped();
    CHECK(run_fn(constraints::dtype_constraints, {out, value_edge(Value(Tensor({1.0, 2.0})))}));
    CHECK(val(out) == Value(Dtype::float64));
    auto in = tensor_edge({Variadic("V")}, t);
    CHECK(run_fn(constraints::dtype_constraints, {value_edge(Dtype::int32), in}));
    CHECK(type_of(in) == Type::tensor_int());

    auto cin = tensor_edge({3, "a"}, t, Type::tensor_int());
    auto cout = tensor_edge({"b", 5}, t);
    CHECK(run_fn(constraints::cast_constraints, {cout, cin, value_edge(Dtype::float32)}));
    CHECK(type_of(cout) == Type::tensor_float());
    CHECK_SHAPES({cin, {3, 5}}, {cout, {3, 5}});
}

// ---- Slice / Indexer -------------------------------------------------------------------------

TEST_CASE("slice_constraints: both directions", "[constraints]") {
    auto out = untyped();
    CHECK(run_fn(constraints::slice_constraints,
                 {out, value_edge(1), value_edge(None), value_edge(None)}));
    CHECK(val(out) == Value(Slice{1, std::nullopt, std::nullopt}));
    auto a = untyped(), b = untyped(), c = untyped();
    CHECK(run_fn(constraints::slice_constraints, {value_edge(Slice{std::nullopt, 4, 2}), a, b, c}));
    CHECK(val(a).is_none());
    CHECK(val(b) == Value(4));
    CHECK(val(c) == Value(2));
    CHECK_FALSE(
        run_fn(constraints::slice_constraints, {untyped(), value_edge(1), untyped(), untyped()}));
}

TEST_CASE("indexer_constraints: spec M8", "[constraints][spec-M8]") {
    SymbolTable t;
    using constraints::indexer_constraints;
    SECTION("x[:, None, :, 2:4] on [3, 4, 5]") {
        auto in = tensor_edge({3, 4, 5}, t);
        auto out = untyped();
        auto idx = value_edge(tup({kAll, None, kAll, Slice{2, 4, std::nullopt}}));
        CHECK(run_fn(indexer_constraints, {out, in, idx}));
        CHECK_SHAPES({out, {3, 1, 4, 2}});
    }
    SECTION("x[Tensor 3x3] on [7, 4, 5]") {
        auto in = tensor_edge({7, 4, 5}, t);
        auto out = untyped();
        auto idx = value_edge(Value(Tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}})));
        CHECK(run_fn(indexer_constraints, {out, in, idx}));
        CHECK_SHAPES({out, {3, 3, 4, 5}});
    }
    SECTION("x[t] with an unvalued Tensor[int] index of shape [3, 3]") {
        auto in = tensor_edge({7, 4, 5}, t);
        auto out = untyped();
        auto idx = tensor_edge({3, 3}, t, Type::tensor_int());
        CHECK(run_fn(indexer_constraints, {out, in, idx}));
        CHECK_SHAPES({out, {3, 3, 4, 5}});
    }
}

TEST_CASE("indexer_constraints: basic indexing", "[constraints]") {
    SymbolTable t;
    using constraints::indexer_constraints;
    auto run = [](const EdgePtr& in, const Value& index, EdgePtr out = nullptr) {
        if (!out) out = Edge::make();
        bool s = run_fn(indexer_constraints, {out, in, value_edge(index)});
        return std::make_pair(s, out);
    };
    SECTION("ints remove dims, ellipsis keeps the rest") {
        auto [s1, o1] = run(tensor_edge({3, 4, 5}, t), 1);
        CHECK(s1);
        CHECK_SHAPES({o1, {4, 5}});
        auto [s2, o2] = run(tensor_edge({3, 4, 5}, t), tup({Ellipsis, 0}));
        CHECK(s2);
        CHECK_SHAPES({o2, {3, 4}});
        auto [s3, o3] =
            run(tensor_edge({3, 4, 5}, t), tup({-1, Slice{std::nullopt, std::nullopt, -2}}));
        CHECK(s3);
        CHECK_SHAPES({o3, {2, 5}});
    }
    SECTION("full slice keeps the symbol, partial slice of an unknown dim is fresh") {
        auto in = tensor_edge({"a", 4}, t);
        auto [s1, o1] = run(in, kAll);
        CHECK(s1);
        CHECK_SHAPES({in, {"a", 4}}, {o1, {"a", 4}});
        auto in2 = tensor_edge({"c", 4}, t);
        auto [s2, o2] = run(in2, Slice{1, std::nullopt, std::nullopt});
        CHECK_FALSE(s2);
        CHECK_SHAPES({o2, {"b", 4}});
        // Re-running learns nothing and mints no new symbols.
        constraints::EdgeUpdates u;
        CHECK_FALSE(run_fn(constraints::indexer_constraints,
                           {o2, in2, value_edge(Slice{1, std::nullopt, std::nullopt})}, &u));
        CHECK(u.empty());
    }
    SECTION("variadic input") {
        auto in = tensor_edge({"a", Variadic("V")}, t);
        auto [s1, o1] = run(in, 0);
        CHECK(s1);
        CHECK_SHAPES({in, {"a", Variadic("V")}}, {o1, {Variadic("V")}});
        auto in2 = tensor_edge({Variadic("V2")}, t);
        auto [s2, o2] = run(in2, tup({0, Ellipsis, None, 1}));
        CHECK(s2);
        CHECK_SHAPES({in2, {"a", Variadic("W"), "b"}}, {o2, {Variadic("W"), 1}});
    }
    SECTION("backward from a known output") {
        auto in = tensor_edge({Variadic("V")}, t);
        auto out = tensor_edge({3, 1, 4, 2}, t);
        auto [s, o] = run(in, tup({kAll, None, kAll, Slice{2, 4, std::nullopt}}), out);
        CHECK_FALSE(s);  // the sliced dim is only known to be >= 4
        CHECK_SHAPES({in, {3, 4, "c"}});
    }
    SECTION("errors") {
        CHECK_THROWS_WITH(
            run(tensor_edge({3, 4}, t), tup({0, 0, 0})),
            Catch::Contains(
                "too many indices for tensor: tensor is 2-dimensional, but 3 were indexed"));
        CHECK_THROWS_WITH(run(tensor_edge({3}, t), 5),
                          Catch::Contains("index 5 is out of bounds for axis 0 with size 3"));
        CHECK_THROWS_WITH(run(tensor_edge({3, 4}, t), tup({Ellipsis, Ellipsis})),
                          Catch::Contains("single ellipsis"));
    }
}

TEST_CASE("indexer_constraints: tensor (advanced) indices", "[constraints]") {
    SymbolTable t;
    using constraints::indexer_constraints;
    auto ti = [](std::vector<int64_t> shape) {
        return Value(Tensor::full(Dtype::int64, std::move(shape), 0.0));
    };
    auto run = [&](const EdgePtr& in, const Value& index) {
        auto out = Edge::make();
        bool s = run_fn(indexer_constraints, {out, in, value_edge(index)});
        return std::make_pair(s, out);
    };
    SECTION("adjacent advanced indices stay in place") {
        auto [s, o] = run(tensor_edge({5, 6, 7}, t), tup({kAll, ti({2}), 0}));
        CHECK(s);
        CHECK_SHAPES({o, {5, 2}});
    }
    SECTION("separated advanced indices go to the front") {
        auto [s, o] = run(tensor_edge({5, 6, 7}, t), tup({ti({2}), kAll, 0}));
        CHECK(s);
        CHECK_SHAPES({o, {2, 6}});
    }
    SECTION("index tensors broadcast together") {
        auto [s, o] = run(tensor_edge({5, 6, 7}, t), tup({ti({2, 1}), ti({3})}));
        CHECK(s);
        CHECK_SHAPES({o, {2, 3, 7}});
        CHECK_THROWS_WITH(run(tensor_edge({5, 6, 7}, t), tup({ti({2}), ti({3})})),
                          Catch::Contains("could not be broadcast together"));
    }
    SECTION("index given item by item (ToTuple output edges)") {
        auto in = tensor_edge({5, 6}, t);
        auto idx = Edge::make(Type(Type::TupleT));
        idx->elements = {value_edge(kAll), tensor_edge({"k"}, t, Type::tensor_int())};
        idx->elements_known = true;
        auto out = Edge::make();
        CHECK(run_fn(indexer_constraints, {out, in, idx}));
        CHECK_SHAPES({out, {5, "k"}});
    }
}

TEST_CASE("indexer_constraints: sequences", "[constraints]") {
    using constraints::indexer_constraints;
    auto seq = value_edge(tup({10, 20, 30}));
    auto o1 = untyped();
    CHECK(run_fn(indexer_constraints, {o1, seq, value_edge(-2)}));
    CHECK(val(o1) == Value(20));
    auto o2 = untyped();
    CHECK(
        run_fn(indexer_constraints, {o2, seq, value_edge(Slice{std::nullopt, std::nullopt, -1})}));
    CHECK(val(o2) == tup({30, 20, 10}));
    auto idx = untyped();
    CHECK(run_fn(indexer_constraints, {value_edge(30), seq, idx}));
    CHECK(val(idx) == Value(2));
    CHECK_THROWS_WITH(run_fn(indexer_constraints, {untyped(), seq, value_edge(3)}),
                      Catch::Contains("tuple index out of range"));
}

// ---- general_forward_constraint ------------------------------------------------------------

TEST_CASE("general_forward_constraint: Python scalar semantics", "[constraints]") {
    auto eval = [](const std::string& key, std::vector<Value> in) {
        std::vector<EdgePtr> edges{Edge::make()};
        for (auto& v : in) edges.push_back(value_edge(v));
        auto fn = constraints::general_forward_constraint(constraints::scalar_fn_for(key));
        bool solved = run_fn(fn, edges);
        CHECK(solved);
        return val(edges[0]);
    };
    CHECK(eval("add", {2, 3}) == Value(5));
    CHECK(eval("add", {true, true}) == Value(2));
    CHECK(eval("add", {tup({1, 2}), tup({3})}) == tup({1, 2, 3}));
    CHECK(eval("multiplication", {tup({1}), 3}) == tup({1, 1, 1}));
    CHECK(eval("subtract", {2, 0.5}) == Value(1.5));
    CHECK(eval("divide", {3, 2}) == Value(1.5));
    CHECK(eval("floor_divide", {7, -2}) == Value(-4));
    CHECK(eval("floor_divide", {-7.5, 2}) == Value(-4.0));
    CHECK(eval("power", {2, 10}) == Value(1024));
    CHECK(eval("power", {2, -1}) == Value(0.5));
    CHECK(eval("minimum", {2, 2.0}) == Value(2));
    CHECK(eval("maximum", {1, 2.5}) == Value(2.5));
    CHECK(eval("greater", {3, 2}) == Value(true));
    CHECK(eval("less_equal", {tup({1, 2}), tup({1, 3})}) == Value(true));
    CHECK(eval("equal", {1, 1.0}) == Value(true));
    CHECK(eval("logical_and", {true, false}) == Value(false));
    CHECK(eval("logical_or", {3, true}) == Value(3));
    CHECK(eval("logical_xor", {6, 3}) == Value(5));
    CHECK(eval("shift_left", {1, 3}) == Value(8));
    CHECK(eval("shift_right", {-8, 1}) == Value(-4));
    CHECK(eval("negate", {true}) == Value(-1));
    CHECK(eval("abs", {-2.5}) == Value(2.5));
    CHECK(eval("logical_not", {true}) == Value(false));

    CHECK_THROWS_WITH(eval("divide", {1, 0}), "division by zero");
    CHECK_THROWS_WITH(eval("floor_divide", {1, 0}), "integer division or modulo by zero");
    CHECK_THROWS_AS(eval("add", {1, tup({1})}), TypeError);
    CHECK_THROWS_WITH(eval("add", {1, tup({1})}),
                      "unsupported operand type(s) for +: 'int' and 'tuple'");
    CHECK_THROWS_WITH(eval("shift_left", {1, -1}), "negative shift count");
    CHECK_FALSE(bool(constraints::scalar_fn_for("exp")));

    SECTION("waits for TBD inputs, gives up on tensors") {
        auto fn = constraints::general_forward_constraint(constraints::scalar_fn_for("add"));
        CHECK_FALSE(run_fn(fn, {Edge::make(), value_edge(1), Edge::make()}));
        SymbolTable t;
        CHECK(run_fn(fn, {Edge::make(), value_edge(1), tensor_edge({2}, t)}));
    }
}

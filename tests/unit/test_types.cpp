// test_types.cpp — the type lattice's printed forms and type propagation:
// general_type_constraint in both directions (Tensor-ness, the Tensor[bool] special case and
// is_bitwise, TrueDivide, Comparison, Logical, Shift, UnaryKeep), its TypeError messages,
// reduce_type_constraint and indexer_type_constraint.
#include <catch2/catch.hpp>

#include "constraint_harness.hpp"
#include "mithril/errors.hpp"

using mithril::Type;
using mithril::constraints::Edge;
using mithril::constraints::general_type_constraint;
using mithril::constraints::TypeRule;
using mithril::testing::run_fn;

namespace {

std::shared_ptr<Edge> typed(Type t) { return Edge::make(t); }
Type type_of(const std::shared_ptr<Edge>& e) { return mithril::constraints::resolve(e)->type; }

// Declared types of Mithril's AddOp keys.
const Type kAddOut =
    Type(Type::TensorInt | Type::TensorFloat | Type::TensorBool | Type::Int | Type::Float);
const Type kAddIn = Type::number();

}  // namespace

TEST_CASE("types: printed forms", "[types]") {
    CHECK(Type::any().to_string() == "ToBeDetermined");
    CHECK(Type::tensor().to_string() == "Tensor[int | float | bool]");
    CHECK(Type::tensor_number().to_string() == "Tensor[int | float]");
    CHECK(Type::scalar_number().to_string() == "int | float | bool");
    CHECK((Type::scalar_int() | Type::tensor_float()).to_string() == "int | Tensor[float]");
    CHECK(Type(Type::TupleT).to_string() == "tuple");

    CHECK(Type::tensor_number().to_python_string() ==
          "mithril.framework.common.Tensor[int | float]");
    CHECK(Type::tensor_bool().to_python_string() == "mithril.framework.common.Tensor[bool]");
    CHECK((Type::scalar_int() | Type::scalar_float()).to_python_string() == "float | int");
    CHECK((Type::scalar_int() | Type::scalar_bool()).to_python_string() == "bool | int");
    CHECK(Type::scalar_float().to_python_string() == "<class 'float'>");
    CHECK((Type::tensor() | Type::scalar_int()).to_python_string() ==
          "mithril.framework.common.Tensor[int | float | bool] | int");
}

TEST_CASE("types: arithmetic forward on scalars and tensors", "[types]") {
    auto fn = general_type_constraint(TypeRule::Arithmetic);
    SECTION("int + int -> int") {
        auto out = typed(kAddOut), l = typed(Type::scalar_int()), r = typed(Type::scalar_int());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::scalar_int());
    }
    SECTION("int + float -> float") {
        auto out = typed(kAddOut), l = typed(Type::scalar_int()), r = typed(Type::scalar_float());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::scalar_float());
    }
    SECTION("Tensor[int] + float -> Tensor[float]") {
        auto out = typed(kAddOut), l = typed(Type::tensor_int()), r = typed(Type::scalar_float());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_float());
    }
    SECTION("Tensor[bool] + Tensor[bool] -> Tensor[bool] (NumPy)") {
        auto out = typed(Type::any()), l = typed(Type::tensor_bool()),
             r = typed(Type::tensor_bool());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_bool());
    }
    SECTION("Tensor[bool] + True -> Tensor[bool]") {
        auto out = typed(Type::any()), l = typed(Type::tensor_bool()),
             r = typed(Type::scalar_bool());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_bool());
    }
    SECTION("bool + bool -> int (Python)") {
        auto out = typed(kAddOut), l = typed(Type::scalar_bool()), r = typed(Type::scalar_bool());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::scalar_int());
    }
    SECTION("polymorphic inputs: unsolved, output narrowed to numbers") {
        auto out = typed(Type::any()), l = typed(kAddIn), r = typed(kAddIn);
        CHECK_FALSE(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == kAddOut);  // Arithmetic never yields a scalar bool
    }
}

TEST_CASE("types: is_bitwise gives Python semantics for Tensor[bool]", "[types]") {
    auto fn = general_type_constraint(TypeRule::Arithmetic, /*is_bitwise=*/true);
    auto out = typed(Type::any()), l = typed(Type::tensor_bool()), r = typed(Type::tensor_bool());
    CHECK(run_fn(fn, {out, l, r}));
    CHECK(type_of(out) == Type::tensor_int());
}

TEST_CASE("types: arithmetic backward from the output", "[types]") {
    auto fn = general_type_constraint(TypeRule::Arithmetic);
    SECTION("an int output forces int/bool scalar inputs") {
        auto out = typed(Type::scalar_int()), l = typed(kAddIn), r = typed(kAddIn);
        CHECK(run_fn(fn, {out, l, r}));  // every int|bool pair gives int: fully decoupled
        CHECK(type_of(l) == (Type::scalar_int() | Type::scalar_bool()));
        CHECK(type_of(r) == (Type::scalar_int() | Type::scalar_bool()));
    }
    SECTION("Tensor[float] output with a Tensor[int] left forces a float right") {
        auto out = typed(Type::tensor_float()), l = typed(Type::tensor_int()), r = typed(kAddIn);
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(r) == (Type::scalar_float() | Type::tensor_float()));
    }
    SECTION("a scalar output makes both inputs scalars") {
        auto out = typed(Type::scalar_float()), l = typed(kAddIn), r = typed(kAddIn);
        CHECK_FALSE(run_fn(fn, {out, l, r}));  // which side is the float is still open
        CHECK(type_of(l) == Type::scalar_number());
        CHECK(type_of(r) == Type::scalar_number());
    }
}

TEST_CASE("types: true division, comparison, logical, shift, unary", "[types]") {
    SECTION("int / int -> float") {
        auto fn = general_type_constraint(TypeRule::TrueDivide, true);
        auto out = typed(Type::any()), l = typed(Type::scalar_int()), r = typed(Type::scalar_int());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::scalar_float());
    }
    SECTION("Tensor[int] / Tensor[bool] -> Tensor[float]") {
        auto fn = general_type_constraint(TypeRule::TrueDivide, true);
        auto out = typed(Type::any()), l = typed(Type::tensor_int()),
             r = typed(Type::tensor_bool());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_float());
    }
    SECTION("comparison of tensors -> Tensor[bool], of scalars -> bool") {
        auto fn = general_type_constraint(TypeRule::Comparison, true);
        auto out = typed(Type::scalar_bool() | Type::tensor_bool());
        auto l = typed(Type::tensor_float()), r = typed(Type::scalar_int());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_bool());
        auto out2 = typed(Type::any()), l2 = typed(Type::scalar_float()),
             r2 = typed(Type::scalar_int());
        CHECK(run_fn(fn, {out2, l2, r2}));
        CHECK(type_of(out2) == Type::scalar_bool());
    }
    SECTION("logical: bool & bool -> bool, bool & int -> int; a bool output forces bools") {
        auto fn = general_type_constraint(TypeRule::Logical, true);
        const Type in_t = Type(Type::Int | Type::Bool | Type::TensorInt | Type::TensorBool);
        auto out = typed(in_t), l = typed(Type::scalar_bool()), r = typed(Type::scalar_int());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::scalar_int());
        auto out2 = typed(Type::scalar_bool()), l2 = typed(in_t), r2 = typed(in_t);
        CHECK(run_fn(fn, {out2, l2, r2}));
        CHECK(type_of(l2) == Type::scalar_bool());
        CHECK(type_of(r2) == Type::scalar_bool());
    }
    SECTION("shift of bools -> int") {
        auto fn = general_type_constraint(TypeRule::Shift, true);
        auto out = typed(Type::scalar_int() | Type::tensor_int());
        auto l = typed(Type::tensor_bool()), r = typed(Type::scalar_bool());
        CHECK(run_fn(fn, {out, l, r}));
        CHECK(type_of(out) == Type::tensor_int());
    }
    SECTION("unary keep: Tensor[bool] stays, scalar bool negates to int") {
        auto fn = general_type_constraint(TypeRule::UnaryKeep);
        auto out = typed(Type::any()), in = typed(Type::tensor_bool());
        CHECK(run_fn(fn, {out, in}));
        CHECK(type_of(out) == Type::tensor_bool());
        auto out2 = typed(Type::any()), in2 = typed(Type::scalar_bool());
        CHECK(run_fn(fn, {out2, in2}));
        CHECK(type_of(out2) == Type::scalar_int());
        auto out3 = typed(Type::tensor_float()), in3 = typed(Type::tensor());
        CHECK(run_fn(fn, {out3, in3}));
        CHECK(type_of(in3) == Type::tensor_float());
    }
}

TEST_CASE("types: errors", "[types][errors]") {
    SECTION("bool tensors into an int|float tensor output") {
        auto fn = general_type_constraint(TypeRule::Arithmetic);
        auto out = typed(Type::tensor_number()), l = typed(Type::tensor_bool()),
             r = typed(Type::tensor_bool());
        CHECK_THROWS_AS(run_fn(fn, {out, l, r}), mithril::TypeError);
        CHECK_THROWS_WITH(run_fn(fn, {out, l, r}),
                          "Acceptable types are mithril.framework.common.Tensor[int | float], but "
                          "mithril.framework.common.Tensor[bool] type is provided!");
    }
    SECTION("float operand of a shift") {
        auto fn = general_type_constraint(TypeRule::Shift, true);
        auto out = typed(Type::any()), l = typed(Type::scalar_float()),
             r = typed(Type::scalar_int());
        CHECK_THROWS_WITH(
            run_fn(fn, {out, l, r}),
            "Acceptable types are mithril.framework.common.Tensor[int | bool] | bool | int, "
            "but <class 'float'> type is provided!");
    }
    SECTION("non-numeric operand") {
        auto fn = general_type_constraint(TypeRule::Arithmetic);
        auto out = typed(Type::any()), l = typed(Type(Type::Str)), r = typed(Type::scalar_int());
        CHECK_THROWS_AS(run_fn(fn, {out, l, r}), mithril::TypeError);
    }
}

TEST_CASE("types: reduce_type_constraint", "[types]") {
    using mithril::constraints::reduce_type_constraint;
    auto axis = mithril::testing::value_edge(mithril::None);
    auto keep = mithril::testing::value_edge(false);
    SECTION("sum of bools is int") {
        auto out = typed(Type::tensor_number()), in = typed(Type::tensor_bool());
        CHECK(run_fn(reduce_type_constraint, {out, in, axis, keep}));
        CHECK(type_of(out) == Type::tensor_int());
    }
    SECTION("sum of floats is float") {
        auto out = typed(Type::tensor_number()), in = typed(Type::tensor_float());
        CHECK(run_fn(reduce_type_constraint, {out, in, axis, keep}));
        CHECK(type_of(out) == Type::tensor_float());
    }
    SECTION("backward: float output -> float input, int output -> int|bool input") {
        auto out = typed(Type::tensor_float()), in = typed(Type::tensor());
        CHECK(run_fn(reduce_type_constraint, {out, in, axis, keep}));
        CHECK(type_of(in) == Type::tensor_float());
        auto out2 = typed(Type::tensor_int()), in2 = typed(Type::tensor());
        CHECK(run_fn(reduce_type_constraint, {out2, in2, axis, keep}));
        CHECK(type_of(in2) == Type(Type::TensorInt | Type::TensorBool));
    }
    SECTION("polymorphic input: unsolved") {
        auto out = typed(Type::tensor_number()), in = typed(Type::tensor());
        CHECK_FALSE(run_fn(reduce_type_constraint, {out, in, axis, keep}));
        CHECK(type_of(out) == Type::tensor_number());
    }
}

TEST_CASE("types: indexer_type_constraint", "[types]") {
    using mithril::constraints::indexer_type_constraint;
    SECTION("tensor input: same element type") {
        auto out = typed(Type::any()), in = typed(Type::tensor_float());
        auto idx = mithril::testing::value_edge(0);
        CHECK(run_fn(indexer_type_constraint, {out, in, idx}));
        CHECK(type_of(out) == Type::tensor_float());
    }
    SECTION("tensor output: the input is a tensor of that type") {
        auto out = typed(Type::tensor_int()), in = typed(Type::any());
        auto idx = mithril::testing::value_edge(0);
        CHECK(run_fn(indexer_type_constraint, {out, in, idx}));
        CHECK(type_of(in) == Type::tensor_int());
    }
    SECTION("sliced tuple stays a tuple") {
        auto out = typed(Type::any()), in = typed(Type(Type::TupleT));
        auto idx = mithril::testing::value_edge(mithril::Slice{1, std::nullopt, std::nullopt});
        CHECK(run_fn(indexer_type_constraint, {out, in, idx}));
        CHECK(type_of(out) == Type(Type::TupleT));
    }
}

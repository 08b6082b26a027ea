// ops/containers.cpp — container and scalar-conversion primitives.
//
// Mirrors ToTupleOp, ToListOp, ToTensorOp, TensorToListOp, ItemOp
// (operators.py) and PrimitiveUnion (primitives.py). The variadic ones
// (ToTuple, ToList, PrimitiveUnion) have keys input1 .. inputN; their spec is
// built per instance.
#include <algorithm>

#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

namespace {

OperatorSpec variadic_spec(const char* fk, const char* cls, Type out, Type in, int n,
                           const char* constraint_name, cs::ConstraintFn fn) {
    if (n < 0) throw ValueError(std::string(cls) + " requires a non-negative number of inputs");
    std::vector<KeySpec> inputs;
    std::vector<std::string> keys{"output"};
    for (int i = 1; i <= n; ++i) {
        std::string name = "input" + std::to_string(i);
        inputs.push_back(key(name, in));
        keys.push_back(name);
    }
    auto s = make_spec(fk, cls, key("output", out), std::move(inputs));
    s.constraints.push_back(con(constraint_name, std::move(fn), keys, kShapeValue | cs::kType));
    return s;
}

Values variadic_values(int n, const std::vector<Value>& values, const char* cls) {
    if (values.size() > size_t(std::max(n, 0)))
        throw ValueError(std::string(cls) + " got more values than inputs");
    Values v;
    for (size_t i = 0; i < values.size(); ++i)
        v.emplace_back("input" + std::to_string(i + 1), values[i]);
    return v;
}

}  // namespace

ToTuple::ToTuple(int n, std::vector<Value> values) : Model(ClassTag{}, "ToTuple") {
    const Type in = kInt | kFloat | kBool | kList | kTuple | kSlice | kEllipsis | kTAll | kNone;
    auto s = variadic_spec("to_tuple", "ToTuple", kTuple, in, n, "to_tuple_constraints",
                           cs::to_tuple_constraints);
    init_operator(*this, s, variadic_values(n, values, "ToTuple"));
    set_canonical_inputs(*this, {});
}

ToList::ToList(int n, std::vector<Value> values) : Model(ClassTag{}, "ToList") {
    const Type in = kInt | kFloat | kBool | kList | kTuple | kTAll;
    auto s = variadic_spec("to_list", "ToList", kList, in, n, "to_list_constraints",
                           cs::to_list_constraints);
    init_operator(*this, s, variadic_values(n, values, "ToList"));
    set_canonical_inputs(*this, {});
}

PrimitiveUnion::PrimitiveUnion(int n, std::vector<Value> values)
    : Model(ClassTag{}, "PrimitiveUnion") {
    auto s = variadic_spec("union", "PrimitiveUnion", kTuple, kInt | kFloat | kTuple, n,
                           "union_constraints", cs::union_constraints);
    init_operator(*this, s, variadic_values(n, values, "PrimitiveUnion"));
}

// input: a (nested) list/tuple of numbers or a number; dtype: a Dtype or None.
ToTensor::ToTensor(Value input, Value dtype) : Model(ClassTag{}, "ToTensor") {
    static const OperatorSpec s = [] {
        auto s = make_spec("to_tensor", "ToTensor", tkey("output", kTAll, var("Var")),
                           {key("input", kInt | kFloat | kBool | kList | kTuple),
                            key("dtype", kDtype | kNone)});
        s.constraints.push_back(con("to_tensor_constraints", cs::to_tensor_constraints,
                                    {"output", "input"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"dtype", dtype}});
}

TensorToList::TensorToList(Value input) : Model(ClassTag{}, "TensorToList") {
    static const OperatorSpec s = [] {
        auto s = make_spec("tensor_to_list", "TensorToList",
                           key("output", kInt | kFloat | kBool | kList),
                           {tkey("input", kTAll, var("Var"))});
        s.constraints.push_back(con("tensor_to_list_constraints", cs::tensor_to_list_constraints,
                                    {"output", "input"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

Item::Item(Value input) : Model(ClassTag{}, "Item") {
    static const OperatorSpec s = [] {
        auto s = make_spec("item", "Item", key("output", kInt | kFloat | kBool),
                           {tkey("input", kTAll, var("Var"))});
        s.constraints.push_back(con("item_constraints", cs::item_constraints,
                                    {"output", "input"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

}  // namespace mithril

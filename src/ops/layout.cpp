// ops/layout.cpp — shape / layout primitives and shape queries.
//
// Mirrors ReshapeOp, TransposeOp, SplitOp, ShapeOp, SizeOp, LengthOp, DtypeOp,
// CastOp (operators.py) and SwapAxes, PermuteTensor, Flatten, Squeeze,
// BroadcastTo, Concat, Pad, Where (primitives.py). Reshape and Transpose
// derive their shape templates from a known shape / axes value, as Mithril does.
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

Reshape::Reshape(Value shape, Value input) : Model(ClassTag{}, "Reshape") {
    ShapeTemplate out_shape;
    if (shape.is_sequence()) {
        for (const auto& d : shape.items()) {
            if (d.is_int() && d.as_int() != -1) out_shape.emplace_back(d.as_int());
            else out_shape.emplace_back(None);
        }
    } else {
        out_shape = var("output");
    }
    auto s = make_spec("reshape", "Reshape", tkey("output", kTAll, out_shape),
                       {tkey("input", kTAll, var("input")), key("shape", kTuple | kList)});
    s.constraints.push_back(
        con("reshape_constraints", cs::reshape_constraints, {"output", "input", "shape"}));
    init_operator(*this, s, {{"input", input}, {"shape", shape}});
}

Transpose::Transpose(Value axes, Value input) : Model(ClassTag{}, "Transpose") {
    if (axes.is_int() || axes.is_sequence()) {
        // Fixed rank: input [x_0, ..., x_{n-1}], output permuted by axes.
        std::vector<Value> ax = axes.is_int() ? std::vector<Value>{axes} : axes.items();
        const auto n = static_cast<int64_t>(ax.size());
        ShapeTemplate in_shape, out_shape;
        for (int64_t i = 0; i < n; ++i) in_shape.emplace_back("x_" + std::to_string(i));
        for (const auto& a : ax) {
            int64_t i = a.as_int();
            if (i < 0) i += n;
            if (i < 0 || i >= n) throw ValueError("Shape mismatch in Transpose model");
            out_shape.push_back(in_shape[size_t(i)]);
        }
        auto s = make_spec("transpose", "Transpose", tkey("output", kTAll, out_shape),
                           {tkey("input", kTAll, in_shape), key("axes", kInt | kTuple)});
        s.constraints.push_back(same_type_con());
        Value axes_value = axes.kind() == Value::Kind::List ? Value::tuple(axes.items()) : axes;
        init_operator(*this, s, {{"input", input}, {"axes", axes_value}});
        return;
    }
    if (!axes.is_none() && !axes.is_tbd()) throw TypeError("Transpose axes must be int, a sequence of ints or None");
    auto build = [](Type axes_type) {
        auto s = make_spec("transpose", "Transpose", tkey("output", kTAll, var("Var_out")),
                           {tkey("input", kTAll, var("Var_in")), key("axes", axes_type)});
        s.constraints.push_back(
            con("reverse_constraints", cs::reverse_constraints, {"output", "input", "axes"}));
        s.constraints.push_back(same_type_con());
        return s;
    };
    static const OperatorSpec s_none = build(kNone);
    static const OperatorSpec s_tbd = build(kInt | kTuple | kNone);
    init_operator(*this, axes.is_none() ? s_none : s_tbd, {{"input", input}, {"axes", axes}});
}

SwapAxes::SwapAxes(Value axis1, Value axis2, Value input) : Model(ClassTag{}, "SwapAxes") {
    static const OperatorSpec s = [] {
        auto s = make_spec("swapaxes", "SwapAxes", tkey("output", kTAll),
                           {tkey("input", kTAll), key("axis1", kInt), key("axis2", kInt)});
        s.constraints.push_back(con("swap_axes_constraints", cs::swap_axes_constraints,
                                    {"output", "input", "axis1", "axis2"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"axis1", axis1}, {"axis2", axis2}});
}

PermuteTensor::PermuteTensor(Value indices, Value input) : Model(ClassTag{}, "PermuteTensor") {
    static const OperatorSpec s = [] {
        auto s = make_spec("permute_tensor", "PermuteTensor",
                           tkey("output", kTAll, ShapeTemplate{"N", Variadic("Var")}),
                           {tkey("input", kTAll, ShapeTemplate{"N", Variadic("Var")}),
                            tkey("indices", kTInt, ShapeTemplate{"N"})});
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"indices", indices}});
}

Flatten::Flatten(Value start_dim, Value end_dim, Value input) : Model(ClassTag{}, "Flatten") {
    static const OperatorSpec s = [] {
        auto s = make_spec("flatten", "Flatten", tkey("output", kTAll),
                           {tkey("input", kTAll), key("start_dim", kInt), key("end_dim", kInt)});
        s.constraints.push_back(con("flatten_constraints", cs::flatten_constraints,
                                    {"output", "input", "start_dim", "end_dim"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"start_dim", start_dim}, {"end_dim", end_dim}});
}

Squeeze::Squeeze(Value input) : Model(ClassTag{}, "Squeeze") {
    static const OperatorSpec s = [] {
        auto s = make_spec("squeeze", "Squeeze", tkey("output", kTAll), {tkey("input", kTAll)});
        s.constraints.push_back(
            con("squeeze_constraints", cs::squeeze_constraints, {"output", "input"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

BroadcastTo::BroadcastTo(Value shape, Value input) : Model(ClassTag{}, "BroadcastTo") {
    static const OperatorSpec s = [] {
        auto s = make_spec("broadcast_to", "BroadcastTo", tkey("output", kTAll),
                           {tkey("input", kTAll), key("shape", kTuple)});
        s.constraints.push_back(con("broadcast_to_constraints", cs::broadcast_to_constraints,
                                    {"output", "shape", "input"}));
        s.constraints.push_back(same_type_con());
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"shape", shape}});
}

Concat::Concat(Value input, Value axis) : Model(ClassTag{}, "Concat") {
    static const OperatorSpec s = [] {
        auto s = make_spec("concat", "Concat", tkey("output", kTAll, var("Var_out")),
                           {key("input", kList), key("axis", kInt | kNone)});
        s.constraints.push_back(
            con("concat_constraints", cs::concat_constraints, {"output", "input", "axis"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"axis", axis}});
}

Split::Split(Value split_size, Value axis, Value input) : Model(ClassTag{}, "Split") {
    static const OperatorSpec s = [] {
        auto s = make_spec("split", "Split", key("output", kList),
                           {tkey("input", kTAll, var("Var1")), key("split_size", kInt),
                            key("axis", kInt)});
        s.constraints.push_back(con("split_constraints", cs::split_constraints,
                                    {"output", "input", "split_size", "axis"},
                                    kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"split_size", split_size}, {"axis", axis}});
}

Pad::Pad(Value pad_width, Value input) : Model(ClassTag{}, "Pad") {
    static const OperatorSpec s = [] {
        auto s = make_spec("pad", "Pad", tkey("output", kTAll),
                           {tkey("input", kTAll), key("pad_width", kTuple)});
        s.constraints.push_back(
            con("pad_constraints", cs::pad_constraints, {"output", "input", "pad_width"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"pad_width", pad_width}});
}

Where::Where(Value cond, Value input1, Value input2) : Model(ClassTag{}, "Where") {
    static const OperatorSpec s = [] {
        auto s = make_spec("where", "Where", tkey("output", kTAll),
                           {tkey("cond", kTBool), tkey("input1", kTAll), tkey("input2", kTAll)});
        s.constraints.push_back(con("where_constraints", cs::where_constraints,
                                    {"output", "cond", "input1", "input2"}));
        s.constraints.push_back(
            type_con(TypeRule::Arithmetic, true, {"output", "input1", "input2"}));
        return s;
    }();
    init_operator(*this, s, {{"cond", cond}, {"input1", input1}, {"input2", input2}});
    set_canonical_inputs(*this, {"input1"});
}

// ---- shape queries ------------------------------------------------------------------

Shape::Shape(Value input) : Model(ClassTag{}, "Shape") {
    static const OperatorSpec s = [] {
        auto s = make_spec("shape", "Shape", key("output", kTuple),
                           {tkey("input", kTAll, var("input"))});
        s.constraints.push_back(
            con("shape_constraints", cs::shape_constraints, {"output", "input"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

Size::Size(Value dim, Value input) : Model(ClassTag{}, "Size") {
    static const OperatorSpec s = [] {
        auto s = make_spec("size", "Size", key("output", kInt | kTuple),
                           {tkey("input", kTAll, var("Var")), key("dim", kInt | kTuple | kNone)});
        s.constraints.push_back(
            con("size_constraints", cs::size_constraints, {"output", "input", "dim"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"dim", dim}});
}

Length::Length(Value input) : Model(ClassTag{}, "Length") {
    static const OperatorSpec s = [] {
        auto s = make_spec("length", "Length", key("output", kInt),
                           {tkey("input", kTAll, var("Var"))});
        s.constraints.push_back(
            con("length_constraints", cs::length_constraints, {"output", "input"}));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

DtypeOf::DtypeOf(Value input) : Model(ClassTag{}, "Dtype") {
    static const OperatorSpec s = [] {
        auto s = make_spec("dtype", "Dtype", key("output", kDtype),
                           {tkey("input", kTAll, var("Var"))});
        s.constraints.push_back(con("dtype_constraints", cs::dtype_constraints,
                                    {"output", "input"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}});
}

Cast::Cast(Value dtype) : Model(ClassTag{}, "Cast") {
    static const OperatorSpec s = [] {
        auto s = make_spec("cast", "Cast", tkey("output", kTAll, var("Var")),
                           {tkey("input", kTAll, var("Var")), key("dtype", kDtype)});
        s.constraints.push_back(con("cast_constraints", cs::cast_constraints,
                                    {"output", "input", "dtype"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"dtype", dtype}});
}

}  // namespace mithril

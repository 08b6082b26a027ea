// ops/indexing.cpp — indexing primitives.
//
// Mirrors IndexerOp and SliceOp (operators.py) and Embedding, Unique
// (primitives.py).
#include "ops/op_helpers.hpp"

namespace mithril {

using namespace ops;

// Indexer: input is a tensor or a list/tuple; index is an int, slice, None,
// Ellipsis, Tensor[int] or a tuple of these. The output type is decided by
// indexer_type_constraint.
Indexer::Indexer(Value index, Value input) : Model(ClassTag{}, "Indexer") {
    static const OperatorSpec s = [] {
        auto s = make_spec("indexer", "Indexer", key("output", kAny),
                           {key("input", kTAll | kList | kTuple),
                            key("index", kInt | kSlice | kEllipsis | kNone | kTuple | kTInt)});
        s.constraints.push_back(con("indexer_constraints", cs::indexer_constraints,
                                    {"output", "input", "index"}, kShapeValue | cs::kType));
        s.constraints.push_back(con("indexer_type_constraint", cs::indexer_type_constraint,
                                    {"output", "input", "index"}, kShapeValue | cs::kType));
        return s;
    }();
    init_operator(*this, s, {{"input", input}, {"index", index}});
}

PrimitiveSlice::PrimitiveSlice(Value start, Value stop, Value step) : Model(ClassTag{}, "Slice") {
    static const OperatorSpec s = [] {
        auto s = make_spec("primitive_slice", "Slice", key("output", kSlice),
                           {key("start", kInt | kNone), key("stop", kInt | kNone),
                            key("step", kInt | kNone)});
        s.constraints.push_back(con("slice_constraints", cs::slice_constraints,
                                    {"output", "start", "stop", "step"}));
        return s;
    }();
    init_operator(*this, s, {{"start", start}, {"stop", stop}, {"step", step}});
    set_canonical_inputs(*this, {});
}

// Embedding: weight [num_embeddings, dim] is differentiable by default; a
// given num_embeddings / dim fixes that dim of the templates.
Embedding::Embedding(std::optional<int64_t> num_embeddings, std::optional<int64_t> dim,
                     Value input, Value weight)
    : Model(ClassTag{}, "Embedding") {
    // Built with emplace_back: g++ 12 reports a false -Wmaybe-uninitialized
    // for ShapeDim variants chosen by a conditional expression.
    ShapeTemplate out_shape{Variadic("N1"), "d1"}, weight_shape;
    if (num_embeddings) weight_shape.emplace_back(*num_embeddings);
    else weight_shape.emplace_back(None);
    if (dim) {
        out_shape.emplace_back(*dim);
        weight_shape.emplace_back(*dim);
    } else {
        out_shape.emplace_back("dim");
        weight_shape.emplace_back("dim");
    }
    auto s = make_spec("primitive_embedding", "Embedding", tkey("output", kTFloat, out_shape),
                       {tkey("input", kTInt, ShapeTemplate{Variadic("N1"), "d1"}),
                        tkey("weight", kTFloat, weight_shape, true)});
    init_operator(*this, s, {{"input", input}, {"weight", weight}});
}

Unique::Unique(Value input) : Model(ClassTag{}, "Unique") {
    static const OperatorSpec s =
        make_spec("unique", "Unique", tkey("output", kTAll), {tkey("input", kTAll)});
    init_operator(*this, s, {{"input", input}});
}

}  // namespace mithril

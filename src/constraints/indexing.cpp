// constraints/indexing.cpp — Slice and Indexer (NumPy-style indexing of tensors, Python
// indexing of sequences).
//
// indexer_constraints(output, input, index) for a Tensor input handles the full NumPy basic
// + integer-array indexing: an int removes its dim, a slice keeps it (its length is computed
// with Python's slice.indices when the dim and the slice are known, and a full slice keeps
// the input's symbol), None inserts a 1, one Ellipsis stands for the dims not indexed (an
// index without one has an implicit trailing Ellipsis), and Tensor[int] indices are
// broadcast together and their shape replaces the indexed dims: in place when the advanced
// indices (tensors and ints) are adjacent, at the front otherwise. The index is read from the
// index edge's value (an int/slice/None/Ellipsis/Tensor or a tuple of them), from an
// unvalued Tensor index edge (its own symbolic shape), or item by item from the edges of a
// ToTuple index (Edge::elements). Spec case M8: x[:, None, :, 2:4] on [3, 4, 5] gives
// [3, 1, 4, 2]; x[t] with t of shape [3, 3] on [7, 4, 5] gives [3, 3, 4, 5].
//
// Improvement over Mithril (which gave up on Tensor indices): tensor indices are inferred.
// Limitations: boolean-mask indices are data dependent and left alone (solved, no update);
// when both the ellipsis dims and a tensor index shape contain a variadic the output can not
// be written as one repr and the constraint waits. Shapes of ToTuple item edges are read but
// are not watched, so a later change to them only propagates through shared symbols.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "constraints/families.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

namespace mithril::constraints {

namespace {

using K = Value::Kind;

// Python's slice.indices(n): normalised (start, stop, step) and the slice length.
struct SliceIndices {
    int64_t start, stop, step, length;
};

SliceIndices slice_indices(int64_t n, const Slice& s) {
    int64_t step = s.step.value_or(1);
    if (step == 0) throw ValueError("slice step cannot be zero");
    auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
        if (!v) return dflt;
        int64_t x = *v;
        if (x < 0) {
            x += n;
            if (x < 0) x = step < 0 ? -1 : 0;
        } else if (x >= n) {
            x = step < 0 ? n - 1 : n;
        }
        return x;
    };
    int64_t start = clamp(s.start, step < 0 ? n - 1 : 0);
    int64_t stop = clamp(s.stop, step < 0 ? -1 : n);
    int64_t length = 0;
    if (step > 0 && stop > start) length = (stop - start - 1) / step + 1;
    if (step < 0 && start > stop) length = (start - stop - 1) / (-step) + 1;
    return {start, stop, step, length};
}

// ---- index items ------------------------------------------------------------------------

struct IndexItem {
    enum Kind { Int, Slice, NewAxis, Ellipsis, Tensor, Mask } kind = Int;
    int64_t i = 0;         // Int
    mithril::Slice slice;  // Slice
    ShapeRepr shape;       // Tensor: the index tensor's shape
};

std::vector<int64_t> list_shape(const Value& v) {
    if (!v.is_sequence()) {
        if (!v.is_int())
            throw ValueError("IndexError: only integers, slices (`:`), ellipsis "
                             "(`...`), None and integer tensors are valid indices");
        return {};
    }
    std::vector<int64_t> shape{int64_t(v.items().size())};
    if (v.items().empty()) return shape;
    std::vector<int64_t> inner = list_shape(v.items().front());
    shape.insert(shape.end(), inner.begin(), inner.end());
    return shape;
}

std::vector<Dim> fixed_dims(const std::vector<int64_t>& values) {
    std::vector<Dim> dims;
    for (int64_t v : values) dims.emplace_back(v);
    return dims;
}

IndexItem item_from_value(const Value& v) {
    IndexItem item;
    switch (v.kind()) {
    case K::Int:
        item.kind = IndexItem::Int;
        item.i = v.as_int();
        return item;
    case K::Slice:
        item.kind = IndexItem::Slice;
        item.slice = v.as_slice();
        return item;
    case K::None: item.kind = IndexItem::NewAxis; return item;
    case K::Ellipsis: item.kind = IndexItem::Ellipsis; return item;
    case K::Tensor: {
        const Tensor& t = v.as_tensor();
        if (t.dtype() == Dtype::bool_) {
            item.kind = IndexItem::Mask;
            return item;
        }
        if (is_floating(t.dtype()))
            throw ValueError(
                "IndexError: arrays used as indices must be of integer (or boolean) type");
        item.kind = IndexItem::Tensor;
        item.shape = ShapeRepr(fixed_dims(t.shape()));
        return item;
    }
    case K::List:
        item.kind = IndexItem::Tensor;
        item.shape = ShapeRepr(fixed_dims(list_shape(v)));
        return item;
    case K::Bool: item.kind = IndexItem::Mask; return item;
    default:
        throw ValueError("IndexError: only integers, slices (`:`), ellipsis (`...`), None and "
                         "integer tensors are valid indices, got " +
                         v.repr());
    }
}

IndexItem tensor_item(Edge& e, Updates& u) {
    IndexItem item;
    if (!(e.type.bits() & Type::TensorInt)) {
        item.kind = IndexItem::Mask;  // Tensor[bool]: data dependent
        return item;
    }
    e.shape->normalize(u);
    item.kind = IndexItem::Tensor;
    item.shape = e.shape->primary();
    return item;
}

// The index as items; nullopt while (part of) it is unknown.
std::optional<std::vector<IndexItem>> parse_index(ConstraintContext& c) {
    Edge& e = c.edge(2);
    if (e.is_valued()) {
        if (e.value.kind() == K::Tuple) {
            std::vector<IndexItem> items;
            for (const Value& v : e.value.items()) items.push_back(item_from_value(v));
            return items;
        }
        return std::vector<IndexItem>{item_from_value(e.value)};
    }
    if (e.type.is_tensor()) return std::vector<IndexItem>{tensor_item(e, c.symbols())};
    if (e.elements_known && (e.type.bits() & Type::TupleT)) {
        std::vector<IndexItem> items;
        for (const auto& sp : e.elements) {
            Edge* el = resolve(sp);
            if (el->is_valued()) items.push_back(item_from_value(el->value));
            else if (el->type.is_tensor()) items.push_back(tensor_item(*el, c.symbols()));
            else return std::nullopt;
        }
        return items;
    }
    return std::nullopt;
}

// ---- output shape assembly -----------------------------------------------------------------

// Collects output dims left to right; at most one variadic fits in a repr.
struct ReprBuilder {
    ShapeRepr repr;
    bool ok = true;
    void add(const Dim& d) { (repr.root ? repr.suffix : repr.prefix).push_back(d); }
    void add(const ShapeRepr& r) {
        for (const Dim& d : r.prefix) add(d);
        if (r.root) {
            if (repr.root) ok = false;
            repr.root = r.root;
        }
        for (const Dim& d : r.suffix) add(d);
    }
};

// Broadcast of the tensor index shapes; nullopt when it can not be written yet.
// Fresh symbols made while building the output (they stand for dims not known yet).
using FreshSet = std::set<const DimRecord*>;

Dim fresh_dim(FreshSet& fresh) {
    Dim d;
    fresh.insert(d.root());
    return d;
}

std::optional<ShapeRepr> broadcast_indices(const std::vector<const ShapeRepr*>& shapes,
                                           bool& complete, FreshSet& fresh) {
    if (shapes.size() == 1) return *shapes.front();
    size_t rank = 0;
    for (const ShapeRepr* s : shapes) {
        if (s->has_root()) return std::nullopt;
        rank = std::max(rank, s->dims().size());
    }
    std::vector<Dim> out;
    for (size_t k = 0; k < rank; ++k) {  // k-th dim from the right
        std::vector<Dim> col;
        for (const ShapeRepr* s : shapes) {
            const auto& d = s->dims();
            if (k < d.size()) col.push_back(d[d.size() - 1 - k]);
        }
        bool all_same = true;
        std::optional<int64_t> big;
        bool unknown = false;
        for (const Dim& d : col) {
            all_same = all_same && d.same(col.front());
            if (auto v = d.value()) {
                if (*v == 1) continue;
                if (big && *big != *v) {
                    std::string shp;
                    for (const ShapeRepr* s : shapes) shp += SymbolNamer().repr_string(*s) + " ";
                    throw ValueError("IndexError: shape mismatch: indexing tensors could not be "
                                     "broadcast together with shapes " +
                                     shp);
                }
                big = *v;
            } else {
                unknown = true;
            }
        }
        if (all_same) out.push_back(col.front());
        else if (big) out.emplace_back(*big), complete = complete && !unknown;
        else if (!unknown) out.emplace_back(int64_t(1));
        else out.push_back(fresh_dim(fresh)), complete = false;
    }
    return ShapeRepr(std::vector<Dim>(out.rbegin(), out.rend()));
}

// Output dim of a slice over input dim d.
Dim slice_dim(const Dim& d, const Slice& s, bool& complete, FreshSet& fresh) {
    if (auto n = d.value()) return Dim(slice_indices(*n, s).length);
    int64_t step = s.step.value_or(1);
    if (step == 0) throw ValueError("slice step cannot be zero");
    if (!s.start && !s.stop && (step == 1 || step == -1)) return d;  // full slice: same dim
    complete = false;
    return fresh_dim(fresh);
}

// Replace the fresh dims of `r` by the dims the output already has at the same absolute
// positions, so that re-running the constraint does not keep minting new symbols.
void reuse_output_dims(ShapeRepr& r, const ShapeRepr& cur, const FreshSet& fresh) {
    auto from_left = [&](size_t p) -> const Dim* {
        if (!cur.has_root()) return p < cur.dims().size() ? &cur.dims()[p] : nullptr;
        return p < cur.prefix.size() ? &cur.prefix[p] : nullptr;
    };
    auto from_right = [&](size_t q) -> const Dim* {
        const std::vector<Dim>& v = cur.has_root() ? cur.suffix : cur.dims();
        return q < v.size() ? &v[v.size() - 1 - q] : nullptr;
    };
    const size_t n = r.prefix.size();
    for (size_t p = 0; p < n; ++p) {
        if (!fresh.count(r.prefix[p].root())) continue;
        const Dim* d = from_left(p);
        if (!d && !r.has_root()) d = from_right(n - 1 - p);
        if (d) r.prefix[p] = *d;
    }
    for (size_t q = 0; q < r.suffix.size(); ++q) {
        Dim& x = r.suffix[r.suffix.size() - 1 - q];
        if (!fresh.count(x.root())) continue;
        if (const Dim* d = from_right(q)) x = *d;
    }
}

size_t consumed(const IndexItem& it) {
    return (it.kind == IndexItem::Int || it.kind == IndexItem::Slice ||
            it.kind == IndexItem::Tensor)
               ? 1
               : 0;
}

void check_bounds(const IndexItem& it, const Dim& d, int64_t axis) {
    if (it.kind != IndexItem::Int) return;
    auto n = d.value();
    if (n && (it.i >= *n || it.i < -*n))
        throw ValueError("IndexError: index " + std::to_string(it.i) +
                         " is out of bounds for axis " + std::to_string(axis) + " with size " +
                         std::to_string(*n));
}

bool tensor_indexer(ConstraintContext& c) {
    auto parsed = parse_index(c);
    if (!parsed) return false;
    const std::vector<IndexItem>& items = *parsed;

    size_t ellipsis_at = items.size(), n_ellipsis = 0;
    for (size_t k = 0; k < items.size(); ++k) {
        if (items[k].kind == IndexItem::Mask) return true;  // data dependent: nothing to infer
        if (items[k].kind == IndexItem::Ellipsis) {
            ++n_ellipsis;
            ellipsis_at = k;
        }
    }
    if (n_ellipsis > 1)
        throw ValueError("IndexError: an index can only have a single ellipsis ('...')");
    size_t n_pre = 0, n_post = 0;
    for (size_t k = 0; k < items.size(); ++k)
        (k < ellipsis_at ? n_pre : n_post) += consumed(items[k]);

    // The input has at least n_pre leading and n_post trailing dims.
    {
        const ShapeRepr& in = c.shape(1);
        if (!in.has_root()) {
            if (in.dims().size() < n_pre + n_post)
                throw ValueError("IndexError: too many indices for tensor: tensor is " +
                                 std::to_string(in.dims().size()) + "-dimensional, but " +
                                 std::to_string(n_pre + n_post) + " were indexed");
        } else if ((in.prefix.size() < n_pre || in.suffix.size() < n_post) &&
                   in.prefix.size() <= n_pre && in.suffix.size() <= n_post) {
            // Only when the new repr contains the old one: [n_pre dims, (W), n_post dims]
            // asserts rank >= n_pre + n_post, exactly what the index needs.
            std::vector<Dim> prefix(in.prefix.begin(),
                                    in.prefix.begin() + long(std::min(n_pre, in.prefix.size())));
            while (prefix.size() < n_pre) prefix.emplace_back();
            std::vector<Dim> suffix(in.suffix.end() - long(std::min(n_post, in.suffix.size())),
                                    in.suffix.end());
            while (suffix.size() < n_post) suffix.insert(suffix.begin(), Dim());
            c.set_shape(1, ShapeRepr(prefix, Var(), suffix));
        }
    }
    const ShapeRepr in = c.shape(1);
    std::vector<Dim> lead, trail;
    ShapeRepr middle;
    if (!in.has_root()) {
        const auto& dims = in.dims();
        lead.assign(dims.begin(), dims.begin() + long(n_pre));
        trail.assign(dims.end() - long(n_post), dims.end());
        middle = ShapeRepr(std::vector<Dim>(dims.begin() + long(n_pre), dims.end() - long(n_post)));
    } else {
        if (in.prefix.size() < n_pre || in.suffix.size() < n_post) return false;
        lead.assign(in.prefix.begin(), in.prefix.begin() + long(n_pre));
        trail.assign(in.suffix.end() - long(n_post), in.suffix.end());
        middle =
            ShapeRepr(std::vector<Dim>(in.prefix.begin() + long(n_pre), in.prefix.end()), *in.root,
                      std::vector<Dim>(in.suffix.begin(), in.suffix.end() - long(n_post)));
    }

    // Advanced indices (tensors, and ints alongside them) and where their shape goes.
    bool complete = true;
    FreshSet fresh;
    std::vector<const ShapeRepr*> tensor_shapes;
    std::vector<size_t> advanced;
    for (size_t k = 0; k < items.size(); ++k) {
        if (items[k].kind == IndexItem::Tensor) tensor_shapes.push_back(&items[k].shape);
        if (items[k].kind == IndexItem::Tensor || items[k].kind == IndexItem::Int)
            advanced.push_back(k);
    }
    std::optional<ShapeRepr> adv_shape;
    bool in_place = true;
    if (!tensor_shapes.empty()) {
        adv_shape = broadcast_indices(tensor_shapes, complete, fresh);
        if (!adv_shape) return false;
        for (size_t j = 1; j < advanced.size(); ++j)
            in_place = in_place && advanced[j] == advanced[j - 1] + 1;
    }

    ReprBuilder out;
    if (adv_shape && !in_place) out.add(*adv_shape);
    size_t lead_pos = 0, trail_pos = 0;
    for (size_t k = 0; k < items.size(); ++k) {
        const IndexItem& it = items[k];
        if (it.kind == IndexItem::Ellipsis) {
            out.add(middle);
            continue;
        }
        if (it.kind == IndexItem::NewAxis) {
            out.add(Dim(int64_t(1)));
            continue;
        }
        const bool before = k < ellipsis_at;
        const Dim& d = before ? lead[lead_pos] : trail[trail_pos];
        int64_t axis = before ? int64_t(lead_pos) : int64_t(trail_pos) - int64_t(n_post);
        if (!before && !in.has_root()) axis += int64_t(in.dims().size());
        (before ? lead_pos : trail_pos) += 1;
        check_bounds(it, d, axis);
        if (it.kind == IndexItem::Slice) out.add(slice_dim(d, it.slice, complete, fresh));
        else if (adv_shape && in_place && k == advanced.front()) out.add(*adv_shape);
    }
    if (ellipsis_at == items.size()) out.add(middle);
    if (!out.ok) return false;
    if (!fresh.empty()) reuse_output_dims(out.repr, c.shape(0), fresh);
    c.set_shape(0, out.repr);
    return complete;
}

// ---- sequences ------------------------------------------------------------------------------

bool sequence_indexer(ConstraintContext& c) {
    if (c.valued(1) && c.value(1).is_sequence() && c.valued(2)) {
        const Value& seq = c.value(1);
        const Value& idx = c.value(2);
        const auto& items = seq.items();
        const int64_t n = int64_t(items.size());
        const char* kind = seq.kind() == K::List ? "list" : "tuple";
        if (idx.is_int() || idx.is_bool()) {
            int64_t i = idx.as_int();
            if (i < 0) i += n;
            if (i < 0 || i >= n)
                throw ValueError(std::string("IndexError: ") + kind + " index out of range");
            c.set_value(0, items[size_t(i)]);
            return true;
        }
        if (idx.kind() == K::Slice) {
            SliceIndices s = slice_indices(n, idx.as_slice());
            std::vector<Value> out;
            for (int64_t j = 0, i = s.start; j < s.length; ++j, i += s.step)
                out.push_back(items[size_t(i)]);
            c.set_value(0, seq.kind() == K::List ? Value::list(std::move(out))
                                                 : Value::tuple(std::move(out)));
            return true;
        }
        throw TypeError(std::string(kind) + " indices must be integers or slices, not " +
                        idx.repr());
    }
    if (c.valued(1) && c.value(1).is_sequence() && c.valued(0) && c.value(0).is_number()) {
        // The index of a value that occurs exactly once (Mithril's scalar_item_constraints).
        const auto& items = c.value(1).items();
        int count = 0;
        size_t at = 0;
        for (size_t i = 0; i < items.size(); ++i)
            if (items[i] == c.value(0)) ++count, at = i;
        if (count == 1) {
            c.set_value(2, Value(int64_t(at)));
            return true;
        }
        return false;
    }
    // An item of a ToTuple / ToList output: its value, once known.
    Edge& in = c.edge(1);
    if (!c.valued(1) && in.elements_known && c.valued(2) && c.value(2).is_int()) {
        int64_t n = int64_t(in.elements.size()), i = c.value(2).as_int();
        if (i < 0) i += n;
        if (i < 0 || i >= n) throw ValueError("IndexError: tuple index out of range");
        Edge* el = resolve(in.elements[size_t(i)]);
        if (el->is_valued()) {
            c.set_value(0, el->value);
            return true;
        }
    }
    return false;
}

}  // namespace

bool slice_constraints(ConstraintContext& c) {
    if (c.valued(1) && c.valued(2) && c.valued(3)) {
        auto part = [&](size_t i) -> std::optional<int64_t> {
            const Value& v = c.value(i);
            if (v.is_none()) return std::nullopt;
            if (!v.is_int())
                throw TypeError("slice indices must be integers or None, got " + v.repr());
            return v.as_int();
        };
        c.set_value(0, Value(Slice{part(1), part(2), part(3)}));
        return true;
    }
    if (c.valued(0)) {
        const Slice& s = c.value(0).as_slice();
        auto val = [](std::optional<int64_t> v) { return v ? Value(*v) : Value(None); };
        c.set_value(1, val(s.start));
        c.set_value(2, val(s.stop));
        c.set_value(3, val(s.step));
        return true;
    }
    return false;
}

bool indexer_constraints(ConstraintContext& c) {
    const Type in = c.type(1);
    if (in.is_tensor()) return tensor_indexer(c);
    if ((c.valued(1) && c.value(1).is_sequence()) || !in.may_be_tensor())
        return sequence_indexer(c);
    return false;
}

}  // namespace mithril::constraints

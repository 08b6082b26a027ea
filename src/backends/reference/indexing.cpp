// backends/reference/indexing.cpp — reference kernels for indexing and the scalar /
// container primitives: indexer, primitive_slice, primitive_embedding, unique, to_tuple,
// to_list, union, to_tensor, tensor_to_list, item, padding_converter_1d,
// padding_converter_2d, stride_converter, tuple_converter.
//
// indexer implements NumPy indexing on tensors: basic indices (int, slice, None,
// Ellipsis) and integer-array ("advanced") indices given as int tensors or lists, in any
// tuple mix. Advanced indices broadcast together; their result dimensions replace them in
// place when they are adjacent and go first otherwise (integers count as advanced once any
// array is present, as in NumPy). Bool tensors are masks (converted to their nonzero
// positions). On a Python list / tuple, an int picks an item and a slice a sub-sequence.
//
// The scalar helpers mirror Mithril's NumPy module (synnada-ai/mithril:
// mithril/cores/python/numpy/ops.py) line by line, including their RuntimeError texts.
// PaddingType values arrive as the strings "same" / "valid" (any case).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Inputs = std::vector<Value>;

// ---- Python slices ------------------------------------------------------------------------

// CPython's PySlice_AdjustIndices: the start, step and length of seq[s] for len(seq) == n.
struct SliceRange {
    std::int64_t start, step, length;
};
SliceRange adjust_slice(const Slice& s, std::int64_t n) {
    const std::int64_t step = s.step.value_or(1);
    if (step == 0) throw ValueError("slice step cannot be zero");
    auto bound = [&](const std::optional<std::int64_t>& v, std::int64_t dflt) {
        if (!v) return dflt;
        std::int64_t i = *v;
        if (i < 0) {
            i += n;
            if (i < 0) i = step < 0 ? -1 : 0;
        } else if (i >= n) {
            i = step < 0 ? n - 1 : n;
        }
        return i;
    };
    const std::int64_t start = bound(s.start, step < 0 ? n - 1 : 0);
    const std::int64_t stop = bound(s.stop, step < 0 ? -1 : n);
    std::int64_t length = 0;
    if (step < 0 && stop < start) length = (start - stop - 1) / (-step) + 1;
    if (step > 0 && start < stop) length = (stop - start - 1) / step + 1;
    return {start, step, length};
}

// ---- nested Python values -> tensors --------------------------------------------------------

// The shape of a nested list / tuple, read along the first items.
Shape nested_shape(const Value& v) {
    Shape shape;
    const Value* cur = &v;
    while (cur->is_sequence()) {
        shape.push_back(static_cast<std::int64_t>(cur->items().size()));
        if (cur->items().empty()) break;
        cur = &cur->items()[0];
    }
    return shape;
}

// Collects the leaves of a nested list (or a bare number) of the given shape; ragged
// nesting throws ValueError. kind: 0 bool, 1 int, 2 float (the dominant leaf type).
void collect_nested(const Value& v, std::size_t depth, const Shape& shape,
                    std::vector<double>& leaves, std::vector<std::int64_t>& ints, int& kind) {
    const bool want_seq = depth < shape.size();
    if (want_seq != v.is_sequence() ||
        (want_seq && static_cast<std::int64_t>(v.items().size()) != shape[depth]))
        throw ValueError("setting an array element with a sequence. The requested array has an "
                         "inhomogeneous shape after " +
                         std::to_string(depth) + " dimensions.");
    if (want_seq) {
        for (const auto& item : v.items())
            collect_nested(item, depth + 1, shape, leaves, ints, kind);
    } else if (v.is_bool()) {
        leaves.push_back(v.as_bool() ? 1.0 : 0.0);
        ints.push_back(v.as_bool() ? 1 : 0);
    } else if (v.is_int()) {
        kind = std::max(kind, 1);
        leaves.push_back(static_cast<double>(v.as_int()));
        ints.push_back(v.as_int());
    } else if (v.is_float()) {
        kind = 2;
        leaves.push_back(v.as_float());
        ints.push_back(0);
    } else {
        throw TypeError("expected a number or a nested list of numbers, got " + v.repr());
    }
}

// A nested list of numbers as a tensor: bool / int64 / float64 by the dominant leaf type
// (FORMAT.md §1.2), then converted to float_dtype for floats.
Tensor nested_to_tensor(const Value& v, Dtype float_dtype) {
    const Shape shape = nested_shape(v);
    std::vector<double> leaves;
    std::vector<std::int64_t> ints;
    int kind = 0;
    collect_nested(v, 0, shape, leaves, ints, kind);
    if (kind == 2) return Tensor::from_vector(leaves, shape).astype(float_dtype);
    if (kind == 1) return Tensor::from_vector(ints, shape);
    Tensor t(Dtype::bool_, shape);
    for (std::size_t i = 0; i < ints.size(); ++i)
        t.data<bool>()[i] = ints[i] != 0;
    return t;
}

// ---- indexer ---------------------------------------------------------------------------------

struct IndexItem {
    enum Kind { Int, Range, NewAxis, Array } kind;
    std::int64_t i = 0;  // Int
    Slice s;             // Range (default: the full slice)
    Tensor arr;          // Array (int64)
    explicit IndexItem(Kind k, std::int64_t value = 0) : kind(k), i(value) {}
};

std::string too_many(std::size_t rank, std::size_t n) {
    return "too many indices for array: array is " + std::to_string(rank) + "-dimensional, but " +
           std::to_string(n) + " were indexed";
}

// Numpy indexing of a tensor.
Tensor index_tensor(const Tensor& x, const Value& index, const KernelContext& ctx) {
    const std::size_t rank = x.rank();
    std::vector<Value> raw =
        index.kind() == Value::Kind::Tuple ? index.items() : std::vector<Value>{index};
    // 1. Classify; bool masks become one int array per masked dimension.
    std::vector<IndexItem> items;
    int ellipsis_at = -1;
    for (const auto& v : raw) {
        if (v.kind() == Value::Kind::Ellipsis) {
            if (ellipsis_at >= 0)
                throw ValueError("an index can only have a single ellipsis ('...')");
            ellipsis_at = static_cast<int>(items.size());
        } else if (v.is_none()) {
            items.emplace_back(IndexItem::NewAxis);
        } else if (v.is_int() || v.is_bool()) {
            items.emplace_back(IndexItem::Int, v.as_int());
        } else if (v.kind() == Value::Kind::Slice) {
            IndexItem it(IndexItem::Range);
            it.s = v.as_slice();
            items.push_back(it);
        } else if (v.is_tensor() || v.kind() == Value::Kind::List) {
            const Tensor t = v.is_tensor() ? to_kernel_dtype(v.as_tensor())
                                           : nested_to_tensor(v, ctx.float_dtype);
            if (t.dtype() == Dtype::bool_) {
                if (t.rank() == 0)
                    throw ValueError("indexer: 0-d boolean indices are not supported");
                // nonzero(): coordinates of the true elements, one int array per dimension.
                std::vector<std::vector<std::int64_t>> coords(t.rank());
                const Shape strides = row_major_strides(t.shape());
                for (std::int64_t k = 0; k < t.numel(); ++k)
                    if (t.data<bool>()[k])
                        for (std::size_t d = 0; d < t.rank(); ++d)
                            coords[d].push_back((k / strides[d]) % t.shape()[d]);
                for (const auto& c : coords) {
                    IndexItem it(IndexItem::Array);
                    it.arr = Tensor::from_vector(c, {static_cast<std::int64_t>(c.size())});
                    items.push_back(it);
                }
            } else if (t.dtype() == Dtype::int64) {
                IndexItem it(IndexItem::Array);
                it.arr = t;
                items.push_back(it);
            } else {
                throw ValueError("arrays used as indices must be of integer (or boolean) type");
            }
        } else {
            throw ValueError("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis "
                             "(`None`) and integer or boolean arrays are valid indices");
        }
    }
    // 2. Expand the ellipsis (or pad at the end) with full slices.
    std::size_t consumed = 0;
    for (const auto& it : items)
        consumed += it.kind == IndexItem::NewAxis ? 0 : 1;
    if (consumed > rank) throw ValueError(too_many(rank, consumed));
    const auto fill_at = static_cast<std::ptrdiff_t>(ellipsis_at >= 0 ? ellipsis_at : items.size());
    items.insert(items.begin() + fill_at, rank - consumed, IndexItem(IndexItem::Range));
    // 3. Integers are advanced indices once an array is present; bounds-check everything.
    const bool has_adv = std::any_of(items.begin(), items.end(), [](const IndexItem& it) {
        return it.kind == IndexItem::Array;
    });
    std::size_t dim = 0;
    std::vector<Shape> adv_shapes;
    std::vector<std::size_t> adv_pos;
    for (std::size_t k = 0; k < items.size(); ++k) {
        auto& it = items[k];
        if (it.kind == IndexItem::NewAxis) continue;
        const std::int64_t n = x.shape()[dim];
        auto check = [&](std::int64_t i) {
            if (i < -n || i >= n)
                throw ValueError("index " + std::to_string(i) + " is out of bounds for axis " +
                                 std::to_string(dim) + " with size " + std::to_string(n));
            return i < 0 ? i + n : i;
        };
        if (it.kind == IndexItem::Int) {
            it.i = check(it.i);
            if (has_adv) {
                it.kind = IndexItem::Array;
                it.arr = Tensor::scalar(it.i);
            }
        } else if (it.kind == IndexItem::Array) {
            it.arr = it.arr.astype(Dtype::int64);
            auto* p = it.arr.data<std::int64_t>();
            for (std::int64_t j = 0; j < it.arr.numel(); ++j)
                p[j] = check(p[j]);
        }
        if (it.kind == IndexItem::Array) {
            adv_shapes.push_back(it.arr.shape());
            adv_pos.push_back(k);
        }
        ++dim;
    }
    const Shape bshape = broadcast_shapes(adv_shapes, "indexer");
    for (auto& it : items)
        if (it.kind == IndexItem::Array) it.arr = broadcast_tensor(it.arr, bshape, "indexer");
    bool adjacent = true;
    for (std::size_t j = 1; j < adv_pos.size(); ++j)
        adjacent = adjacent && adv_pos[j] == adv_pos[j - 1] + 1;
    // 4. Output dimensions: each is a slice of one input dim, a new axis, or part of the
    // broadcast advanced block (inserted at the first array, or first when not adjacent).
    struct OutDim {
        std::int64_t size;
        int in_dim;  // for slices; -1 otherwise
        std::int64_t start = 0, step = 0;
        bool adv = false;
    };
    std::vector<OutDim> out;
    const Shape in_strides = row_major_strides(x.shape());
    std::int64_t base = 0;
    auto push_adv = [&] {
        for (auto d : bshape)
            out.push_back({d, -1, 0, 0, true});
    };
    if (has_adv && !adjacent) push_adv();
    dim = 0;
    bool adv_done = !has_adv || !adjacent;
    for (const auto& it : items) {
        switch (it.kind) {
        case IndexItem::NewAxis: out.push_back({1, -1}); continue;
        case IndexItem::Int: base += it.i * in_strides[dim]; break;
        case IndexItem::Range: {
            const SliceRange r = adjust_slice(it.s, x.shape()[dim]);
            out.push_back({r.length, static_cast<int>(dim), r.start, r.step});
            break;
        }
        case IndexItem::Array:
            if (!adv_done) {
                push_adv();
                adv_done = true;
            }
            break;
        }
        ++dim;
    }
    // 5. Gather: walk the output row-major, computing each element's input offset.
    Shape out_shape;
    for (const auto& d : out)
        out_shape.push_back(d.size);
    const std::int64_t total = shape_numel(out_shape);
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(total));
    const Shape bstrides = row_major_strides(bshape);
    Shape idx(out.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
        std::int64_t off = base, bflat = 0;
        std::size_t bd = 0;
        for (std::size_t d = 0; d < out.size(); ++d) {
            if (out[d].adv)
                bflat += idx[d] * bstrides[bd++];
            else if (out[d].in_dim >= 0)
                off += (out[d].start + idx[d] * out[d].step) *
                       in_strides[static_cast<std::size_t>(out[d].in_dim)];
        }
        std::size_t in_dim = 0;
        for (const auto& it : items) {
            if (it.kind == IndexItem::NewAxis) continue;
            if (it.kind == IndexItem::Array)
                off += it.arr.data<std::int64_t>()[bflat] * in_strides[in_dim];
            ++in_dim;
        }
        offsets[static_cast<std::size_t>(k)] = off;
        for (std::size_t d = out.size(); d-- > 0;) {
            if (++idx[d] < out_shape[d]) break;
            idx[d] = 0;
        }
    }
    return gather_offsets(x, offsets, out_shape);
}

// input[index] on a Python list / tuple: an int picks one item, a slice a sub-sequence.
Value index_sequence(const Value& seq, const Value& index) {
    const auto& items = seq.items();
    const auto n = static_cast<std::int64_t>(items.size());
    const std::string kind = seq.kind() == Value::Kind::List ? "list" : "tuple";
    if (index.is_int() || index.is_bool()) {
        std::int64_t i = index.as_int();
        if (i < -n || i >= n) throw ValueError(kind + " index out of range");
        return items[static_cast<std::size_t>(i < 0 ? i + n : i)];
    }
    if (index.kind() == Value::Kind::Slice) {
        const SliceRange r = adjust_slice(index.as_slice(), n);
        std::vector<Value> out;
        for (std::int64_t k = 0; k < r.length; ++k)
            out.push_back(items[static_cast<std::size_t>(r.start + k * r.step)]);
        return seq.kind() == Value::Kind::List ? Value::list(out) : Value::tuple(out);
    }
    throw TypeError(kind + " indices must be integers or slices, not " + index.repr());
}

Value indexer_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "indexer");
    if (in[0].is_sequence()) return index_sequence(in[0], in[1]);
    const Tensor x = in[0].is_tensor() ? in[0].as_tensor() : to_tensor(in[0], ctx, "indexer");
    return Value(index_tensor(x, in[1], ctx));
}

// slice(start, stop, step) as a Python slice value.
Value primitive_slice_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 3, "primitive_slice");
    auto opt = [](const Value& v) -> std::optional<std::int64_t> {
        if (v.is_none() || v.is_tbd()) return std::nullopt;
        return value_int(v, "primitive_slice");
    };
    return Value(Slice{opt(in[0]), opt(in[1]), opt(in[2])});
}

// primitive_embedding(input, weight): weight[input].
Value embedding_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "primitive_embedding");
    return Value(take_rows(to_tensor(in[1], ctx, "primitive_embedding"),
                           to_tensor(in[0], ctx, "primitive_embedding"), "primitive_embedding"));
}

// unique: np.unique — the sorted distinct elements, flattened (NaNs last, collapsed to one).
Value unique_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "unique");
    const Tensor x = to_tensor(in[0], ctx, "unique");
    Tensor out;
    dispatch<kAllKernel>(
        x.dtype(),
        [&](auto tag) {
            using T = typename decltype(tag)::type;
            std::vector<T> v(x.data<T>(), x.data<T>() + x.numel());
            auto is_nan = []([[maybe_unused]] T a) {
                if constexpr (std::is_floating_point_v<T>)
                    return static_cast<bool>(std::isnan(a));
                else
                    return false;
            };
            std::sort(v.begin(), v.end(), [&](T a, T b) {
                if (is_nan(a)) return false;
                if (is_nan(b)) return true;
                return a < b;
            });
            std::vector<T> u;
            for (const T& e : v)
                if (u.empty() || !(u.back() == e || (is_nan(u.back()) && is_nan(e))))
                    u.push_back(e);
            Tensor t(x.dtype(), {static_cast<std::int64_t>(u.size())});
            std::copy(u.begin(), u.end(), t.data<T>());
            out = t;
        },
        "unique");
    return Value(out);
}

// ---- containers -----------------------------------------------------------------------------

Value to_tuple_kernel(const Inputs& in, const KernelContext&) { return Value::tuple(in); }
Value to_list_kernel(const Inputs& in, const KernelContext&) { return Value::list(in); }

// union(*args): tuples are concatenated, other values appended, into one tuple.
Value union_kernel(const Inputs& in, const KernelContext&) {
    std::vector<Value> out;
    for (const auto& v : in) {
        if (v.kind() == Value::Kind::Tuple)
            out.insert(out.end(), v.items().begin(), v.items().end());
        else
            out.push_back(v);
    }
    return Value::tuple(out);
}

// to_tensor(input, dtype): the nested list as a tensor; bool if every leaf is bool, int64 if
// integers, otherwise float at the precision of `dtype` (or ctx.float_dtype when None).
// Mithril's NumPy code uses that precision for ints too (int32 at 32 bits); the reference
// keeps integers int64, the kernels' integer dtype.
Value to_tensor_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "to_tensor");
    Dtype float_dtype = ctx.float_dtype;
    if (!in[1].is_none() && !in[1].is_tbd()) {
        const Dtype d = in[1].as_dtype();
        const std::size_t bits = d == Dtype::bool_ ? 0 : dtype_size(d) * 8;
        if (bits == 64)
            float_dtype = Dtype::float64;
        else if (bits != 0)
            float_dtype = Dtype::float32;
    }
    if (in[0].is_tensor()) return in[0];
    return Value(nested_to_tensor(in[0], float_dtype));
}

// tensor_to_list: tensor.tolist() — nested lists of Python scalars (a 0-d tensor gives a
// scalar).
Value to_list_value(const Tensor& t, std::size_t dim, std::int64_t& flat) {
    if (dim == t.rank()) {
        const double v = t.at_double(static_cast<std::size_t>(flat++));
        switch (dtype_kind(t.dtype())) {
        case 0: return Value(v != 0.0);
        case 1: return Value(static_cast<long long>(v));
        default: return Value(v);
        }
    }
    std::vector<Value> items;
    for (std::int64_t i = 0; i < t.shape()[dim]; ++i)
        items.push_back(to_list_value(t, dim + 1, flat));
    return Value::list(items);
}

Value tensor_to_list_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "tensor_to_list");
    const Tensor x = to_tensor(in[0], ctx, "tensor_to_list");
    if (x.dtype() == Dtype::int64) {  // exact for large integers (at_double would round)
        std::int64_t flat = 0;
        std::function<Value(std::size_t)> rec = [&](std::size_t dim) -> Value {
            if (dim == x.rank())
                return Value(static_cast<long long>(x.data<std::int64_t>()[flat++]));
            std::vector<Value> items;
            for (std::int64_t i = 0; i < x.shape()[dim]; ++i)
                items.push_back(rec(dim + 1));
            return Value::list(items);
        };
        return rec(0);
    }
    std::int64_t flat = 0;
    return to_list_value(x, 0, flat);
}

Value item_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "item");
    if (in[0].is_number()) return in[0];
    const Tensor x = to_tensor(in[0], ctx, "item");
    if (x.numel() != 1) throw ValueError("can only convert an array of size 1 to a Python scalar");
    return scalar_value(x);
}

// ---- scalar helpers of the convolution / pooling composites ------------------------------

bool is_padding_type(const Value& v, const char* name) {
    if (!v.is_str()) return false;
    std::string s = v.as_str();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s == name;
}

Value int_pair(std::int64_t a, std::int64_t b) { return int_tuple({a, b}); }

// Python's repr of a list / tuple is what Mithril's messages print.
[[noreturn]] void invalid_padding(const Value& v) {
    throw RuntimeError("Given input '" + v.repr() + "' is not valid!");
}

std::int64_t same_half(std::int64_t k) {
    if (k % 2 == 0)
        throw RuntimeError("'same' padding is not supported when the kernel size is even!");
    return k / 2;
}

Value padding_converter_1d_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 2, "padding_converter_1d");
    const Value& input = in[0];
    const Value& kernel = in[1];
    if (is_padding_type(input, "valid")) return int_pair(0, 0);
    if (is_padding_type(input, "same")) {
        if (!(kernel.is_int() || kernel.is_bool()))
            throw RuntimeError("Kernel size must be 'tuple[int, int]' or 'int'!");
        const std::int64_t half = same_half(kernel.as_int());
        return int_pair(half, half);
    }
    if (input.is_int()) return int_pair(input.as_int(), input.as_int());
    if (!input.is_sequence() || input.items().size() < 2) invalid_padding(input);
    if (input.items()[0].is_sequence() || input.items()[1].is_sequence()) invalid_padding(input);
    return input;
}

Value padding_converter_2d_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 2, "padding_converter_2d");
    const Value& input = in[0];
    const Value& kernel = in[1];
    if (is_padding_type(input, "valid")) return Value::tuple({int_pair(0, 0), int_pair(0, 0)});
    if (is_padding_type(input, "same")) {
        if (kernel.kind() == Value::Kind::Tuple) {
            const auto k = value_int_list(kernel, "padding_converter_2d kernel_size");
            if (k.size() != 2) invalid_padding(kernel);
            const std::int64_t h0 = same_half(k[0]), h1 = same_half(k[1]);
            // Mithril's NumPy kernel returns ((k0 // 2, k1 // 2), (k0 // 2, k1 // 2)).
            return Value::tuple({int_pair(h0, h1), int_pair(h0, h1)});
        }
        const std::int64_t half = same_half(value_int(kernel, "padding_converter_2d kernel_size"));
        return Value::tuple({int_pair(half, half), int_pair(half, half)});
    }
    if (input.is_int()) {
        const std::int64_t p = input.as_int();
        return Value::tuple({int_pair(p, p), int_pair(p, p)});
    }
    if (!input.is_sequence()) invalid_padding(input);
    std::vector<std::pair<std::int64_t, std::int64_t>> rows;
    for (const auto& p : input.items()) {
        if (p.is_int())
            rows.emplace_back(p.as_int(), p.as_int());
        else if (p.is_sequence() && p.items().size() == 2)
            rows.emplace_back(value_int(p.items()[0], "padding"),
                              value_int(p.items()[1], "padding"));
    }
    if (rows.size() < 2) invalid_padding(input);
    return Value::tuple(
        {int_pair(rows[0].first, rows[0].second), int_pair(rows[1].first, rows[1].second)});
}

// stride_converter: None -> kernel_size, otherwise the input.
Value stride_converter_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 2, "stride_converter");
    return in[0].is_none() ? in[1] : in[0];
}

// tuple_converter: an int i -> (i, i), otherwise the input.
Value tuple_converter_kernel(const Inputs& in, const KernelContext&) {
    expect_inputs(in, 1, "tuple_converter");
    return in[0].is_int() ? int_pair(in[0].as_int(), in[0].as_int()) : in[0];
}

const bool kRegistered = [] {
    register_forward("indexer", indexer_kernel);
    register_forward("primitive_slice", primitive_slice_kernel);
    register_forward("primitive_embedding", embedding_kernel);
    register_forward("unique", unique_kernel);
    register_forward("to_tuple", to_tuple_kernel);
    register_forward("to_list", to_list_kernel);
    register_forward("union", union_kernel);
    register_forward("to_tensor", to_tensor_kernel);
    register_forward("tensor_to_list", tensor_to_list_kernel);
    register_forward("item", item_kernel);
    register_forward("padding_converter_1d", padding_converter_1d_kernel);
    register_forward("padding_converter_2d", padding_converter_2d_kernel);
    register_forward("stride_converter", stride_converter_kernel);
    register_forward("tuple_converter", tuple_converter_kernel);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

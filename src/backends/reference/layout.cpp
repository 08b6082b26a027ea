// backends/reference/layout.cpp — reference kernels for the shape / layout primitives:
// reshape, transpose, swapaxes, permute_tensor, flatten, squeeze, broadcast_to, concat,
// pad, where, split, the shape queries shape, size, length, dtype, and cast.
//
// Layout kernels copy elements (byte-wise, any dtype) and keep the input's dtype; the
// queries return Python values (tuples / ints / a Dtype). Semantics and error texts follow
// the NumPy calls Mithril's kernels make (np.reshape, .T / .transpose, np.concatenate,
// np.pad with zeros, np.where, np.stack(np.split(...)), len(), ...).
#include <algorithm>
#include <cstring>

#include "backends/reference/tensor_ops.hpp"

namespace mithril::reference {

namespace {

using Inputs = std::vector<Value>;

// A tensor input as it is (dtype kept; Python numbers become 0-d tensors).
Tensor raw_tensor(const Value& v, const KernelContext& ctx, const std::string& op) {
    return v.is_tensor() ? v.as_tensor() : to_tensor(v, ctx, op);
}

// "(2, 3)", "(4,)", "()" — NumPy prints shapes as Python tuples.
std::string py_shape(const Shape& s) {
    std::string out = "(";
    for (std::size_t i = 0; i < s.size(); ++i)
        out += (i ? ", " : "") + std::to_string(s[i]);
    return out + (s.size() == 1 ? ",)" : ")");
}

// Python slice bounds [lo, hi) of seq[start:stop] for a sequence of length n (step 1).
std::pair<std::int64_t, std::int64_t> py_bounds(std::int64_t n, std::int64_t start,
                                                std::int64_t stop) {
    auto clampi = [n](std::int64_t i) {
        if (i < 0) i += n;
        return std::clamp<std::int64_t>(i, 0, n);
    };
    const std::int64_t lo = clampi(start), hi = clampi(stop);
    return {lo, std::max(lo, hi)};
}

Value reshape_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "reshape");
    const Tensor x = raw_tensor(in[0], ctx, "reshape");
    Shape shape = value_int_list(in[1], "reshape shape");
    std::int64_t known = 1;
    int unknown = -1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1) {
            if (unknown >= 0) throw ValueError("can only specify one unknown dimension");
            unknown = static_cast<int>(i);
        } else if (shape[i] < 0) {
            throw ValueError("negative dimensions not allowed");
        } else {
            known *= shape[i];
        }
    }
    const std::string msg = "cannot reshape array of size " + std::to_string(x.numel()) +
                            " into shape " + py_shape(shape);
    if (unknown >= 0) {
        if (known == 0 || x.numel() % known != 0) throw ValueError(msg);
        shape[static_cast<std::size_t>(unknown)] = x.numel() / known;
    }
    if (shape_numel(shape) != x.numel()) throw ValueError(msg);
    return Value(reshape_tensor(x, shape, "reshape"));
}

// transpose(axes): None or an empty sequence reverses the axes.
Value transpose_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "transpose");
    const Tensor x = raw_tensor(in[0], ctx, "transpose");
    std::vector<std::int64_t> perm;
    if (!in[1].is_none() && !in[1].is_tbd()) perm = value_int_list(in[1], "transpose axes");
    if (perm.empty())
        for (std::int64_t i = static_cast<std::int64_t>(x.rank()); i-- > 0;)
            perm.push_back(i);
    return Value(permute_dims(x, perm, "transpose"));
}

Value swapaxes_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 3, "swapaxes");
    const Tensor x = raw_tensor(in[0], ctx, "swapaxes");
    const auto rank = static_cast<std::int64_t>(x.rank());
    const auto a = normalize_axis(value_int(in[1], "swapaxes axis1"), rank, "swapaxes");
    const auto b = normalize_axis(value_int(in[2], "swapaxes axis2"), rank, "swapaxes");
    std::vector<std::int64_t> perm(static_cast<std::size_t>(rank));
    for (std::int64_t i = 0; i < rank; ++i)
        perm[static_cast<std::size_t>(i)] = i;
    std::swap(perm[static_cast<std::size_t>(a)], perm[static_cast<std::size_t>(b)]);
    return Value(permute_dims(x, perm, "swapaxes"));
}

// permute_tensor: input[indices] (rows of input gathered by an integer tensor).
Value permute_tensor_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "permute_tensor");
    return Value(take_rows(raw_tensor(in[0], ctx, "permute_tensor"),
                           to_tensor(in[1], ctx, "permute_tensor"), "permute_tensor"));
}

// flatten(start_dim, end_dim), Mithril's NumPy code verbatim: end_dim == -1 or == rank
// means "to the end"; shape[:start] + (prod(shape[start:end+1]),) + shape[end+1:] with
// Python slice semantics (a 0-d input becomes shape (1,)).
Value flatten_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 3, "flatten");
    const Tensor x = raw_tensor(in[0], ctx, "flatten");
    const auto rank = static_cast<std::int64_t>(x.rank());
    const std::int64_t start = value_int(in[1], "flatten start_dim");
    std::int64_t end = value_int(in[2], "flatten end_dim");
    if (end == -1 || end == rank) end = rank + 1;
    const Shape& s = x.shape();
    auto [lo, hi] = py_bounds(rank, start, end + 1);
    std::int64_t prod = 1;
    for (std::int64_t i = lo; i < hi; ++i)
        prod *= s[static_cast<std::size_t>(i)];
    auto [h0, h1] = py_bounds(rank, 0, start);
    auto [t0, t1] = py_bounds(rank, end + 1, rank);
    Shape out(s.begin() + h0, s.begin() + h1);
    out.push_back(prod);
    out.insert(out.end(), s.begin() + t0, s.begin() + t1);
    return Value(reshape_tensor(x, out, "flatten"));
}

Value squeeze_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "squeeze");
    const Tensor x = raw_tensor(in[0], ctx, "squeeze");
    Shape out;
    for (auto d : x.shape())
        if (d != 1) out.push_back(d);
    return Value(reshape_tensor(x, out, "squeeze"));
}

Value broadcast_to_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "broadcast_to");
    const Tensor x = raw_tensor(in[0], ctx, "broadcast_to");
    return Value(broadcast_tensor(x, value_int_list(in[1], "broadcast_to shape"), "broadcast_to"));
}

// concat(input list, axis): np.concatenate with dtype promotion; axis None flattens every
// input first and joins them on axis 0.
Value concat_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "concat");
    if (!in[0].is_sequence()) throw TypeError("concat: input must be a list of tensors");
    std::vector<Tensor> parts;
    for (const auto& item : in[0].items())
        parts.push_back(raw_tensor(item, ctx, "concat"));
    if (parts.empty()) throw ValueError("need at least one array to concatenate");
    // One dtype for all parts: kept when they agree, otherwise NumPy promotion.
    Dtype dt = parts[0].dtype();
    const bool mixed =
        std::any_of(parts.begin(), parts.end(), [&](const Tensor& p) { return p.dtype() != dt; });
    if (mixed) {
        dt = to_kernel_dtype(parts[0]).dtype();
        for (const auto& p : parts)
            dt = promote_types(dt, to_kernel_dtype(p).dtype());
    }
    std::int64_t axis = 0;
    const bool flat = in[1].is_none();
    if (!flat) axis = value_int(in[1], "concat axis");
    for (auto& p : parts) {
        if (p.dtype() != dt) p = p.astype(dt);
        if (flat) p = reshape_tensor(p, {p.numel()}, "concat");
    }
    return Value(concat_tensors(parts, axis, "concat"));
}

// pad(pad_width): np.pad with zeros. pad_width broadcasts to (rank, 2) like NumPy: an int,
// (before, after), ((before, after),) or one pair per axis.
Value pad_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "pad");
    const Tensor x = raw_tensor(in[0], ctx, "pad");
    const std::size_t rank = x.rank();
    // pad_width as a 0-, 1- or 2-d integer array.
    std::vector<std::vector<std::int64_t>> rows;
    const Value& pw = in[1];
    if (pw.is_sequence() && !pw.items().empty() && pw.items()[0].is_sequence()) {
        for (const auto& r : pw.items())
            rows.push_back(value_int_list(r, "pad pad_width"));
    } else {
        rows.push_back(value_int_list(pw, "pad pad_width"));
    }
    for (const auto& r : rows)
        if (r.size() != rows[0].size()) throw ValueError("pad: pad_width is a ragged sequence");
    const std::size_t m = rows.size(), k = rows[0].size();
    if ((m != 1 && m != rank) || (k != 1 && k != 2))
        throw ValueError("operands could not be broadcast together with remapped shapes "
                         "[original->remapped]: (" +
                         std::to_string(m) + "," + std::to_string(k) + ") and requested shape (" +
                         std::to_string(rank) + ",2)");
    Shape before(rank), after(rank), out_shape(rank);
    for (std::size_t d = 0; d < rank; ++d) {
        const auto& r = rows[m == 1 ? 0 : d];
        before[d] = r[0];
        after[d] = r[k == 1 ? 0 : 1];
        if (before[d] < 0 || after[d] < 0) throw ValueError("index can't contain negative values");
        out_shape[d] = x.shape()[d] + before[d] + after[d];
    }
    Tensor out(x.dtype(), out_shape);  // zero-filled
    const Shape out_strides = row_major_strides(out_shape);
    const std::size_t es = dtype_size(x.dtype());
    const auto* src = static_cast<const unsigned char*>(x.raw_data());
    auto* dst = static_cast<unsigned char*>(out.raw_data());
    Shape idx(rank, 0);
    for (std::int64_t i = 0; i < x.numel(); ++i) {
        std::int64_t o = 0;
        for (std::size_t d = 0; d < rank; ++d)
            o += (idx[d] + before[d]) * out_strides[d];
        std::memcpy(dst + static_cast<std::size_t>(o) * es, src + static_cast<std::size_t>(i) * es,
                    es);
        for (std::size_t d = rank; d-- > 0;) {
            if (++idx[d] < x.shape()[d]) break;
            idx[d] = 0;
        }
    }
    return Value(out);
}

// where(cond, input1, input2): np.where; cond is truthy where nonzero; the values are
// promoted (Python numbers are weak) and everything broadcasts.
Value where_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 3, "where");
    const Tensor cond = to_tensor(in[0], ctx, "where").astype(Dtype::bool_);
    const Operand a = to_operand(in[1], ctx, "where"), b = to_operand(in[2], ctx, "where");
    const Dtype dt = result_dtype({a, b}, ctx);
    const Tensor ta = a.tensor.astype(dt), tb = b.tensor.astype(dt);
    const Shape shape = broadcast_shapes({cond.shape(), ta.shape(), tb.shape()}, "where");
    const auto ic = broadcast_index_map(cond.shape(), shape);
    const auto ia = broadcast_index_map(ta.shape(), shape);
    const auto ib = broadcast_index_map(tb.shape(), shape);
    Tensor out(dt, shape);
    const std::size_t es = dtype_size(dt);
    const bool* pc = cond.data<bool>();
    const auto* pa = static_cast<const unsigned char*>(ta.raw_data());
    const auto* pb = static_cast<const unsigned char*>(tb.raw_data());
    auto* po = static_cast<unsigned char*>(out.raw_data());
    for (std::size_t i = 0; i < ic.size(); ++i) {
        const unsigned char* src = pc[ic[i]] ? pa + static_cast<std::size_t>(ia[i]) * es
                                             : pb + static_cast<std::size_t>(ib[i]) * es;
        std::memcpy(po + i * es, src, es);
    }
    return Value(out);
}

// split(split_size, axis): np.stack(np.split(input, split_size, axis)). An int splits into
// that many equal sections; a list gives split indices (the pieces must still match).
Value split_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 3, "split");
    const Tensor x = raw_tensor(in[0], ctx, "split");
    const auto rank = static_cast<std::int64_t>(x.rank());
    if (rank == 0) throw ValueError("split: input must be at least 1-dimensional");
    const auto axis = normalize_axis(value_int(in[2], "split axis"), rank, "split");
    const std::int64_t n = x.shape()[static_cast<std::size_t>(axis)];
    std::vector<std::pair<std::int64_t, std::int64_t>> pieces;
    if (in[1].is_sequence()) {
        std::int64_t prev = 0;
        for (auto idx : value_int_list(in[1], "split split_size")) {
            auto [lo, hi] = py_bounds(n, prev, idx);
            pieces.emplace_back(lo, hi);
            prev = idx;
        }
        auto [lo, hi] = py_bounds(n, prev, n);
        pieces.emplace_back(lo, hi);
    } else {
        const std::int64_t sections = value_int(in[1], "split split_size");
        if (sections <= 0) throw ValueError("number sections must be larger than 0.");
        if (n % sections != 0) throw ValueError("array split does not result in an equal division");
        for (std::int64_t i = 0; i < sections; ++i)
            pieces.emplace_back(i * (n / sections), (i + 1) * (n / sections));
    }
    std::vector<Tensor> parts;
    Shape piece_shape;
    for (auto [lo, hi] : pieces) {
        Tensor p = slice_axis(x, axis, lo, hi);
        if (parts.empty())
            piece_shape = p.shape();
        else if (p.shape() != piece_shape)
            throw ValueError("all input arrays must have the same shape");
        Shape s = p.shape();
        s.insert(s.begin(), 1);
        parts.push_back(reshape_tensor(p, s, "split"));
    }
    // Stack: join the [1, ...] pieces on the new leading axis.
    return Value(concat_tensors(parts, 0, "split"));
}

// ---- queries -----------------------------------------------------------------------------

Value shape_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "shape");
    return int_tuple(raw_tensor(in[0], ctx, "shape").shape());
}

// size(dim): None -> number of elements; int -> shape[dim]; tuple -> tuple of dims.
Value size_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "size");
    const Tensor x = raw_tensor(in[0], ctx, "size");
    if (in[1].is_none()) return Value(static_cast<long long>(x.numel()));
    const auto rank = static_cast<std::int64_t>(x.rank());
    auto dim_of = [&](std::int64_t d) {
        if (d < -rank || d >= rank) throw ValueError("tuple index out of range");
        return x.shape()[static_cast<std::size_t>(d < 0 ? d + rank : d)];
    };
    if (in[1].is_sequence()) {
        std::vector<std::int64_t> dims;
        for (auto d : value_int_list(in[1], "size dim"))
            dims.push_back(dim_of(d));
        return int_tuple(dims);
    }
    return Value(static_cast<long long>(dim_of(value_int(in[1], "size dim"))));
}

// length: len(input) — the first dimension of a tensor, the length of a list / tuple.
Value length_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "length");
    if (in[0].is_sequence()) return Value(static_cast<long long>(in[0].items().size()));
    const Tensor x = raw_tensor(in[0], ctx, "length");
    if (x.rank() == 0) throw TypeError("len() of unsized object");
    return Value(static_cast<long long>(x.shape()[0]));
}

Value dtype_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 1, "dtype");
    return Value(raw_tensor(in[0], ctx, "dtype").dtype());
}

// cast(dtype): input.astype(dtype) (float -> int truncates toward zero).
Value cast_kernel(const Inputs& in, const KernelContext& ctx) {
    expect_inputs(in, 2, "cast");
    const Tensor x = raw_tensor(in[0], ctx, "cast");
    if (in[1].kind() != Value::Kind::Dtype)
        throw TypeError("cast: dtype must be a Dtype, got " + in[1].repr());
    return Value(x.astype(in[1].as_dtype()));
}

const bool kRegistered = [] {
    register_forward("reshape", reshape_kernel);
    register_forward("transpose", transpose_kernel);
    register_forward("swapaxes", swapaxes_kernel);
    register_forward("permute_tensor", permute_tensor_kernel);
    register_forward("flatten", flatten_kernel);
    register_forward("squeeze", squeeze_kernel);
    register_forward("broadcast_to", broadcast_to_kernel);
    register_forward("concat", concat_kernel);
    register_forward("pad", pad_kernel);
    register_forward("where", where_kernel);
    register_forward("split", split_kernel);
    register_forward("shape", shape_kernel);
    register_forward("size", size_kernel);
    register_forward("length", length_kernel);
    register_forward("dtype", dtype_kernel);
    register_forward("cast", cast_kernel);
    return true;
}();

}  // namespace

}  // namespace mithril::reference

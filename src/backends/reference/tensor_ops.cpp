// backends/reference/tensor_ops.cpp — shared helpers of the reference kernels (see the
// header), the kernel registry and constant_value().
#include "backends/reference/tensor_ops.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>

namespace mithril::reference {

// ---- registry ------------------------------------------------------------------------------

namespace {

std::map<std::string, ForwardKernel>& registry() {
    static std::map<std::string, ForwardKernel> kernels;  // function-local: init-order safe
    return kernels;
}

}  // namespace

void register_forward(const std::string& formula_key, ForwardKernel k) {
    auto& reg = registry();
    if (reg.count(formula_key) != 0)
        throw InternalError("reference kernel registered twice: " + formula_key);
    reg.emplace(formula_key, std::move(k));
}

const ForwardKernel* find_forward(const std::string& formula_key) {
    const auto& reg = registry();
    auto it = reg.find(formula_key);
    return it == reg.end() ? nullptr : &it->second;
}

std::vector<std::string> forward_keys() {
    std::vector<std::string> keys;
    for (const auto& [k, v] : registry())
        keys.push_back(k);
    return keys;
}

// ---- constants (FORMAT.md §1.6, Mithril's epsilon_table) -----------------------------------

double constant_value(Constant c, Dtype float_dtype) {
    const bool f64 = float_dtype == Dtype::float64;
    if (!f64 && float_dtype != Dtype::float32 && float_dtype != Dtype::float16 &&
        float_dtype != Dtype::bfloat16)
        throw TypeError("constant_value: not a floating dtype: " +
                        std::string(dtype_name(float_dtype)));
    switch (c) {
    case Constant::EPSILON: return f64 ? 0x1p-52 : 1.1920929e-07;
    case Constant::LEFT_EPSILON: return f64 ? 0x1p-53 : 5.9604645e-08;
    case Constant::MIN_POSITIVE_NORMAL: return f64 ? 2.2250738585072014e-308 : 1.1754944e-38;
    case Constant::MIN_POSITIVE_SUBNORMAL: return f64 ? 5e-324 : 1e-45;
    case Constant::STABLE_RECIPROCAL_THRESHOLD:
        return f64 ? 1.4916681462400413e-153 : 1.0842021951e-19;
    case Constant::ZEROS: return 0.0;
    case Constant::ONES: return 1.0;
    }
    throw InternalError("constant_value: unknown Constant");
}

// ---- shapes --------------------------------------------------------------------------------

std::int64_t shape_numel(const Shape& shape) {
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

Shape row_major_strides(const Shape& shape) {
    Shape strides(shape.size(), 1);
    for (std::size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

std::string shape_str(const Shape& shape) {
    std::ostringstream os;
    os << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        os << (i ? ", " : "") << shape[i];
    os << ']';
    return os.str();
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& op) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ValueError(op + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                             " can not be broadcast together");
        out[i] = da == 1 ? db : da;
    }
    return out;
}

Shape broadcast_shapes(const std::vector<Shape>& shapes, const std::string& op) {
    Shape out;
    for (const auto& s : shapes)
        out = broadcast_shapes(out, s, op);
    return out;
}

std::int64_t normalize_axis(std::int64_t axis, std::int64_t rank, const std::string& op) {
    if (axis < -rank || axis >= rank)
        throw ValueError(op + ": axis " + std::to_string(axis) +
                         " is out of bounds for a tensor of rank " + std::to_string(rank));
    return axis < 0 ? axis + rank : axis;
}

std::vector<std::int64_t> broadcast_index_map(const Shape& in, const Shape& out) {
    const std::size_t rank = out.size();
    const std::size_t lead = rank - in.size();
    // Strides of `in` seen through the output's dimensions (0 where broadcast).
    const Shape in_strides = row_major_strides(in);
    Shape strides(rank, 0);
    for (std::size_t i = 0; i < in.size(); ++i)
        strides[lead + i] = in[i] == 1 ? 0 : in_strides[i];
    const std::int64_t n = shape_numel(out);
    std::vector<std::int64_t> map(static_cast<std::size_t>(n));
    Shape idx(rank, 0);
    std::int64_t offset = 0;
    for (std::int64_t k = 0; k < n; ++k) {
        map[static_cast<std::size_t>(k)] = offset;
        // Increment the multi-index (odometer), updating the offset incrementally.
        for (std::size_t d = rank; d-- > 0;) {
            if (++idx[d] < out[d]) {
                offset += strides[d];
                break;
            }
            offset -= strides[d] * (out[d] - 1);
            idx[d] = 0;
        }
    }
    return map;
}

// ---- dtypes and operands -------------------------------------------------------------------

void throw_unsupported_dtype(Dtype d, const std::string& op) {
    throw TypeError(op + ": unsupported dtype " + std::string(dtype_name(d)));
}

int dtype_kind(Dtype d) {
    if (d == Dtype::bool_) return 0;
    return is_floating(d) ? 2 : 1;
}

Tensor to_kernel_dtype(const Tensor& t) {
    switch (t.dtype()) {
    case Dtype::float32:
    case Dtype::float64:
    case Dtype::int64:
    case Dtype::bool_: return t;
    case Dtype::float16:
    case Dtype::bfloat16: return t.astype(Dtype::float32);
    default: return t.astype(Dtype::int64);
    }
}

Operand to_operand(const Value& v, const KernelContext& ctx, const std::string& op) {
    switch (v.kind()) {
    case Value::Kind::Tensor: return {to_kernel_dtype(v.as_tensor()), false};
    case Value::Kind::Bool: return {Tensor::scalar(v.as_bool()), true};
    case Value::Kind::Int: return {Tensor::scalar(v.as_int()), true};
    case Value::Kind::Float: return {Tensor::scalar(v.as_float()).astype(ctx.float_dtype), true};
    case Value::Kind::Constant:
        return {Tensor::scalar(constant_value(v.as_constant(), ctx.float_dtype))
                    .astype(ctx.float_dtype),
                true};
    default: throw TypeError(op + ": expected a tensor or a number, got " + v.repr());
    }
}

Tensor to_tensor(const Value& v, const KernelContext& ctx, const std::string& op) {
    return to_operand(v, ctx, op).tensor;
}

Dtype promote_types(Dtype a, Dtype b) {
    if (a == b) return a;
    const int ka = dtype_kind(a), kb = dtype_kind(b);
    if (ka != kb) return ka > kb ? a : b;
    // Same kind, different dtypes: only float32 vs float64 remains among kernel dtypes.
    if (ka == 2) return (a == Dtype::float64 || b == Dtype::float64) ? Dtype::float64 : a;
    return Dtype::int64;
}

Dtype result_dtype(const std::vector<Operand>& ops, const KernelContext& ctx) {
    // Highest kind among all operands, then the strong operands of that kind decide.
    int kind = 0;
    for (const auto& o : ops)
        kind = std::max(kind, dtype_kind(o.tensor.dtype()));
    bool have_strong = false;
    Dtype strong = Dtype::bool_;
    for (const auto& o : ops) {
        if (o.weak || dtype_kind(o.tensor.dtype()) != kind) continue;
        strong = have_strong ? promote_types(strong, o.tensor.dtype()) : o.tensor.dtype();
        have_strong = true;
    }
    if (have_strong) return strong;
    // Only weak operands of the highest kind: Python float -> float dtype, int -> int64.
    if (kind == 2) return ctx.float_dtype;
    return kind == 1 ? Dtype::int64 : Dtype::bool_;
}

Dtype float_result_dtype(Dtype d, const KernelContext& ctx) {
    return is_floating(d) ? d : ctx.float_dtype;
}

bool all_scalars(const std::vector<Value>& inputs) {
    for (const auto& v : inputs)
        if (v.is_tensor()) return false;
    return true;
}

Value scalar_value(const Tensor& t) {
    if (t.numel() != 1)
        throw ValueError("scalar_value: tensor of shape " + shape_str(t.shape()) +
                         " is not a single element");
    switch (dtype_kind(t.dtype())) {
    case 0: return Value(t.at_double(0) != 0.0);
    case 1: return Value(static_cast<long long>(t.astype(Dtype::int64).data<std::int64_t>()[0]));
    default: return Value(t.at_double(0));
    }
}

// ---- NumPy scalar semantics ----------------------------------------------------------------

void expect_inputs(const std::vector<Value>& inputs, std::size_t n, const std::string& op) {
    if (inputs.size() != n)
        throw ValueError(op + ": expected " + std::to_string(n) + " inputs, got " +
                         std::to_string(inputs.size()));
}

std::int64_t int_floor_divide(std::int64_t a, std::int64_t b) {
    if (b == 0) return 0;
    if (b == -1) return static_cast<std::int64_t>(0ull - static_cast<std::uint64_t>(a));
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::int64_t int_remainder(std::int64_t a, std::int64_t b) {
    if (b == 0 || b == -1) return 0;
    std::int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

// ---- reductions ----------------------------------------------------------------------------

std::vector<std::int64_t> parse_axes(const Value& axis, std::int64_t rank, const std::string& op) {
    std::vector<std::int64_t> axes;
    if (axis.is_none() || axis.is_tbd()) {
        for (std::int64_t i = 0; i < rank; ++i)
            axes.push_back(i);
        return axes;
    }
    for (auto a : value_int_list(axis, op + " axis"))
        axes.push_back(normalize_axis(a, rank, op));
    std::sort(axes.begin(), axes.end());
    if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
        throw ValueError(op + ": duplicate value in 'axis'");
    return axes;
}

Shape reduced_shape(const Shape& in, const std::vector<std::int64_t>& axes, bool keepdim) {
    Shape out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const bool reduced =
            std::find(axes.begin(), axes.end(), static_cast<std::int64_t>(i)) != axes.end();
        if (!reduced)
            out.push_back(in[i]);
        else if (keepdim)
            out.push_back(1);
    }
    return out;
}

std::vector<std::int64_t> reduce_index_map(const Shape& in, const std::vector<std::int64_t>& axes) {
    // The output (keepdim form) has size 1 on reduced axes; each input element maps to
    // the output element with its reduced coordinates set to 0.
    const Shape kept = reduced_shape(in, axes, true);
    const Shape out_strides = row_major_strides(kept);
    const std::int64_t n = shape_numel(in);
    std::vector<std::int64_t> map(static_cast<std::size_t>(n));
    Shape idx(in.size(), 0);
    for (std::int64_t k = 0; k < n; ++k) {
        std::int64_t o = 0;
        for (std::size_t d = 0; d < in.size(); ++d)
            o += (kept[d] == 1 ? 0 : idx[d]) * out_strides[d];  // reduced dims read 0
        map[static_cast<std::size_t>(k)] = o;
        for (std::size_t d = in.size(); d-- > 0;) {
            if (++idx[d] < in[d]) break;
            idx[d] = 0;
        }
    }
    return map;
}

std::vector<std::vector<std::int64_t>> reduce_groups(const Shape& in,
                                                     const std::vector<std::int64_t>& axes) {
    const auto map = reduce_index_map(in, axes);
    std::vector<std::vector<std::int64_t>> groups(
        static_cast<std::size_t>(shape_numel(reduced_shape(in, axes, true))));
    for (std::size_t k = 0; k < map.size(); ++k)
        groups[static_cast<std::size_t>(map[k])].push_back(static_cast<std::int64_t>(k));
    return groups;
}

// ---- layout helpers ------------------------------------------------------------------------

Tensor gather_offsets(const Tensor& src, const std::vector<std::int64_t>& offsets, Shape shape) {
    Tensor out(src.dtype(), std::move(shape));
    if (static_cast<std::size_t>(out.numel()) != offsets.size())
        throw InternalError("gather_offsets: offsets do not match the shape");
    const std::size_t es = dtype_size(src.dtype());
    const auto* in = static_cast<const unsigned char*>(src.raw_data());
    auto* dst = static_cast<unsigned char*>(out.raw_data());
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        if (offsets[i] < 0 || offsets[i] >= src.numel())
            throw InternalError("gather_offsets: offset out of range");
        std::memcpy(dst + i * es, in + static_cast<std::size_t>(offsets[i]) * es, es);
    }
    return out;
}

Tensor reshape_tensor(const Tensor& t, Shape shape, const std::string& op) {
    for (auto d : shape)
        if (d < 0) throw ValueError(op + ": negative dimension in " + shape_str(shape));
    if (shape_numel(shape) != t.numel())
        throw ValueError(op + ": cannot reshape array of size " + std::to_string(t.numel()) +
                         " into shape " + shape_str(shape));
    Tensor out(t.dtype(), std::move(shape));
    if (t.nbytes() != 0) std::memcpy(out.raw_data(), t.raw_data(), t.nbytes());
    return out;
}

Tensor permute_dims(const Tensor& t, const std::vector<std::int64_t>& perm, const std::string& op) {
    const auto rank = static_cast<std::int64_t>(t.rank());
    if (static_cast<std::int64_t>(perm.size()) != rank)
        throw ValueError(op + ": axes don't match array");
    std::vector<bool> seen(perm.size(), false);
    std::vector<std::int64_t> p(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) {
        p[i] = normalize_axis(perm[i], rank, op);
        if (seen[static_cast<std::size_t>(p[i])])
            throw ValueError(op + ": repeated axis in transpose");
        seen[static_cast<std::size_t>(p[i])] = true;
    }
    Shape out_shape(perm.size());
    const Shape in_strides = row_major_strides(t.shape());
    Shape strides(perm.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        out_shape[i] = t.shape()[static_cast<std::size_t>(p[i])];
        strides[i] = in_strides[static_cast<std::size_t>(p[i])];
    }
    const std::int64_t n = shape_numel(out_shape);
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(n));
    Shape idx(p.size(), 0);
    for (std::int64_t k = 0; k < n; ++k) {
        std::int64_t o = 0;
        for (std::size_t d = 0; d < p.size(); ++d)
            o += idx[d] * strides[d];
        offsets[static_cast<std::size_t>(k)] = o;
        for (std::size_t d = p.size(); d-- > 0;) {
            if (++idx[d] < out_shape[d]) break;
            idx[d] = 0;
        }
    }
    return gather_offsets(t, offsets, out_shape);
}

Tensor broadcast_tensor(const Tensor& t, const Shape& shape, const std::string& op) {
    const Shape& in = t.shape();
    bool ok = in.size() <= shape.size();
    for (std::size_t i = 0; ok && i < in.size(); ++i) {
        const std::int64_t target = shape[shape.size() - in.size() + i];
        ok = in[i] == target || in[i] == 1;
    }
    if (!ok)
        throw ValueError(op +
                         ": operands could not be broadcast together with remapped shapes "
                         "[original->remapped]: " +
                         shape_str(in) + " and requested shape " + shape_str(shape));
    return gather_offsets(t, broadcast_index_map(in, shape), shape);
}

Tensor take_rows(const Tensor& src, const Tensor& indices, const std::string& op) {
    if (src.rank() == 0)
        throw ValueError(op + ": too many indices for array: array is 0-dimensional");
    if (dtype_kind(indices.dtype()) != 1)
        throw TypeError(op + ": arrays used as indices must be of integer type");
    const Tensor idx = indices.astype(Dtype::int64);
    const std::int64_t rows = src.shape()[0];
    const std::int64_t row_size = rows == 0 ? 0 : src.numel() / rows;
    Shape out_shape = idx.shape();
    out_shape.insert(out_shape.end(), src.shape().begin() + 1, src.shape().end());
    std::vector<std::int64_t> offsets;
    offsets.reserve(static_cast<std::size_t>(idx.numel() * row_size));
    const auto* pi = idx.data<std::int64_t>();
    for (std::int64_t k = 0; k < idx.numel(); ++k) {
        std::int64_t r = pi[k];
        if (r < -rows || r >= rows)
            throw ValueError("index " + std::to_string(r) +
                             " is out of bounds for axis 0 with size " + std::to_string(rows));
        if (r < 0) r += rows;
        for (std::int64_t j = 0; j < row_size; ++j)
            offsets.push_back(r * row_size + j);
    }
    return gather_offsets(src, offsets, out_shape);
}

Tensor concat_tensors(const std::vector<Tensor>& parts, std::int64_t axis, const std::string& op) {
    if (parts.empty()) throw ValueError("need at least one array to concatenate");
    const Tensor& first = parts[0];
    if (first.rank() == 0) throw ValueError("zero-dimensional arrays cannot be concatenated");
    const auto rank = static_cast<std::int64_t>(first.rank());
    axis = normalize_axis(axis, rank, op);
    Shape out_shape = first.shape();
    out_shape[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Tensor& t = parts[i];
        if (t.dtype() != first.dtype())
            throw InternalError(op + ": concat parts must share a dtype");
        if (t.rank() != first.rank())
            throw ValueError("all the input arrays must have same number of dimensions, but the "
                             "array at index 0 has " +
                             std::to_string(first.rank()) +
                             " dimension(s) and the array at index " + std::to_string(i) + " has " +
                             std::to_string(t.rank()) + " dimension(s)");
        for (std::size_t d = 0; d < t.rank(); ++d)
            if (static_cast<std::int64_t>(d) != axis && t.shape()[d] != first.shape()[d])
                throw ValueError("all the input array dimensions except for the concatenation "
                                 "axis must match exactly, but along dimension " +
                                 std::to_string(d) + ", the array at index 0 has size " +
                                 std::to_string(first.shape()[d]) + " and the array at index " +
                                 std::to_string(i) + " has size " + std::to_string(t.shape()[d]));
        out_shape[static_cast<std::size_t>(axis)] += t.shape()[static_cast<std::size_t>(axis)];
    }
    Tensor out(first.dtype(), out_shape);
    // outer = prod(shape[:axis]); each part contributes a chunk of shape[axis:] per outer index.
    std::int64_t outer = 1;
    for (std::int64_t d = 0; d < axis; ++d)
        outer *= out_shape[static_cast<std::size_t>(d)];
    const std::size_t es = dtype_size(first.dtype());
    auto* dst = static_cast<unsigned char*>(out.raw_data());
    for (std::int64_t o = 0; o < outer; ++o) {
        for (const Tensor& t : parts) {
            const std::size_t chunk =
                outer == 0 ? 0 : static_cast<std::size_t>(t.numel() / outer) * es;
            if (chunk == 0) continue;
            std::memcpy(dst,
                        static_cast<const unsigned char*>(t.raw_data()) +
                            static_cast<std::size_t>(o) * chunk,
                        chunk);
            dst += chunk;
        }
    }
    return out;
}

Tensor slice_axis(const Tensor& src, std::int64_t axis, std::int64_t start, std::int64_t stop) {
    const auto a = static_cast<std::size_t>(axis);
    Shape out_shape = src.shape();
    out_shape[a] = stop - start;
    const Shape strides = row_major_strides(src.shape());
    std::vector<std::int64_t> offsets;
    offsets.reserve(static_cast<std::size_t>(shape_numel(out_shape)));
    Shape idx(out_shape.size(), 0);
    for (std::int64_t k = 0; k < shape_numel(out_shape); ++k) {
        std::int64_t o = 0;
        for (std::size_t d = 0; d < idx.size(); ++d)
            o += (idx[d] + (d == a ? start : 0)) * strides[d];
        offsets.push_back(o);
        for (std::size_t d = idx.size(); d-- > 0;) {
            if (++idx[d] < out_shape[d]) break;
            idx[d] = 0;
        }
    }
    return gather_offsets(src, offsets, out_shape);
}

// ---- value helpers -------------------------------------------------------------------------

std::int64_t value_int(const Value& v, const std::string& what) {
    if (v.is_int() || v.is_bool()) return v.as_int();
    if (v.is_tensor() && v.as_tensor().numel() == 1 && dtype_kind(v.as_tensor().dtype()) < 2)
        return static_cast<std::int64_t>(v.as_tensor().at_double(0));
    throw TypeError(what + ": expected an int, got " + v.repr());
}

double value_double(const Value& v, const KernelContext& ctx, const std::string& what) {
    if (v.is_number()) return v.as_float();
    if (v.kind() == Value::Kind::Constant) return constant_value(v.as_constant(), ctx.float_dtype);
    if (v.is_tensor() && v.as_tensor().numel() == 1) return v.as_tensor().at_double(0);
    throw TypeError(what + ": expected a number, got " + v.repr());
}

std::vector<std::int64_t> value_int_list(const Value& v, const std::string& what) {
    std::vector<std::int64_t> out;
    if (v.is_sequence()) {
        for (const auto& item : v.items())
            out.push_back(value_int(item, what));
    } else if (v.is_tensor() && v.as_tensor().rank() == 1 &&
               dtype_kind(v.as_tensor().dtype()) == 1) {
        const Tensor t = v.as_tensor().astype(Dtype::int64);
        const auto* p = t.data<std::int64_t>();
        out.assign(p, p + t.numel());
    } else {
        out.push_back(value_int(v, what));
    }
    return out;
}

Value int_tuple(const std::vector<std::int64_t>& xs) {
    std::vector<Value> items;
    for (auto x : xs)
        items.emplace_back(static_cast<long long>(x));
    return Value::tuple(std::move(items));
}

bool value_bool(const Value& v, const std::string& what) {
    if (v.is_bool() || v.is_int()) return v.as_int() != 0;  // Python truthiness of 0 / 1
    if (v.is_tensor() && v.as_tensor().numel() == 1 && v.as_tensor().dtype() == Dtype::bool_)
        return v.as_tensor().at_double(0) != 0.0;
    throw TypeError(what + ": expected a bool, got " + v.repr());
}

}  // namespace mithril::reference

// constraints/values.cpp — scalar / value propagation constraints.
//
// These relate tensor shapes to scalar values (Shape, Size, Length, Item, ToTensor,
// TensorToList), build containers (ToList, ToTuple, Union), copy (Buffer) and normalise the
// sliding-window arguments of the composites (PaddingConverter1D/2D, StrideConverter,
// TupleConverter), plus Dtype and Cast. Each follows the Mithril constraint of the same name
// (mithril/framework/constraints.py); where Mithril has no constraint (Length, Dtype, Cast,
// Union) the semantics are those of the operator's runtime function.
//
// Conventions: a function returns true only when nothing more can ever be learned, reads
// shapes with c.shape(i) and re-reads them after any change, and mutates only through the
// context. Padding types are the strings "same" / "valid" (Mithril's PaddingType).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "constraints/families.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

namespace mithril::constraints {

namespace {

using K = Value::Kind;

std::vector<Dim> fixed_dims(const std::vector<int64_t>& values) {
    std::vector<Dim> dims;
    dims.reserve(values.size());
    for (int64_t v : values) dims.emplace_back(v);
    return dims;
}

std::vector<Dim> fresh_dims(size_t n) {
    std::vector<Dim> dims;
    for (size_t i = 0; i < n; ++i) dims.emplace_back();
    return dims;
}

Value int_tuple(const std::vector<int64_t>& values) {
    std::vector<Value> items;
    for (int64_t v : values) items.emplace_back(v);
    return Value::tuple(std::move(items));
}

Value int_pair(int64_t a, int64_t b) { return Value::tuple({Value(a), Value(b)}); }

// Items of an int / tuple-of-ints value, as a list of ints.
std::vector<int64_t> int_items(const Value& v, const char* what) {
    std::vector<int64_t> out;
    if (v.is_int()) return {v.as_int()};
    if (!v.is_sequence()) throw TypeError(std::string(what) + " must be an int or a tuple of ints");
    for (const Value& item : v.items()) {
        if (!item.is_int()) throw TypeError(std::string(what) + " must hold ints only");
        out.push_back(item.as_int());
    }
    return out;
}

std::string shape_string(const ShapeRepr& r) { return SymbolNamer().repr_string(r); }

// Shape of a nested list/tuple literal (Mithril's process_value); `elem` collects the
// element kinds as Tensor atoms. Ragged nesting raises ValueError.
std::vector<int64_t> nested_shape(const Value& v, uint32_t& elem) {
    if (!v.is_sequence()) {
        if (v.is_float()) elem |= Type::TensorFloat;
        else if (v.is_int()) elem |= Type::TensorInt;
        else if (v.is_bool()) elem |= Type::TensorBool;
        else throw TypeError("Invalid nested list element: " + v.repr());
        return {};
    }
    const auto& items = v.items();
    std::vector<int64_t> shape{int64_t(items.size())};
    if (items.empty()) return shape;
    std::vector<int64_t> first = nested_shape(items.front(), elem);
    for (size_t i = 1; i < items.size(); ++i)
        if (nested_shape(items[i], elem) != first)
            throw ValueError("Inhomogeneous nested list: " + v.repr());
    shape.insert(shape.end(), first.begin(), first.end());
    return shape;
}

// Any float -> float, else any int -> int, else bool (Mithril's find_dominant_type).
Type dominant_tensor_type(uint32_t elem) {
    if (elem & Type::TensorFloat) return Type::tensor_float();
    if (elem & Type::TensorInt) return Type::tensor_int();
    if (elem & Type::TensorBool) return Type::tensor_bool();
    return Type::tensor();
}

Value tensor_element(const Tensor& t, size_t flat) {
    double x = t.at_double(flat);
    if (t.dtype() == Dtype::bool_) return Value(x != 0.0);
    if (is_floating(t.dtype())) return Value(x);
    return Value(int64_t(x));
}

// Tensor.tolist(): nested lists, a rank-0 tensor gives its scalar.
Value tensor_to_nested_list(const Tensor& t, size_t dim, size_t& flat) {
    if (dim == t.rank()) return tensor_element(t, flat++);
    std::vector<Value> items;
    for (int64_t i = 0; i < t.shape()[dim]; ++i)
        items.push_back(tensor_to_nested_list(t, dim + 1, flat));
    return Value::list(std::move(items));
}

std::optional<std::string> padding_kind(const Value& v) {
    if (!v.is_str()) return std::nullopt;
    std::string s = v.as_str();
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (s == "same" || s == "valid") return s;
    throw ValueError("Padding must be 'same', 'valid', an int or a tuple, got '" + v.as_str() +
                     "'");
}

// Dim number `d` (Python-style, negative from the end) of `r`, when the repr exposes it.
std::optional<Dim> dim_at(const ShapeRepr& r, int64_t d) {
    if (!r.has_root()) {
        const auto& dims = r.dims();
        int64_t rank = int64_t(dims.size());
        int64_t i = d < 0 ? d + rank : d;
        if (i < 0 || i >= rank) return std::nullopt;
        return dims[size_t(i)];
    }
    if (d >= 0) {
        if (size_t(d) < r.prefix.size()) return r.prefix[size_t(d)];
        return std::nullopt;
    }
    if (size_t(-d) <= r.suffix.size()) return r.suffix[r.suffix.size() - size_t(-d)];
    return std::nullopt;
}

// Every input of a container constraint, or nullopt when one is still TBD.
std::optional<std::vector<Value>> input_values(ConstraintContext& c) {
    std::vector<Value> values;
    for (size_t i = 1; i < c.arity(); ++i) {
        if (!c.valued(i)) return std::nullopt;
        values.push_back(c.value(i));
    }
    return values;
}

// Record the input edges as the output container's items (ToList / ToTuple).
void set_elements(ConstraintContext& c) {
    Edge& out = c.edge(0);
    if (out.elements_known) return;
    std::vector<std::shared_ptr<Edge>> elements;
    for (size_t i = 1; i < c.arity(); ++i) elements.push_back(c.edge(i).shared_from_this());
    out.elements = std::move(elements);
    out.elements_known = true;
    c.updates().add(&out, kValue);
}

bool container_constraint(ConstraintContext& c, bool is_tuple) {
    set_elements(c);
    if (auto values = input_values(c)) {
        c.set_value(0,
                    is_tuple ? Value::tuple(std::move(*values)) : Value::list(std::move(*values)));
        return true;
    }
    if (c.valued(0)) {
        const Value& out = c.value(0);
        if (!out.is_sequence() || out.items().size() != c.arity() - 1)
            throw ValueError("Given value is not compatible with the current value: " + out.repr());
        for (size_t i = 1; i < c.arity(); ++i) c.set_value(i, out.items()[i - 1]);
        return true;
    }
    return false;
}

}  // namespace

// ---- Shape / Size / Length / Item --------------------------------------------------------

bool shape_constraints(ConstraintContext& c) {
    const ShapeRepr& in = c.shape(1);
    if (!in.has_root()) {
        if (auto values = in.values()) {
            c.set_value(0, int_tuple(*values));
            return true;
        }
    }
    if (c.valued(0)) {
        c.set_shape(1, ShapeRepr(fixed_dims(int_items(c.value(0), "Shape output"))));
        return true;
    }
    return false;
}

bool size_constraints(ConstraintContext& c) {
    if (!c.valued(2)) return false;
    const Value& dim = c.value(2);
    if (dim.is_none()) {
        const ShapeRepr& in = c.shape(1);
        if (in.has_root()) return false;
        if (auto values = in.values()) {
            int64_t prod = 1;
            for (int64_t v : *values) prod *= v;
            c.set_value(0, Value(prod));
            return true;
        }
        if (!c.valued(0) || !c.value(0).is_int()) return false;
        // Backward: exactly one unknown dim is the total divided by the known ones.
        const auto& dims = in.dims();
        int64_t known = 1;
        std::optional<Dim> unknown;
        for (const Dim& d : dims) {
            if (auto v = d.value()) known *= *v;
            else if (unknown) return false;
            else unknown = d;
        }
        int64_t total = c.value(0).as_int();
        if (known == 0 || total % known != 0)
            throw ValueError("Size " + std::to_string(total) +
                             " is not compatible with input shape " + shape_string(in));
        c.set_dim(*unknown, total / known);
        return true;
    }

    const bool scalar_dim = dim.is_int();
    const std::vector<int64_t> dims = int_items(dim, "Size dim");
    int64_t max_pos = 0, max_neg = 0;
    for (int64_t d : dims) {
        if (d >= 0) max_pos = std::max(max_pos, d + 1);
        else max_neg = std::max(max_neg, -d);
    }
    const int64_t max_dim = std::max(max_pos, max_neg);
    {
        const ShapeRepr& in = c.shape(1);
        if (!in.has_root() && int64_t(in.dims().size()) < max_dim)
            throw ValueError("Input has dimensionality of " + std::to_string(in.dims().size()) +
                             ". Should be at least " + std::to_string(max_dim) +
                             " dimensional when dim = " + dim.repr());
        // A variadic input has at least max_pos leading / max_neg trailing dims. Only
        // written when the new repr contains the old one (no crossing prefix/suffix).
        if (in.has_root() && int64_t(in.prefix.size()) < max_pos && in.suffix.empty())
            c.set_shape(1, ShapeRepr(fresh_dims(size_t(max_pos)), Var(), {}));
        else if (in.has_root() && int64_t(in.suffix.size()) < max_neg && in.prefix.empty())
            c.set_shape(1, ShapeRepr({}, Var(), fresh_dims(size_t(max_neg))));
    }

    auto read = [&](std::vector<std::optional<Dim>>& out) {
        const ShapeRepr& in = c.shape(1);
        bool all = true;
        out.clear();
        for (int64_t d : dims) {
            out.push_back(dim_at(in, d));
            all = all && out.back().has_value();
        }
        return all;
    };
    std::vector<std::optional<Dim>> found;
    bool accessible = read(found);
    if (accessible &&
        std::all_of(found.begin(), found.end(), [](const auto& d) { return d->is_known(); })) {
        std::vector<int64_t> values;
        for (const auto& d : found) values.push_back(*d->value());
        c.set_value(0, scalar_dim ? Value(values.front()) : int_tuple(values));
        return true;
    }
    if (!c.valued(0)) return false;

    // Backward: write the output values into the input's dims that are exposed.
    const std::vector<int64_t> out = int_items(c.value(0), "Size output");
    if (out.size() != dims.size())
        throw ValueError("Size output " + c.value(0).repr() + " does not match dim " + dim.repr());
    for (size_t i = 0; i < dims.size(); ++i)
        if (found[i]) c.set_dim(*found[i], out[i]);
    return accessible;
}

bool length_constraints(ConstraintContext& c) {
    if (c.valued(1) && c.value(1).is_sequence()) {
        c.set_value(0, Value(int64_t(c.value(1).items().size())));
        return true;
    }
    if (!c.type(1).is_tensor()) return false;
    const ShapeRepr& in = c.shape(1);
    std::optional<Dim> first;
    if (!in.has_root()) {
        if (in.dims().empty()) throw TypeError("len() of unsized object");
        first = in.dims().front();
    } else if (!in.prefix.empty()) {
        first = in.prefix.front();
    }
    if (first && first->is_known()) {
        c.set_value(0, Value(*first->value()));
        return true;
    }
    if (!c.valued(0)) return false;
    const int64_t n = c.value(0).as_int();
    if (first) c.set_dim(*first, n);
    else c.set_shape(1, ShapeRepr({Dim(n)}, Var(), {}));
    return true;
}

bool item_constraints(ConstraintContext& c) {
    {
        const ShapeRepr& in = c.shape(1);
        std::vector<Dim> dims = in.prefix;
        dims.insert(dims.end(), in.suffix.begin(), in.suffix.end());
        for (const Dim& d : dims)
            if (d.is_known() && *d.value() != 1)
                throw ValueError("Only tensors with 1 elements can be converted to scalar, got "
                                 "input shape as " +
                                 shape_string(in));
        for (const Dim& d : dims)
            if (!d.is_known()) c.set_dim(d, 1);
    }
    if (c.valued(1) && c.value(1).is_tensor()) {
        const Tensor& t = c.value(1).as_tensor();
        if (t.numel() == 1) c.set_value(0, tensor_element(t, 0));
    }
    return !c.shape(1).has_root();
}

// ---- ToTensor / TensorToList -----------------------------------------------------------------

bool to_tensor_constraints(ConstraintContext& c) {
    if (!c.valued(1)) return false;
    const Value& v = c.value(1);
    std::vector<int64_t> shape;
    if (v.is_sequence()) {
        uint32_t elem = 0;
        shape = nested_shape(v, elem);
        if (elem) c.set_type(0, dominant_tensor_type(elem));
    } else if (v.is_float()) {
        c.set_type(0, Type::tensor_float());
    } else if (v.is_int()) {
        c.set_type(0, Type::tensor_int());
    } else if (v.is_bool()) {
        c.set_type(0, Type::tensor_bool());
    } else if (v.is_tensor()) {
        c.set_type(0, type_of_value(v));
        shape = v.as_tensor().shape();
    } else if (v.kind() != K::Constant) {
        throw TypeError("Invalid input value! " + v.repr());
    }
    const ShapeRepr& out = c.shape(0);
    if (!out.has_root()) {
        const auto& dims = out.dims();
        if (dims.size() != shape.size()) throw ValueError("Shape dimensions does not match");
        for (size_t i = 0; i < dims.size(); ++i)
            if (dims[i].is_known() && *dims[i].value() != shape[i])
                throw ValueError("Shape representations does not match");
    }
    c.set_shape(0, ShapeRepr(fixed_dims(shape)));
    return true;
}

bool tensor_to_list_constraints(ConstraintContext& c) {
    if (c.valued(0)) {
        std::vector<int64_t> shape;
        const Value& v = c.value(0);
        if (v.is_sequence()) {
            uint32_t elem = 0;
            shape = nested_shape(v, elem);
        }
        c.set_shape(1, ShapeRepr(fixed_dims(shape)));
        return true;
    }
    if (c.valued(1) && c.value(1).is_tensor()) {
        size_t flat = 0;
        c.set_value(0, tensor_to_nested_list(c.value(1).as_tensor(), 0, flat));
        return true;
    }
    return false;
}

// ---- containers / buffer ---------------------------------------------------------------------

bool to_list_constraints(ConstraintContext& c) { return container_constraint(c, false); }

bool to_tuple_constraints(ConstraintContext& c) { return container_constraint(c, true); }

// Python's union(): concatenation, a tuple contributes its items, anything else itself.
bool union_constraints(ConstraintContext& c) {
    auto values = input_values(c);
    if (!values) return false;
    std::vector<Value> out;
    for (const Value& v : *values) {
        if (v.kind() == K::Tuple) out.insert(out.end(), v.items().begin(), v.items().end());
        else out.push_back(v);
    }
    c.set_value(0, Value::tuple(std::move(out)));
    return true;
}

bool buffer_constraint(ConstraintContext& c) {
    Type t = c.type(0) & c.type(1);
    c.set_type(0, t);
    c.set_type(1, t);
    if (c.valued(1)) c.set_value(0, c.value(1));
    if (c.valued(0)) c.set_value(1, c.value(0));
    if (c.type(0).is_tensor() && c.type(1).is_tensor()) {
        ShapeRepr in = c.shape(1);
        c.set_shape(0, in);
        ShapeRepr out = c.shape(0);
        c.set_shape(1, out);
    }
    return c.valued(0) && c.valued(1);
}

// ---- sliding-window argument converters ------------------------------------------------------

bool padding_1d_constraint(ConstraintContext& c) {
    if (!c.valued(1)) return false;
    const Value& p = c.value(1);
    if (auto kind = padding_kind(p)) {
        if (*kind == "valid") {
            c.set_value(0, int_pair(0, 0));
            return true;
        }
        if (!c.valued(2)) return false;
        const Value& k = c.value(2);
        if (!k.is_int()) throw RuntimeError("Kernel size must be 'tuple[int, int]' or 'int'!");
        if (k.as_int() % 2 == 0)
            throw RuntimeError("'same' padding is not supported when the kernel size is even!");
        c.set_value(0, int_pair(k.as_int() / 2, k.as_int() / 2));
        return true;
    }
    if (p.is_int()) {
        c.set_value(0, int_pair(p.as_int(), p.as_int()));
        return true;
    }
    if (p.is_sequence()) {
        for (const Value& item : p.items())
            if (item.is_sequence())
                throw RuntimeError("Given input value '" + p.repr() + "' is not valid!");
        c.set_value(0, Value::tuple(p.items()));
        return true;
    }
    throw RuntimeError("Given input value '" + p.repr() + "' is not valid!");
}

bool padding_2d_constraint(ConstraintContext& c) {
    if (!c.valued(1)) return false;
    const Value& p = c.value(1);
    if (auto kind = padding_kind(p)) {
        if (*kind == "valid") {
            c.set_value(0, int_pair(0, 0));
            return true;
        }
        if (!c.valued(2)) return false;
        const Value& k = c.value(2);
        int64_t k0, k1;
        if (k.is_int()) {
            k0 = k1 = k.as_int();
        } else if (k.is_sequence() && k.items().size() == 2 && k.items()[0].is_int() &&
                   k.items()[1].is_int()) {
            k0 = k.items()[0].as_int();
            k1 = k.items()[1].as_int();
        } else {
            throw RuntimeError("Kernel size must be 'tuple[int, int]' or 'int'!");
        }
        if (k0 % 2 == 0 || k1 % 2 == 0)
            throw RuntimeError("'same' padding is not supported when the kernel size is even!");
        c.set_value(0, Value::tuple({int_pair(k0 / 2, k0 / 2), int_pair(k1 / 2, k1 / 2)}));
        return true;
    }
    if (p.is_int()) {
        c.set_value(0, int_pair(p.as_int(), p.as_int()));
        return true;
    }
    if (p.is_sequence() && p.items().size() == 2) {
        std::vector<Value> pairs;
        for (const Value& item : p.items()) {
            if (item.is_int()) {
                pairs.push_back(int_pair(item.as_int(), item.as_int()));
            } else if (item.is_sequence() && item.items().size() == 2 && item.items()[0].is_int() &&
                       item.items()[1].is_int()) {
                pairs.push_back(Value::tuple(item.items()));
            } else {
                throw RuntimeError("Given padding '" + p.repr() + "' is not valid!");
            }
        }
        c.set_value(0, Value::tuple(std::move(pairs)));
        return true;
    }
    throw RuntimeError("Given padding '" + p.repr() + "' is not valid!");
}

bool stride_constraint(ConstraintContext& c) {
    if (c.valued(1)) {
        if (!c.value(1).is_none()) {
            c.set_value(0, c.value(1));
            return true;
        }
        if (!c.valued(2)) return false;
        c.set_value(0, c.value(2));
        return true;
    }
    return c.valued(0);
}

bool tuple_converter_constraint(ConstraintContext& c) {
    if (c.valued(1)) {
        const Value& v = c.value(1);
        c.set_value(0, v.is_int() ? int_pair(v.as_int(), v.as_int()) : v);
        return true;
    }
    return c.valued(0);
}

// ---- Dtype / Cast ------------------------------------------------------------------------------

namespace {
Type tensor_type_of(Dtype d) {
    if (d == Dtype::bool_) return Type::tensor_bool();
    if (is_floating(d)) return Type::tensor_float();
    return Type::tensor_int();
}
}  // namespace

bool dtype_constraints(ConstraintContext& c) {
    if (c.valued(1) && c.value(1).is_tensor())
        c.set_value(0, Value(c.value(1).as_tensor().dtype()));
    if (!c.valued(0)) return false;
    if (c.value(0).kind() != K::Dtype)
        throw TypeError("Dtype output must be a Dtype, got " + c.value(0).repr());
    c.set_type(1, tensor_type_of(c.value(0).as_dtype()));
    return true;
}

bool cast_constraints(ConstraintContext& c) {
    if (c.type(0).may_be_tensor() && c.type(1).may_be_tensor()) {
        ShapeRepr in = c.shape(1);
        c.set_shape(0, in);
        ShapeRepr out = c.shape(0);
        c.set_shape(1, out);
    }
    if (!c.valued(2)) return false;
    const Value& d = c.value(2);
    if (d.is_none()) return true;  // no cast requested: nothing to infer
    if (d.kind() != K::Dtype) throw TypeError("Cast dtype must be a Dtype, got " + d.repr());
    c.set_type(0, tensor_type_of(d.as_dtype()));
    if (c.valued(1) && c.value(1).is_tensor())
        c.set_value(0, Value(c.value(1).as_tensor().astype(d.as_dtype())));
    return true;
}

}  // namespace mithril::constraints

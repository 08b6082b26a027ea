// tensor.cpp — Tensor construction from nested lists, dtype conversion, printing, equality.
#include "mithril/tensor.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ostream>
#include <sstream>
#include <system_error>

#include "mithril/errors.hpp"

namespace mithril {

namespace {

template <class T>
struct TypeTag {
    using type = T;
};

// Calls f(TypeTag<storage type of d>{}).
template <class F>
decltype(auto) visit_dtype(Dtype d, F&& f) {
    switch (d) {
    case Dtype::uint8: return f(TypeTag<std::uint8_t>{});
    case Dtype::int8: return f(TypeTag<std::int8_t>{});
    case Dtype::int16: return f(TypeTag<std::int16_t>{});
    case Dtype::int32: return f(TypeTag<std::int32_t>{});
    case Dtype::int64: return f(TypeTag<std::int64_t>{});
    case Dtype::float16: return f(TypeTag<Half>{});
    case Dtype::bfloat16: return f(TypeTag<BFloat16>{});
    case Dtype::float32: return f(TypeTag<float>{});
    case Dtype::float64: return f(TypeTag<double>{});
    case Dtype::bool_: return f(TypeTag<bool>{});
    }
    throw InternalError("invalid Dtype value " + std::to_string(static_cast<int>(d)));
}

template <class T>
constexpr bool kIsHalfLike = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// Storage value -> arithmetic value (16-bit floats widen to float).
template <class T>
auto widen(T v) {
    if constexpr (std::is_same_v<T, Half>) return half_to_float(v.bits);
    else if constexpr (std::is_same_v<T, BFloat16>) return bfloat16_to_float(v.bits);
    else return v;
}

// Arithmetic value -> storage type D, with astype()'s rules.
template <class D, class S>
D convert(S v) {
    if constexpr (std::is_same_v<D, bool>) {
        return v != S(0);
    } else if constexpr (std::is_same_v<D, Half>) {
        return Half{float_to_half(static_cast<float>(v))};
    } else if constexpr (std::is_same_v<D, BFloat16>) {
        return BFloat16{float_to_bfloat16(static_cast<float>(v))};
    } else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>) {
        if (std::isnan(v)) return D(0);
        const double t = std::trunc(static_cast<double>(v));
        if (t <= static_cast<double>(std::numeric_limits<D>::min()))
            return std::numeric_limits<D>::min();
        if (t >= static_cast<double>(std::numeric_limits<D>::max()))
            return std::numeric_limits<D>::max();
        return static_cast<D>(t);
    } else {
        return static_cast<D>(v);
    }
}

std::int64_t checked_numel(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] < 0)
            throw ValueError("Tensor: negative dimension " + std::to_string(shape[i]) +
                             " at axis " + std::to_string(i));
        if (shape[i] != 0 && n > std::numeric_limits<std::int64_t>::max() / shape[i])
            throw ValueError("Tensor: shape is too large");
        n *= shape[i];
    }
    return n;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string index_string(const std::vector<std::size_t>& path) {
    std::string s;
    for (std::size_t i : path) s += "[" + std::to_string(i) + "]";
    return s.empty() ? "the top level" : "index " + s;
}

// Shape of a nested list, checking that it is homogeneous: every list at one depth has the
// same length, and all scalars sit at the same depth. `path` names the node for messages.
struct ShapeInference {
    std::vector<std::int64_t> shape;
    bool leaf_depth_known = false;  // once a scalar was seen, shape.size() is final
    std::vector<std::size_t> path;

    [[noreturn]] void fail(const std::string& expected, const std::string& got) const {
        throw ValueError("Tensor: inhomogeneous nested list: expected " + expected + " at " +
                         index_string(path) + ", got " + got + " (shape so far " +
                         shape_string(shape) + ")");
    }

    void visit(const NestedList& node, std::size_t depth) {
        if (!node.is_list()) {
            if (depth < shape.size())
                fail("a list of " + std::to_string(shape[depth]) + " elements", "a scalar");
            leaf_depth_known = true;
            return;
        }
        const auto n = static_cast<std::int64_t>(node.items().size());
        if (depth < shape.size()) {
            if (n != shape[depth])
                fail(std::to_string(shape[depth]) + " elements", std::to_string(n));
        } else {
            if (leaf_depth_known) fail("a scalar", "a list");
            shape.push_back(n);
        }
        for (std::size_t i = 0; i < node.items().size(); ++i) {
            path.push_back(i);
            visit(node.items()[i], depth + 1);
            path.pop_back();
        }
    }
};

// Widest literal kind in the list: Float > Int > Bool. Empty lists count as Float (NumPy).
NestedList::Kind literal_kind(const NestedList& node, bool& any_leaf) {
    if (!node.is_list()) {
        any_leaf = true;
        return node.kind();
    }
    NestedList::Kind k = NestedList::Kind::Bool;
    for (const NestedList& c : node.items()) {
        NestedList::Kind ck = literal_kind(c, any_leaf);
        if (ck == NestedList::Kind::Float || (ck == NestedList::Kind::Int && k == NestedList::Kind::Bool))
            k = ck;
    }
    return k;
}

template <class T>
void fill_from(const NestedList& node, T*& out) {
    if (node.is_list()) {
        for (const NestedList& c : node.items()) fill_from(c, out);
    } else if (node.kind() == NestedList::Kind::Float) {
        *out++ = static_cast<T>(node.float_value());
    } else {
        *out++ = static_cast<T>(node.int_value());
    }
}

// Python repr() of a float/double: shortest round-trip digits, "1.0" not "1", scientific
// outside 1e-4 <= |x| < 1e16.
template <class F>
std::string format_float(F v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto sci = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string s(buf, sci.ptr);
    const int exp = std::stoi(s.substr(s.find('e') + 1));
    if (v != 0 && (exp < -4 || exp >= 16)) return s;
    auto fix = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string f(buf, fix.ptr);
    if (f.find('.') == std::string::npos) f += ".0";
    return f;
}

template <class T>
std::string format_element(T v) {
    if constexpr (std::is_same_v<T, bool>) return v ? "True" : "False";
    else if constexpr (kIsHalfLike<T>) return format_float(widen(v));
    else if constexpr (std::is_floating_point_v<T>) return format_float(v);
    else return std::to_string(static_cast<std::int64_t>(v));
}

}  // namespace

void NestedList::throw_int_overflow() {
    throw ValueError("Tensor: integer literal does not fit in int64");
}

Tensor::Tensor() : Tensor(Dtype::float32, {0}) {}

Tensor::Tensor(Dtype dtype, std::vector<std::int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)), numel_(checked_numel(shape_)) {
    storage_.resize(static_cast<std::size_t>(numel_) * dtype_size(dtype_));  // zero-filled
}

Tensor::Tensor(std::initializer_list<NestedList> values) : Tensor(NestedList(values)) {}

Tensor::Tensor(NestedList values) {
    ShapeInference inference;
    inference.visit(values, 0);
    std::vector<std::int64_t> shape = std::move(inference.shape);
    bool any_leaf = false;
    NestedList::Kind kind = literal_kind(values, any_leaf);
    Dtype dtype = !any_leaf || kind == NestedList::Kind::Float ? Dtype::float64
                  : kind == NestedList::Kind::Int              ? Dtype::int64
                                                               : Dtype::bool_;
    *this = Tensor(dtype, std::move(shape));
    visit_dtype(dtype, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> ||
                      std::is_same_v<T, bool>) {
            T* out = data<T>();
            fill_from(values, out);
        }
    });
}

Tensor::Tensor(NestedList values, Dtype dtype) : Tensor(Tensor(std::move(values)).astype(dtype)) {}

Tensor Tensor::scalar(double value) { return Tensor(NestedList(value)); }
Tensor Tensor::scalar(std::int64_t value) { return Tensor(NestedList(value)); }

Tensor Tensor::full(Dtype dtype, std::vector<std::int64_t> shape, double value) {
    Tensor t(dtype, std::move(shape));
    visit_dtype(dtype, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T v = convert<T>(value);
        T* out = t.data<T>();
        for (std::int64_t i = 0; i < t.numel_; ++i) out[i] = v;
    });
    return t;
}

double Tensor::at_double(std::size_t flat_index) const {
    if (flat_index >= static_cast<std::size_t>(numel_))
        throw ValueError("Tensor::at_double: index " + std::to_string(flat_index) +
                         " is out of range for a tensor of " + std::to_string(numel_) +
                         " elements");
    return visit_dtype(dtype_, [&](auto tag) {
        using T = typename decltype(tag)::type;
        return static_cast<double>(widen(data<T>()[flat_index]));
    });
}

Tensor Tensor::astype(Dtype dtype) const {
    if (dtype == dtype_) return *this;
    Tensor out(dtype, shape_);
    visit_dtype(dtype_, [&](auto src_tag) {
        using S = typename decltype(src_tag)::type;
        visit_dtype(dtype, [&](auto dst_tag) {
            using D = typename decltype(dst_tag)::type;
            const S* in = data<S>();
            D* o = out.data<D>();
            for (std::int64_t i = 0; i < numel_; ++i) o[i] = convert<D>(widen(in[i]));
        });
    });
    return out;
}

std::string Tensor::to_string() const {
    return visit_dtype(dtype_, [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = data<T>();
        if (shape_.empty()) return format_element(p[0]);
        std::string s;
        std::int64_t flat = 0;
        // Recursive descent over the axes, emitting the elements in row-major order.
        auto rec = [&](auto& self, std::size_t axis) -> void {
            s += '[';
            for (std::int64_t i = 0; i < shape_[axis]; ++i) {
                if (i) s += ", ";
                if (axis + 1 == shape_.size()) s += format_element(p[flat++]);
                else self(self, axis + 1);
            }
            s += ']';
        };
        rec(rec, 0);
        return s;
    });
}

bool operator==(const Tensor& a, const Tensor& b) {
    if (a.dtype_ != b.dtype_ || a.shape_ != b.shape_) return false;
    if (!is_floating(a.dtype_))
        return a.storage_.empty() || std::memcmp(a.storage_.data(), b.storage_.data(), a.nbytes()) == 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(a.numel_); ++i)
        if (!(a.at_double(i) == b.at_double(i))) return false;
    return true;
}

void Tensor::throw_dtype_mismatch(Dtype requested) const {
    throw TypeError("Tensor::data: tensor has dtype " + std::string(dtype_name(dtype_)) +
                    ", requested " + std::string(dtype_name(requested)));
}

void Tensor::check_numel(std::size_t n) const {
    if (n != static_cast<std::size_t>(numel_))
        throw ValueError("Tensor: " + std::to_string(n) + " values do not fill shape " +
                         shape_string(shape_) + " (" + std::to_string(numel_) + " elements)");
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << t.to_string(); }

}  // namespace mithril

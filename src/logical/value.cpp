// logical/value.cpp — Value: accessors, Python repr and equality.
#include "mithril/value.hpp"

#include <cmath>
#include <sstream>

#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

namespace mithril {

const char* constant_name(Constant c) {
    switch (c) {
    case Constant::EPSILON: return "EPSILON";
    case Constant::LEFT_EPSILON: return "LEFT_EPSILON";
    case Constant::MIN_POSITIVE_NORMAL: return "MIN_POSITIVE_NORMAL";
    case Constant::MIN_POSITIVE_SUBNORMAL: return "MIN_POSITIVE_SUBNORMAL";
    case Constant::STABLE_RECIPROCAL_THRESHOLD: return "STABLE_RECIPROCAL_THRESHOLD";
    case Constant::ZEROS: return "ZEROS";
    case Constant::ONES: return "ONES";
    }
    return "?";
}

Value::Value(const Tensor& t) : v_(std::make_shared<const Tensor>(t)) {}

Value::Value(std::initializer_list<Value> items) {
    TupleV t;
    t.items = std::make_shared<const std::vector<Value>>(items);
    v_ = t;
}

Value Value::list(std::vector<Value> items) {
    Value v;
    ListV l;
    l.items = std::make_shared<const std::vector<Value>>(std::move(items));
    v.v_ = l;
    return v;
}

Value Value::tuple(std::vector<Value> items) {
    Value v;
    TupleV t;
    t.items = std::make_shared<const std::vector<Value>>(std::move(items));
    v.v_ = t;
    return v;
}

namespace {
[[noreturn]] void wrong_kind(const char* want, const Value& v) {
    throw TypeError(std::string("Expected a value of kind ") + want + ", got " + v.repr());
}
}  // namespace

bool Value::as_bool() const {
    if (auto* b = std::get_if<bool>(&v_)) return *b;
    wrong_kind("bool", *this);
}

int64_t Value::as_int() const {
    if (auto* i = std::get_if<int64_t>(&v_)) return *i;
    if (auto* b = std::get_if<bool>(&v_)) return *b ? 1 : 0;
    wrong_kind("int", *this);
}

double Value::as_float() const {
    if (auto* d = std::get_if<double>(&v_)) return *d;
    if (auto* i = std::get_if<int64_t>(&v_)) return double(*i);
    if (auto* b = std::get_if<bool>(&v_)) return *b ? 1.0 : 0.0;
    wrong_kind("float", *this);
}

const std::string& Value::as_str() const {
    if (auto* s = std::get_if<std::string>(&v_)) return *s;
    wrong_kind("str", *this);
}

Dtype Value::as_dtype() const {
    if (auto* d = std::get_if<Dtype>(&v_)) return *d;
    wrong_kind("Dtype", *this);
}

const Slice& Value::as_slice() const {
    if (auto* s = std::get_if<Slice>(&v_)) return *s;
    wrong_kind("slice", *this);
}

Constant Value::as_constant() const {
    if (auto* c = std::get_if<Constant>(&v_)) return *c;
    wrong_kind("Constant", *this);
}

const std::vector<Value>& Value::items() const {
    if (auto* l = std::get_if<ListV>(&v_)) return *l->items;
    if (auto* t = std::get_if<TupleV>(&v_)) return *t->items;
    wrong_kind("list or tuple", *this);
}

const Tensor& Value::as_tensor() const {
    if (auto* t = std::get_if<std::shared_ptr<const Tensor>>(&v_)) return **t;
    wrong_kind("Tensor", *this);
}

std::shared_ptr<const Tensor> Value::tensor_ptr() const {
    if (auto* t = std::get_if<std::shared_ptr<const Tensor>>(&v_)) return *t;
    return nullptr;
}

namespace {
std::string float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    std::ostringstream os;
    os.precision(17);
    os << d;
    std::string s = os.str();
    // Shortest round-trip form, as Python prints floats.
    for (int p = 1; p <= 17; ++p) {
        std::ostringstream o2;
        o2.precision(p);
        o2 << d;
        if (std::stod(o2.str()) == d) {
            s = o2.str();
            break;
        }
    }
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}
std::string opt_repr(const std::optional<int64_t>& o) {
    return o ? std::to_string(*o) : "None";
}
}  // namespace

std::string Value::repr() const {
    switch (kind()) {
    case Kind::Tbd: return "TBD";
    case Kind::None: return "None";
    case Kind::Bool: return as_bool() ? "True" : "False";
    case Kind::Int: return std::to_string(as_int());
    case Kind::Float: return float_repr(as_float());
    case Kind::Str: return "'" + as_str() + "'";
    case Kind::Dtype: return "mithril." + std::string(dtype_name(as_dtype()));
    case Kind::Ellipsis: return "Ellipsis";
    case Kind::Slice: {
        const auto& s = as_slice();
        return "slice(" + opt_repr(s.start) + ", " + opt_repr(s.stop) + ", " + opt_repr(s.step) + ")";
    }
    case Kind::List:
    case Kind::Tuple: {
        bool tuple = kind() == Kind::Tuple;
        std::string out = tuple ? "(" : "[";
        const auto& it = items();
        for (size_t i = 0; i < it.size(); ++i) {
            if (i) out += ", ";
            out += it[i].repr();
        }
        if (tuple && it.size() == 1) out += ",";
        out += tuple ? ")" : "]";
        return out;
    }
    case Kind::Tensor: return "Tensor(" + as_tensor().to_string() + ")";
    case Kind::Constant: return std::string("Constant.") + constant_name(as_constant());
    }
    return "?";
}

bool Value::operator==(const Value& o) const {
    if (kind() != o.kind()) return false;
    switch (kind()) {
    case Kind::List:
    case Kind::Tuple: {
        const auto& a = items();
        const auto& b = o.items();
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!(a[i] == b[i])) return false;
        return true;
    }
    case Kind::Tensor: return as_tensor() == o.as_tensor();
    default: return v_ == o.v_;
    }
}

}  // namespace mithril

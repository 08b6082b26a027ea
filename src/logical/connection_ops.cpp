// logical/connection_ops.cpp — connection algebra and connection methods.
//
// Every operation is a functional-API call of the matching primitive
// (Model::operator()), which places it in a provisional scratch model.
#include "mithril/connection_ops.hpp"

#include "logical/model_data.hpp"
#include "mithril/primitives.hpp"

namespace mithril {

namespace {

Connection binary(Model op, const char* l, const char* r, ConnectValue a, ConnectValue b) {
    return op({{l, std::move(a)}, {r, std::move(b)}});
}
Connection unary(Model op, const Connection& c) { return op({{"input", c}}); }

}  // namespace

#define MITHRIL_DEFINE_BINARY(op, Class, L, R)                                                        \
    Connection operator op(const Connection& a, const Connection& b) { return binary(Class(), L, R, a, b); } \
    Connection operator op(const Connection& a, const Value& b) { return binary(Class(), L, R, a, b); }      \
    Connection operator op(const Value& a, const Connection& b) { return binary(Class(), L, R, a, b); }

MITHRIL_DEFINE_BINARY(+, Add, "left", "right")
MITHRIL_DEFINE_BINARY(-, Subtract, "left", "right")
MITHRIL_DEFINE_BINARY(*, Multiply, "left", "right")
MITHRIL_DEFINE_BINARY(/, Divide, "numerator", "denominator")
MITHRIL_DEFINE_BINARY(>, Greater, "left", "right")
MITHRIL_DEFINE_BINARY(>=, GreaterEqual, "left", "right")
MITHRIL_DEFINE_BINARY(<, Less, "left", "right")
MITHRIL_DEFINE_BINARY(<=, LessEqual, "left", "right")
MITHRIL_DEFINE_BINARY(&, LogicalAnd, "left", "right")
MITHRIL_DEFINE_BINARY(|, LogicalOr, "left", "right")
MITHRIL_DEFINE_BINARY(^, LogicalXOr, "left", "right")
MITHRIL_DEFINE_BINARY(<<, ShiftLeft, "input", "shift")
MITHRIL_DEFINE_BINARY(>>, ShiftRight, "input", "shift")
#undef MITHRIL_DEFINE_BINARY

Connection floordiv(const Connection& a, const Connection& b) { return binary(FloorDivide(), "numerator", "denominator", a, b); }
Connection floordiv(const Connection& a, const Value& b) { return binary(FloorDivide(), "numerator", "denominator", a, b); }
Connection floordiv(const Value& a, const Connection& b) { return binary(FloorDivide(), "numerator", "denominator", a, b); }
Connection pow(const Connection& a, const Connection& b) { return binary(Power(), "base", "exponent", a, b); }
Connection pow(const Connection& a, const Value& b) { return binary(Power(), "base", "exponent", a, b); }
Connection pow(const Value& a, const Connection& b) { return binary(Power(), "base", "exponent", a, b); }
Connection matmul(const Connection& a, const Connection& b) { return binary(MatrixMultiply(), "left", "right", a, b); }

Connection operator-(const Connection& a) { return unary(Negate(), a); }
Connection operator~(const Connection& a) { return unary(LogicalNot(), a); }

// ---- methods ---------------------------------------------------------------------

Connection Connection::shape() const { return unary(Shape(), *this); }
Connection Connection::size(const Value& dim) const { return Size()({{"input", *this}, {"dim", dim}}); }
Connection Connection::len() const { return unary(Length(), *this); }
Connection Connection::reshape(const Value& shape) const { return Reshape()({{"input", *this}, {"shape", shape}}); }
Connection Connection::reshape(const Connection& shape) const { return Reshape()({{"input", *this}, {"shape", shape}}); }
Connection Connection::sum(const Value& axis, bool keepdim) const { return Sum(axis, keepdim)({{"input", *this}}); }
Connection Connection::mean(const Value& axis, bool keepdim) const { return Mean(axis, keepdim)({{"input", *this}}); }
Connection Connection::max(const Value& axis, bool keepdim) const { return Max(axis, keepdim)({{"input", *this}}); }
Connection Connection::min(const Value& axis, bool keepdim) const { return Min(axis, keepdim)({{"input", *this}}); }
Connection Connection::prod(const Value& axis, bool keepdim) const { return Prod(axis, keepdim)({{"input", *this}}); }
Connection Connection::var(const Value& axis, bool keepdim, double correction) const {
    return Variance(axis, keepdim, correction)({{"input", *this}});
}
Connection Connection::abs() const { return unary(Absolute(), *this); }
Connection Connection::sqrt() const { return unary(Sqrt(), *this); }
Connection Connection::exp() const { return unary(Exponential(), *this); }
Connection Connection::sin() const { return unary(Sine(), *this); }
Connection Connection::cos() const { return unary(Cosine(), *this); }
Connection Connection::floor() const { return unary(Floor(), *this); }
Connection Connection::atleast_1d() const { return unary(AtLeast1D(), *this); }
Connection Connection::tensor() const { return unary(ToTensor(), *this); }
Connection Connection::item() const { return unary(Item(), *this); }
Connection Connection::transpose(const Value& axes) const { return Transpose(axes)({{"input", *this}}); }
Connection Connection::cast(Dtype dtype) const { return Cast(dtype)({{"input", *this}}); }
Connection Connection::dtype() const { return unary(DtypeOf(), *this); }
Connection Connection::clamp(const Value& min_val, const Value& max_val) const {
    return Clamp()({{"input", *this}, {"min_val", min_val}, {"max_val", max_val}});
}
Connection Connection::eq(const Connection& o) const { return binary(Equal(), "left", "right", *this, o); }
Connection Connection::eq(const Value& o) const { return binary(Equal(), "left", "right", *this, o); }
Connection Connection::ne(const Connection& o) const { return binary(NotEqual(), "left", "right", *this, o); }
Connection Connection::ne(const Value& o) const { return binary(NotEqual(), "left", "right", *this, o); }

// ---- indexing ---------------------------------------------------------------------

namespace {
ConnectValue index_item(const Connection::Index& i) {
    if (auto* c = std::get_if<Connection>(&i.get())) return *c;
    return std::get<Value>(i.get());
}
}  // namespace

Connection Connection::operator[](const Index& index) const {
    return Indexer()({{"input", *this}, {"index", index_item(index)}});
}

Connection Connection::operator[](std::initializer_list<Index> index) const {
    bool all_values = true;
    std::vector<Value> values;
    for (const auto& i : index) {
        if (auto* v = std::get_if<Value>(&i.get())) values.push_back(*v);
        else all_values = false;
    }
    if (all_values) return Indexer()({{"input", *this}, {"index", Value::tuple(values)}});
    // Mixed with connections: the tuple is built by a ToTuple operator.
    ConnectMap items;
    int n = 0;
    for (const auto& i : index) items.emplace_back("input" + std::to_string(++n), index_item(i));
    Connection tuple = ToTuple(n)(items);
    return Indexer()({{"input", *this}, {"index", tuple}});
}

ConnectValue ConnectValue::list(std::vector<Connection> items, bool as_tuple) {
    ConnectMap keys;
    int n = 0;
    for (const auto& c : items) keys.emplace_back("input" + std::to_string(++n), c);
    if (as_tuple) return ConnectValue(ToTuple(n)(keys));
    return ConnectValue(ToList(n)(keys));
}

}  // namespace mithril

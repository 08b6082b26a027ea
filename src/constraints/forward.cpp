// constraints/forward.cpp — scalar forward evaluation (Mithril's general_forward_constraint).
//
// When every input of an operator is a known non-Tensor value, the output value is computed
// at logical time with Python's semantics: 2 + 3 -> 5, 7 // -2 -> -4, True + True -> 2,
// (1, 2) + (3,) -> (1, 2, 3), (1,) * 3 -> (1, 1, 1), 2 ** -1 -> 0.5, True & False -> False,
// 3 & True -> 1. Python errors (ZeroDivisionError, unsupported operand types, negative shift
// counts) are raised as mithril::ValueError / TypeError with Python's message text.
//
// Deviation: Python integers are unbounded; here ints are int64 and an overflow raises
// ValueError("integer overflow"). logical_not on a bool is `not` (NumPy's ~ on bool arrays),
// on an int it is Python's ~.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "constraints/families.hpp"
#include "mithril/errors.hpp"

namespace mithril::constraints {

namespace {

using K = Value::Kind;

std::string py_type_name(const Value& v) {
    switch (v.kind()) {
    case K::Tbd: return "ToBeDetermined";
    case K::None: return "NoneType";
    case K::Bool: return "bool";
    case K::Int: return "int";
    case K::Float: return "float";
    case K::Str: return "str";
    case K::Dtype: return "Dtype";
    case K::Ellipsis: return "ellipsis";
    case K::Slice: return "slice";
    case K::List: return "list";
    case K::Tuple: return "tuple";
    case K::Tensor: return "Tensor";
    case K::Constant: return "Constant";
    }
    return "object";
}

[[noreturn]] void unsupported(const char* op, const Value& a, const Value& b) {
    throw TypeError(std::string("unsupported operand type(s) for ") + op + ": '" + py_type_name(a) +
                    "' and '" + py_type_name(b) + "'");
}

[[noreturn]] void bad_unary(const char* op, const Value& a) {
    throw TypeError(std::string("bad operand type for ") + op + ": '" + py_type_name(a) + "'");
}

// int or bool (Python's bool is an int subclass).
bool is_integral(const Value& v) { return v.is_int() || v.is_bool(); }

int64_t add_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) throw ValueError("integer overflow");
    return r;
}
int64_t sub_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) throw ValueError("integer overflow");
    return r;
}
int64_t mul_i(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) throw ValueError("integer overflow");
    return r;
}

Value seq_like(const Value& proto, std::vector<Value> items) {
    return proto.kind() == K::List ? Value::list(std::move(items)) : Value::tuple(std::move(items));
}

Value repeat_seq(const Value& seq, int64_t n) {
    std::vector<Value> out;
    if (seq.is_str()) {
        std::string s;
        for (int64_t i = 0; i < n; ++i) s += seq.as_str();
        return Value(s);
    }
    for (int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.items().begin(), seq.items().end());
    return seq_like(seq, std::move(out));
}

// ---- arithmetic ---------------------------------------------------------------------

Value py_add(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return Value(a.as_float() + b.as_float());
        return Value(add_i(a.as_int(), b.as_int()));
    }
    if (a.is_sequence() && a.kind() == b.kind()) {
        std::vector<Value> out = a.items();
        out.insert(out.end(), b.items().begin(), b.items().end());
        return seq_like(a, std::move(out));
    }
    if (a.is_str() && b.is_str()) return Value(a.as_str() + b.as_str());
    unsupported("+", a, b);
}

Value py_sub(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported("-", a, b);
    if (a.is_float() || b.is_float()) return Value(a.as_float() - b.as_float());
    return Value(sub_i(a.as_int(), b.as_int()));
}

Value py_mul(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return Value(a.as_float() * b.as_float());
        return Value(mul_i(a.as_int(), b.as_int()));
    }
    if ((a.is_sequence() || a.is_str()) && is_integral(b)) return repeat_seq(a, b.as_int());
    if (is_integral(a) && (b.is_sequence() || b.is_str())) return repeat_seq(b, a.as_int());
    unsupported("*", a, b);
}

Value py_truediv(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported("/", a, b);
    if (b.as_float() == 0.0) throw ValueError("division by zero");
    return Value(a.as_float() / b.as_float());
}

// CPython's float floor division (float_floor_div / _float_div_mod).
double float_floordiv(double vx, double wx) {
    double mod = std::fmod(vx, wx);
    double div = (vx - mod) / wx;
    if (mod != 0.0) {
        if ((wx < 0) != (mod < 0)) div -= 1.0;
    }
    if (div != 0.0) {
        double floordiv = std::floor(div);
        if (div - floordiv > 0.5) floordiv += 1.0;
        return floordiv;
    }
    return std::copysign(0.0, vx / wx);
}

int64_t int_floordiv(int64_t a, int64_t b) {
    if (b == -1 && a == std::numeric_limits<int64_t>::min()) throw ValueError("integer overflow");
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

Value py_floordiv(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported("//", a, b);
    if (a.is_float() || b.is_float()) {
        if (b.as_float() == 0.0) throw ValueError("float floor division by zero");
        return Value(float_floordiv(a.as_float(), b.as_float()));
    }
    if (b.as_int() == 0) throw ValueError("integer division or modulo by zero");
    return Value(int_floordiv(a.as_int(), b.as_int()));
}

Value py_pow(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) unsupported("** or pow()", a, b);
    if (is_integral(a) && is_integral(b) && b.as_int() >= 0) {
        int64_t base = a.as_int(), exp = b.as_int(), result = 1;
        while (exp > 0) {
            if (exp & 1) result = mul_i(result, base);
            exp >>= 1;
            if (exp > 0) base = mul_i(base, base);
        }
        return Value(result);
    }
    double x = a.as_float(), y = b.as_float();
    if (x == 0.0 && y < 0.0) throw ValueError("0.0 cannot be raised to a negative power");
    if (x < 0.0 && std::floor(y) != y)
        throw ValueError("math domain error: negative number raised to a fractional power");
    return Value(std::pow(x, y));
}

// ---- comparison ---------------------------------------------------------------------

bool py_eq(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.as_float() == b.as_float();
        return a.as_int() == b.as_int();
    }
    if (a.is_sequence() && b.is_sequence()) {
        if (a.kind() != b.kind() || a.items().size() != b.items().size()) return false;
        for (size_t i = 0; i < a.items().size(); ++i)
            if (!py_eq(a.items()[i], b.items()[i])) return false;
        return true;
    }
    return a == b;
}

// Python's a < b for numbers, strings and same-kind sequences (lexicographic).
bool py_lt(const Value& a, const Value& b, const char* op) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.as_float() < b.as_float();
        return a.as_int() < b.as_int();
    }
    if (a.is_str() && b.is_str()) return a.as_str() < b.as_str();
    if (a.is_sequence() && a.kind() == b.kind()) {
        const auto& x = a.items();
        const auto& y = b.items();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (py_eq(x[i], y[i])) continue;
            return py_lt(x[i], y[i], op);
        }
        return x.size() < y.size();
    }
    throw TypeError(std::string("'") + op + "' not supported between instances of '" +
                    py_type_name(a) + "' and '" + py_type_name(b) + "'");
}

// ---- bitwise / logical ----------------------------------------------------------------

template <class F> Value py_bitwise(const Value& a, const Value& b, const char* op, F f) {
    if (!is_integral(a) || !is_integral(b)) unsupported(op, a, b);
    if (a.is_bool() && b.is_bool())
        return Value(bool(f(int64_t(a.as_bool()), int64_t(b.as_bool()))));
    return Value(f(a.as_int(), b.as_int()));
}

Value py_lshift(const Value& a, const Value& b) {
    if (!is_integral(a) || !is_integral(b)) unsupported("<<", a, b);
    int64_t x = a.as_int(), n = b.as_int();
    if (n < 0) throw ValueError("negative shift count");
    if (x == 0) return Value(int64_t(0));
    if (n >= 63) throw ValueError("integer overflow");
    int64_t r = int64_t(uint64_t(x) << n);
    if ((r >> n) != x) throw ValueError("integer overflow");
    return Value(r);
}

Value py_rshift(const Value& a, const Value& b) {
    if (!is_integral(a) || !is_integral(b)) unsupported(">>", a, b);
    int64_t x = a.as_int(), n = b.as_int();
    if (n < 0) throw ValueError("negative shift count");
    if (n >= 64) return Value(int64_t(x < 0 ? -1 : 0));
    return Value(int64_t(x >> n));  // arithmetic shift == floor division by 2**n
}

// ---- unary ----------------------------------------------------------------------------

Value py_neg(const Value& a) {
    if (a.is_float()) return Value(-a.as_float());
    if (is_integral(a)) {
        return Value(sub_i(0, a.as_int()));
    }
    bad_unary("unary -", a);
}

Value py_abs(const Value& a) {
    if (a.is_float()) return Value(std::fabs(a.as_float()));
    if (is_integral(a)) {
        int64_t x = a.as_int();
        if (x == std::numeric_limits<int64_t>::min()) throw ValueError("integer overflow");
        return Value(int64_t(x < 0 ? -x : x));
    }
    bad_unary("abs()", a);
}

Value py_not(const Value& a) {
    if (a.is_bool()) return Value(!a.as_bool());
    if (a.is_int()) return Value(int64_t(~a.as_int()));
    bad_unary("unary ~", a);
}

using Binary = Value (*)(const Value&, const Value&);
using Unary = Value (*)(const Value&);

ScalarFn binary(Binary f) {
    return [f](const std::vector<Value>& in) -> Value {
        MITHRIL_INTERNAL_CHECK(in.size() == 2, "binary scalar function called with wrong arity");
        return f(in[0], in[1]);
    };
}

ScalarFn unary(Unary f) {
    return [f](const std::vector<Value>& in) -> Value {
        MITHRIL_INTERNAL_CHECK(in.size() == 1, "unary scalar function called with wrong arity");
        return f(in[0]);
    };
}

const std::map<std::string, ScalarFn>& scalar_table() {
    static const std::map<std::string, ScalarFn> table = {
        {"add", binary(py_add)},
        {"subtract", binary(py_sub)},
        {"multiplication", binary(py_mul)},
        {"divide", binary(py_truediv)},
        {"floor_divide", binary(py_floordiv)},
        {"power", binary(py_pow)},
        {"minimum",
         binary([](const Value& a, const Value& b) { return py_lt(b, a, "<") ? b : a; })},
        {"maximum",
         binary([](const Value& a, const Value& b) { return py_lt(a, b, "<") ? b : a; })},
        {"greater", binary([](const Value& a, const Value& b) { return Value(py_lt(b, a, ">")); })},
        {"greater_equal",
         binary([](const Value& a, const Value& b) { return Value(!py_lt(a, b, ">=")); })},
        {"less", binary([](const Value& a, const Value& b) { return Value(py_lt(a, b, "<")); })},
        {"less_equal",
         binary([](const Value& a, const Value& b) { return Value(!py_lt(b, a, "<=")); })},
        {"equal", binary([](const Value& a, const Value& b) { return Value(py_eq(a, b)); })},
        {"not_equal", binary([](const Value& a, const Value& b) { return Value(!py_eq(a, b)); })},
        {"logical_and", binary([](const Value& a, const Value& b) {
             return py_bitwise(a, b, "&", [](int64_t x, int64_t y) { return x & y; });
         })},
        {"logical_or", binary([](const Value& a, const Value& b) {
             return py_bitwise(a, b, "|", [](int64_t x, int64_t y) { return x | y; });
         })},
        {"logical_xor", binary([](const Value& a, const Value& b) {
             return py_bitwise(a, b, "^", [](int64_t x, int64_t y) { return x ^ y; });
         })},
        {"shift_left", binary(py_lshift)},
        {"shift_right", binary(py_rshift)},
        {"negate", unary(py_neg)},
        {"minus", unary(py_neg)},
        {"abs", unary(py_abs)},
        {"logical_not", unary(py_not)},
        {"buffer", unary([](const Value& a) { return a; })},
    };
    return table;
}

}  // namespace

ScalarFn scalar_fn_for(const std::string& formula_key) {
    const auto& table = scalar_table();
    auto it = table.find(formula_key);
    return it == table.end() ? ScalarFn() : it->second;
}

ConstraintFn general_forward_constraint(ScalarFn fn) {
    return [fn](ConstraintContext& c) -> bool {
        // A Tensor anywhere: the operator is evaluated by a backend, nothing to do here.
        for (size_t i = 0; i < c.arity(); ++i)
            if (c.type(i).is_tensor()) return true;
        std::vector<Value> inputs;
        for (size_t i = 1; i < c.arity(); ++i) {
            if (!c.valued(i)) return false;
            const Value& v = c.value(i);
            if (v.is_tensor() || v.kind() == K::Constant) return true;
            inputs.push_back(v);
        }
        if (!fn) return true;
        c.set_value(0, fn(inputs));
        return true;
    };
}

}  // namespace mithril::constraints

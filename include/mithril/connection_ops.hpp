// mithril/connection_ops.hpp — connection algebra: operators on connections.
//
// Each operator adds the matching primitive (Add, Subtract, ..., Greater,
// LogicalAnd, ShiftLeft, ...) to a provisional scratch model and returns its
// output; when the result is later connected into a real model the needed
// operators are moved there (Mithril's provisional models). Either side may
// be a literal Value (reflected forms). `==` is kept for identity in Python,
// so equality is `a.eq(b)` / `a.ne(b)`.
#pragma once

#include "mithril/model.hpp"

namespace mithril {

#define MITHRIL_DECLARE_BINARY(op)                               \
    Connection operator op(const Connection& a, const Connection& b); \
    Connection operator op(const Connection& a, const Value& b);      \
    Connection operator op(const Value& a, const Connection& b);

MITHRIL_DECLARE_BINARY(+)
MITHRIL_DECLARE_BINARY(-)
MITHRIL_DECLARE_BINARY(*)
MITHRIL_DECLARE_BINARY(/)
MITHRIL_DECLARE_BINARY(>)
MITHRIL_DECLARE_BINARY(>=)
MITHRIL_DECLARE_BINARY(<)
MITHRIL_DECLARE_BINARY(<=)
MITHRIL_DECLARE_BINARY(&)
MITHRIL_DECLARE_BINARY(|)
MITHRIL_DECLARE_BINARY(^)
MITHRIL_DECLARE_BINARY(<<)
MITHRIL_DECLARE_BINARY(>>)
#undef MITHRIL_DECLARE_BINARY

// Python's //, ** and @ have no C++ operator: named functions.
Connection floordiv(const Connection& a, const Connection& b);
Connection floordiv(const Connection& a, const Value& b);
Connection floordiv(const Value& a, const Connection& b);
Connection pow(const Connection& a, const Connection& b);
Connection pow(const Connection& a, const Value& b);
Connection pow(const Value& a, const Connection& b);
Connection matmul(const Connection& a, const Connection& b);

Connection operator-(const Connection& a);  // Negate
Connection operator~(const Connection& a);  // LogicalNot

}  // namespace mithril

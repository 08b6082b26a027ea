// mithril/value.hpp — the literal values a connection can carry.
//
// A Value is Mithril's Python value domain carried into C++: TBD (not yet
// known), None, bool, int, float, str, Dtype, Ellipsis, slice, list, tuple,
// a Tensor literal, or one of the precision-dependent Constants. Values are
// immutable and cheap to copy (containers and tensors are shared).
// Invariant: a list/tuple never contains TBD.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mithril/dtype.hpp"

namespace mithril {

class Tensor;

struct NoneType {
    bool operator==(const NoneType&) const = default;
};
inline constexpr NoneType None{};

struct EllipsisType {
    bool operator==(const EllipsisType&) const = default;
};
inline constexpr EllipsisType Ellipsis{};

// Python's slice(start, stop, step); nullopt prints as None.
struct Slice {
    std::optional<int64_t> start, stop, step;
    bool operator==(const Slice&) const = default;
};

// Precision-dependent constants of Mithril's epsilon_table.
enum class Constant {
    EPSILON,
    LEFT_EPSILON,
    MIN_POSITIVE_NORMAL,
    MIN_POSITIVE_SUBNORMAL,
    STABLE_RECIPROCAL_THRESHOLD,
    ZEROS,
    ONES
};
const char* constant_name(Constant c);

class Value {
public:
    enum class Kind {
        Tbd, None, Bool, Int, Float, Str, Dtype, Ellipsis, Slice, List, Tuple, Tensor, Constant
    };

    Value() = default;  // TBD
    Value(NoneType) : v_(NoneType{}) {}
    Value(bool b) : v_(b) {}
    Value(int i) : v_(int64_t(i)) {}
    Value(long i) : v_(int64_t(i)) {}
    Value(long long i) : v_(int64_t(i)) {}
    Value(double d) : v_(d) {}
    Value(float d) : v_(double(d)) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(std::string s) : v_(std::move(s)) {}
    Value(mithril::Dtype d) : v_(d) {}
    Value(EllipsisType) : v_(EllipsisType{}) {}
    Value(mithril::Slice s) : v_(s) {}
    Value(mithril::Constant c) : v_(c) {}
    Value(const mithril::Tensor& t);
    // A brace list is a tuple, as Mithril's shape/axis arguments are.
    Value(std::initializer_list<Value> items);

    static Value tbd() { return Value(); }
    static Value list(std::vector<Value> items);
    static Value tuple(std::vector<Value> items);

    Kind kind() const { return Kind(v_.index()); }
    bool is_tbd() const { return kind() == Kind::Tbd; }
    bool is_none() const { return kind() == Kind::None; }
    bool is_bool() const { return kind() == Kind::Bool; }
    bool is_int() const { return kind() == Kind::Int; }
    bool is_float() const { return kind() == Kind::Float; }
    bool is_number() const { return is_int() || is_float() || is_bool(); }
    bool is_str() const { return kind() == Kind::Str; }
    bool is_sequence() const { return kind() == Kind::List || kind() == Kind::Tuple; }
    bool is_tensor() const { return kind() == Kind::Tensor; }

    bool as_bool() const;
    int64_t as_int() const;   // bool converts; float does not
    double as_float() const;  // int and bool convert
    const std::string& as_str() const;
    mithril::Dtype as_dtype() const;
    const mithril::Slice& as_slice() const;
    mithril::Constant as_constant() const;
    const std::vector<Value>& items() const;  // list or tuple
    const mithril::Tensor& as_tensor() const;
    std::shared_ptr<const mithril::Tensor> tensor_ptr() const;

    // Python repr: None, True, 3, 2.0, 'abc', (1, 2), [1, 2], slice(None, 2, None), ...
    std::string repr() const;

    bool operator==(const Value& o) const;
    bool operator!=(const Value& o) const { return !(*this == o); }

private:
    struct TbdTag {
        bool operator==(const TbdTag&) const = default;
    };
    struct Seq {
        std::shared_ptr<const std::vector<Value>> items;
        bool operator==(const Seq& o) const { return items == o.items; }
    };
    struct ListV : Seq {};
    struct TupleV : Seq {};
    using Storage = std::variant<TbdTag, NoneType, bool, int64_t, double, std::string,
                                 mithril::Dtype, EllipsisType, mithril::Slice, ListV, TupleV,
                                 std::shared_ptr<const mithril::Tensor>, mithril::Constant>;
    Storage v_;
};

}  // namespace mithril

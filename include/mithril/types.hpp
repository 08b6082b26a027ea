// mithril/types.hpp — the type lattice of connections.
//
// A Type is a union of atoms, as Mithril's edge types are unions of Python
// scalar types and Tensor[int|float|bool] generics. `Type::any()` is Mithril's
// ToBeDetermined. The lattice is closed under | and &; an empty Type means a
// contradiction (the solver raises TypeError when it would produce one).
#pragma once

#include <cstdint>
#include <string>

namespace mithril {

class Type {
public:
    enum Atom : uint32_t {
        Int = 1u << 0,
        Float = 1u << 1,
        Bool = 1u << 2,
        TensorInt = 1u << 3,
        TensorFloat = 1u << 4,
        TensorBool = 1u << 5,
        NoneT = 1u << 6,
        Str = 1u << 7,
        DtypeT = 1u << 8,
        EllipsisT = 1u << 9,
        SliceT = 1u << 10,
        ListT = 1u << 11,
        TupleT = 1u << 12,
        ConstantT = 1u << 13,
    };
    static constexpr uint32_t kAllBits = (1u << 14) - 1;
    static constexpr uint32_t kTensorBits = TensorInt | TensorFloat | TensorBool;
    static constexpr uint32_t kScalarNumberBits = Int | Float | Bool;

    constexpr Type() : bits_(kAllBits) {}
    constexpr explicit Type(uint32_t bits) : bits_(bits) {}

    static constexpr Type any() { return Type(kAllBits); }
    static constexpr Type none() { return Type(0); }
    static constexpr Type tensor() { return Type(kTensorBits); }
    static constexpr Type tensor_float() { return Type(TensorFloat); }
    static constexpr Type tensor_int() { return Type(TensorInt); }
    static constexpr Type tensor_bool() { return Type(TensorBool); }
    static constexpr Type tensor_number() { return Type(TensorInt | TensorFloat); }
    static constexpr Type scalar_int() { return Type(Int); }
    static constexpr Type scalar_float() { return Type(Float); }
    static constexpr Type scalar_bool() { return Type(Bool); }
    static constexpr Type scalar_number() { return Type(kScalarNumberBits); }
    // Any of int/float/bool, as scalar or Tensor.
    static constexpr Type number() { return Type(kScalarNumberBits | kTensorBits); }

    constexpr uint32_t bits() const { return bits_; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr bool is_any() const { return bits_ == kAllBits; }
    constexpr bool may_be_tensor() const { return (bits_ & kTensorBits) != 0; }
    constexpr bool is_tensor() const { return bits_ != 0 && (bits_ & ~kTensorBits) == 0; }
    constexpr bool contains(Type o) const { return (bits_ & o.bits_) == o.bits_; }
    constexpr bool intersects(Type o) const { return (bits_ & o.bits_) != 0; }

    constexpr Type operator|(Type o) const { return Type(bits_ | o.bits_); }
    constexpr Type operator&(Type o) const { return Type(bits_ & o.bits_); }
    constexpr bool operator==(const Type&) const = default;

    // Mithril's printed form: "Tensor[int | float]", "int | float", "ToBeDetermined".
    std::string to_string() const;
    // Fully qualified form used in Mithril's type error messages:
    // "mithril.framework.common.Tensor[int | float]".
    std::string to_python_string() const;

private:
    uint32_t bits_;
};

}  // namespace mithril

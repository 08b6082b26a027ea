// mithril/dtype.hpp — element types of tensors, in Mithril's order and with Mithril's names.
//
// Dtype values are stable integers (uint8 = 0 ... bool_ = 9, Mithril's enumeration order) and
// may be stored or hashed. dtype_name() gives the Python-side name ("float32", "bool"), and
// dtype_from_name() accepts those names plus Mithril's aliases ("float", "double", "int",
// "long", "half", "short"). float16 and bfloat16 elements are stored as raw 16-bit patterns
// (Half, BFloat16); the conversion functions round to nearest, ties to even.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <type_traits>

namespace mithril {

enum class Dtype : int { uint8 = 0, int8, int16, int32, int64, float16, bfloat16, float32, float64, bool_ };

inline constexpr int kNumDtypes = 10;

// Mithril's name of the dtype: "uint8", ..., "float32", "float64", "bool".
std::string_view dtype_name(Dtype d);
// Size of one element in bytes (bool is 1 byte).
std::size_t dtype_size(Dtype d);
// float16, bfloat16, float32, float64.
bool is_floating(Dtype d);
// uint8, int8, int16, int32, int64 (not bool).
bool is_integer(Dtype d);
// Inverse of dtype_name(), plus the aliases above; throws ValueError for an unknown name.
Dtype dtype_from_name(std::string_view name);

std::ostream& operator<<(std::ostream& os, Dtype d);

// Convenience constants, so user code can write mithril::float32.
inline constexpr Dtype uint8 = Dtype::uint8;
inline constexpr Dtype int8 = Dtype::int8;
inline constexpr Dtype int16 = Dtype::int16;
inline constexpr Dtype int32 = Dtype::int32;
inline constexpr Dtype int64 = Dtype::int64;
inline constexpr Dtype float16 = Dtype::float16;
inline constexpr Dtype bfloat16 = Dtype::bfloat16;
inline constexpr Dtype float32 = Dtype::float32;
inline constexpr Dtype float64 = Dtype::float64;
inline constexpr Dtype bool_ = Dtype::bool_;
// Mithril's aliases (float, double, int, long, half, short are C++ keywords, hence the '_').
inline constexpr Dtype float_ = Dtype::float32;
inline constexpr Dtype double_ = Dtype::float64;
inline constexpr Dtype int_ = Dtype::int32;
inline constexpr Dtype long_ = Dtype::int64;
inline constexpr Dtype half_ = Dtype::float16;
inline constexpr Dtype short_ = Dtype::int16;

// Storage types of the 16-bit floating dtypes: the raw IEEE binary16 / bfloat16 bit pattern.
struct Half {
    std::uint16_t bits = 0;
    friend bool operator==(Half, Half) = default;
};
struct BFloat16 {
    std::uint16_t bits = 0;
    friend bool operator==(BFloat16, BFloat16) = default;
};

// binary16 <-> binary32. float_to_half rounds to nearest even, overflows to inf, keeps NaN
// quiet and handles subnormals; half_to_float is exact.
float half_to_float(std::uint16_t bits) noexcept;
std::uint16_t float_to_half(float value) noexcept;
// bfloat16 <-> binary32 (round to nearest even; NaN stays NaN).
float bfloat16_to_float(std::uint16_t bits) noexcept;
std::uint16_t float_to_bfloat16(float value) noexcept;

// dtype_of<T>: the Dtype whose storage type is T (uint8_t, int8_t ... int64_t, Half, BFloat16,
// float, double, bool). Any other T is a compile error.
template <class T>
constexpr Dtype dtype_of() {
    using U = std::remove_cv_t<T>;
    if constexpr (std::is_same_v<U, bool>) return Dtype::bool_;
    else if constexpr (std::is_same_v<U, float>) return Dtype::float32;
    else if constexpr (std::is_same_v<U, double>) return Dtype::float64;
    else if constexpr (std::is_same_v<U, Half>) return Dtype::float16;
    else if constexpr (std::is_same_v<U, BFloat16>) return Dtype::bfloat16;
    else if constexpr (std::is_integral_v<U> && std::is_unsigned_v<U> && sizeof(U) == 1)
        return Dtype::uint8;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 1)
        return Dtype::int8;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 2)
        return Dtype::int16;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 4)
        return Dtype::int32;
    else if constexpr (std::is_integral_v<U> && std::is_signed_v<U> && sizeof(U) == 8)
        return Dtype::int64;
    else
        static_assert(sizeof(U) == 0, "mithril::dtype_of: no Dtype stores this C++ type");
}

}  // namespace mithril

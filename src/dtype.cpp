// dtype.cpp — Dtype names, sizes and classification, and the float16/bfloat16 conversions.
#include "mithril/dtype.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <ostream>
#include <string>

#include "mithril/errors.hpp"

namespace mithril {

namespace {

struct DtypeInfo {
    std::string_view name;
    std::size_t size;
};

// Indexed by the Dtype value (Mithril's order).
constexpr std::array<DtypeInfo, kNumDtypes> kDtypeInfo{{
    {"uint8", 1}, {"int8", 1}, {"int16", 2}, {"int32", 4}, {"int64", 8},
    {"float16", 2}, {"bfloat16", 2}, {"float32", 4}, {"float64", 8}, {"bool", 1},
}};

const DtypeInfo& info(Dtype d) {
    auto i = static_cast<int>(d);
    MITHRIL_INTERNAL_CHECK(i >= 0 && i < kNumDtypes, "invalid Dtype value " + std::to_string(i));
    return kDtypeInfo[static_cast<std::size_t>(i)];
}

}  // namespace

std::string_view dtype_name(Dtype d) { return info(d).name; }
std::size_t dtype_size(Dtype d) { return info(d).size; }

bool is_floating(Dtype d) {
    return d == Dtype::float16 || d == Dtype::bfloat16 || d == Dtype::float32 || d == Dtype::float64;
}

bool is_integer(Dtype d) {
    return d == Dtype::uint8 || d == Dtype::int8 || d == Dtype::int16 || d == Dtype::int32 ||
           d == Dtype::int64;
}

Dtype dtype_from_name(std::string_view name) {
    for (int i = 0; i < kNumDtypes; ++i)
        if (kDtypeInfo[static_cast<std::size_t>(i)].name == name) return static_cast<Dtype>(i);
    if (name == "float") return Dtype::float32;
    if (name == "double") return Dtype::float64;
    if (name == "int") return Dtype::int32;
    if (name == "long") return Dtype::int64;
    if (name == "half") return Dtype::float16;
    if (name == "short") return Dtype::int16;
    throw ValueError("Unknown dtype name: '" + std::string(name) + "'");
}

std::ostream& operator<<(std::ostream& os, Dtype d) { return os << dtype_name(d); }

float half_to_float(std::uint16_t h) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu;
    const std::uint32_t mant = h & 0x3ffu;
    if (exp == 0) {  // zero or subnormal: mant * 2^-24, exact in float
        const float mag = std::ldexp(static_cast<float>(mant), -24);
        return std::bit_cast<float>(std::bit_cast<std::uint32_t>(mag) | sign);
    }
    if (exp == 31)  // inf or NaN (payload kept)
        return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
    return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
}

std::uint16_t float_to_half(float value) noexcept {
    // F. Giesen's float_to_half_fast3_rtne: exact round-to-nearest-even in integer arithmetic
    // for normals, and one float addition (in the default rounding mode) for subnormals.
    std::uint32_t x = std::bit_cast<std::uint32_t>(value);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7fffffffu;
    std::uint32_t out;
    if (x >= 0x47800000u) {                     // |v| >= 65536, inf or NaN
        if (x > 0x7f800000u) out = 0x7e00u | ((x >> 13) & 0x3ffu);  // quiet NaN
        else out = 0x7c00u;                                            // overflow -> inf
    } else if (x < 0x38800000u) {               // below the smallest normal half (2^-14)
        constexpr std::uint32_t kDenormMagic = ((127 - 15) + (23 - 10) + 1) << 23;  // 0.5f
        const float f = std::bit_cast<float>(x) + std::bit_cast<float>(kDenormMagic);
        out = std::bit_cast<std::uint32_t>(f) - kDenormMagic;
    } else {
        const std::uint32_t mant_odd = (x >> 13) & 1u;
        x += (static_cast<std::uint32_t>(15 - 127) << 23) + 0xfffu;  // rebias, round bias
        x += mant_odd;                                                // ties to even
        out = x >> 13;                      // values in [65520, 65536) round up to inf here
    }
    return static_cast<std::uint16_t>(out | sign);
}

float bfloat16_to_float(std::uint16_t bits) noexcept {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t float_to_bfloat16(float value) noexcept {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(value);
    if ((x & 0x7fffffffu) > 0x7f800000u)  // NaN: truncate and force the quiet bit
        return static_cast<std::uint16_t>((x >> 16) | 0x0040u);
    const std::uint32_t bias = 0x7fffu + ((x >> 16) & 1u);
    return static_cast<std::uint16_t>((x + bias) >> 16);
}

}  // namespace mithril

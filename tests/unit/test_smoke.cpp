// test_smoke.cpp — Dtype and Tensor basics: names, half/bfloat16 rounding, nested-list
// literals and their dtypes, ragged-list errors, astype, printing, equality.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "mithril/dtype.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

using mithril::Dtype;
using mithril::Tensor;

TEST_CASE("dtype: names, sizes, classes and aliases", "[tensor]") {
    CHECK(static_cast<int>(Dtype::uint8) == 0);
    CHECK(static_cast<int>(Dtype::bool_) == 9);
    CHECK(mithril::dtype_name(mithril::float32) == "float32");
    CHECK(mithril::dtype_name(mithril::bool_) == "bool");
    CHECK(mithril::dtype_size(Dtype::bfloat16) == 2);
    CHECK(mithril::dtype_size(Dtype::int64) == 8);
    CHECK(mithril::dtype_size(Dtype::bool_) == 1);
    CHECK(mithril::is_floating(Dtype::float16));
    CHECK_FALSE(mithril::is_floating(Dtype::int32));
    CHECK(mithril::is_integer(Dtype::uint8));
    CHECK_FALSE(mithril::is_integer(Dtype::bool_));
    for (int i = 0; i < mithril::kNumDtypes; ++i) {
        auto d = static_cast<Dtype>(i);
        CHECK(mithril::dtype_from_name(mithril::dtype_name(d)) == d);
    }
    CHECK(mithril::dtype_from_name("float") == mithril::float_);
    CHECK(mithril::dtype_from_name("double") == Dtype::float64);
    CHECK(mithril::dtype_from_name("long") == Dtype::int64);
    CHECK(mithril::dtype_from_name("half") == Dtype::float16);
    CHECK(mithril::dtype_from_name("short") == Dtype::int16);
    CHECK(mithril::int_ == Dtype::int32);
    CHECK_THROWS_AS(mithril::dtype_from_name("float128"), mithril::ValueError);
    CHECK_THROWS_WITH(mithril::dtype_from_name("float128"), Catch::Contains("float128"));
    std::ostringstream os;
    os << Dtype::bfloat16;
    CHECK(os.str() == "bfloat16");
}

TEST_CASE("dtype: float16 and bfloat16 conversions round to nearest even", "[tensor]") {
    using mithril::float_to_half;
    using mithril::half_to_float;
    CHECK(float_to_half(1.0f) == 0x3c00);
    CHECK(float_to_half(-2.0f) == 0xc000);
    CHECK(float_to_half(65504.0f) == 0x7bff);
    CHECK(float_to_half(65519.0f) == 0x7bff);  // below the halfway point to 65536
    CHECK(float_to_half(65520.0f) == 0x7c00);  // tie rounds to even: inf
    CHECK(float_to_half(1e10f) == 0x7c00);
    CHECK(float_to_half(-std::numeric_limits<float>::infinity()) == 0xfc00);
    CHECK(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0).
    CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
    // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: ties to even (up).
    CHECK(float_to_half(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);
    CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)) == 0x3c01);
    // Subnormals: smallest is 2^-24; half of it ties to even (0), a bit more rounds up.
    CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);
    CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);
    CHECK(float_to_half(std::ldexp(1.5f, -25)) == 0x0001);
    CHECK(float_to_half(std::ldexp(3.0f, -25)) == 0x0002);  // 1.5 ulp ties to even: 2
    CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));
    CHECK(half_to_float(0x03ff) == std::ldexp(1023.0f, -24));
    CHECK(half_to_float(0x7bff) == 65504.0f);
    CHECK(half_to_float(0x8000) == 0.0f);
    CHECK(std::signbit(half_to_float(0x8000)));
    // Every finite half survives a round trip through float.
    for (std::uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7c00) == 0x7c00) continue;
        auto bits = static_cast<std::uint16_t>(h);
        REQUIRE(float_to_half(half_to_float(bits)) == bits);
    }
    CHECK(mithril::float_to_bfloat16(1.0f) == 0x3f80);
    CHECK(mithril::bfloat16_to_float(0x3f80) == 1.0f);
    // 1 + 2^-8 is halfway between bfloat16 neighbours 1 and 1 + 2^-7: ties to even.
    CHECK(mithril::float_to_bfloat16(1.0f + std::ldexp(1.0f, -8)) == 0x3f80);
    CHECK(mithril::float_to_bfloat16(1.0f + 3 * std::ldexp(1.0f, -8)) == 0x3f82);
    CHECK(std::isnan(mithril::bfloat16_to_float(
        mithril::float_to_bfloat16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST_CASE("tensor: nested-list literals pick NumPy's dtype", "[tensor]") {
    SECTION("int literals give int64") {
        Tensor t({{1, 2, 3}, {4, 5, 6}});
        CHECK(t.dtype() == Dtype::int64);
        CHECK(t.shape() == std::vector<std::int64_t>{2, 3});
        CHECK(t.rank() == 2);
        CHECK(t.numel() == 6);
        CHECK(t.data<std::int64_t>()[5] == 6);
        CHECK(t.to_string() == "[[1, 2, 3], [4, 5, 6]]");
    }
    SECTION("floating literals give float64") {
        Tensor t({1.0, 2.5});
        CHECK(t.dtype() == Dtype::float64);
        CHECK(t.shape() == std::vector<std::int64_t>{2});
        CHECK(t.at_double(1) == 2.5);
        CHECK(t.to_string() == "[1.0, 2.5]");
    }
    SECTION("mixed int and floating literals give float64") {
        Tensor t({1.0, 2});
        CHECK(t.dtype() == Dtype::float64);
        CHECK(t.data<double>()[1] == 2.0);
        Tensor u({{1, 2}, {3, 4.5f}});
        CHECK(u.dtype() == Dtype::float64);
        CHECK(u.to_string() == "[[1.0, 2.0], [3.0, 4.5]]");
    }
    SECTION("bool literals give bool; bool mixed with int gives int64") {
        Tensor t({true, false});
        CHECK(t.dtype() == Dtype::bool_);
        CHECK(t.to_string() == "[True, False]");
        CHECK(Tensor({true, 2}).dtype() == Dtype::int64);
    }
    SECTION("depth 4 and 1-element lists") {
        Tensor t({{{{1}, {2}}, {{3}, {4}}}});
        CHECK(t.shape() == std::vector<std::int64_t>{1, 2, 2, 1});
        CHECK(t.to_string() == "[[[[1], [2]], [[3], [4]]]]");
        Tensor one({7});
        CHECK(one.shape() == std::vector<std::int64_t>{1});
        Tensor nested_one({{7}});
        CHECK(nested_one.shape() == std::vector<std::int64_t>{1, 1});
    }
    SECTION("a bare literal is a scalar; empty lists are float64") {
        Tensor s(3);
        CHECK(s.rank() == 0);
        CHECK(s.numel() == 1);
        CHECK(s.dtype() == Dtype::int64);
        CHECK(s.to_string() == "3");
        Tensor e({{}, {}});
        CHECK(e.dtype() == Dtype::float64);
        CHECK(e.shape() == std::vector<std::int64_t>{2, 0});
        CHECK(e.to_string() == "[[], []]");
    }
    SECTION("copy-list-initialization and an explicit dtype") {
        Tensor t = {{1, 2}, {3, 4}};
        CHECK(t.shape() == std::vector<std::int64_t>{2, 2});
        Tensor f({1, 2, 3}, mithril::float32);
        CHECK(f.dtype() == Dtype::float32);
        CHECK(f.data<float>()[2] == 3.0f);
    }
}

TEST_CASE("tensor: ragged nested lists throw ValueError", "[tensor][errors]") {
    CHECK_THROWS_AS(Tensor({{1, 2, 3}, {4, 5}}), mithril::ValueError);
    CHECK_THROWS_WITH(Tensor({{1, 2, 3}, {4, 5}}),
                      Catch::Contains("inhomogeneous") && Catch::Contains("expected 3 elements") &&
                          Catch::Contains("[1]") && Catch::Contains("got 2"));
    CHECK_THROWS_AS(Tensor({1, {2, 3}}), mithril::ValueError);
    CHECK_THROWS_AS(Tensor({{1, 2}, 3}), mithril::ValueError);
    CHECK_THROWS_AS(Tensor({{{1}, {2}}, {{3}, {4, 5}}}), mithril::ValueError);
    CHECK_THROWS_AS(Tensor({{}, {1}}), mithril::ValueError);
}

TEST_CASE("tensor: shape constructors, scalars and full", "[tensor]") {
    Tensor z(Dtype::float32, {2, 3});
    CHECK(z.numel() == 6);
    CHECK(z.nbytes() == 24);
    CHECK(reinterpret_cast<std::uintptr_t>(z.raw_data()) % 64 == 0);
    for (std::size_t i = 0; i < 6; ++i) CHECK(z.at_double(i) == 0.0);
    CHECK_THROWS_AS(Tensor(Dtype::float32, {2, -1}), mithril::ValueError);
    CHECK_THROWS_AS(z.at_double(6), mithril::ValueError);

    Tensor d;
    CHECK(d.dtype() == Dtype::float32);
    CHECK(d.numel() == 0);
    CHECK(d.to_string() == "[]");

    CHECK(Tensor::scalar(2.5).dtype() == Dtype::float64);
    CHECK(Tensor::scalar(std::int64_t{4}).dtype() == Dtype::int64);
    CHECK(Tensor::scalar(4).dtype() == Dtype::int64);
    CHECK(Tensor::scalar(true).dtype() == Dtype::bool_);
    CHECK(Tensor::scalar(2.5).to_string() == "2.5");

    Tensor f = Tensor::full(Dtype::float16, {3}, 1.5);
    CHECK(f.data<mithril::Half>()[2].bits == mithril::float_to_half(1.5f));
    CHECK(f.to_string() == "[1.5, 1.5, 1.5]");
    CHECK(Tensor::full(Dtype::int32, {2}, -2.7) == Tensor({-2, -2}, Dtype::int32));

    auto v = Tensor::from_vector(std::vector<float>{1, 2, 3, 4}, {2, 2});
    CHECK(v == Tensor({{1.0, 2.0}, {3.0, 4.0}}, mithril::float32));
    CHECK_THROWS_AS(Tensor::from_vector(std::vector<float>{1, 2, 3}, {2, 2}), mithril::ValueError);
}

TEST_CASE("tensor: data<T> checks the dtype", "[tensor][errors]") {
    Tensor t({1.0, 2.0});
    CHECK(t.data<double>()[0] == 1.0);
    CHECK_THROWS_AS(t.data<float>(), mithril::TypeError);
    CHECK_THROWS_WITH(t.data<std::int32_t>(),
                      Catch::Contains("float64") && Catch::Contains("int32"));
    const Tensor& c = t;
    CHECK(c.data<double>()[1] == 2.0);
}

TEST_CASE("tensor: astype, printing and equality", "[tensor]") {
    Tensor t({{1.5, -2.5}, {3.9, 0.0}});
    Tensor i = t.astype(Dtype::int32);
    CHECK(i.to_string() == "[[1, -2], [3, 0]]");
    CHECK(t.astype(Dtype::bool_).to_string() == "[[True, True], [True, False]]");
    CHECK(Tensor({300, -1}).astype(Dtype::uint8).to_string() == "[44, 255]");  // wraps
    CHECK(Tensor({1e10, -1e10, std::nan("")}).astype(Dtype::int32).to_string() ==
          "[2147483647, -2147483648, 0]");  // saturates
    CHECK(Tensor({0.1}).astype(Dtype::float32).to_string() == "[0.1]");
    CHECK(Tensor({0.1}).astype(Dtype::bfloat16).at_double(0) == 0.10009765625);
    CHECK(Tensor({1e-5, 1e16, 123456.0, -0.0}).to_string() == "[1e-05, 1e+16, 123456.0, -0.0]");
    Tensor big({std::int64_t{9007199254740993}});
    CHECK(big.astype(Dtype::int64) == big);
    CHECK(big.data<std::int64_t>()[0] == 9007199254740993);

    CHECK(Tensor({1, 2}) == Tensor({1, 2}));
    CHECK_FALSE(Tensor({1, 2}) == Tensor({1.0, 2.0}));   // dtype differs
    CHECK_FALSE(Tensor({1, 2}) == Tensor({{1, 2}}));     // shape differs
    CHECK_FALSE(Tensor({std::nan("")}) == Tensor({std::nan("")}));
    CHECK(Tensor({0.0}) == Tensor({-0.0}));
    Tensor copy = t;
    copy.data<double>()[0] = 7.0;
    CHECK(t.at_double(0) == 1.5);  // deep copy
    std::ostringstream os;
    os << Tensor({1, 2});
    CHECK(os.str() == "[1, 2]");
}

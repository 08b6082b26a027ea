// test_runtime.cpp — the kernels/ C ABI: rt_parallel_for on TBB, and the LLVM host query.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <vector>

#include "kernels/runtime.h"
#include "mithril/host.hpp"

namespace {

struct SumEnv {
    const std::vector<std::int64_t>* values;
    std::atomic<std::int64_t> sum{0};
    std::atomic<int> chunks{0};
};

void sum_body(std::int64_t begin, std::int64_t end, void* env) {
    auto* e = static_cast<SumEnv*>(env);
    std::int64_t local = 0;
    for (std::int64_t i = begin; i < end; ++i) local += (*e->values)[static_cast<std::size_t>(i)];
    e->sum += local;
    e->chunks += 1;
}

void throwing_body(std::int64_t, std::int64_t, void*) { throw 42; }

}  // namespace

TEST_CASE("rt_parallel_for: parallel sum matches the serial sum", "[kernels]") {
    std::vector<std::int64_t> values(1'000'003);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int64_t>(i % 1000) - 300;
    std::int64_t expected = 0;
    for (auto v : values) expected += v;

    auto grain = GENERATE(std::int64_t{1024}, std::int64_t{65536}, std::int64_t{0});
    SumEnv env{&values};
    CAPTURE(grain);
    REQUIRE(rt_parallel_for(&sum_body, 0, static_cast<std::int64_t>(values.size()), grain, &env) == 0);
    CHECK(env.sum.load() == expected);
    CHECK(env.chunks.load() >= 1);

    SumEnv sub{&values};  // an odd sub-range
    REQUIRE(rt_parallel_for(&sum_body, 17, 90'001, grain, &sub) == 0);
    std::int64_t expected_sub = 0;
    for (std::size_t i = 17; i < 90'001; ++i) expected_sub += values[i];
    CHECK(sub.sum.load() == expected_sub);
}

TEST_CASE("rt_parallel_for: empty ranges, null bodies and exceptions", "[kernels][errors]") {
    std::vector<std::int64_t> values(10, 1);
    SumEnv env{&values};
    CHECK(rt_parallel_for(&sum_body, 5, 5, 1, &env) == 0);
    CHECK(rt_parallel_for(&sum_body, 5, 2, 1, &env) == 0);
    CHECK(env.chunks.load() == 0);
    CHECK(rt_parallel_for(nullptr, 0, 10, 1, nullptr) == 2);
    CHECK(rt_parallel_for(&throwing_body, 0, 100, 10, nullptr) == 1);
}

TEST_CASE("host: LLVM reports the host CPU", "[jit]") {
    const std::string d = mithril::host_cpu_description();
    INFO(d);
    CHECK_FALSE(d.empty());
    CHECK(d.find(" (") != std::string::npos);
    CHECK(d.back() == ')');
}

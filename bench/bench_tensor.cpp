// bench_tensor.cpp — Tensor construction, fill and dtype conversion (allocation-bound baselines).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "mithril/tensor.hpp"

namespace {

void BM_TensorZeros(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) {
        mithril::Tensor t(mithril::Dtype::float32, {n});
        benchmark::DoNotOptimize(t.raw_data());
    }
    state.SetBytesProcessed(state.iterations() * n * 4);
}
BENCHMARK(BM_TensorZeros)->Arg(1 << 10)->Arg(1 << 20);

void BM_TensorFull(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) {
        auto t = mithril::Tensor::full(mithril::Dtype::float32, {n}, 1.5);
        benchmark::DoNotOptimize(t.raw_data());
    }
    state.SetBytesProcessed(state.iterations() * n * 4);
}
BENCHMARK(BM_TensorFull)->Arg(1 << 10)->Arg(1 << 20);

void BM_AstypeFloat16(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    const auto src = mithril::Tensor::full(mithril::Dtype::float32, {n}, 0.1);
    for (auto _ : state) {
        auto t = src.astype(mithril::Dtype::float16);
        benchmark::DoNotOptimize(t.raw_data());
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_AstypeFloat16)->Arg(1 << 16);

void BM_NestedListLiteral(benchmark::State& state) {
    for (auto _ : state) {
        mithril::Tensor t({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
        benchmark::DoNotOptimize(t.raw_data());
    }
}
BENCHMARK(BM_NestedListLiteral);

}  // namespace

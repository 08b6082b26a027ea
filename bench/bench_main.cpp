// bench_main.cpp — main() of mithril_bench (Google Benchmark). To be replaced by the main with
// in-process STREAM/FMA calibration described in benchmarks.md.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();

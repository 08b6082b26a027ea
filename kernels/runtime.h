// kernels/runtime.h — the C ABI of mithril's runtime entry points, called by JIT'd code.
//
// Every entry point is extern "C", noexcept, prefixed rt_, and returns an int status
// (0 = success). Exceptions never cross these functions: JIT frames cannot unwind them.
// Visibility is default for now so tests can call them directly; the style guide's target is
// hidden visibility plus explicit registration with the JIT (absoluteSymbols).
#pragma once

#include <cstdint>

extern "C" {

// Body of an outlined parallel loop: processes [begin, end) with captured state `env`.
typedef void (*rt_parallel_body)(std::int64_t begin, std::int64_t end, void* env);

// Runs body over [begin, end) split into chunks of about `grain` iterations (grain <= 0 means
// 1) on TBB's worker threads, and returns when all chunks are done. Returns 0 on success
// (including an empty range), 1 if anything threw, 2 if body is null.
int rt_parallel_for(rt_parallel_body body, std::int64_t begin, std::int64_t end,
                    std::int64_t grain, void* env) noexcept;

}  // extern "C"

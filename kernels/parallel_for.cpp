// parallel_for.cpp — rt_parallel_for: the TBB hook behind parallel loops in JIT'd code.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "runtime.h"

extern "C" int rt_parallel_for(rt_parallel_body body, std::int64_t begin, std::int64_t end,
                               std::int64_t grain, void* env) noexcept {
    if (body == nullptr) return 2;
    if (begin >= end) return 0;
    try {
        tbb::parallel_for(
            tbb::blocked_range<std::int64_t>(begin, end, static_cast<std::size_t>(grain > 0 ? grain : 1)),
            [body, env](const tbb::blocked_range<std::int64_t>& r) { body(r.begin(), r.end(), env); });
        return 0;
    } catch (...) {
        return 1;
    }
}

// mithril/host.hpp — facts about the machine mithril compiles for (LLVM's view of the host).
#pragma once

#include <string>

namespace mithril {

// LLVM's name for the host CPU followed by its notable SIMD features, e.g.
// "znver4 (avx2 avx512f fma)". Kernel-cache keys include this string: hosts differ.
std::string host_cpu_description();

}  // namespace mithril

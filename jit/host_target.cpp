// host_target.cpp — host CPU name and features from LLVM 19 (llvm/TargetParser/Host.h).
#include <array>
#include <string>
#include <string_view>

#include <llvm/ADT/StringMap.h>
#include <llvm/TargetParser/Host.h>

#include "mithril/host.hpp"

namespace mithril {

std::string host_cpu_description() {
    // The features worth printing; the full map has ~100 entries.
    static constexpr std::array<std::string_view, 14> kNotableFeatures{
        "sse4.2",     "avx",         "avx2",       "fma",        "f16c",
        "avx512f",    "avx512bw",    "avx512dq",   "avx512vl",   "avx512bf16",
        "avx512fp16", "amx-tile",    "neon",       "sve"};
    std::string out = llvm::sys::getHostCPUName().str();
    const llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();  // empty if unknown
    std::string list;
    for (std::string_view f : kNotableFeatures) {
        auto it = features.find(llvm::StringRef(f.data(), f.size()));
        if (it != features.end() && it->second) {
            if (!list.empty()) list += ' ';
            list += f;
        }
    }
    out += " (" + (list.empty() ? std::string("no SIMD features reported") : list) + ")";
    return out;
}

}  // namespace mithril

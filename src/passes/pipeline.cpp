// passes/pipeline.cpp — the compile-time passes in order (FORMAT.md §3.2, steps 2-7).
// Set MITHRIL_DEBUG=2 to print the live ops after every pass.
#include <cstdio>
#include <cstdlib>

#include "passes/passes.hpp"

namespace mithril::passes {

namespace {
void log_after(const detail::PhysicalData& pd, const char* pass) {
    static const bool on = [] {
        const char* v = std::getenv("MITHRIL_DEBUG");
        return v && std::atoi(v) >= 2;
    }();
    if (!on) return;
    std::fprintf(stderr, "-- after %s:\n", pass);
    for (const auto& op : pd.ops) {
        if (!op.live) continue;
        std::fprintf(stderr, "  %s = %s(", pd.keys[size_t(op.output)].name.c_str(), op.formula_key.c_str());
        for (size_t i = 0; i < op.inputs.size(); ++i)
            std::fprintf(stderr, "%s%s", i ? ", " : "", pd.keys[size_t(pd.root(op.inputs[i]))].name.c_str());
        std::fprintf(stderr, ")\n");
    }
}
}  // namespace

void run_pipeline(detail::PhysicalData& pd, const std::set<std::string>& discard_keys) {
    remove_buffers(pd);
    log_after(pd, "remove_buffers");
    merge_duplicates(pd);
    log_after(pd, "merge_duplicates");
    static_inference(pd);
    log_after(pd, "static_inference");
    prune_unused(pd);
    discard(pd, discard_keys);
    log_after(pd, "discard");
}

}  // namespace mithril::passes

// passes/passes.hpp — the compile-time graph passes over a flat PhysicalData
// (FORMAT.md §3.2), one free function per pass, run in order by
// run_pipeline() (pipeline.cpp). Each returns whether it changed the graph.
#pragma once

#include <set>
#include <string>

#include "physical/physical_data.hpp"

namespace mithril::passes {

// Every Buffer's output becomes an alias of its input. (remove_buffers.cpp)
bool remove_buffers(detail::PhysicalData& pd);
// Same formula on the same inputs (same key, or equal compile-time values):
// the later op goes, its output aliases the earlier one's. (merge_duplicates.cpp)
bool merge_duplicates(detail::PhysicalData& pd);
// Ops whose inputs are all known are run now with the backend's kernels;
// their outputs become cached values. (static_inference.cpp)
bool static_inference(detail::PhysicalData& pd);
// Inputs no live op reads any more (and that are not outputs) are unused.
// (prune.cpp)
bool prune_unused(detail::PhysicalData& pd);
// Hanging keys join the discard set; discards propagate forward and
// backward (infer_ignore); discarded ops and keys leave the graph. (prune.cpp)
bool discard(detail::PhysicalData& pd, std::set<std::string> discard_keys);

// The passes above, in order, after shapes and constants were applied.
void run_pipeline(detail::PhysicalData& pd, const std::set<std::string>& discard_keys);

}  // namespace mithril::passes

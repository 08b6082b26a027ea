// passes/remove_buffers.cpp — Buffer operators become key aliases.
#include "passes/passes.hpp"

namespace mithril::passes {

bool remove_buffers(detail::PhysicalData& pd) {
    bool changed = false;
    for (auto& op : pd.ops) {
        if (!op.live || op.formula_key != "buffer") continue;
        pd.alias[size_t(op.output)] = pd.root(op.inputs.front());
        op.live = false;
        changed = true;
    }
    return changed;
}

}  // namespace mithril::passes

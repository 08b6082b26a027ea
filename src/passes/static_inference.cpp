// passes/static_inference.cpp — constant folding with the backend's own kernels.
#include "backends/reference/kernels.hpp"
#include "passes/passes.hpp"

namespace mithril::passes {

bool static_inference(detail::PhysicalData& pd) {
    reference::KernelContext ctx{pd.backend.dtype};
    bool changed = false;
    for (bool progress = true; progress;) {
        progress = false;
        for (auto& op : pd.ops) {
            if (!op.live) continue;
            std::vector<Value> args;
            bool known = true;
            for (int in : op.inputs) {
                auto it = pd.cached.find(pd.root(in));
                if (it == pd.cached.end()) {
                    known = false;
                    break;
                }
                args.push_back(it->second);
            }
            if (!known) continue;
            const auto* kernel = reference::find_forward(op.formula_key);
            if (!kernel) continue;  // evaluated at run time (or reported then)
            pd.cached[pd.root(op.output)] = (*kernel)(args, ctx);
            op.live = false;
            progress = changed = true;
        }
    }
    return changed;
}

}  // namespace mithril::passes

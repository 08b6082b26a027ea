// passes/merge_duplicates.cpp — common-subexpression elimination of equal ops.
#include "passes/passes.hpp"

namespace mithril::passes {

namespace {
bool same_input(const detail::PhysicalData& pd, int a, int b) {
    a = pd.root(a);
    b = pd.root(b);
    if (a == b) return true;
    auto ia = pd.cached.find(a), ib = pd.cached.find(b);
    return ia != pd.cached.end() && ib != pd.cached.end() && ia->second == ib->second;
}
}  // namespace

bool merge_duplicates(detail::PhysicalData& pd) {
    bool changed = false;
    for (size_t j = 0; j < pd.ops.size(); ++j) {
        auto& later = pd.ops[j];
        if (!later.live) continue;
        for (size_t i = 0; i < j; ++i) {
            const auto& earlier = pd.ops[i];
            if (!earlier.live || earlier.formula_key != later.formula_key ||
                earlier.inputs.size() != later.inputs.size())
                continue;
            bool same = true;
            for (size_t k = 0; same && k < later.inputs.size(); ++k)
                same = same_input(pd, earlier.inputs[k], later.inputs[k]);
            if (!same) continue;
            pd.alias[size_t(pd.root(later.output))] = pd.root(earlier.output);
            later.live = false;
            changed = true;
            break;
        }
    }
    return changed;
}

}  // namespace mithril::passes

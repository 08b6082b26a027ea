// passes/prune.cpp — unused inputs, hanging keys and discard inference (infer_ignore).
#include <algorithm>

#include "passes/passes.hpp"

namespace mithril::passes {

bool prune_unused(detail::PhysicalData& pd) {
    bool changed = false;
    for (const auto& name : pd.input_names) {
        int k = pd.key_id(name);
        if (pd.holds_output(k) || !pd.consumers(k).empty()) continue;
        if (pd.unused.insert(name).second) changed = true;
    }
    return changed;
}

bool discard(detail::PhysicalData& pd, std::set<std::string> discard_keys) {
    const std::vector<std::string> original_outputs = pd.output_names;
    // Hanging keys: produced, never read, not an output.
    for (const auto& op : pd.ops) {
        if (!op.live) continue;
        int out = pd.root(op.output);
        if (!pd.holds_output(out) && pd.consumers(out).empty())
            discard_keys.insert(pd.keys[size_t(op.output)].name);
    }
    // Non-leaf outputs: kept as internal values, removed from outputs and discards.
    std::set<std::string> protected_outputs(original_outputs.begin(), original_outputs.end());
    for (auto it = discard_keys.begin(); it != discard_keys.end();) {
        int k = pd.key_id(*it);
        if (pd.is_output_name(*it) && k >= 0 && !pd.consumers(k).empty()) {
            std::erase(pd.output_names, *it);
            it = discard_keys.erase(it);
        } else {
            ++it;
        }
    }
    if (discard_keys.empty()) return false;
    std::set<int> dropped;
    for (const auto& n : discard_keys)
        if (int k = pd.key_id(n); k >= 0) dropped.insert(pd.root(k));
    auto is_protected = [&](int k) {
        for (const auto& n : protected_outputs)
            if (pd.root(pd.key_id(n)) == k && !discard_keys.count(n)) return true;
        return false;
    };
    for (bool progress = true; progress;) {
        progress = false;
        for (auto& op : pd.ops) {
            if (!op.live) continue;
            int out = pd.root(op.output);
            // forward: every input discarded
            bool all_in = !op.inputs.empty() &&
                          std::all_of(op.inputs.begin(), op.inputs.end(),
                                      [&](int in) { return dropped.count(pd.root(in)) ||
                                                           pd.cached.count(pd.root(in)); }) &&
                          std::any_of(op.inputs.begin(), op.inputs.end(),
                                      [&](int in) { return dropped.count(pd.root(in)); });
            if (all_in && !dropped.count(out) && !is_protected(out)) {
                dropped.insert(out);
                progress = true;
            }
            if (!dropped.count(out)) continue;
            // backward: inputs whose consumers are all discarded
            for (int in : op.inputs) {
                int r = pd.root(in);
                if (dropped.count(r) || is_protected(r)) continue;
                auto cons = pd.consumers(r);
                bool all_dropped = std::all_of(cons.begin(), cons.end(), [&](int c) {
                    return dropped.count(pd.root(pd.ops[size_t(c)].output));
                });
                if (all_dropped) {
                    dropped.insert(r);
                    progress = true;
                }
            }
        }
    }
    for (auto& op : pd.ops)
        if (op.live && dropped.count(pd.root(op.output))) op.live = false;
    for (int k : dropped) pd.discarded.insert(pd.keys[size_t(k)].name);
    for (const auto& n : discard_keys) pd.discarded.insert(n);
    std::erase_if(pd.output_names, [&](const std::string& n) { return pd.discarded.count(n) > 0; });
    std::erase_if(pd.input_names, [&](const std::string& n) { return pd.discarded.count(n) > 0; });
    return true;
}

}  // namespace mithril::passes

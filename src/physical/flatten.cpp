// physical/flatten.cpp — nested logical model -> flat list of primitives, with
// Mithril's short physical names (FORMAT.md §3.1).
//
// 1. Origins: the outermost user-given name of every edge; edges never named
//    take the local key of the first primitive (in visit order) touching them.
// 2. External keys (the top model's inputs and outputs) are named first:
//    named keys keep their names, unnamed ones take their origin (with _0,
//    _1, ... when several share it).
// 3. Primitives are visited in insertion order, a primitive waiting until its
//    unvalued inputs are produced; each unnamed edge gets <origin>_<n>.
// 4. Origins used once are rebased to the plain origin when that is free.
#include <algorithm>
#include <deque>

#include "mithril/primitives.hpp"
#include "physical/physical_data.hpp"

namespace mithril::detail {

using constraints::Edge;

namespace {

struct Leaf {
    std::shared_ptr<ModelData> model;
    std::vector<ModelData*> ancestors;  // top first, the primitive's parent last
};

void collect_leaves(const std::shared_ptr<ModelData>& m, std::vector<ModelData*>& path,
                    std::vector<Leaf>& out) {
    path.push_back(m.get());
    for (const auto& s : m->subs) {
        if (s.model->is_primitive()) out.push_back({s.model, path});
        else collect_leaves(s.model, path, out);
    }
    path.pop_back();
}

// The outermost user-given name of `e` along the leaf's chain of models.
std::optional<std::string> chain_name(const Leaf& l, const Edge* e) {
    for (const ModelData* m : l.ancestors)
        for (const auto& c : m->conns)
            if (c->e() == e && !c->auto_named) return c->key;
    return std::nullopt;
}

const std::set<std::string>& reserved_names() {
    static const std::set<std::string> names = [] {
        auto keys = all_formula_keys();
        std::set<std::string> s(keys.begin(), keys.end());
        for (const char* kw : {"False", "None", "True", "and", "as", "assert", "async", "await",
                               "break", "class", "continue", "def", "del", "elif", "else",
                               "except", "finally", "for", "from", "global", "if", "import", "in",
                               "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
                               "try", "while", "with", "yield"})
            s.insert(kw);
        return s;
    }();
    return names;
}

}  // namespace

void flatten_model(PhysicalData& pd, const std::shared_ptr<ModelData>& top, bool short_names) {
    (void)short_names;  // long names: see the closing note; short naming is used
    // External keys.
    std::vector<std::shared_ptr<ConnectionData>> ext_in = top->exposed_inputs();
    std::vector<std::shared_ptr<ConnectionData>> ext_out = top->exposed_outputs_list();
    if (ext_out.empty())
        for (const auto& c : top->couts)
            if (top->is_produced(c.get())) ext_out.push_back(c);
    if (ext_out.empty()) throw KeyError("Models with no output keys can not be compiled.");

    std::vector<Leaf> leaves;
    std::vector<ModelData*> path;
    if (top->is_primitive()) leaves.push_back({top, {}});
    else collect_leaves(top, path, leaves);

    // Origins: names at the top level first (external keys), then, per edge,
    // the outermost user name along the chain of the first primitive
    // touching it, else that primitive's local key.
    std::map<const Edge*, std::string> origin;
    for (const auto& c : top->conns)
        if (!c->auto_named) origin.emplace(c->e(), c->key);

    // Visit order: insertion order, a primitive waits for its unvalued inputs.
    std::set<const Edge*> available;
    for (const auto& c : ext_in) available.insert(c->e());
    auto ready = [&](const Leaf& l) {
        for (const auto& k : l.model->primitive_inputs) {
            const Edge* e = l.model->find(k)->e();
            if (!e->is_valued() && !available.count(e)) return false;
        }
        return true;
    };
    std::vector<Leaf> order;
    std::deque<Leaf> waiting;
    auto visit = [&](const Leaf& l) {
        order.push_back(l);
        available.insert(l.model->find("output")->e());
    };
    for (const auto& l : leaves) {
        if (ready(l)) {
            visit(l);
            for (bool progress = true; progress;) {
                progress = false;
                for (auto it = waiting.begin(); it != waiting.end(); ++it)
                    if (ready(*it)) {
                        Leaf w = *it;
                        waiting.erase(it);
                        visit(w);
                        progress = true;
                        break;
                    }
            }
        } else {
            waiting.push_back(l);
        }
    }
    for (const auto& w : waiting) order.push_back(w);  // unreachable inputs: keep order

    for (const auto& l : order) {
        auto note = [&](const std::string& local) {
            const Edge* e = l.model->find(local)->e();
            if (origin.count(e)) return;
            origin.emplace(e, chain_name(l, e).value_or(local));
        };
        for (const auto& k : l.model->primitive_inputs) note(k);
        note("output");
    }

    // Key table.
    auto key_for = [&](const std::shared_ptr<Edge>& edge) {
        const Edge* e = constraints::resolve(edge);
        auto it = pd.by_edge.find(e);
        if (it != pd.by_edge.end()) return it->second;
        int id = int(pd.keys.size());
        pd.keys.push_back({"", constraints::resolve_shared(edge)});
        pd.by_edge[e] = id;
        pd.alias.push_back(id);
        return id;
    };
    std::set<std::string> taken;
    auto assign = [&](int id, const std::string& name) {
        pd.keys[size_t(id)].name = name;
        pd.by_name[name] = id;
        taken.insert(name);
    };
    // External names: named keys first, then unnamed ones by origin.
    std::vector<std::shared_ptr<ConnectionData>> externals = ext_in;
    externals.insert(externals.end(), ext_out.begin(), ext_out.end());
    for (const auto& c : externals) {
        int id = key_for(c->edge);
        if (!c->auto_named && pd.keys[size_t(id)].name.empty()) assign(id, c->key);
    }
    std::map<std::string, int> ext_origin_count;
    for (const auto& c : externals)
        if (c->auto_named && pd.keys[size_t(key_for(c->edge))].name.empty())
            ++ext_origin_count[origin.count(c->e()) ? origin[c->e()] : c->key];
    std::map<std::string, int> ext_origin_next;
    for (const auto& c : externals) {
        int id = key_for(c->edge);
        if (!pd.keys[size_t(id)].name.empty()) continue;
        std::string o = origin.count(c->e()) ? origin[c->e()] : c->key;
        std::string name = ext_origin_count[o] > 1 ? o + "_" + std::to_string(ext_origin_next[o]++) : o;
        assign(id, name);
    }
    for (const auto& c : ext_in) {
        pd.input_names.push_back(pd.keys[size_t(key_for(c->edge))].name);
        if (c->auto_named) pd.unnamed_inputs.insert(pd.input_names.back());
    }
    for (const auto& c : ext_out) pd.output_names.push_back(pd.keys[size_t(key_for(c->edge))].name);

    // Internal names in visit order.
    std::map<std::string, int> counter;
    std::map<std::string, std::vector<int>> by_origin;
    auto name_internal = [&](int id) {
        if (!pd.keys[size_t(id)].name.empty()) return;
        const std::string& o = origin[pd.keys[size_t(id)].e()];
        std::string name;
        do {
            name = o + "_" + std::to_string(counter[o]++);
        } while (taken.count(name) || reserved_names().count(name));
        assign(id, name);
        by_origin[o].push_back(id);
    };
    for (const auto& l : order) {
        FlatOp op;
        op.formula_key = l.model->formula_key;
        op.model = l.model;
        op.local_keys = l.model->primitive_inputs;
        op.output_can_be_differentiable = l.model->output_can_be_differentiable;
        for (const auto& k : op.local_keys) {
            int id = key_for(l.model->find(k)->edge);
            name_internal(id);
            op.inputs.push_back(id);
        }
        op.output = key_for(l.model->find("output")->edge);
        name_internal(op.output);
        pd.ops.push_back(std::move(op));
    }
    // Rebase origins used once.
    for (const auto& [o, ids] : by_origin) {
        if (counter[o] != 1 || ids.size() != 1 || taken.count(o)) continue;
        std::string name = reserved_names().count(o) ? "_" + o : o;
        if (taken.count(name)) continue;
        int id = ids.front();
        pd.by_name.erase(pd.keys[size_t(id)].name);
        taken.erase(pd.keys[size_t(id)].name);
        assign(id, name);
    }
    // Compile-time values already on the edges.
    for (size_t i = 0; i < pd.keys.size(); ++i)
        if (pd.keys[i].e()->is_valued()) pd.cached[int(i)] = pd.keys[i].e()->value;
    // State pairs of the top model.
    for (const auto& b : top->state_bindings) {
        int in = key_for(b.input->edge), out = key_for(b.output->edge);
        pd.state_pairs.emplace_back(pd.keys[size_t(in)].name, pd.keys[size_t(out)].name);
        pd.state_initial[pd.keys[size_t(in)].name] = b.initial;
    }
}

}  // namespace mithril::detail

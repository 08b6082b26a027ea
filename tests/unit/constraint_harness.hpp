// tests/unit/constraint_harness.hpp — run one constraint function on
// template shapes, as Mithril's test_constraints.py does.
//
// Shapes are written as templates: "x" is a named dim, Variadic("V") a
// variadic, ints are fixed. check_shapes compares results up to a consistent
// renaming of symbols (Mithril's check_shapes_semantically).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "constraints/families.hpp"
#include "constraints/solver.hpp"

namespace mithril::testing {

using constraints::Edge;
using EdgePtr = std::shared_ptr<Edge>;

// A Tensor edge whose shape is the template (symbols shared through `table`).
inline EdgePtr tensor_edge(const ShapeTemplate& t, constraints::SymbolTable& table,
                           Type type = Type::tensor()) {
    auto e = Edge::make(type);
    constraints::EdgeUpdates u;
    constraints::set_edge_shape(*e, constraints::repr_from_template(t, table), u);
    return e;
}

// A scalar edge holding a value (TBD gives an unvalued edge of `type`).
inline EdgePtr value_edge(const Value& v, Type type = Type::any()) {
    auto e = Edge::make(type);
    if (!v.is_tbd()) {
        constraints::EdgeUpdates u;
        constraints::set_edge_value(*e, v, u);
    }
    return e;
}

// Run fn on the edges until it is solved or stops changing anything.
inline bool run_fn(const constraints::ConstraintFn& fn, const std::vector<EdgePtr>& edges,
                   constraints::EdgeUpdates* out = nullptr) {
    constraints::EdgeUpdates u;
    bool status = constraints::run_constraint_once("test", fn, edges, u);
    if (out) *out = u;
    return status;
}

// Printed tokens of an edge's primary shape: "u3", "4", "(V1, ...)".
inline std::vector<std::string> tokens(const EdgePtr& e, constraints::SymbolNamer& namer) {
    return namer.repr_tokens(constraints::resolve(e)->shape->primary());
}

// Template → tokens with a canonical renaming, for comparison: named dims
// become "?name", variadics "(?name, ...)", ints their value.
inline std::vector<std::string> expected_tokens(const ShapeTemplate& t) {
    std::vector<std::string> out;
    for (const auto& d : t) {
        if (d.is_int()) out.push_back(std::to_string(d.value()));
        else if (d.is_variadic()) out.push_back("(?" + d.name() + ", ...)");
        else if (d.is_name()) out.push_back("?" + d.name());
        else out.push_back("?");
    }
    return out;
}

// Compare actual shapes of several edges with expected templates up to a
// consistent bijective renaming of symbols across all of them.
inline bool shapes_match(const std::vector<std::pair<EdgePtr, ShapeTemplate>>& cases,
                         std::string* why = nullptr) {
    constraints::SymbolNamer namer;
    std::map<std::string, std::string> fwd, bwd;
    for (const auto& [edge, tmpl] : cases) {
        auto got = tokens(edge, namer);
        auto want = expected_tokens(tmpl);
        auto fail = [&](const std::string& m) {
            if (why) {
                std::string g, w;
                for (auto& s : got) g += s + " ";
                for (auto& s : want) w += s + " ";
                *why = m + ": got [" + g + "] want [" + w + "]";
            }
            return false;
        };
        if (got.size() != want.size()) return fail("rank differs");
        for (size_t i = 0; i < got.size(); ++i) {
            const auto& g = got[i];
            const auto& w = want[i];
            bool w_sym = !w.empty() && (w[0] == '?' || w[0] == '(');
            bool g_sym = !g.empty() && (g[0] == 'u' || g[0] == '(');
            if (!w_sym || !g_sym) {
                if (g != w) return fail("dim " + std::to_string(i));
                continue;
            }
            if (w == "?") continue;  // anonymous: any symbol
            if ((g[0] == '(') != (w[0] == '(')) return fail("variadic vs uniadic at " + std::to_string(i));
            auto itf = fwd.find(w);
            auto itb = bwd.find(g);
            if (itf == fwd.end() && itb == bwd.end()) {
                fwd[w] = g;
                bwd[g] = w;
            } else if (itf == fwd.end() || itb == bwd.end() || itf->second != g) {
                return fail("symbol renaming inconsistent at " + std::to_string(i));
            }
        }
    }
    return true;
}

}  // namespace mithril::testing

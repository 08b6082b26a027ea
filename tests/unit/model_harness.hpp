// tests/unit/model_harness.hpp — compare a logical model's get_shapes()
// against expected templates, up to a consistent renaming of symbols
// (Mithril's check_shapes_semantically).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mithril/model.hpp"

namespace mithril::testing {

// expected: key -> template ("x" named dims, Variadic("V") variadics, ints).
inline bool model_shapes_match(const Model& m, const std::vector<std::pair<std::string, ShapeTemplate>>& expected,
                               std::string* why = nullptr) {
    auto shapes = m.get_shapes(true);
    std::map<std::string, std::string> fwd, bwd;
    auto fail = [&](const std::string& msg) {
        if (why) *why = msg;
        return false;
    };
    for (const auto& [key, tmpl] : expected) {
        auto it = shapes.find(key);
        if (it == shapes.end()) return fail("key '" + key + "' not in model");
        if (!it->second) return fail("key '" + key + "' is not a tensor");
        const auto& got = *it->second;
        std::string got_text;
        for (const auto& t : got) got_text += t + " ";
        if (got.size() != tmpl.size()) return fail("key '" + key + "': rank differs, got [" + got_text + "]");
        for (size_t i = 0; i < got.size(); ++i) {
            const auto& d = tmpl[i];
            const auto& g = got[i];
            if (d.is_int()) {
                if (g != std::to_string(d.value()))
                    return fail("key '" + key + "' dim " + std::to_string(i) + ": got [" + got_text + "]");
                continue;
            }
            bool g_var = !g.empty() && g[0] == '(';
            bool g_sym = !g.empty() && (g[0] == 'u' || g_var);
            if (!g_sym) return fail("key '" + key + "' dim " + std::to_string(i) + " is known: [" + got_text + "]");
            if (d.is_none()) continue;
            if (d.is_variadic() != g_var) return fail("key '" + key + "' variadic mismatch: [" + got_text + "]");
            std::string w = (d.is_variadic() ? "V:" : "u:") + d.name();
            auto f = fwd.find(w);
            auto b = bwd.find(g);
            if (f == fwd.end() && b == bwd.end()) {
                fwd[w] = g;
                bwd[g] = w;
            } else if (f == fwd.end() || b == bwd.end() || f->second != g) {
                return fail("key '" + key + "': inconsistent symbol at dim " + std::to_string(i) + ": [" + got_text + "]");
            }
        }
    }
    return true;
}

}  // namespace mithril::testing

#define CHECK_MODEL_SHAPES(model, ...)                                          \
    do {                                                                         \
        std::string why_;                                                        \
        bool ok_ = ::mithril::testing::model_shapes_match(model, __VA_ARGS__, &why_); \
        INFO(why_);                                                              \
        CHECK(ok_);                                                              \
    } while (0)

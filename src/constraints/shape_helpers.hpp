// constraints/shape_helpers.hpp — small helpers shared by the shape-constraint
// families (reduce, layout, sliding windows, creation).
//
// The central piece is Pattern: a shape written with "slots" (a known symbol,
// a known value, or free) around an optional root (none, free, or a given
// variadic). apply_pattern() merges a pattern into an edge's shape *without*
// introducing fresh symbols when the edge already has a dim at a position:
// free slots are skipped, known symbols are unified only when they differ and
// values are set only when unknown. This keeps constraint functions
// idempotent: running one again on an unchanged graph records no update, so
// the solver reaches a fixpoint. Fresh symbols enter a shape only when the
// shape really grows (a variadic gets bound, or its known structure extends).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "constraints/solver.hpp"
#include "mithril/errors.hpp"
#include "mithril/value.hpp"

namespace mithril::constraints::detail {

// ---- values ------------------------------------------------------------------------

// An int (or bool) value, else nullopt (TBD, None, anything else).
inline std::optional<int64_t> int_value(const Value& v) {
    if (v.is_int() || v.is_bool()) return v.as_int();
    return std::nullopt;
}

// The items of an int or int-sequence value: int k -> {k}; (a, None, b) -> {a, ?, b}.
// nullopt when the value is TBD or not of that form.
inline std::optional<std::vector<std::optional<int64_t>>> int_items(const Value& v) {
    if (v.is_int() || v.is_bool()) return std::vector<std::optional<int64_t>>{v.as_int()};
    if (!v.is_sequence()) return std::nullopt;
    std::vector<std::optional<int64_t>> out;
    for (const auto& it : v.items()) {
        if (it.is_int() || it.is_bool())
            out.push_back(it.as_int());
        else if (it.is_none())
            out.push_back(std::nullopt);
        else
            return std::nullopt;
    }
    return out;
}

// Python repr of a tuple of ints: (1, 2), (5,), ().
inline std::string tuple_repr(const std::vector<int64_t>& v) {
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    if (v.size() == 1) s += ",";
    return s + ")";
}

// ---- reprs ---------------------------------------------------------------------------

// All dims of a root-less repr, in order.
inline std::vector<Dim> all_dims(const ShapeRepr& r) {
    std::vector<Dim> v = r.prefix;
    v.insert(v.end(), r.suffix.begin(), r.suffix.end());
    return v;
}

// Root-less with every dim known.
inline bool is_known(const ShapeRepr& r) {
    if (r.has_root()) return false;
    for (const auto& d : all_dims(r))
        if (!d.is_known()) return false;
    return true;
}

// Product of the dims' values; nullopt if any is unknown.
inline std::optional<int64_t> product(const std::vector<Dim>& dims) {
    int64_t p = 1;
    for (const auto& d : dims) {
        if (!d.is_known()) return std::nullopt;
        p *= *d.value();
    }
    return p;
}

// The dim at index i (negative counts from the end) when it is addressable:
// root-less reprs address every dim, rooted ones only their prefix (i >= 0)
// and suffix (i < 0).
inline std::optional<Dim> dim_at(const ShapeRepr& r, int64_t i) {
    if (!r.has_root()) {
        auto d = all_dims(r);
        int64_t n = int64_t(d.size());
        int64_t k = i < 0 ? n + i : i;
        if (k < 0 || k >= n) return std::nullopt;
        return d[size_t(k)];
    }
    if (i >= 0) {
        if (i < int64_t(r.prefix.size())) return r.prefix[size_t(i)];
        return std::nullopt;
    }
    int64_t k = int64_t(r.suffix.size()) + i;
    if (k < 0) return std::nullopt;
    return r.suffix[size_t(k)];
}

// Mithril's ShapeRepr.get_shapes() printed as a Python list: [3, 'u1', '(V1, ...)'].
inline std::string python_shape(const ShapeRepr& r) {
    SymbolNamer namer;
    auto toks = namer.repr_tokens(r);
    std::string s = "[";
    for (size_t i = 0; i < toks.size(); ++i) {
        const auto& t = toks[i];
        bool number = !t.empty() && (std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '-');
        s += (i ? ", " : "") + (number ? t : "'" + t + "'");
    }
    return s + "]";
}

// ---- idempotent updates ----------------------------------------------------------------

inline void unify_dims(const ConstraintContext& c, const Dim& a, const Dim& b) {
    if (!a.same(b)) c.unify(a, b);
}

inline void set_value(const ConstraintContext& c, const Dim& d, int64_t v) {
    if (d.value() != std::optional<int64_t>(v)) c.set_dim(d, v);
}

// One position of a Pattern: a symbol, a value, or free (neither).
struct Slot {
    std::optional<Dim> dim;
    std::optional<int64_t> value;
    Slot() = default;
    Slot(Dim d) : dim(std::move(d)) {}  // NOLINT: implicit on purpose
    static Slot val(int64_t v) {
        Slot s;
        s.value = v;
        return s;
    }
    static Slot val(std::optional<int64_t> v) { return v ? val(*v) : Slot(); }
    bool free() const { return !dim && !value; }
    Dim materialize() const { return dim ? *dim : value ? Dim(*value) : Dim(); }
};
using Slots = std::vector<Slot>;

inline Slots slots_of(const std::vector<Dim>& dims) { return Slots(dims.begin(), dims.end()); }
inline Slots free_slots(size_t n) { return Slots(n); }

struct Pattern {
    enum class Root { None, Free, Given };
    Slots prefix;
    Root root_kind = Root::None;
    std::optional<Var> root;
    Slots suffix;

    static Pattern exact(Slots dims) {
        Pattern p;
        p.prefix = std::move(dims);
        return p;
    }
    static Pattern open(Slots pre, Slots suf = {}) {
        Pattern p;
        p.prefix = std::move(pre);
        p.root_kind = Root::Free;
        p.suffix = std::move(suf);
        return p;
    }
    static Pattern rooted(Slots pre, Var r, Slots suf) {
        Pattern p;
        p.prefix = std::move(pre);
        p.root_kind = Root::Given;
        p.root = std::move(r);
        p.suffix = std::move(suf);
        return p;
    }
    size_t min_rank() const { return prefix.size() + suffix.size(); }
    ShapeRepr materialize() const {
        std::vector<Dim> pre, suf;
        for (const auto& s : prefix) pre.push_back(s.materialize());
        for (const auto& s : suffix) suf.push_back(s.materialize());
        if (root_kind == Root::None) {
            pre.insert(pre.end(), suf.begin(), suf.end());
            return ShapeRepr(std::move(pre));
        }
        return ShapeRepr(std::move(pre), root_kind == Root::Given ? *root : Var(), std::move(suf));
    }
};

inline void apply_slot(const ConstraintContext& c, const Slot& s, const Dim& d) {
    if (s.dim)
        unify_dims(c, *s.dim, d);
    else if (s.value)
        set_value(c, d, *s.value);
}

// Unify the pattern's prefix/suffix slots with the addressable dims of t.
inline void apply_addressable(const ConstraintContext& c, const Pattern& p, const ShapeRepr& t) {
    if (!t.has_root()) {
        auto d = all_dims(t);
        for (size_t k = 0; k < p.prefix.size() && k < d.size(); ++k)
            apply_slot(c, p.prefix[k], d[k]);
        for (size_t k = 0; k < p.suffix.size() && k < d.size(); ++k)
            apply_slot(c, p.suffix[p.suffix.size() - 1 - k], d[d.size() - 1 - k]);
        return;
    }
    for (size_t k = 0; k < p.prefix.size() && k < t.prefix.size(); ++k)
        apply_slot(c, p.prefix[k], t.prefix[k]);
    for (size_t k = 0; k < p.suffix.size() && k < t.suffix.size(); ++k)
        apply_slot(c, p.suffix[p.suffix.size() - 1 - k], t.suffix[t.suffix.size() - 1 - k]);
}

// Where a pattern goes: one of the constraint's edges, or an element edge of
// a list edge (Concat's inputs, Split's outputs), which is updated directly
// but still records into the constraint's EdgeUpdates.
struct ShapeTarget {
    std::function<ShapeRepr()> get;                // the primary repr, normalized
    std::function<std::vector<ShapeRepr>()> alts;  // every repr of the node, normalized
    std::function<void(const ShapeRepr&)> set;
};
inline std::vector<ShapeRepr> node_reprs(const ShapeNode& n) {
    std::vector<ShapeRepr> out = n.reprs;
    for (auto& r : out) r.normalize();
    return out;
}
inline ShapeTarget target(const ConstraintContext& c, size_t i) {
    return {[&c, i] { return c.shape(i); },
            [&c, i] {
                c.shape(i);  // normalizes the node
                return node_reprs(*c.edge(i).shape);
            },
            [&c, i](const ShapeRepr& r) { c.set_shape(i, r); }};
}
inline ShapeTarget target(const ConstraintContext& c, Edge& e) {
    return {[&e] {
                ShapeRepr r = e.shape->primary();
                r.normalize();
                return r;
            },
            [&e] { return node_reprs(*e.shape); },
            [&c, &e](const ShapeRepr& r) { set_edge_shape(e, r, c.updates()); }};
}

// Grow the known structure of a shape to a minimum rank by inserting fresh
// dims next to its variadic (on the prefix side when `front`). Sound: the new
// dims live inside the variadic.
inline void extend_min_rank(const ShapeTarget& tg, size_t rank, bool front) {
    ShapeRepr t = tg.get();
    if (!t.has_root()) {
        if (all_dims(t).size() < rank)
            throw ValueError("Requires minimum of " + std::to_string(rank) +
                             " dimensionality, got " + std::to_string(all_dims(t).size()) + ".");
        return;
    }
    if (t.min_rank() >= rank) return;
    size_t extra = rank - t.min_rank();
    std::vector<Dim> pre = t.prefix, suf;
    for (size_t k = 0; k < extra && front; ++k) pre.emplace_back();
    for (size_t k = 0; k < extra && !front; ++k) suf.emplace_back();
    suf.insert(suf.end(), t.suffix.begin(), t.suffix.end());
    tg.set(ShapeRepr(std::move(pre), Var(), std::move(suf)));
}
inline void extend_min_rank(const ConstraintContext& c, size_t i, size_t rank, bool front) {
    extend_min_rank(target(c, i), rank, front);
}

// Merge pattern p into a shape (see the file comment). Throws the solver's
// ValueErrors on contradictions.
inline void apply_pattern(const ConstraintContext& c, const ShapeTarget& tg, const Pattern& p) {
    using Root = Pattern::Root;
    for (int attempt = 0; attempt < 2; ++attempt) {
        ShapeRepr t = tg.get();
        switch (p.root_kind) {
        case Root::None:
            if (!t.has_root() && all_dims(t).size() == p.prefix.size()) {
                apply_addressable(c, p, t);
            } else {
                tg.set(p.materialize());  // binds t's root, or throws
            }
            return;
        case Root::Free:
            if (!t.has_root()) {
                if (all_dims(t).size() < p.min_rank()) tg.set(p.materialize());  // throws
                apply_addressable(c, p, t);
                return;
            }
            if (t.prefix.size() >= p.prefix.size() && t.suffix.size() >= p.suffix.size()) {
                apply_addressable(c, p, t);
                return;
            }
            if (t.prefix.size() <= p.prefix.size() && t.suffix.size() <= p.suffix.size()) {
                tg.set(p.materialize());  // binds t's root
                return;
            }
            // Crossing layouts. Pattern slots that carry information go to an
            // alternative repr of the node (reused on later runs); bare rank
            // information extends the primary repr.
            if (std::any_of(p.prefix.begin(), p.prefix.end(),
                            [](const Slot& x) { return !x.free(); }) ||
                std::any_of(p.suffix.begin(), p.suffix.end(),
                            [](const Slot& x) { return !x.free(); })) {
                for (const auto& alt : tg.alts()) {
                    if (alt.has_root() && alt.prefix.size() >= p.prefix.size() &&
                        alt.suffix.size() >= p.suffix.size()) {
                        apply_addressable(c, p, alt);
                        return;
                    }
                }
                tg.set(p.materialize());
                return;
            }
            if (t.min_rank() < p.min_rank()) {
                extend_min_rank(tg, p.min_rank(), p.prefix.size() > t.prefix.size());
                continue;
            }
            apply_addressable(c, p, t);
            return;
        case Root::Given: {
            auto fits = [&](const ShapeRepr& r) {
                return r.has_root() && r.root->same(*p.root) &&
                       r.prefix.size() == p.prefix.size() && r.suffix.size() == p.suffix.size();
            };
            if (fits(t)) {
                apply_addressable(c, p, t);
                return;
            }
            for (const auto& alt : tg.alts()) {  // kept as an alternative by an earlier run
                if (fits(alt)) {
                    apply_addressable(c, p, alt);
                    return;
                }
            }
            tg.set(p.materialize());
            return;
        }
        }
    }
}
inline void apply_pattern(const ConstraintContext& c, size_t i, const Pattern& p) {
    apply_pattern(c, target(c, i), p);
}

}  // namespace mithril::constraints::detail

// constraints/symbols.hpp — symbolic shapes: uniadics, variadics, shape reprs, shape nodes.
//
// A Dim (Mithril's Uniadic) is a handle onto a union-find record holding the
// set of values the dim may take (nullopt = any positive int). Unifying two
// dims merges their records and intersects the sets; an empty intersection
// raises ValueError("Possible values mismatch!").
//
// A Var (Mithril's Variadic) is a handle onto a record standing for zero or
// more dims. Binding a Var replaces it, everywhere, by a ShapeRepr
// (prefix, optional new root, suffix); reprs see the binding on normalize().
//
// A ShapeRepr is prefix + optional root Var + suffix. A ShapeNode groups the
// alternative reprs known for one tensor shape (reprs[0] is the primary one
// that constraint functions read). Every mutation goes through the functions
// below, which record what changed in an Updates so the solver re-runs only
// the constraints reading a changed symbol.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mithril/shape_template.hpp"

namespace mithril::constraints {

struct DimRecord;
struct VarRecord;
struct ShapeRepr;
struct Updates;

class Dim {
public:
    Dim();                                    // fresh, any value
    explicit Dim(int64_t value);              // fresh, fixed value
    static Dim with_possible(std::set<int64_t> values);  // ValueError if empty

    std::optional<int64_t> value() const;     // set iff exactly one possible value
    // nullptr when any value is possible.
    const std::set<int64_t>* possible() const;
    bool is_known() const { return value().has_value(); }
    // True when both are the same symbol, or both have the same known value.
    bool same(const Dim& o) const;
    DimRecord* root() const;  // identity of the symbol (after union-find)

private:
    friend void unify(const Dim&, const Dim&, Updates&);
    friend void restrict_dim(const Dim&, const std::set<int64_t>&, Updates&);
    std::shared_ptr<DimRecord> rec_;
};

class Var {
public:
    Var();  // fresh, unbound
    VarRecord* root() const;
    bool same(const Var& o) const { return root() == o.root(); }
    bool is_bound() const;
    // The repr the variadic was bound to (valid iff is_bound()).
    const ShapeRepr& binding() const;

private:
    friend void bind(const Var&, const ShapeRepr&, Updates&);
    std::shared_ptr<VarRecord> rec_;
};

struct ShapeRepr {
    std::vector<Dim> prefix;
    std::optional<Var> root;
    std::vector<Dim> suffix;

    ShapeRepr() = default;
    // A fully known-rank repr.
    explicit ShapeRepr(std::vector<Dim> dims) : prefix(std::move(dims)) {}
    ShapeRepr(std::vector<Dim> p, Var r, std::vector<Dim> s)
        : prefix(std::move(p)), root(std::move(r)), suffix(std::move(s)) {}
    static ShapeRepr variadic() { return ShapeRepr({}, Var(), {}); }

    // Substitute bound variadics (recursively). Idempotent.
    void normalize();
    bool has_root() const { return root.has_value(); }
    size_t min_rank() const { return prefix.size() + suffix.size(); }
    // All dims, in order; precondition: !has_root().
    const std::vector<Dim>& dims() const;
    // Dim i counted from the left in the full shape (i < prefix.size()
    // when there is a root, else i < rank).
    // Known values of a root-less repr; nullopt if any dim is unknown.
    std::optional<std::vector<int64_t>> values() const;
    bool contains(const DimRecord* d) const;
    bool contains(const VarRecord* v) const;
};

struct ShapeNode {
    std::vector<ShapeRepr> reprs;  // never empty
    ShapeNode();                          // [(V, ...)]: nothing known yet
    explicit ShapeNode(ShapeRepr r);
    ShapeRepr& primary() { return reprs.front(); }
    // Normalize every repr; when one repr has become root-less, match the
    // others into it and drop duplicates.
    void normalize(Updates& u);
};

// Everything a mutation changed; the solver maps it to constraints to re-run.
struct Updates {
    std::set<const DimRecord*> dims;
    std::set<const VarRecord*> vars;
    // Edge-level changes are kept by the solver (it knows edges); symbol
    // functions only record symbols.
    bool empty() const { return dims.empty() && vars.empty(); }
    void merge(const Updates& o) {
        dims.insert(o.dims.begin(), o.dims.end());
        vars.insert(o.vars.begin(), o.vars.end());
    }
};

// ---- mutation API (all record into Updates) --------------------------------

// Make a and b the same symbol. ValueError("Possible values mismatch!").
void unify(const Dim& a, const Dim& b, Updates& u);
// Intersect the possible values of a with `values`.
void restrict_dim(const Dim& a, const std::set<int64_t>& values, Updates& u);
inline void set_dim_value(const Dim& a, int64_t v, Updates& u) { restrict_dim(a, {v}, u); }
// Bind an unbound variadic to a repr (which must not contain it).
void bind(const Var& v, const ShapeRepr& r, Updates& u);

// Unify two reprs of the same shape. Returns false when they cannot be
// unified yet without losing soundness (both have roots and their prefix /
// suffix lengths cross); the caller then keeps both as alternatives.
// Throws ValueError on a contradiction:
//   "Determined shape representations should have same length."
//   "Requires minimum of N dimensionality, got M."
bool match_reprs(ShapeRepr& a, ShapeRepr& b, Updates& u);
// Merge repr r into node n (unify with the primary, or keep as alternative).
void match_into(ShapeNode& n, ShapeRepr r, Updates& u);
// Merge node b into node a (all of b's reprs).
void merge_nodes(ShapeNode& a, ShapeNode& b, Updates& u);

// ---- templates ---------------------------------------------------------------

// Names to symbols, shared across the templates of one operator / one call.
struct SymbolTable {
    std::map<std::string, Dim> dims;
    std::map<std::string, Var> vars;
};
// ValueError when the template holds more than one variadic.
ShapeRepr repr_from_template(const ShapeTemplate& t, SymbolTable& table);

// ---- printing ------------------------------------------------------------------

// Assigns u1, u2, ... and V1, V2, ... in order of first appearance; known
// dims print as their value. One namer per printed summary keeps names stable.
class SymbolNamer {
public:
    std::string dim_name(const Dim& d);
    std::string var_name(const Var& v);
    // e.g. ["u1", 4, "(V1, ...)"] as a list of strings/ints for tests, and
    // "[u1, 4, (V1, ...)]" for printing.
    std::vector<std::string> repr_tokens(ShapeRepr r);
    std::string repr_string(ShapeRepr r);

private:
    std::map<const DimRecord*, int> dims_;
    std::map<const VarRecord*, int> vars_;
};

}  // namespace mithril::constraints

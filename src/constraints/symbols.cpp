// constraints/symbols.cpp — uniadic/variadic records, repr unification, templates, naming.
#include "constraints/symbols.hpp"

#include <algorithm>

#include "mithril/errors.hpp"

namespace mithril::constraints {

// A symbol is "live" once it stands in the shape of some edge. Only changes
// to live symbols are recorded as updates: fresh symbols that a constraint
// builds and matches in carry no information anyone reads, and recording
// them would make the constraint re-trigger itself forever.
struct DimRecord {
    std::shared_ptr<DimRecord> parent;           // union-find link (null at a root)
    std::optional<std::set<int64_t>> possible;   // nullopt = any value
    bool live = false;
};

struct VarRecord {
    std::optional<ShapeRepr> binding;            // set once: this variadic = binding
    bool live = false;
};

namespace {

std::shared_ptr<DimRecord> find(std::shared_ptr<DimRecord> r) {
    std::shared_ptr<DimRecord> root = r;
    while (root->parent) root = root->parent;
    while (r->parent && r->parent != root) {      // path compression
        auto next = r->parent;
        r->parent = root;
        r = next;
    }
    return root;
}

std::optional<std::set<int64_t>> intersect(const std::optional<std::set<int64_t>>& a,
                                           const std::optional<std::set<int64_t>>& b) {
    if (!a) return b;
    if (!b) return a;
    std::set<int64_t> out;
    std::set_intersection(a->begin(), a->end(), b->begin(), b->end(),
                          std::inserter(out, out.begin()));
    return out;
}

void record_repr_symbols(const ShapeRepr& r, Updates& u) {
    for (const auto& d : r.prefix) u.dims.insert(d.root());
    for (const auto& d : r.suffix) u.dims.insert(d.root());
    if (r.root) u.vars.insert(r.root->root());
}

}  // namespace

// ---- Dim ------------------------------------------------------------------------

Dim::Dim() : rec_(std::make_shared<DimRecord>()) {}

Dim::Dim(int64_t value) : rec_(std::make_shared<DimRecord>()) {
    rec_->possible = std::set<int64_t>{value};
}

Dim Dim::with_possible(std::set<int64_t> values) {
    if (values.empty()) throw ValueError("Possible value set could not be empty!");
    Dim d;
    d.rec_->possible = std::move(values);
    return d;
}

std::optional<int64_t> Dim::value() const {
    auto r = find(rec_);
    if (r->possible && r->possible->size() == 1) return *r->possible->begin();
    return std::nullopt;
}

const std::set<int64_t>* Dim::possible() const {
    auto r = find(rec_);
    return r->possible ? &*r->possible : nullptr;
}

bool Dim::same(const Dim& o) const {
    if (root() == o.root()) return true;
    auto a = value(), b = o.value();
    return a && b && *a == *b;
}

DimRecord* Dim::root() const { return find(rec_).get(); }

void unify(const Dim& a, const Dim& b, Updates& u) {
    auto ra = find(a.rec_);
    auto rb = find(b.rec_);
    if (ra == rb) return;
    auto merged = intersect(ra->possible, rb->possible);
    if (merged && merged->empty()) throw ValueError("Possible values mismatch!");
    if (!ra->live && rb->live) std::swap(ra, rb);  // the live symbol survives
    const bool changed = rb->live || (ra->live && ra->possible != merged);
    rb->parent = ra;
    rb->possible.reset();
    ra->possible = std::move(merged);
    if (changed) u.dims.insert(ra.get());
}

void restrict_dim(const Dim& a, const std::set<int64_t>& values, Updates& u) {
    auto r = find(a.rec_);
    auto merged = intersect(r->possible, std::optional<std::set<int64_t>>(values));
    if (merged->empty()) throw ValueError("Possible values mismatch!");
    if (r->possible && *r->possible == *merged) return;
    r->possible = std::move(merged);
    if (r->live) u.dims.insert(r.get());
}

namespace {
void mark_live(const ShapeRepr& r) {
    for (const auto& d : r.prefix) d.root()->live = true;
    for (const auto& d : r.suffix) d.root()->live = true;
    if (r.root) r.root->root()->live = true;
}
}  // namespace

// ---- Var ------------------------------------------------------------------------

Var::Var() : rec_(std::make_shared<VarRecord>()) {}

VarRecord* Var::root() const { return rec_.get(); }

bool Var::is_bound() const { return rec_->binding.has_value(); }

const ShapeRepr& Var::binding() const {
    MITHRIL_INTERNAL_CHECK(rec_->binding.has_value(), "binding() of an unbound variadic");
    return *rec_->binding;
}

void bind(const Var& v, const ShapeRepr& r0, Updates& u) {
    ShapeRepr r = r0;
    r.normalize();
    MITHRIL_INTERNAL_CHECK(!v.is_bound(), "bind() of a bound variadic");
    if (r.root && r.root->same(v)) {
        if (r.prefix.empty() && r.suffix.empty()) return;  // v = v
        throw ValueError("Incompatible possible values for Variadic!");
    }
    v.rec_->binding = r;
    if (!v.rec_->live) return;  // nobody reads v: nothing to announce
    mark_live(r);
    u.vars.insert(v.root());
    record_repr_symbols(r, u);
}

// ---- ShapeRepr ----------------------------------------------------------------------

void ShapeRepr::normalize() {
    while (root && root->is_bound()) {
        ShapeRepr b = root->binding();  // copy: the binding may itself be unnormalized
        prefix.insert(prefix.end(), b.prefix.begin(), b.prefix.end());
        std::vector<Dim> new_suffix = b.suffix;
        new_suffix.insert(new_suffix.end(), suffix.begin(), suffix.end());
        suffix = std::move(new_suffix);
        root = b.root;
    }
    if (!root && !suffix.empty()) {
        prefix.insert(prefix.end(), suffix.begin(), suffix.end());
        suffix.clear();
    }
}

const std::vector<Dim>& ShapeRepr::dims() const {
    MITHRIL_INTERNAL_CHECK(!root, "dims() of a repr with a variadic");
    return prefix;
}

std::optional<std::vector<int64_t>> ShapeRepr::values() const {
    if (root) return std::nullopt;
    std::vector<int64_t> out;
    for (const auto& d : prefix) {
        auto v = d.value();
        if (!v) return std::nullopt;
        out.push_back(*v);
    }
    return out;
}

bool ShapeRepr::contains(const DimRecord* d) const {
    for (const auto& x : prefix)
        if (x.root() == d) return true;
    for (const auto& x : suffix)
        if (x.root() == d) return true;
    return false;
}

bool ShapeRepr::contains(const VarRecord* v) const { return root && root->root() == v; }

namespace {

bool identical(const ShapeRepr& a, const ShapeRepr& b) {
    if (a.prefix.size() != b.prefix.size() || a.suffix.size() != b.suffix.size()) return false;
    if (a.root.has_value() != b.root.has_value()) return false;
    if (a.root && !a.root->same(*b.root)) return false;
    for (size_t i = 0; i < a.prefix.size(); ++i)
        if (a.prefix[i].root() != b.prefix[i].root()) return false;
    for (size_t i = 0; i < a.suffix.size(); ++i)
        if (a.suffix[i].root() != b.suffix[i].root()) return false;
    return true;
}

// Does `e` already carry everything `r` says? Positions must agree; a dim of
// r that nobody reads yet (fresh) adds nothing unless it knows a value e lacks.
bool covers(const ShapeRepr& e, const ShapeRepr& r) {
    if (e.prefix.size() != r.prefix.size() || e.suffix.size() != r.suffix.size()) return false;
    if (e.root.has_value() != r.root.has_value()) return false;
    if (r.root && r.root->root()->live && !e.root->same(*r.root)) return false;
    auto dim_ok = [](const Dim& x, const Dim& y) {
        if (x.root() == y.root()) return true;
        if (y.root()->live) return false;
        auto yv = y.value();
        return !yv || (x.value() && *x.value() == *yv);
    };
    for (size_t i = 0; i < r.prefix.size(); ++i)
        if (!dim_ok(e.prefix[i], r.prefix[i])) return false;
    for (size_t i = 0; i < r.suffix.size(); ++i)
        if (!dim_ok(e.suffix[i], r.suffix[i])) return false;
    return true;
}

std::vector<Dim> slice_dims(const std::vector<Dim>& v, size_t from, size_t to) {
    return std::vector<Dim>(v.begin() + long(from), v.begin() + long(to));
}

}  // namespace

bool match_reprs(ShapeRepr& a, ShapeRepr& b, Updates& u) {
    a.normalize();
    b.normalize();
    if (!a.root && !b.root) {
        if (a.prefix.size() != b.prefix.size())
            throw ValueError("Determined shape representations should have same length.");
        for (size_t i = 0; i < a.prefix.size(); ++i) unify(a.prefix[i], b.prefix[i], u);
        return true;
    }
    if (a.root && !b.root) return match_reprs(b, a, u);
    if (!a.root && b.root) {
        // a is fully ranked: b's variadic takes the middle of a.
        const size_t n = a.prefix.size();
        if (n < b.min_rank())
            throw ValueError("Requires minimum of " + std::to_string(b.min_rank()) +
                             " dimensionality, got " + std::to_string(n) + ".");
        const size_t pb = b.prefix.size(), sb = b.suffix.size();
        std::vector<Dim> dims = a.prefix;  // keep handles alive through unification
        for (size_t i = 0; i < pb; ++i) unify(dims[i], b.prefix[i], u);
        for (size_t j = 0; j < sb; ++j) unify(dims[n - sb + j], b.suffix[j], u);
        Var root = *b.root;
        bind(root, ShapeRepr(slice_dims(dims, pb, n - sb)), u);
        b.normalize();
        return true;
    }
    // Both have variadics.
    if (a.root->same(*b.root)) {
        if (a.prefix.size() == b.prefix.size() && a.suffix.size() == b.suffix.size()) {
            for (size_t i = 0; i < a.prefix.size(); ++i) unify(a.prefix[i], b.prefix[i], u);
            for (size_t i = 0; i < a.suffix.size(); ++i) unify(a.suffix[i], b.suffix[i], u);
            return true;
        }
        if (a.min_rank() != b.min_rank())
            throw ValueError("Incompatible possible values for Variadic!");
        return false;  // same length, shifted: cannot decide yet
    }
    const size_t pa = a.prefix.size(), pb = b.prefix.size();
    const size_t sa = a.suffix.size(), sb = b.suffix.size();
    const size_t cp = std::min(pa, pb), cs = std::min(sa, sb);
    for (size_t i = 0; i < cp; ++i) unify(a.prefix[i], b.prefix[i], u);
    for (size_t j = 0; j < cs; ++j) unify(a.suffix[sa - 1 - j], b.suffix[sb - 1 - j], u);
    const bool a_extra_p = pa > cp, b_extra_p = pb > cp;
    const bool a_extra_s = sa > cs, b_extra_s = sb > cs;
    if ((a_extra_p && b_extra_s) || (b_extra_p && a_extra_s)) return false;  // crossed
    // The repr with more dims around its root defines the other's root; with
    // none extra either way, the variadic nobody reads yet is the one bound.
    const bool a_longer = (a_extra_p || a_extra_s) ||
                          (!b_extra_p && !b_extra_s && !b.root->root()->live && a.root->root()->live);
    ShapeRepr& longer = a_longer ? a : b;
    ShapeRepr& shorter = (&longer == &a) ? b : a;
    const size_t lp = longer.prefix.size(), ls = longer.suffix.size();
    const size_t sp = shorter.prefix.size(), ss = shorter.suffix.size();
    ShapeRepr middle(slice_dims(longer.prefix, sp, lp), *longer.root,
                     slice_dims(longer.suffix, 0, ls - ss));
    Var root = *shorter.root;
    bind(root, middle, u);
    a.normalize();
    b.normalize();
    return true;
}

ShapeNode::ShapeNode() : reprs{ShapeRepr::variadic()} { mark_live(reprs.front()); }

ShapeNode::ShapeNode(ShapeRepr r) : reprs{std::move(r)} { mark_live(reprs.front()); }

void match_into(ShapeNode& n, ShapeRepr r, Updates& u) {
    n.normalize(u);
    bool absorbed = false;
    for (auto& existing : n.reprs) {
        if (match_reprs(existing, r, u)) {
            absorbed = true;
            break;
        }
    }
    // A repr that cannot be unified with any known one yet is kept as an
    // alternative, unless an existing alternative already says as much (a
    // constraint rebuilding it with fresh symbols must not pile them up).
    if (!absorbed) {
        r.normalize();
        bool redundant = std::any_of(n.reprs.begin(), n.reprs.end(), [&](const ShapeRepr& e) {
            return covers(e, r);
        });
        if (!redundant) {
            n.reprs.push_back(r);
            u.vars.insert(r.root->root());  // announce the new alternative
        }
    }
    n.normalize(u);
    for (const auto& rep : n.reprs) mark_live(rep);
}

void merge_nodes(ShapeNode& a, ShapeNode& b, Updates& u) {
    if (&a == &b) return;
    auto reprs = b.reprs;
    for (auto& r : reprs) match_into(a, r, u);
}

void ShapeNode::normalize(Updates& u) {
    for (auto& r : reprs) r.normalize();
    bool changed = true;
    while (changed && reprs.size() > 1) {
        changed = false;
        // A fully ranked repr decides every alternative.
        auto known = std::find_if(reprs.begin(), reprs.end(),
                                  [](const ShapeRepr& r) { return !r.root; });
        if (known != reprs.end()) {
            std::rotate(reprs.begin(), known, known + 1);
            for (size_t j = 1; j < reprs.size(); ++j) match_reprs(reprs[0], reprs[j], u);
            reprs.resize(1);
            break;
        }
        for (size_t i = 0; i < reprs.size() && !changed; ++i)
            for (size_t j = i + 1; j < reprs.size() && !changed; ++j)
                if (identical(reprs[i], reprs[j])) {
                    reprs.erase(reprs.begin() + long(j));
                    changed = true;
                }
    }
}

// ---- templates ------------------------------------------------------------------------

ShapeRepr repr_from_template(const ShapeTemplate& t, SymbolTable& table) {
    ShapeRepr r;
    bool seen_var = false;
    for (const auto& d : t) {
        if (d.is_variadic()) {
            if (seen_var) throw ValueError("Shape template can have at most one variadic: " +
                                           d.name());
            seen_var = true;
            auto it = table.vars.find(d.name());
            if (it == table.vars.end()) it = table.vars.emplace(d.name(), Var()).first;
            r.root = it->second;
            continue;
        }
        Dim dim;
        if (d.is_int()) {
            if (d.value() < 0)
                throw ValueError("Shape dimensions must be non-negative, got " +
                                 std::to_string(d.value()));
            dim = Dim(d.value());
        } else if (d.is_name()) {
            auto it = table.dims.find(d.name());
            if (it == table.dims.end()) it = table.dims.emplace(d.name(), Dim()).first;
            dim = it->second;
        }
        (seen_var ? r.suffix : r.prefix).push_back(dim);
    }
    return r;
}

// ---- naming ------------------------------------------------------------------------------

std::string SymbolNamer::dim_name(const Dim& d) {
    if (auto v = d.value()) return std::to_string(*v);
    auto it = dims_.find(d.root());
    if (it == dims_.end()) it = dims_.emplace(d.root(), int(dims_.size()) + 1).first;
    return "u" + std::to_string(it->second);
}

std::string SymbolNamer::var_name(const Var& v) {
    auto it = vars_.find(v.root());
    if (it == vars_.end()) it = vars_.emplace(v.root(), int(vars_.size()) + 1).first;
    return "(V" + std::to_string(it->second) + ", ...)";
}

std::vector<std::string> SymbolNamer::repr_tokens(ShapeRepr r) {
    r.normalize();
    std::vector<std::string> out;
    for (const auto& d : r.prefix) out.push_back(dim_name(d));
    if (r.root) out.push_back(var_name(*r.root));
    for (const auto& d : r.suffix) out.push_back(dim_name(d));
    return out;
}

std::string SymbolNamer::repr_string(ShapeRepr r) {
    auto toks = repr_tokens(std::move(r));
    std::string s = "[";
    for (size_t i = 0; i < toks.size(); ++i) s += (i ? ", " : "") + toks[i];
    return s + "]";
}

}  // namespace mithril::constraints

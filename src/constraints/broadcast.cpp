// constraints/broadcast.cpp — NumPy broadcasting, elementwise and matmul-batch.
//
// Shapes align from the right. Per aligned position the output dim is
// decided by the classic rules (equal → that dim; a 1 yields the other; a
// known d > 1 wins and restricts the other to {1, d}); positions that
// cannot be decided yet get a fresh symbol. When an input still has a
// variadic, the output keeps one too. The output is matched back, so a known
// output restricts the inputs (out = v > 1 ⇒ inputs ∈ {1, v}; out = 1 ⇒
// both 1), and a known output rank fixes the rank of an input whose partner
// is shorter.
#include <algorithm>

#include "constraints/families.hpp"
#include "mithril/errors.hpp"

namespace mithril::constraints {

namespace {

struct Side {
    ShapeRepr repr;
    bool rootless() const { return !repr.root; }
    size_t rank() const { return repr.prefix.size(); }  // rootless only
    // Dims known by position from the right.
    size_t depth() const { return rootless() ? repr.prefix.size() : repr.suffix.size(); }
    const Dim* from_right(size_t j) const {
        if (rootless()) return j < repr.prefix.size() ? &repr.prefix[repr.prefix.size() - 1 - j] : nullptr;
        return j < repr.suffix.size() ? &repr.suffix[repr.suffix.size() - 1 - j] : nullptr;
    }
    bool absent(size_t j) const { return rootless() && j >= repr.prefix.size(); }
};

bool excludes_one(const Dim& d) {
    const auto* p = d.possible();
    return p && !p->count(1);
}

// Fill a rooted repr's variadic with fresh dims so it has exactly `rank` dims.
void fix_rank(const ConstraintContext& c, const ShapeRepr& r, size_t rank) {
    if (!r.root) return;
    if (r.min_rank() > rank)
        throw ValueError("Requires minimum of " + std::to_string(r.min_rank()) +
                         " dimensionality, got " + std::to_string(rank) + ".");
    std::vector<Dim> fresh(rank - r.min_rank());
    c.bind(*r.root, ShapeRepr(fresh));
}

// Broadcast `l` and `r` into the output whose repr is `o` followed by `tail`
// (the matrix dims in the matmul case). Returns the status.
bool broadcast_reprs(const ConstraintContext& c, ShapeRepr l0, ShapeRepr r0, ShapeRepr o,
                     const std::vector<Dim>& tail) {
    auto with_tail = [&](ShapeRepr rep) {
        if (rep.root) rep.suffix.insert(rep.suffix.end(), tail.begin(), tail.end());
        else rep.prefix.insert(rep.prefix.end(), tail.begin(), tail.end());
        return rep;
    };
    // Identical operands broadcast to themselves.
    {
        ShapeRepr a = l0, b = r0;
        a.normalize();
        b.normalize();
        bool same = a.prefix.size() == b.prefix.size() && a.suffix.size() == b.suffix.size() &&
                    a.root.has_value() == b.root.has_value() && (!a.root || a.root->same(*b.root));
        for (size_t i = 0; same && i < a.prefix.size(); ++i) same = a.prefix[i].root() == b.prefix[i].root();
        for (size_t i = 0; same && i < a.suffix.size(); ++i) same = a.suffix[i].root() == b.suffix[i].root();
        if (same) {
            c.set_shape(0, with_tail(a));
            return true;
        }
    }
    // A known output rank fixes the rank of an input whose partner is shorter.
    o.normalize();
    if (!o.root) {
        const size_t n = o.prefix.size();
        l0.normalize();
        r0.normalize();
        if (n == 0) {
            fix_rank(c, l0, 0);
            fix_rank(c, r0, 0);
        } else if (!l0.root && r0.root && l0.prefix.size() < n) {
            fix_rank(c, r0, n);
        } else if (!r0.root && l0.root && r0.prefix.size() < n) {
            fix_rank(c, l0, n);
        }
        l0.normalize();
        r0.normalize();
    }
    Side L{l0}, R{r0};
    L.repr.normalize();
    R.repr.normalize();
    const size_t m = std::max(L.depth(), R.depth());
    const bool rooted = !L.rootless() || !R.rootless();
    const size_t out_rank_hint = rooted ? 0 : m;

    std::vector<Dim> out(m);           // out[j] = output dim at position j from the right
    std::vector<bool> decided(m, false);
    std::vector<std::pair<const Dim*, const Dim*>> pending;  // undecided (l, r) per j
    pending.resize(m, {nullptr, nullptr});
    for (size_t j = 0; j < m; ++j) {
        const Dim* l = L.from_right(j);
        const Dim* r = R.from_right(j);
        const bool la = L.absent(j), ra = R.absent(j);
        if (la && r) { out[j] = *r; decided[j] = true; continue; }
        if (ra && l) { out[j] = *l; decided[j] = true; continue; }
        if (l && r) {
            auto lv = l->value(), rv = r->value();
            if (l->same(*r)) { out[j] = *l; decided[j] = true; }
            else if (lv && rv) {
                if (*lv == 1) out[j] = *r;
                else if (*rv == 1) out[j] = *l;
                else {
                    size_t index = out_rank_hint ? out_rank_hint - 1 - j : j;
                    throw ValueError("Inputs shape mismatch at dimension " + std::to_string(index) +
                                     ". Shapes are inconsistent.");
                }
                decided[j] = true;
            } else if (lv && *lv == 1) { out[j] = *r; decided[j] = true; }
            else if (rv && *rv == 1) { out[j] = *l; decided[j] = true; }
            else if (lv) { c.restrict(*r, {1, *lv}); out[j] = *l; decided[j] = true; }
            else if (rv) { c.restrict(*l, {1, *rv}); out[j] = *r; decided[j] = true; }
            else if (excludes_one(*l)) { out[j] = *l; decided[j] = true; }
            else if (excludes_one(*r)) { out[j] = *r; decided[j] = true; }
            else pending[j] = {l, r};
            continue;
        }
        // Exactly one side known here, the other may or may not reach this far.
        const Dim* k = l ? l : r;
        if (k && k->value() && *k->value() != 1) out[j] = *k;  // the other is 1, this or absent
        else if (k && excludes_one(*k)) out[j] = *k;
    }

    ShapeRepr result;
    std::vector<Dim> suffix(out.rbegin(), out.rend());
    if (rooted) {
        // Leading dims: equal leading dims of two rooted operands lead the output too.
        std::vector<Dim> prefix;
        if (!L.rootless() && !R.rootless() && !L.repr.prefix.empty() && !R.repr.prefix.empty() &&
            L.repr.prefix[0].same(R.repr.prefix[0])) {
            size_t min_out = std::max(L.repr.min_rank(), R.repr.min_rank());
            size_t k = std::min(std::max(L.repr.prefix.size(), R.repr.prefix.size()),
                                min_out > m ? min_out - m : 0);
            if (k >= 1) {
                prefix.push_back(L.repr.prefix[0]);
                for (size_t i = 1; i < k; ++i) prefix.emplace_back();
            }
        }
        result = ShapeRepr(prefix, Var(), suffix);
    } else {
        result = ShapeRepr(suffix);
    }
    c.set_shape(0, with_tail(result));

    // Backward: what the (now matched) output says about undecided positions.
    bool all_decided = true;
    for (size_t j = 0; j < m; ++j) {
        if (decided[j]) continue;
        auto [l, r] = pending[j];
        if (!l || !r) { all_decided = false; continue; }
        auto ov = out[j].value();
        if (ov && *ov == 1) {
            c.set_dim(*l, 1);
            c.set_dim(*r, 1);
        } else if (ov) {
            c.restrict(*l, {1, *ov});
            c.restrict(*r, {1, *ov});
            auto lv = l->value(), rv = r->value();
            if ((lv && *lv == *ov) || (rv && *rv == *ov)) {
                if (lv && rv) continue;  // both known and consistent
            }
            all_decided = false;
        } else {
            all_decided = false;
        }
    }
    return all_decided && !rooted;
}

// Split `r` into (batch part, last two dims); false when the last two dims
// are not yet explicit.
bool split_matrix(ShapeRepr r, ShapeRepr& batch, std::vector<Dim>& last2) {
    r.normalize();
    std::vector<Dim>& tail_src = r.root ? r.suffix : r.prefix;
    if (tail_src.size() < 2) return false;
    last2.assign(tail_src.end() - 2, tail_src.end());
    tail_src.resize(tail_src.size() - 2);
    batch = r;
    return true;
}

bool output_is_scalar_only(const ConstraintContext& c) { return !c.type(0).may_be_tensor(); }

}  // namespace

bool bcast(ConstraintContext& c) {
    if (output_is_scalar_only(c)) return true;
    return broadcast_reprs(c, c.shape(1), c.shape(2), c.shape(0), {});
}

bool bcast_matrix_mult(ConstraintContext& c) {
    if (output_is_scalar_only(c)) return true;
    ShapeRepr lb, rb, ob;
    std::vector<Dim> l2, r2, o2;
    if (!split_matrix(c.shape(1), lb, l2) || !split_matrix(c.shape(2), rb, r2) ||
        !split_matrix(c.shape(0), ob, o2))
        return false;
    return broadcast_reprs(c, lb, rb, ob, o2);
}

namespace {

bool check_broadcast(const ShapeRepr& l, const ShapeRepr& r, const ShapeRepr& o) {
    auto lv = l.values(), rv = r.values(), ov = o.values();
    if (!lv || !rv || !ov) return false;
    const size_t n = ov->size();
    if (lv->size() > n || rv->size() > n)
        throw ValueError("Shape mismatch for broadcast. Dimensionalities for the corresponding "
                         "shape index are left: " + std::to_string(lv->size()) + ", right: " +
                         std::to_string(rv->size()) + ", output: " + std::to_string(n));
    for (size_t j = 0; j < n; ++j) {
        int64_t a = j < lv->size() ? (*lv)[lv->size() - 1 - j] : 1;
        int64_t b = j < rv->size() ? (*rv)[rv->size() - 1 - j] : 1;
        int64_t out = (*ov)[n - 1 - j];
        int64_t expect = a == 1 ? b : a;
        if ((a != 1 && b != 1 && a != b) || expect != out)
            throw ValueError("Shape mismatch for broadcast. Dimensionalities for the "
                             "corresponding shape index are left: " + std::to_string(a) +
                             ", right: " + std::to_string(b) + ", output: " + std::to_string(out));
    }
    return true;
}

}  // namespace

bool bcast_error_check(ConstraintContext& c) {
    if (output_is_scalar_only(c)) return true;
    return check_broadcast(c.shape(1), c.shape(2), c.shape(0));
}

bool bcast_mat_mul_check(ConstraintContext& c) {
    if (output_is_scalar_only(c)) return true;
    ShapeRepr lb, rb, ob;
    std::vector<Dim> l2, r2, o2;
    if (!split_matrix(c.shape(1), lb, l2) || !split_matrix(c.shape(2), rb, r2) ||
        !split_matrix(c.shape(0), ob, o2))
        return false;
    return check_broadcast(lb, rb, ob);
}

}  // namespace mithril::constraints

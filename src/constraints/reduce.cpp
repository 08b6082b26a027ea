// constraints/reduce.cpp — reduce_constraints: the shape rule of every reduction
// (sum, mean, max, min, prod, var, argmax, ...), after Mithril's
// reduce_constraints and _reduce_sanity_check.
//
// Edges: (output, input, axis, keepdim). axis is None (reduce all), an int or
// a tuple/list of ints (negative counts from the end); keepdim is a bool.
// Works forward (input rank known), backward (output rank known) and on two
// variadic shapes (structure only: the minimum input rank the axes imply, and
// which dims carry over to the output).
#include <algorithm>
#include <set>

#include "constraints/families.hpp"
#include "constraints/shape_helpers.hpp"

namespace mithril::constraints {
namespace {

using namespace detail;

bool same_root(const ShapeRepr& a, const ShapeRepr& b) {
    if (a.has_root() != b.has_root()) return false;
    return !a.has_root() || a.root->same(*b.root);
}

std::string repr_string(const ShapeRepr& r) {
    SymbolNamer namer;
    return namer.repr_string(r);
}

// Errors Mithril raises before any inference (_reduce_sanity_check).
void sanity_check(const ShapeRepr& in, const ShapeRepr& out, const Value& axis,
                  const std::optional<std::vector<int64_t>>& axes, std::optional<bool> keepdim) {
    auto lin = int64_t(in.min_rank()), lout = int64_t(out.min_rank());
    if (same_root(in, out)) {
        if (keepdim == true && lin != lout)
            throw ValueError("Input shape " + repr_string(in) + " and output shape " +
                             repr_string(out) +
                             " must have same length when keepdim is True in reduce model");
        if (keepdim == false && axes && lin != lout + int64_t(axes->size()))
            throw ValueError(
                "Shape mismatch, output rank = " + std::to_string(lout) +
                ". Output rank must be exactly " + std::to_string(lin - int64_t(axes->size())) +
                " where input rank = " + std::to_string(lin) + " and axis = " + axis.repr() +
                ". Axis numbers printed as their counterparts.");
    }
    if (!axes) return;
    std::vector<int64_t> pos = *axes;
    if (!(in.has_root() && out.has_root())) {
        std::optional<int64_t> in_len;
        if (!in.has_root())
            in_len = lin;
        else if (keepdim)
            in_len = *keepdim ? lout : lout + int64_t(axes->size());
        if (in_len) {
            for (auto& a : pos) {
                int64_t p = a >= 0 ? a : a + *in_len;
                int64_t need = a >= 0 ? a + 1 : -a;
                if (p < 0 || p >= *in_len)
                    throw ValueError("Input rank is " + std::to_string(*in_len) +
                                     ". Minimum rank " + std::to_string(need) +
                                     " input is required for axis = " + axis.repr() + ".");
                a = p;
            }
        }
    }
    std::set<int64_t> seen;
    for (auto p : pos)
        if (!seen.insert(p).second)
            throw ValueError("Dim " + std::to_string(p) +
                             " appears multiple times in the reduce axes");
}

// Both shapes variadic: grow the input to the minimum rank the axes imply, so
// that no positive and negative axis can name the same dim.
void extend_input(const ConstraintContext& c, const std::set<int64_t>& pos,
                  const std::set<int64_t>& neg, int64_t max_pos, int64_t max_neg) {
    int64_t min_rank = std::max(max_pos, max_neg);
    for (bool again = true; again;) {
        again = false;
        for (auto p : pos)
            if (neg.count(p - min_rank)) {
                ++min_rank;
                again = true;
                break;
            }
    }
    ShapeRepr in = c.shape(1);
    int64_t additional = min_rank - int64_t(in.min_rank());
    if (additional <= 0) return;
    std::vector<Dim> prefix = in.prefix, suffix;
    int64_t to_suffix = 0;
    for (int64_t k = 0; k < additional; ++k) {
        if (int64_t(prefix.size()) < max_pos)
            prefix.emplace_back();
        else
            ++to_suffix;
    }
    for (int64_t k = 0; k < to_suffix; ++k) suffix.emplace_back();
    suffix.insert(suffix.end(), in.suffix.begin(), in.suffix.end());
    c.set_shape(1, ShapeRepr(std::move(prefix), Var(), std::move(suffix)));
}

// Both variadic, axes and keepdim known: carry over the dims no axis can touch.
void reduce_variadic(const ConstraintContext& c, const std::vector<int64_t>& axes,
                     const std::set<int64_t>& pos, const std::set<int64_t>& neg, int64_t max_pos,
                     int64_t max_neg, bool keepdim) {
    ShapeRepr in = c.shape(1);
    auto n = int64_t(in.min_rank());
    Slots prefix, suffix_rev;
    for (size_t idx = 0; idx < in.prefix.size(); ++idx) {
        if (!pos.count(int64_t(idx))) {
            if (int64_t(idx) < n - max_neg)
                prefix.emplace_back(in.prefix[idx]);
            else
                prefix.emplace_back();  // a negative axis may name this dim
        } else if (keepdim) {
            prefix.push_back(Slot::val(1));
        }
    }
    for (size_t idx = 0; idx < in.suffix.size(); ++idx) {
        const Dim& d = in.suffix[in.suffix.size() - 1 - idx];
        if (!neg.count(-int64_t(idx) - 1)) {
            if (int64_t(idx) < n - max_pos)
                suffix_rev.emplace_back(d);
            else
                suffix_rev.emplace_back();
        } else if (keepdim) {
            suffix_rev.push_back(Slot::val(1));
        }
    }
    bool free_root = false;
    for (auto a : axes) {
        if (a >= int64_t(in.prefix.size()) || a < -int64_t(in.suffix.size())) {
            // This axis falls inside the variadic part: the output loses one dim there.
            free_root = true;
            if (!keepdim) {
                if (!prefix.empty())
                    prefix.pop_back();
                else if (!suffix_rev.empty())
                    suffix_rev.pop_back();
            }
        }
    }
    Slots suffix(suffix_rev.rbegin(), suffix_rev.rend());
    apply_pattern(c, 0,
                  free_root ? Pattern::open(prefix, suffix)
                            : Pattern::rooted(prefix, *in.root, suffix));
}

// Input rank known: the output is the input without (or with 1 at) the axes.
void reduce_forward(const ConstraintContext& c, const std::vector<int64_t>& axes, bool keepdim) {
    auto dims = all_dims(c.shape(1));
    auto n = int64_t(dims.size());
    std::set<int64_t> ax;
    for (auto a : axes) ax.insert(a >= 0 ? a : a + n);
    Slots out;
    for (int64_t k = 0; k < n; ++k) {
        if (!ax.count(k))
            out.emplace_back(dims[size_t(k)]);
        else if (keepdim)
            out.push_back(Slot::val(1));
    }
    apply_pattern(c, 0, Pattern::exact(out));
}

// Output rank known, input variadic: insert one unknown dim per axis.
void reduce_backward(const ConstraintContext& c, const std::vector<int64_t>& axes, bool keepdim) {
    auto out = all_dims(c.shape(0));
    auto in_rank = int64_t(out.size()) + (keepdim ? 0 : int64_t(axes.size()));
    std::set<int64_t> ax;
    for (auto a : axes) ax.insert(a >= 0 ? a : a + in_rank);
    if (ax.empty() ? false : (*ax.begin() < 0 || *ax.rbegin() >= in_rank))
        return;  // inconsistent axes: the sanity check reports it once ranks are known
    Slots in;
    size_t j = 0;
    for (int64_t k = 0; k < in_rank; ++k) {
        if (ax.count(k)) {
            in.emplace_back();
            if (keepdim) set_value(c, out[j++], 1);
        } else {
            in.emplace_back(out[j++]);
        }
    }
    apply_pattern(c, 1, Pattern::exact(in));
}

}  // namespace

bool reduce_constraints(ConstraintContext& c) {
    const Value& axis = c.value(2);
    const Value& kd = c.value(3);
    std::optional<bool> keepdim;
    if (!kd.is_tbd()) keepdim = kd.as_bool();
    std::optional<std::vector<int64_t>> axes;
    if (!axis.is_tbd() && !axis.is_none()) {
        auto items = int_items(axis);
        if (!items) throw ValueError("Requires valid axis type!");
        axes.emplace();
        for (const auto& it : *items) {
            if (!it) throw ValueError("Requires valid axis type!");
            axes->push_back(*it);
        }
    }
    sanity_check(c.shape(1), c.shape(0), axis, axes, keepdim);

    if (axes) {
        std::set<int64_t> pos, neg;
        for (auto a : *axes) (a >= 0 ? pos : neg).insert(a);
        int64_t max_pos = pos.empty() ? 0 : *pos.rbegin() + 1;
        int64_t max_neg = neg.empty() ? 0 : -*neg.begin();
        if (c.shape(1).has_root() && c.shape(0).has_root())
            extend_input(c, pos, neg, max_pos, max_neg);
        if (!keepdim) return false;
        bool in_root = c.shape(1).has_root(), out_root = c.shape(0).has_root();
        if (in_root && out_root)
            reduce_variadic(c, *axes, pos, neg, max_pos, max_neg, *keepdim);
        else if (!in_root)
            reduce_forward(c, *axes, *keepdim);
        else
            reduce_backward(c, *axes, *keepdim);
        return same_root(c.shape(1), c.shape(0));
    }
    if (axis.is_none() && keepdim) {
        if (!*keepdim) {
            apply_pattern(c, 0, Pattern::exact({}));  // a scalar
            return true;
        }
        ShapeRepr in = c.shape(1);
        if (!in.has_root()) {
            apply_pattern(c, 0, Pattern::exact(Slots(all_dims(in).size(), Slot::val(1))));
            return true;
        }
        ShapeRepr out = c.shape(0);
        if (!out.has_root()) {  // same rank as the output, and every output dim is 1
            auto od = all_dims(out);
            for (const auto& d : od) set_value(c, d, 1);
            apply_pattern(c, 1, Pattern::exact(free_slots(od.size())));
            return true;
        }
        apply_pattern(c, 0,
                      Pattern::open(Slots(in.prefix.size(), Slot::val(1)),
                                    Slots(in.suffix.size(), Slot::val(1))));
        return false;
    }
    return false;
}

}  // namespace mithril::constraints

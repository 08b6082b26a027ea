// constraints/layout.cpp — shape rules of the layout operators: reshape,
// flatten, squeeze, swapaxes, transpose, concat, pad, broadcast_to, where,
// polynomial_features, atleast_1d, split (after Mithril's constraints.py).
//
// Every function merges what it learns through apply_pattern() (see
// shape_helpers.hpp), so running it again on an unchanged graph changes
// nothing; it returns true once the shapes it relates are fully tied.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "constraints/families.hpp"
#include "constraints/shape_helpers.hpp"

namespace mithril::constraints {
namespace {

using namespace detail;

Slots slice(const std::vector<Dim>& v, size_t from, size_t to) {
    to = std::min(to, v.size());
    return from >= to ? Slots{} : Slots(v.begin() + long(from), v.begin() + long(to));
}
Slots cat(Slots a, const Slots& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Broadcasting of several inputs into one output, as far as it is decidable
// without Mithril's possible-values machinery: exact when every input rank is
// known, right-aligned value propagation otherwise.
bool bcast_many(const ConstraintContext& c, size_t o, const std::vector<size_t>& ins) {
    std::vector<ShapeRepr> rs;
    bool fixed = true;
    size_t need = 0;
    for (auto i : ins) {
        rs.push_back(c.shape(i));
        fixed = fixed && !rs.back().has_root();
        need = std::max(need, rs.back().min_rank());
    }
    ShapeRepr out = c.shape(o);
    if (!out.has_root() && all_dims(out).size() < need)
        throw ValueError("Shape mismatch for broadcast. Output has " +
                         std::to_string(all_dims(out).size()) +
                         " dim(s) while an input has at least " + std::to_string(need) + ".");
    if (fixed)
        apply_pattern(c, o, Pattern::exact(free_slots(need)));
    else
        extend_min_rank(c, o, need, false);
    out = c.shape(o);
    // Dims of input k and of the output at position j counted from the right.
    auto in_dim = [&](size_t k, size_t j) -> std::optional<Dim> {
        const ShapeRepr& r = rs[k];
        if (!r.has_root()) {
            auto d = all_dims(r);
            return j < d.size() ? std::optional<Dim>(d[d.size() - 1 - j]) : std::nullopt;
        }
        return j < r.suffix.size() ? std::optional<Dim>(r.suffix[r.suffix.size() - 1 - j])
                                   : std::nullopt;
    };
    auto od = out.has_root() ? out.suffix : all_dims(out);
    bool solved = fixed;
    for (size_t j = 0; j < od.size(); ++j) {
        const Dim& O = od[od.size() - 1 - j];
        std::optional<int64_t> v;
        std::vector<Dim> present, unknown;
        bool complete = true;  // every input's dim at j is known to exist or not
        for (size_t k = 0; k < rs.size(); ++k) {
            auto d = in_dim(k, j);
            if (!d) {
                if (rs[k].has_root()) complete = false;
                continue;
            }
            present.push_back(*d);
            if (!d->is_known()) {
                if (std::none_of(unknown.begin(), unknown.end(),
                                 [&](const Dim& u) { return u.same(*d); }))
                    unknown.push_back(*d);
            } else if (*d->value() != 1) {
                if (v && *v != *d->value())
                    throw ValueError("Inputs shape mismatch at dimension " +
                                     std::to_string(od.size() - 1 - j) +
                                     ". Shapes are inconsistent.");
                v = d->value();
            }
        }
        // A known d > 1 at this position leaves the unknown inputs in {1, d}.
        std::optional<int64_t> wins = v ? v : O.value();
        if (wins && *wins != 1)
            for (const auto& u : unknown) c.restrict(u, {1, *wins});
        if (v) {
            set_value(c, O, *v);
        } else if (complete) {
            if (unknown.empty() && !present.empty())
                set_value(c, O, 1);
            else if (unknown.size() == 1)
                unify_dims(c, O, unknown[0]);
            else if (O.value() == std::optional<int64_t>(1))
                for (const auto& u : unknown) set_value(c, u, 1);
        }
        for (const auto& d : present)
            if (!d.same(O) && d.value() != std::optional<int64_t>(1)) solved = false;
        if (!O.is_known() &&
            std::none_of(present.begin(), present.end(), [&](const Dim& d) { return d.same(O); }))
            solved = false;
    }
    return solved && !c.shape(o).has_root();
}

// The element edges of a list edge, resolved; empty when not known.
std::vector<Edge*> elements_of(Edge& list) {
    std::vector<Edge*> out;
    if (!list.elements_known) return out;
    for (const auto& e : list.elements) out.push_back(resolve(e));
    return out;
}

ShapeRepr shape_of(Edge& e) {
    ShapeRepr r = e.shape->primary();
    r.normalize();
    return r;
}

}  // namespace

// ---- reshape --------------------------------------------------------------------------

bool reshape_constraints(ConstraintContext& c) {
    const Value& shape = c.value(2);
    if (shape.is_tbd()) {
        ShapeRepr out = c.shape(0), in = c.shape(1);
        if (is_known(out) && is_known(in) && *product(all_dims(out)) != *product(all_dims(in)))
            throw ValueError("Shape mismatch! output " + tuple_repr(*out.values()) + " and input " +
                             tuple_repr(*in.values()) + " have incompatible shapes");
        if (is_known(out)) {
            // The output's own shape is a valid shape argument.
            std::vector<Value> items;
            auto values = out.values();
            for (auto v : *values) items.emplace_back(v);
            Type t = c.type(2);
            if (t.intersects(Type(Type::TupleT)))
                c.set_value(2, Value::tuple(items));
            else if (t.intersects(Type(Type::ListT)))
                c.set_value(2, Value::list(items));
        }
        return is_known(c.shape(0)) && is_known(c.shape(1));
    }
    auto items = int_items(shape);
    if (!items) throw ValueError("Invalid shape value!");
    const auto& vals = *items;
    bool all_int = std::all_of(vals.begin(), vals.end(), [](auto& v) { return v.has_value(); });
    auto n_neg = std::count(vals.begin(), vals.end(), std::optional<int64_t>(-1));
    if (n_neg > 1) throw ValueError("can only specify one unknown dimension");
    int64_t shp_prod = 1;
    for (const auto& v : vals) shp_prod *= v.value_or(1);

    ShapeRepr in = c.shape(1);
    std::optional<int64_t> input_prod;
    if (!in.has_root() && !all_dims(in).empty()) input_prod = product(all_dims(in));
    if (input_prod && all_int) {
        bool bad = n_neg ? (shp_prod == 0 ? *input_prod != 0 : *input_prod % shp_prod != 0)
                         : shp_prod != *input_prod;
        if (bad) {
            std::vector<int64_t> iv;
            for (const auto& d : all_dims(in)) iv.push_back(*d.value());
            throw ValueError("Input " + tuple_repr(iv) + " can not be reshaped to " + shape.repr());
        }
    }
    ShapeRepr out = c.shape(0);
    if (out.has_root() && out.min_rank() > vals.size())
        throw ValueError("Shape mismatch! Output has mimimum " + std::to_string(out.min_rank()) +
                         " dim(s) while reshaped one has " + std::to_string(vals.size()) +
                         " dim(s).");
    if (!out.has_root() && all_dims(out).size() != vals.size())
        throw ValueError("Shape mismatch! Output has " + std::to_string(all_dims(out).size()) +
                         " dim(s) while reshaped one has " + std::to_string(vals.size()) +
                         " dim(s).");
    Slots slots;
    for (const auto& v : vals) slots.push_back(v && *v != -1 ? Slot::val(*v) : Slot());
    apply_pattern(c, 0, Pattern::exact(slots));

    auto od = all_dims(c.shape(0));
    if (n_neg && input_prod && all_int && shp_prod != 0) {
        auto idx =
            size_t(std::find(vals.begin(), vals.end(), std::optional<int64_t>(-1)) - vals.begin());
        set_value(c, od[idx], *input_prod / -shp_prod);
    }
    if (!n_neg && all_int) {
        // One unknown input dim: total / (product of the known ones).
        in = c.shape(1);
        if (!in.has_root()) {
            auto id = all_dims(in);
            auto unknown =
                std::count_if(id.begin(), id.end(), [](auto& d) { return !d.is_known(); });
            if (unknown == 1) {
                int64_t known = 1;
                for (const auto& d : id) known *= d.value().value_or(1);
                if (known != 0 && shp_prod % known == 0)
                    for (const auto& d : id)
                        if (!d.is_known()) set_value(c, d, shp_prod / known);
            }
        }
    }
    return is_known(c.shape(1)) && is_known(c.shape(0));
}

// ---- flatten --------------------------------------------------------------------------

bool flatten_constraints(ConstraintContext& c) {
    auto s = int_value(c.value(2)), e = int_value(c.value(3));
    if (!s && !e) return false;
    if (!s) {
        if (*e >= 0) {
            apply_pattern(c, 1, Pattern::open(free_slots(size_t(*e + 1))));
            apply_pattern(c, 0, Pattern::open(free_slots(1)));
        } else {
            apply_pattern(c, 1, Pattern::open({}, free_slots(size_t(-*e))));
            ShapeRepr in = c.shape(1);
            auto tail_src = in.has_root() ? in.suffix : all_dims(in);
            size_t keep = size_t(-*e - 1);
            Slots tail =
                slice(tail_src, tail_src.size() - std::min(keep, tail_src.size()), tail_src.size());
            apply_pattern(c, 0, Pattern::open({}, cat({Slot()}, tail)));
        }
        return false;
    }
    if (!e) {
        if (*s >= 0) {
            apply_pattern(c, 1, Pattern::open(free_slots(size_t(*s + 1))));
            ShapeRepr in = c.shape(1);
            auto head_src = in.has_root() ? in.prefix : all_dims(in);
            apply_pattern(c, 0, Pattern::open(cat(slice(head_src, 0, size_t(*s)), {Slot()})));
        } else {
            apply_pattern(c, 1, Pattern::open({}, free_slots(size_t(-*s))));
            apply_pattern(c, 0, Pattern::open(free_slots(1)));
        }
        return false;
    }
    const int64_t S = *s, E = *e;
    if ((S >= 0) == (E >= 0) && S > E)
        throw ValueError("Start_dim cannot be greater or equal to end dim!");
    if (S >= 0 && E >= 0)
        apply_pattern(c, 1, Pattern::open(free_slots(size_t(E + 1))));
    else if (S >= 0)
        apply_pattern(c, 1, Pattern::open(free_slots(size_t(S + 1)), free_slots(size_t(-E - 1))));
    else if (E < 0)
        apply_pattern(c, 1, Pattern::open({}, free_slots(size_t(-S))));

    ShapeRepr in = c.shape(1);
    if (!in.has_root()) {
        auto d = all_dims(in);
        auto n = int64_t(d.size());
        int64_t as = S >= 0 ? S : n + S, ae = E >= 0 ? E : n + E;
        if (as > ae) throw ValueError("Start_dim cannot be greater or equal to end dim!");
        if (as < 0 || as >= n)
            throw ValueError(
                "value of start dim out of boundary (start dim needs to be in range of (" +
                std::to_string(-n) + ", " + std::to_string(n - 1) + "). But given start dim is " +
                std::to_string(S) + ")");
        if (ae < 0 || ae >= n)
            throw ValueError("value of end dim out of boundary (end dim needs to be in range of (" +
                             std::to_string(-n) + ", " + std::to_string(n - 1) +
                             "). But given end dim is " + std::to_string(E) + ")");
        std::vector<Dim> mid(d.begin() + as, d.begin() + ae + 1);
        auto prod = product(mid);
        Slot merged = as == ae ? Slot(d[size_t(as)]) : Slot::val(prod);
        apply_pattern(c, 0,
                      Pattern::exact(cat(cat(slice(d, 0, size_t(as)), {merged}),
                                         slice(d, size_t(ae + 1), d.size()))));
        // Backward: the flattened dim known and a single unknown input dim in the range.
        auto od = all_dims(c.shape(0));
        const Dim& m = od[size_t(as)];
        auto unknown = std::count_if(mid.begin(), mid.end(), [](auto& x) { return !x.is_known(); });
        if (m.is_known() && unknown == 1) {
            int64_t known = 1;
            for (const auto& x : mid) known *= x.value().value_or(1);
            if (known != 0 && *m.value() % known == 0)
                for (const auto& x : mid)
                    if (!x.is_known()) set_value(c, x, *m.value() / known);
        }
        return product(mid).has_value();
    }
    if (S >= 0 && E >= 0 && in.prefix.size() > size_t(E)) {
        Slots pre =
            cat(cat(slice(in.prefix, 0, size_t(S)), {S == E ? Slot(in.prefix[size_t(S)]) : Slot()}),
                slice(in.prefix, size_t(E + 1), in.prefix.size()));
        apply_pattern(c, 0, Pattern::rooted(pre, *in.root, slots_of(in.suffix)));
    } else if (S >= 0 && E < 0) {
        // Output rank is S + 1 + (-E - 1) whatever the input rank; its dims are
        // the input's first S and last -E - 1 where those are addressable.
        Slots head = slice(in.prefix, 0, size_t(S));
        head.resize(size_t(S));
        Slots tail = in.suffix.size() >= size_t(-E - 1)
                         ? slice(in.suffix, in.suffix.size() - size_t(-E - 1), in.suffix.size())
                         : free_slots(size_t(-E - 1));
        apply_pattern(c, 0, Pattern::exact(cat(cat(head, {Slot()}), tail)));
    } else if (S < 0 && E < 0 && in.suffix.size() >= size_t(-S)) {
        size_t ns = in.suffix.size(), is = size_t(int64_t(ns) + S), ie = size_t(int64_t(ns) + E);
        Slots suf = cat(cat(slice(in.suffix, 0, is), {S == E ? Slot(in.suffix[is]) : Slot()}),
                        slice(in.suffix, ie + 1, ns));
        apply_pattern(c, 0, Pattern::rooted(slots_of(in.prefix), *in.root, suf));
    }
    return false;
}

// ---- squeeze --------------------------------------------------------------------------

bool squeeze_constraints(ConstraintContext& c) {
    ShapeRepr out = c.shape(0), in = c.shape(1);
    if (!in.has_root() && all_dims(in).size() < out.min_rank())
        throw ValueError("Output shape can not have higher number of dimensions (min " +
                         std::to_string(out.min_rank()) + ") than input (" +
                         std::to_string(all_dims(in).size()) + ")");
    for (const auto& d :
         out.has_root() ? cat(slots_of(out.prefix), slots_of(out.suffix)) : slots_of(all_dims(out)))
        if (d.dim->value() == std::optional<int64_t>(1))
            throw ValueError("Squeeze output shape can not have any dimensionality as 1, got "
                             "output shape as " +
                             python_shape(out));
    bool variadic_required = in.has_root();
    Slots pre, rev;
    for (const auto& d : in.has_root() ? in.prefix : all_dims(in)) {
        if (!d.is_known()) {
            variadic_required = true;
            break;
        }
        if (*d.value() != 1) pre.emplace_back(d);
    }
    auto tail = in.has_root() ? in.suffix : all_dims(in);
    for (auto it = tail.rbegin(); it != tail.rend(); ++it) {
        if (!it->is_known()) {
            variadic_required = true;
            break;
        }
        if (*it->value() != 1) rev.emplace_back(*it);
    }
    if (variadic_required)
        apply_pattern(c, 0, Pattern::open(pre, Slots(rev.rbegin(), rev.rend())));
    else
        apply_pattern(c, 0, Pattern::exact(pre));
    return !c.shape(0).has_root();
}

// ---- swapaxes -------------------------------------------------------------------------

bool swap_axes_constraints(ConstraintContext& c) {
    auto a1 = int_value(c.value(2)), a2 = int_value(c.value(3));
    if (!a1 || !a2) {
        if (a1 || a2) {
            int64_t g = a1 ? *a1 : *a2;
            apply_pattern(c, 1, Pattern::open(free_slots(size_t(g >= 0 ? g + 1 : -g))));
        }
        return false;
    }
    const int64_t x = *a1, y = *a2;
    ShapeRepr in = c.shape(1), out = c.shape(0);
    if (in.has_root() && out.has_root()) {
        size_t pre = 0, suf = 0;
        if (x >= 0 && y >= 0)
            pre = size_t(std::max(x, y) + 1);
        else if (x < 0 && y < 0)
            suf = size_t(-std::min(x, y));
        else {
            int64_t p = std::max(x, y), q = std::min(x, y);
            pre = size_t(p + 1);
            suf = size_t(std::max<int64_t>(0, -q - (p + 1)));
        }
        apply_pattern(c, 1, Pattern::open(free_slots(pre), free_slots(suf)));
        in = c.shape(1);
        if (!in.has_root()) return false;  // rank became known: next run handles it
        if (x >= 0 && y >= 0 && in.prefix.size() >= pre) {
            Slots p = slots_of(in.prefix);
            std::swap(p[size_t(x)], p[size_t(y)]);
            apply_pattern(c, 0, Pattern::rooted(p, *in.root, slots_of(in.suffix)));
            return true;
        }
        if (x < 0 && y < 0 && in.suffix.size() >= suf) {
            Slots s = slots_of(in.suffix);
            std::swap(s[s.size() - size_t(-x)], s[s.size() - size_t(-y)]);
            apply_pattern(c, 0, Pattern::rooted(slots_of(in.prefix), *in.root, s));
            return true;
        }
        if ((x >= 0) != (y >= 0)) {
            // Dims before both swapped positions carry over; the rest only by count.
            int64_t p = std::max(x, y), q = std::min(x, y);
            int64_t common = std::clamp<int64_t>(std::min(p, int64_t(in.min_rank()) + q), 0,
                                                 int64_t(in.prefix.size()));
            Slots op = cat(slice(in.prefix, 0, size_t(common)),
                           free_slots(in.prefix.size() - size_t(common)));
            apply_pattern(c, 0, Pattern::open(op, free_slots(in.suffix.size())));
        }
        return false;
    }
    bool out_fixed = !out.has_root();
    const ShapeRepr& nv = out_fixed ? out : in;
    auto d = all_dims(nv);
    auto n = int64_t(d.size());
    for (auto [name, a] : {std::pair{"axis1", x}, std::pair{"axis2", y}})
        if (a < -n || a >= n)
            throw ValueError(std::string(name) + " exceeds the shape bounds in swapaxes model (" +
                             name + " should be in range of (" + std::to_string(-n) + ", " +
                             std::to_string(n - 1) + ") but given " + name + " is " +
                             std::to_string(a) + ")");
    std::swap(d[size_t(x < 0 ? n + x : x)], d[size_t(y < 0 ? n + y : y)]);
    apply_pattern(c, out_fixed ? 1 : 0, Pattern::exact(slots_of(d)));
    return true;
}

// ---- transpose (reverse) --------------------------------------------------------------

bool reverse_constraints(ConstraintContext& c) {
    const Value& axes = c.value(2);
    if (axes.is_tbd()) return false;
    ShapeRepr in = c.shape(1), out = c.shape(0);
    auto check_rank = [](const ShapeRepr& r, size_t n) {
        if (r.has_root() ? r.min_rank() > n : all_dims(r).size() != n)
            throw ValueError("Shape mismatch in Transpose model");
    };
    auto reversed = [](std::vector<Dim> v) {
        std::reverse(v.begin(), v.end());
        return slots_of(v);
    };
    if (axes.is_none()) {
        if (!out.has_root()) {
            check_rank(in, all_dims(out).size());
            apply_pattern(c, 1, Pattern::exact(reversed(all_dims(out))));
            return true;
        }
        if (!in.has_root()) {
            check_rank(out, all_dims(in).size());
            apply_pattern(c, 0, Pattern::exact(reversed(all_dims(in))));
            return true;
        }
        // Both variadic: the known ends swap sides.
        apply_pattern(c, 0, Pattern::open(reversed(in.suffix), reversed(in.prefix)));
        out = c.shape(0);
        if (out.has_root())
            apply_pattern(c, 1, Pattern::open(reversed(out.suffix), reversed(out.prefix)));
        return false;
    }
    auto items = int_items(axes);
    if (!items) throw ValueError("Shape mismatch in Transpose model");
    auto n = int64_t(items->size());
    std::vector<int64_t> perm;
    for (const auto& a : *items) {
        if (!a || *a < -n || *a >= n) throw ValueError("Shape mismatch in Transpose model");
        perm.push_back(*a < 0 ? *a + n : *a);
    }
    if (std::set<int64_t>(perm.begin(), perm.end()).size() != perm.size())
        throw ValueError("Shape mismatch in Transpose model");
    check_rank(in, size_t(n));
    check_rank(out, size_t(n));
    apply_pattern(c, 1, Pattern::exact(free_slots(size_t(n))));
    auto d = all_dims(c.shape(1));
    Slots o;
    for (auto p : perm) o.emplace_back(d[size_t(p)]);
    apply_pattern(c, 0, Pattern::exact(o));
    return true;
}

// ---- concat ---------------------------------------------------------------------------

bool concat_constraints(ConstraintContext& c) {
    auto elems = elements_of(c.edge(1));
    const Value& axis = c.value(2);
    if (elems.empty() || axis.is_tbd()) return false;
    const size_t N = elems.size();  // reprs 0..N-1 are the inputs, N the output
    auto get = [&](size_t k) { return k == N ? c.shape(0) : shape_of(*elems[k]); };
    auto put = [&](size_t k, const Pattern& p) {
        if (k == N)
            apply_pattern(c, 0, p);
        else
            apply_pattern(c, target(c, *elems[k]), p);
    };

    if (axis.is_none()) {  // every input is flattened, then joined
        apply_pattern(c, 0, Pattern::exact(free_slots(1)));
        Dim o = all_dims(c.shape(0))[0];
        int64_t sum = 0;
        std::optional<Dim> unknown;
        int64_t unknown_factor = 1;
        for (size_t k = 0; k < N; ++k) {
            ShapeRepr r = get(k);
            if (r.has_root()) return false;
            int64_t known = 1;
            std::optional<Dim> u;
            for (const auto& d : all_dims(r)) {
                if (d.is_known())
                    known *= *d.value();
                else if (u || unknown)
                    return false;  // two unknowns: nothing to infer
                else
                    u = d;
            }
            if (u) {
                unknown = u;
                unknown_factor = known;
            } else {
                sum += known;
            }
        }
        if (!unknown) {
            set_value(c, o, sum);
            return true;
        }
        if (o.is_known() && unknown_factor != 0 && (*o.value() - sum) % unknown_factor == 0 &&
            *o.value() - sum > 0) {
            set_value(c, *unknown, (*o.value() - sum) / unknown_factor);
            return true;
        }
        return false;
    }
    auto a = int_value(axis);
    if (!a) throw ValueError("Invalid axis value!");

    // 1. Structure: every shape equals the others except along the axis.
    std::optional<size_t> fixed;
    for (size_t k = 0; k <= N && !fixed; ++k)
        if (!get(k).has_root()) fixed = k;
    if (fixed) {
        auto d = all_dims(get(*fixed));
        auto n = int64_t(d.size());
        int64_t pa = *a >= 0 ? *a : n + *a;
        if (pa < 0 || pa >= n)
            throw ValueError("Concat axis " + std::to_string(*a) + " is out of bounds for rank " +
                             std::to_string(n) + ".");
        Slots s = slots_of(d);
        s[size_t(pa)] = Slot();
        for (size_t k = 0; k <= N; ++k)
            if (k != *fixed) put(k, Pattern::exact(s));
    } else {
        for (size_t k = 0; k <= N; ++k)
            put(k, *a >= 0 ? Pattern::open(free_slots(size_t(*a + 1)))
                           : Pattern::open({}, free_slots(size_t(-*a))));
        ShapeRepr ref = get(N);
        bool same_layout = true;
        for (size_t k = 0; k < N; ++k) {
            ShapeRepr r = get(k);
            same_layout = same_layout && r.has_root() && r.prefix.size() == ref.prefix.size() &&
                          r.suffix.size() == ref.suffix.size();
        }
        if (same_layout && ref.has_root()) {
            Slots pre = slots_of(ref.prefix), suf = slots_of(ref.suffix);
            if (*a >= 0)
                pre[size_t(*a)] = Slot();
            else
                suf[suf.size() - size_t(-*a)] = Slot();
            for (size_t k = 0; k < N; ++k) put(k, Pattern::rooted(pre, *ref.root, suf));
        }
    }

    // 2. Sizes along the axis: output = sum of inputs.
    std::vector<Dim> dims;
    bool all_fixed = true;
    for (size_t k = 0; k <= N; ++k) {
        ShapeRepr r = get(k);
        all_fixed = all_fixed && !r.has_root();
        auto d = dim_at(r, *a);
        if (!d) return false;
        dims.push_back(*d);
    }
    std::vector<size_t> unknown;
    int64_t in_sum = 0;
    for (size_t k = 0; k <= N; ++k) {
        if (!dims[k].is_known())
            unknown.push_back(k);
        else if (k < N)
            in_sum += *dims[k].value();
    }
    if (unknown.empty()) {
        set_value(c, dims[N], in_sum);  // throws on a mismatch
    } else if (unknown.size() == 1) {
        size_t k = unknown[0];
        if (k == N) {
            set_value(c, dims[N], in_sum);
        } else {
            int64_t rest = *dims[N].value() - in_sum;
            if (rest < 0)
                throw ValueError("Shape mismatch in concat: output dimension " +
                                 std::to_string(*dims[N].value()) +
                                 " is smaller than the sum of the input dimensions " +
                                 std::to_string(in_sum) + ".");
            set_value(c, dims[k], rest);
        }
    }
    if (unknown.size() > 1) return false;
    if (all_fixed) return true;
    // Variadic shapes are done when every one is the output's shape but for the axis.
    ShapeRepr ref = get(N);
    for (size_t k = 0; k < N; ++k) {
        ShapeRepr r = get(k);
        if (!r.has_root() || !ref.has_root() || !r.root->same(*ref.root) ||
            r.prefix.size() != ref.prefix.size() || r.suffix.size() != ref.suffix.size())
            return false;
        for (size_t j = 0; j < r.prefix.size(); ++j)
            if (int64_t(j) != *a && !r.prefix[j].same(ref.prefix[j])) return false;
        for (size_t j = 0; j < r.suffix.size(); ++j)
            if (int64_t(j) - int64_t(r.suffix.size()) != *a && !r.suffix[j].same(ref.suffix[j]))
                return false;
    }
    return true;
}

// ---- pad ------------------------------------------------------------------------------

bool pad_constraints(ConstraintContext& c) {
    const Value& pw = c.value(2);
    if (!pw.is_sequence()) return false;
    const auto& pads = pw.items();
    const size_t n = pads.size();
    std::vector<std::pair<int64_t, int64_t>> pv;
    for (const auto& p : pads) {
        if (p.is_int())
            pv.emplace_back(p.as_int(), p.as_int());
        else if (p.is_sequence() && p.items().size() == 2)
            pv.emplace_back(p.items()[0].as_int(), p.items()[1].as_int());
        else
            throw ValueError("Invalid pad_width value " + pw.repr());
    }
    apply_pattern(c, 1, Pattern::exact(free_slots(n)));
    apply_pattern(c, 0, Pattern::exact(free_slots(n)));
    auto in = all_dims(c.shape(1)), out = all_dims(c.shape(0));
    bool status = true;
    for (size_t k = 0; k < n; ++k) {
        int64_t total = pv[k].first + pv[k].second;
        auto iv = in[k].value(), ov = out[k].value();
        if (iv && ov) {
            if (*iv + total != *ov)
                throw ValueError("Shape mismatch for pad. Input shape = " + std::to_string(*iv) +
                                 ", pad value = " + pads[k].repr() +
                                 ", output shape = " + std::to_string(*ov));
        } else if (iv) {
            set_value(c, out[k], *iv + total);
        } else if (ov) {
            set_value(c, in[k], *ov - total);
        } else if (total == 0) {
            unify_dims(c, in[k], out[k]);
        } else {
            status = false;
        }
    }
    return status;
}

// ---- broadcast_to ---------------------------------------------------------------------

bool broadcast_to_constraints(ConstraintContext& c) {
    const Value& shape = c.value(1);
    if (shape.is_tbd()) return false;
    auto items = int_items(shape);
    if (!items) throw ValueError("Invalid shape value!");
    const size_t n = items->size();
    ShapeRepr out = c.shape(0);
    if (out.has_root() && out.min_rank() > n)
        throw ValueError("Shape mismatch. Output has minimum " + std::to_string(out.min_rank()) +
                         " dim(s) where it must have exactly " + std::to_string(n) + " dim(s).");
    if (!out.has_root() && all_dims(out).size() != n)
        throw ValueError("Shape mismatch. Output has " + std::to_string(all_dims(out).size()) +
                         " dim(s) where it must have " + std::to_string(n) + " dim(s).");
    Slots s;
    for (const auto& v : *items) s.push_back(Slot::val(v));
    apply_pattern(c, 0, Pattern::exact(s));

    ShapeRepr in = c.shape(2);
    if (in.min_rank() > n) throw ValueError("Cannot broadcast to lower dimension");
    auto tail = in.has_root() ? in.suffix : all_dims(in);
    for (size_t j = 0; j < tail.size(); ++j) {
        auto iv = tail[tail.size() - 1 - j].value();
        auto target_v = (*items)[n - 1 - j];
        if (iv && *iv != 1 && target_v && *iv != *target_v)
            throw ValueError("Shape mismatch in broadcast_to model");
    }
    return is_known(in);
}

// ---- where ----------------------------------------------------------------------------

bool where_constraints(ConstraintContext& c) { return bcast_many(c, 0, {1, 2, 3}); }

// ---- polynomial_features --------------------------------------------------------------

bool polynomial_features_constraints(ConstraintContext& c) {
    auto degree = int_value(c.value(2));
    if (!degree) return false;
    ShapeRepr in = c.shape(1), out = c.shape(0);
    if (in.has_root() || out.has_root() || all_dims(in).size() != 2 || all_dims(out).size() != 2)
        return false;
    Dim di = all_dims(in)[1], dout = all_dims(out)[1];
    // Number of monomials of degree 1..deg in d variables: C(d + deg, deg) - 1.
    auto terms = [&](int64_t d) {
        long double r = 1;
        for (int64_t k = 1; k <= *degree; ++k) r = r * (long double)(d + k) / (long double)k;
        return int64_t(std::llround(r)) - 1;
    };
    if (di.is_known()) {
        set_value(c, dout, terms(*di.value()));
        return true;
    }
    if (dout.is_known()) {
        for (int64_t d = 1;; ++d) {
            int64_t t = terms(d);
            if (t == *dout.value()) {
                set_value(c, di, d);
                return true;
            }
            if (t > *dout.value())
                throw ValueError(
                    "Something went wrong while calculating Polynomial Features shapes!");
        }
    }
    return false;
}

// ---- atleast_1d -----------------------------------------------------------------------

bool atleast_1d_constraints(ConstraintContext& c) {
    ShapeRepr in = c.shape(1);
    if (!in.has_root()) {
        auto d = all_dims(in);
        apply_pattern(c, 0,
                      d.empty() ? Pattern::exact({Slot::val(1)}) : Pattern::exact(slots_of(d)));
        return true;
    }
    if (in.min_rank() >= 1) {
        apply_pattern(c, 0, Pattern::rooted(slots_of(in.prefix), *in.root, slots_of(in.suffix)));
        return true;
    }
    apply_pattern(c, 0, Pattern::open(free_slots(1)));
    ShapeRepr out = c.shape(0);
    if (out.has_root()) return false;
    auto od = all_dims(out);
    // Rank >= 2, or a single dim that is not 1: the input had exactly this shape.
    if (od.size() >= 2 || (od[0].is_known() && *od[0].value() != 1)) {
        apply_pattern(c, 1, Pattern::exact(slots_of(od)));
        return true;
    }
    return false;
}

// ---- split ----------------------------------------------------------------------------

bool split_constraints(ConstraintContext& c) {
    auto n = int_value(c.value(2)), a = int_value(c.value(3));
    if (!n || !a) return false;
    if (*n <= 0)
        throw ValueError("Split size must be a positive integer, got " + std::to_string(*n));
    auto elems = elements_of(c.edge(0));
    if (elems.empty()) return false;
    if (elems.size() != size_t(*n))
        throw ValueError("Split into " + std::to_string(*n) + " parts but the output has " +
                         std::to_string(elems.size()) + " items");
    apply_pattern(c, 1,
                  *a >= 0 ? Pattern::open(free_slots(size_t(*a + 1)))
                          : Pattern::open({}, free_slots(size_t(-*a))));
    ShapeRepr in = c.shape(1);
    auto d = dim_at(in, *a);
    if (!d) return false;
    Slot part;
    if (d->is_known()) {
        if (*d->value() % *n != 0)
            throw ValueError("array split does not result in an equal division");
        part = Slot::val(*d->value() / *n);
    }
    Pattern p;
    if (!in.has_root()) {
        auto dims = all_dims(in);
        Slots s = slots_of(dims);
        s[size_t(*a >= 0 ? *a : int64_t(dims.size()) + *a)] = part;
        p = Pattern::exact(s);
    } else {
        Slots pre = slots_of(in.prefix), suf = slots_of(in.suffix);
        if (*a >= 0)
            pre[size_t(*a)] = part;
        else
            suf[suf.size() - size_t(-*a)] = part;
        p = Pattern::rooted(pre, *in.root, suf);
    }
    for (auto* e : elems) apply_pattern(c, target(c, *e), p);
    return d->is_known() && !in.has_root();
}

}  // namespace mithril::constraints

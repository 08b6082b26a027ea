// constraints/creation.cpp — shapes of tensors created from scalar arguments
// (arange, eye, randn/ones/randint) and the target/input relation of
// cross_entropy, after Mithril's constraints.py.
#include <cmath>

#include "constraints/families.hpp"
#include "constraints/shape_helpers.hpp"

namespace mithril::constraints {

using namespace detail;

// (output, start, stop, step): numpy's arange length; a rank-0 output when empty.
bool arange_constraints(ConstraintContext& c) {
    const Value &start = c.value(1), &stop = c.value(2), &step = c.value(3);
    if (!start.is_number() || !stop.is_number() || !step.is_number()) return false;
    double a = start.as_float(), b = stop.as_float(), s = step.as_float();
    if (a > b && s > 0)
        throw ValueError("Start number (" + start.repr() +
                         ") can not be higher than stop number (" + stop.repr() +
                         ") while step = " + step.repr());
    if (a < b && s < 0)
        throw ValueError("Start number (" + start.repr() + ") can not be lower than stop number (" +
                         stop.repr() + ") while step = " + step.repr());
    if (s == 0) throw ValueError("Arange step can not be zero!");
    double q = (a - b) / s;
    auto iq = int64_t(std::trunc(q));
    int64_t val = double(iq) == q ? std::llabs(iq) : std::llabs(iq) + 1;
    const size_t rank = val != 0 ? 1 : 0;

    ShapeRepr out = c.shape(0);
    if (!out.has_root()) {
        if (all_dims(out).size() != rank)
            throw ValueError("Arange output shape can only have " + std::to_string(rank) +
                             " dim in this setting. Got " + std::to_string(all_dims(out).size()) +
                             " dim(s) here.");
    } else if (out.min_rank() > 1) {
        throw ValueError("Shape mismatch. Output has at least " + std::to_string(out.min_rank()) +
                         " dim(s) where it can have at most 1 dim.");
    } else if (out.min_rank() == 1 && rank == 0) {
        throw ValueError("Arange output shape has minimum 1 dim(s) where it is a rank-0 array.");
    }
    apply_pattern(c, 0, rank ? Pattern::exact({Slot::val(val)}) : Pattern::exact({}));
    return true;
}

// (output, N, M): output [N, M]; M = None means M = N. Values and dims flow
// both ways.
bool eye_constraints(ConstraintContext& c) {
    apply_pattern(c, 0, Pattern::exact(free_slots(2)));
    auto dims = all_dims(c.shape(0));
    const Dim &n = dims[0], &m = dims[1];
    if (auto v = int_value(c.value(1)))
        set_value(c, n, *v);
    else if (n.is_known() && c.value(1).is_tbd())
        c.set_value(1, Value(*n.value()));
    const Value& M = c.value(2);
    if (auto v = int_value(M))
        set_value(c, m, *v);
    else if (M.is_none())
        unify_dims(c, m, n);
    else if (m.is_known() && M.is_tbd())
        c.set_value(2, Value(*m.value()));
    auto final_dims = all_dims(c.shape(0));
    return final_dims[0].is_known() && final_dims[1].is_known() && c.valued(1) && c.valued(2);
}

// (output, shape): the output has exactly the dims of the shape value (an int
// or a tuple/list of ints; None items are unknown dims).
bool randn_constraints(ConstraintContext& c) {
    const Value& shape = c.value(1);
    if (shape.is_tbd()) return false;
    auto items = int_items(shape);
    if (!items) throw ValueError("Invalid shape value!");
    ShapeRepr out = c.shape(0);
    if (out.min_rank() > items->size())
        throw ValueError("Shape mismatch. Output has minimum " + std::to_string(out.min_rank()) +
                         " dim(s) where it must have exactly " + std::to_string(items->size()) +
                         " dim(s).");
    Slots s;
    for (const auto& v : *items) s.push_back(Slot::val(v));
    apply_pattern(c, 0, Pattern::exact(s));
    return true;
}

// (categorical, input, target): categorical targets are class indices, so
// input [N, C, d1, ...] goes with target [N, d1, ...]; otherwise the target
// has the input's shape.
bool cross_entropy_constraint(ConstraintContext& c) {
    const Value& categorical = c.value(0);
    if (categorical.is_tbd()) return false;
    if (!categorical.as_bool()) {
        ShapeRepr in = c.shape(1);
        c.set_shape(2, in);
        return true;
    }
    apply_pattern(c, 1, Pattern::open(free_slots(2)));
    ShapeRepr in = c.shape(1);
    if (!in.has_root()) {
        auto d = all_dims(in);
        Slots t = slots_of(d);
        t.erase(t.begin() + 1);
        apply_pattern(c, 2, Pattern::exact(t));
        return true;
    }
    if (in.prefix.size() < 2) return false;  // crossing layouts: wait for more structure
    Slots pre = slots_of(in.prefix);
    pre.erase(pre.begin() + 1);
    apply_pattern(c, 2, Pattern::rooted(pre, *in.root, slots_of(in.suffix)));
    return true;
}

}  // namespace mithril::constraints

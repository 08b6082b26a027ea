// constraints/edge.cpp — edge mutations: types, values, shapes, differentiability, merging.
#include "constraints/edge.hpp"

#include <algorithm>

#include "constraints/solver.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"

namespace mithril::constraints {

namespace {
int next_edge_id = 0;
}

std::shared_ptr<Edge> Edge::make(Type t) {
    auto e = std::make_shared<Edge>();
    e->id = ++next_edge_id;
    e->type = t;
    return e;
}

Edge* resolve(const std::shared_ptr<Edge>& e) {
    Edge* p = e.get();
    while (p && p->forward) p = p->forward.get();
    return p;
}

std::shared_ptr<Edge> resolve_shared(std::shared_ptr<Edge> e) {
    while (e && e->forward) e = e->forward;
    return e;
}

Type type_of_value(const Value& v) {
    using K = Value::Kind;
    switch (v.kind()) {
    case K::Tbd: return Type::any();
    case K::None: return Type(Type::NoneT);
    case K::Bool: return Type(Type::Bool);
    case K::Int: return Type(Type::Int);
    case K::Float: return Type(Type::Float);
    case K::Str: return Type(Type::Str);
    case K::Dtype: return Type(Type::DtypeT);
    case K::Ellipsis: return Type(Type::EllipsisT);
    case K::Slice: return Type(Type::SliceT);
    case K::List: return Type(Type::ListT);
    case K::Tuple: return Type(Type::TupleT);
    case K::Constant: return Type(Type::TensorFloat);
    case K::Tensor: {
        Dtype d = v.as_tensor().dtype();
        if (d == Dtype::bool_) return Type(Type::TensorBool);
        if (is_floating(d)) return Type(Type::TensorFloat);
        return Type(Type::TensorInt);
    }
    }
    return Type::any();
}

void set_edge_type(Edge& e, Type t, EdgeUpdates& u) {
    Type merged = e.type & t;
    if (merged == e.type) return;
    if (merged.empty())
        throw TypeError("Acceptable types are " + e.type.to_python_string() + ", but " +
                        t.to_python_string() + " type is provided!");
    e.type = merged;
    u.add(&e, kType);
}

void set_edge_shape(Edge& e, const ShapeRepr& r, EdgeUpdates& u) {
    if (!e.type.may_be_tensor())
        throw ValueError("Scalar values are shapeless, shape should be None or []. Got " +
                         SymbolNamer().repr_string(r) + ".");
    set_edge_type(e, Type::tensor(), u);
    Updates local;
    size_t before = e.shape->reprs.size();
    match_into(*e.shape, r, local);
    if (!local.empty() || e.shape->reprs.size() != before) {
        u.symbols.merge(local);
        u.add(&e, kShape);
    }
}

void set_edge_value(Edge& e, const Value& v, EdgeUpdates& u) {
    if (v.is_tbd()) return;
    if (e.is_valued()) {
        if (e.value == v) return;
        throw ValueError("Value is set before as " + e.value.repr() +
                         ". A value can not be reset.");
    }
    set_edge_type(e, type_of_value(v), u);
    if (v.is_tensor()) {
        std::vector<Dim> dims;
        for (int64_t d : v.as_tensor().shape()) dims.emplace_back(d);
        set_edge_shape(e, ShapeRepr(std::move(dims)), u);
    } else if (v.kind() == Value::Kind::Constant) {
        set_edge_shape(e, ShapeRepr(std::vector<Dim>{}), u);
    }
    e.value = v;
    if (!e.differentiable) e.differentiable = false;
    u.add(&e, kValue);
}

void set_edge_differentiable(Edge& e, bool d, EdgeUpdates& u) {
    if (e.differentiable && *e.differentiable != d) {
        if (d && e.is_valued())
            throw ValueError("Valued data can not be trainable");
        throw ValueError("Differentiability mismatch!");
    }
    if (d) set_edge_type(e, Type::tensor_float(), u);
    if (!e.differentiable) {
        e.differentiable = d;
        u.add(&e, kType);
    }
}

void override_edge_differentiable(Edge& e, bool d, EdgeUpdates& u) {
    if (d && e.is_valued()) throw ValueError("Valued data can not be trainable");
    if (d) set_edge_type(e, Type::tensor_float(), u);
    if (e.differentiable != d) {
        e.differentiable = d;
        u.add(&e, kType);
    }
}

Edge* merge_edges(Edge& a, Edge& b, EdgeUpdates& u) {
    if (&a == &b) return &a;
    Type merged = a.type & b.type;
    if (merged.empty())
        throw TypeError("Types of connections are not consistent. Check connection types!");
    if (a.is_valued() && b.is_valued() && !(a.value == b.value))
        throw ValueError("Value is set before as " + a.value.repr() +
                         ". A value can not be reset.");
    if (a.differentiable && b.differentiable && *a.differentiable != *b.differentiable) {
        // A valued (hence non-differentiable) side simply wins.
        if (!a.is_valued() && !b.is_valued()) throw ValueError("Differentiability mismatch!");
    }
    a.type = merged;
    if (b.is_valued() && !a.is_valued()) a.value = b.value;
    if (a.is_valued()) a.differentiable = false;
    else if (!a.differentiable) a.differentiable = b.differentiable;
    if (merged.may_be_tensor() && a.shape != b.shape) merge_nodes(*a.shape, *b.shape, u.symbols);
    if (b.elements_known) {
        if (!a.elements_known) {
            a.elements = b.elements;
            a.elements_known = true;
        } else if (a.elements.size() == b.elements.size()) {
            for (size_t i = 0; i < a.elements.size(); ++i) {
                Edge* ea = resolve(a.elements[i]);
                Edge* eb = resolve(b.elements[i]);
                if (ea != eb) merge_edges(*ea, *eb, u);
            }
        } else {
            throw ValueError("Given value is not compatible with the current value: "
                             "sequences of different lengths");
        }
    }
    for (Constraint* c : b.constraints)
        if (std::find(a.constraints.begin(), a.constraints.end(), c) == a.constraints.end())
            a.constraints.push_back(c);
    b.constraints.clear();
    b.shape = a.shape;
    b.forward = a.shared_from_this();
    u.add(&a, kShape | kType | kValue);
    return &a;
}

}  // namespace mithril::constraints

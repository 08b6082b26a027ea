// constraints/edge.hpp — the hyperedge (Mithril's IOHyperEdge).
//
// One Edge is one value in the model: its type (a union of atoms), its value
// (TBD until known), its symbolic shape (meaningful while the type may be a
// Tensor), its differentiability and the constraints reading it. Connections
// of every nesting level share edges by identity. Merging two edges makes one
// forward to the other (union-find); always go through resolve().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "constraints/symbols.hpp"
#include "mithril/types.hpp"
#include "mithril/value.hpp"

namespace mithril::constraints {

class Constraint;
struct EdgeUpdates;

struct Edge : std::enable_shared_from_this<Edge> {
    int id = 0;                               // creation order, for stable printing
    Type type = Type::any();
    Value value;                              // TBD unless known
    std::shared_ptr<ShapeNode> shape = std::make_shared<ShapeNode>();
    std::optional<bool> differentiable;
    std::vector<Constraint*> constraints;     // constraints reading this edge
    std::shared_ptr<Edge> forward;            // set once merged into another edge
    // For list/tuple edges whose items are themselves edges (ToList/ToTuple
    // outputs, Concat's list input): the item edges, in order. Empty when the
    // container's structure is unknown or the value is a plain literal.
    std::vector<std::shared_ptr<Edge>> elements;
    bool elements_known = false;

    static std::shared_ptr<Edge> make(Type t = Type::any());
    bool is_valued() const { return !value.is_tbd(); }
};

// Follow forwards to the live edge.
Edge* resolve(const std::shared_ptr<Edge>& e);
std::shared_ptr<Edge> resolve_shared(std::shared_ptr<Edge> e);

// Which aspects of an edge changed; constraints listen to a subset.
enum UpdateKind : unsigned { kShape = 1, kType = 2, kValue = 4 };

struct EdgeUpdates {
    Updates symbols;
    std::vector<std::pair<Edge*, unsigned>> edges;
    void add(Edge* e, unsigned kinds) { edges.emplace_back(e, kinds); }
    void merge(const EdgeUpdates& o) {
        symbols.merge(o.symbols);
        edges.insert(edges.end(), o.edges.begin(), o.edges.end());
    }
    bool empty() const { return symbols.empty() && edges.empty(); }
};

// ---- edge mutations (record into EdgeUpdates) ----------------------------------

// Intersect the type. TypeError("Acceptable types are ..., but ... type is
// provided!") when nothing is left.
void set_edge_type(Edge& e, Type t, EdgeUpdates& u);
// Set the value (also narrows the type, and the shape for Tensor values).
// ValueError("Value is set before as X. A value can not be reset.") when a
// different value is already there.
void set_edge_value(Edge& e, const Value& v, EdgeUpdates& u);
// ValueError("Differentiability mismatch!") on conflict.
void set_edge_differentiable(Edge& e, bool d, EdgeUpdates& u);
// A user's explicit setting (set_differentiability): replaces the flag.
// ValueError("Valued data can not be trainable") for a valued edge.
void override_edge_differentiable(Edge& e, bool d, EdgeUpdates& u);
// Match a repr into the edge's shape node.
void set_edge_shape(Edge& e, const ShapeRepr& r, EdgeUpdates& u);
// Merge b into a (types intersect, values must agree, shapes unify,
// constraints move). Returns the surviving edge (a).
Edge* merge_edges(Edge& a, Edge& b, EdgeUpdates& u);

// The type of a literal value (int → Int, Tensor of float → TensorFloat, ...).
Type type_of_value(const Value& v);

}  // namespace mithril::constraints

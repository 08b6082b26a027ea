// graph/model_graph.hpp — the wiring of one composite model as a Boost graph.
//
// Vertices are the model's submodels (in insertion order); an arc i -> j
// means an output connection of submodel i is an input connection of
// submodel j. Extension uses it for cycle detection and reachability; later
// passes (flattening, scheduling) walk it in topological order.
// Invariant: built from a snapshot of ModelData::subs; rebuild after changes.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <set>
#include <vector>

#include "logical/model_data.hpp"

namespace mithril::graph {

class ModelGraph {
public:
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

    explicit ModelGraph(const detail::ModelData& model);

    const Graph& graph() const { return g_; }
    size_t size() const { return boost::num_vertices(g_); }
    // Submodel indices in a topological order (producers first).
    // InternalError if the wiring has a cycle (extension prevents that).
    std::vector<size_t> topological_order() const;
    // Connections written, directly or transitively, from `sources`
    // (the sources included).
    std::set<const detail::ConnectionData*> downstream(
        const std::vector<const detail::ConnectionData*>& sources) const;

private:
    const detail::ModelData& model_;
    Graph g_;
};

}  // namespace mithril::graph

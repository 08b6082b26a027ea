// graph/model_graph.cpp — building the submodel graph, topological order, reachability.
#include "graph/model_graph.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <algorithm>
#include <iterator>

namespace mithril::graph {

ModelGraph::ModelGraph(const detail::ModelData& model) : model_(model), g_(model.subs.size()) {
    const auto& subs = model.subs;
    for (size_t j = 0; j < subs.size(); ++j)
        for (const auto& [kj, in] : subs[j].bindings) {
            if (!subs[j].model->is_input_key(kj)) continue;
            for (size_t i = 0; i < subs.size(); ++i) {
                if (i == j) continue;
                for (const auto& [ki, out] : subs[i].bindings)
                    if (out == in && subs[i].model->is_output_key(ki)) boost::add_edge(i, j, g_);
            }
        }
}

std::vector<size_t> ModelGraph::topological_order() const {
    std::vector<size_t> reversed;
    try {
        boost::topological_sort(g_, std::back_inserter(reversed));
    } catch (const boost::not_a_dag&) {
        throw InternalError("model graph of '" + model_.class_name + "' has a cycle");
    }
    return {reversed.rbegin(), reversed.rend()};
}

std::set<const detail::ConnectionData*> ModelGraph::downstream(
    const std::vector<const detail::ConnectionData*>& sources) const {
    const auto& subs = model_.subs;
    const size_t n = subs.size();
    // One extra vertex stands for the sources and points at their readers.
    Graph g = g_;
    auto source = boost::add_vertex(g);
    for (size_t i = 0; i < n; ++i)
        for (const auto& [k, pc] : subs[i].bindings)
            if (subs[i].model->is_input_key(k) &&
                std::find(sources.begin(), sources.end(), pc.get()) != sources.end())
                boost::add_edge(source, i, g);
    std::vector<boost::default_color_type> color(n + 1, boost::white_color);
    boost::breadth_first_visit(g, source, boost::visitor(boost::default_bfs_visitor())
                                              .color_map(boost::make_iterator_property_map(
                                                  color.begin(), boost::get(boost::vertex_index, g))));
    std::set<const detail::ConnectionData*> out(sources.begin(), sources.end());
    for (size_t i = 0; i < n; ++i) {
        if (color[i] == boost::white_color) continue;
        for (const auto& [k, pc] : subs[i].bindings)
            if (subs[i].model->is_output_key(k)) out.insert(pc.get());
    }
    return out;
}

}  // namespace mithril::graph

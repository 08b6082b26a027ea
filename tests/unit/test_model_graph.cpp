// The Boost.Graph view of a composite: topological order and reachability.
#include <catch2/catch.hpp>

#include "graph/model_graph.hpp"
#include "mithril/primitives.hpp"

using namespace mithril;

TEST_CASE("model graph orders producers before consumers", "[graph]") {
    Model m;
    // Inserted out of data order: the second Buffer feeds the first.
    m |= Buffer().connect({{"input", "b"}, {"output", "c"}});
    m |= Buffer().connect({{"input", "a"}, {"output", "b"}});
    m |= Add().connect({{"left", "c"}, {"right", "a"}, {"output", "d"}});
    graph::ModelGraph g(*m.data());
    REQUIRE(g.size() == 3);
    auto order = g.topological_order();
    auto pos = [&](size_t v) { return std::find(order.begin(), order.end(), v) - order.begin(); };
    CHECK(pos(1) < pos(0));
    CHECK(pos(0) < pos(2));
    auto down = g.downstream({m["b"].data().get()});
    CHECK(down.count(m["c"].data().get()) == 1);
    CHECK(down.count(m["d"].data().get()) == 1);
    CHECK(down.count(m["a"].data().get()) == 0);
}

// models/helpers.hpp — small helpers shared by the library composites.
//
// named()/shaped() build IOKeys; attach() extends a parent with a child
// (`parent |= child.connect(...)`) and hands back one of the child's
// connections, as `child.output` does in Mithril's models.py.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/models.hpp"
#include "mithril/primitives.hpp"

namespace mithril::models_detail {

// IOKey(name, value=value)
inline IOKey named(std::string name, Value value = {}) {
    IOKey k;
    k.name = std::move(name);
    k.value = std::move(value);
    return k;
}

// IOKey(name, shape=shape, value=value)
inline IOKey shaped(std::string name, ShapeTemplate shape, Value value = {}) {
    IOKey k = named(std::move(name), std::move(value));
    k.shape = std::move(shape);
    return k;
}

// IOKey(name, type=type, value=value)
inline IOKey typed(std::string name, Type type, Value value = {}) {
    IOKey k = named(std::move(name), std::move(value));
    k.type = type;
    return k;
}

// `parent |= child.connect(conns)`; returns child.<out>.
inline Connection attach(Model& parent, const Model& child, ConnectMap conns,
                         const std::string& out = "output") {
    parent |= child.connect(std::move(conns));
    return child[out];
}

// A fixed dim or a named symbol.
inline ShapeDim dim_or(std::optional<int64_t> d, const char* name) {
    return d ? ShapeDim(*d) : ShapeDim(name);
}

// Mithril's convert_to_tuple: lists (recursively) become tuples.
inline Value to_tuple(const Value& v) {
    if (!v.is_sequence()) return v;
    std::vector<Value> items;
    for (const auto& it : v.items()) items.push_back(to_tuple(it));
    return Value::tuple(std::move(items));
}

// A rank-0 tensor literal, as Mithril's Tensor(x).
inline Value scalar_tensor(double x) { return Value(Tensor::scalar(x)); }
inline Value scalar_tensor_int(int64_t x) { return Value(Tensor::scalar(x)); }

}  // namespace mithril::models_detail

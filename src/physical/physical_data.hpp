// physical/physical_data.hpp — the flat graph of a compiled model.
//
// After flattening, a compiled model is a list of primitive operators in a
// valid execution order over a table of physical keys. Each key stands for one
// logical hyperedge and has its physical name (FORMAT.md §3.1). Passes remove
// operators (marking them dead) and alias keys (Buffer removal, duplicate
// merging); `alias` always maps a key to the key that now holds its value.
// Invariants: ops[i].inputs / .output index `keys`; live ops are in execution
// order; a key is produced by at most one live op.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "constraints/edge.hpp"
#include "logical/model_data.hpp"
#include "mithril/compile.hpp"

namespace mithril::detail {

struct FlatKey {
    std::string name;
    std::shared_ptr<constraints::Edge> edge;
    constraints::Edge* e() const { return constraints::resolve(edge); }
};

struct FlatOp {
    std::string formula_key;
    std::shared_ptr<ModelData> model;   // the primitive
    std::vector<std::string> local_keys;  // input keys of the primitive, in order
    std::vector<int> inputs;            // key ids, same order
    int output = -1;
    bool live = true;
    bool output_can_be_differentiable = true;
};

struct PhysicalData {
    Model logical;                      // keeps the logical model alive
    ReferenceBackend backend;
    bool inference = false;
    std::vector<FlatKey> keys;
    std::map<std::string, int> by_name;
    std::map<const constraints::Edge*, int> by_edge;
    std::vector<FlatOp> ops;
    std::vector<int> alias;             // key id -> key id holding its value
    std::vector<std::string> input_names, output_names;  // external keys
    std::map<int, Value> cached;        // compile-time values (constants, statics, presets)
    std::set<int> trainables;           // differentiable inputs (params)
    std::set<int> data;                 // runtime non-differentiable inputs
    std::set<std::string> discarded;
    std::set<std::string> unused;
    std::set<std::string> unnamed_inputs;  // external inputs the user never named ($n)
    std::vector<std::pair<std::string, std::string>> state_pairs;  // input, output
    std::map<std::string, Value> state_initial;

    int root(int k) const {
        while (alias[size_t(k)] != k) k = alias[size_t(k)];
        return k;
    }
    int key_id(const std::string& name) const {
        auto it = by_name.find(name);
        return it == by_name.end() ? -1 : it->second;
    }
    bool is_output_name(const std::string& n) const {
        return std::find(output_names.begin(), output_names.end(), n) != output_names.end();
    }
    // Does key k (after aliasing) hold the value of one of the outputs?
    bool holds_output(int k) const {
        for (const auto& n : output_names)
            if (root(key_id(n)) == root(k)) return true;
        return false;
    }
    // Live ops reading key k (after aliasing).
    std::vector<int> consumers(int k) const;
    int producer(int k) const;  // live op writing k, or -1
};

// Flatten + name (physical/flatten.cpp).
void flatten_model(PhysicalData& pd, const std::shared_ptr<ModelData>& top, bool short_names);

}  // namespace mithril::detail

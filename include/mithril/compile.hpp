// mithril/compile.hpp — compile(): a logical model becomes a PhysicalModel.
//
// compile() flattens the model into a graph of primitives, names every key
// (short or long physical names, FORMAT.md §3.1), applies shapes and
// constants, runs the graph passes (buffer removal, duplicate merging,
// static inference, unused/hanging/discarded key pruning; FORMAT.md §3.2)
// and binds the result to a backend. PhysicalModel::evaluate runs forward
// and, on request, reverse-mode gradients built from per-op VJP rules.
// Note: compile applies shapes/constants to the logical model's own edges
// (Mithril deep-copies them); compile a model once.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/tensor.hpp"

namespace mithril {

namespace detail {
struct PhysicalData;
}

// The plain C++ backend: every primitive, float32/float64, the correctness oracle.
struct ReferenceBackend {
    Dtype dtype = Dtype::float32;
};

using DimSpec = std::optional<int64_t>;  // nullopt: unknown dim

struct CompileOptions {
    std::vector<std::pair<ConnRef, std::vector<DimSpec>>> shapes = {};
    std::vector<std::pair<ConnRef, Value>> constant_keys = {};
    std::vector<ConnRef> data_keys = {};
    std::vector<ConnRef> trainable_keys = {};
    std::vector<ConnRef> discard_keys = {};
    bool inference = false;
    bool jit = false;
    std::string file_path = {};
    bool safe_shapes = true;
    bool safe_names = true;
    bool use_short_namings = true;
};

using TensorMap = std::map<std::string, Tensor>;
using ValueMap = std::map<std::string, Value>;  // outputs may be scalars or tuples

struct EvaluateOptions {
    // false: outputs only. true: unit cotangent on the single scalar output /
    // final_cost. A map: cotangents per output key.
    std::variant<bool, TensorMap> output_gradients = false;
    TensorMap state = {};
    // Reject params/data whose shape contradicts a known inferred dim of the
    // same rank. Mithril itself does not check (its NumPy backend lets the
    // kernels see whatever arrives); the conformance runner turns this off to
    // reproduce that.
    bool check_shapes = true;
};

struct EvaluateResult {
    ValueMap outputs;
    TensorMap gradients;  // one entry per params key, when gradients were asked for
    TensorMap state;      // updated state, when the model has state keys
};

class PhysicalModel {
public:
    explicit PhysicalModel(std::shared_ptr<detail::PhysicalData> d) : data_(std::move(d)) {}

    EvaluateResult evaluate(const TensorMap& params = {}, const TensorMap& data = {},
                            const EvaluateOptions& opts = {}) const;
    TensorMap randomize_params(const std::vector<std::string>& excluded_keys = {},
                               uint64_t seed = 0) const;

    std::vector<std::string> input_keys() const;
    std::vector<std::string> output_keys() const;
    std::vector<std::string> trainable_keys() const;     // params
    std::vector<std::string> data_keys() const;          // runtime data (non-differentiable)
    std::vector<std::string> static_keys() const;        // FORMAT.md §3.2 "static keys"
    std::vector<std::string> discarded_keys() const;
    std::vector<std::string> state_keys() const;
    TensorMap initial_state_dict() const;
    bool has_grad(const std::string& key) const;
    // key -> shape (nullopt dims unknown); nullopt for non-tensors.
    std::map<std::string, std::optional<std::vector<DimSpec>>> get_shapes() const;
    std::string summary(bool verbose = false) const;
    bool inference() const;
    Dtype dtype() const;

    std::shared_ptr<detail::PhysicalData> data() const { return data_; }

private:
    std::shared_ptr<detail::PhysicalData> data_;
};

PhysicalModel compile(const Model& model, const ReferenceBackend& backend,
                      const CompileOptions& options = {});
// A TrainModel is finalized first (losses combined into final_cost).
class TrainModel;
PhysicalModel compile(TrainModel& model, const ReferenceBackend& backend,
                      const CompileOptions& options = {});

}  // namespace mithril

// mithril/train_model.hpp — TrainModel: a model plus losses, regularizers
// and metrics, combined into one `final_cost` output.
//
// Mirrors synnada-ai/mithril: mithril/models/train_model.py (spec §6,
// FORMAT.md §4). The wrapper keeps the wrapped model's input names and
// exposed outputs. add_loss() appends a loss model, its reduce steps (Mean()
// by default) and an optional coefficient; add_regularization() appends a
// regularizer on a trainable key (or, with a Regex, on every input key the
// pattern matches); finalize() (run by compile) divides each regularizer by
// the geometric mean of the reduced element counts of the losses that depend
// on its key, combines the losses (one loss: itself; several: the loss
// combiner, Sum() by default, over their concatenation) and exposes
// final_cost = Σ concat(loss, c_1·Σ(terms of coef c_1), ...). A finalized
// TrainModel is frozen; `+=` / `|=` on a TrainModel always fail.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mithril/model.hpp"

namespace mithril {

// A regular expression naming every TrainModel input key it matches
// (std::regex_search, i.e. anywhere in the key), as Mithril's re.compile(...).
struct Regex {
    std::string pattern;
};

class TrainModel : public Model {
public:
    explicit TrainModel(Model model);

    // Connect `loss_model` (conns: loss key -> a model output name/connection
    // or any other key), reduce its output with `reduce_steps` (default
    // {Mean()}), multiply by `coef` when given; the last output is named
    // `key_name` when given.
    void add_loss(Model loss_model, std::vector<Model> reduce_steps = {},
                  std::optional<std::string> key_name = std::nullopt,
                  std::optional<Value> coef = std::nullopt, ConnectMap conns = {});
    // Same, with the connections first.
    void add_loss(Model loss_model, ConnectMap conns, std::vector<Model> reduce_steps = {},
                  std::optional<std::string> key_name = std::nullopt,
                  std::optional<Value> coef = std::nullopt);

    // conns must name exactly the regularizer's unvalued inputs; reg_key names
    // the regularizer input that carries the regularized key (default: its
    // canonical input).
    void add_regularization(Model model, Value coef, ConnectMap conns,
                            std::optional<std::string> reg_key = std::nullopt,
                            std::optional<std::string> key_name = std::nullopt);
    // One regularizer per current input key matching `pattern`, connected to
    // its input `input_key`; `make` builds each one (Mithril deep-copies).
    void add_regularization(const std::function<Model()>& make, Value coef,
                            const std::string& input_key, const Regex& pattern,
                            std::optional<std::string> key_name = std::nullopt);

    // An extra output: metric model, reduce steps (default Buffer()), named key_name.
    void add_metric(Model model, std::vector<Model> reduce_steps = {},
                    std::optional<std::string> key_name = std::nullopt, ConnectMap conns = {});

    void set_loss_combiner(Model loss_combiner);
    // Idempotent; afterwards every add_* / set_loss_combiner throws.
    void finalize();
    bool is_finalized() const { return finalized_; }

    // The wrapped model.
    const Model& model() const { return model_; }
    // loss output key -> its final (reduced, scaled) key, in order of addition.
    const std::vector<std::pair<std::string, std::string>>& loss_keys() const { return loss_keys_; }

    // A TrainModel can not be extended.
    TrainModel& operator+=(const ExtendInfo& info);
    TrainModel& operator+=(const Model& child);
    TrainModel& operator|=(const ExtendInfo& info);
    TrainModel& operator|=(const Model& child);

private:
    struct RegTerm {
        std::string outer_key;   // the TrainModel key that is regularized
        Connection output;       // regularizer output (later divided by the geo-mean)
        size_t group;            // index into coef_groups_
    };
    struct CoefGroup {
        Value coef;
        std::vector<size_t> terms;  // indices into reg_terms_
    };
    struct ReduceRecord {
        Connection input;
        Connection axis;
    };

    void check_not_finalized() const;
    Model& base() { return *this; }
    void extend(const Model& child, ConnectMap conns);
    std::string key_of(const Connection& c) const;
    size_t coef_group(const Value& coef, std::optional<size_t> forced);
    void add_regularization_impl(Model model, const Value& coef, ConnectMap conns,
                                 const std::string& reg_str,
                                 const std::optional<std::string>& key_name,
                                 std::optional<size_t> group);
    std::vector<std::string> dependent_inputs(const std::string& key) const;
    Connection reduce_sizes(const std::vector<ReduceRecord>& reduces, bool& is_one);
    void add_geo_mean();
    void add_loss_combiner();

    Model model_;
    bool finalized_ = false;
    std::optional<Model> loss_combiner_;
    std::vector<std::pair<std::string, std::string>> loss_keys_;
    std::vector<std::vector<ReduceRecord>> reduce_inputs_;  // parallel to loss_keys_
    std::vector<RegTerm> reg_terms_;
    std::vector<CoefGroup> coef_groups_;
    std::vector<std::string> metric_keys_;
};

}  // namespace mithril

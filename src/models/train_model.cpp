// models/train_model.cpp — TrainModel (Mithril's models/train_model.py).
//
// Builds the training graph around a wrapped model as FORMAT.md §4 describes:
// losses with reduce steps and coefficients, regularizers grouped by
// coefficient, geometric-mean scaling of each regularizer by the reduced
// element counts of the losses that depend on its key, the loss combiner and
// final_cost. Two deliberate simplifications, neither of which changes a
// value: a loss without Mean/Min/Max steps contributes no factor (Mithril
// concatenates a constant Tensor(1)), and a regularizer whose dependent
// losses all have no such steps is left undivided (Mithril divides by 1).
#include "mithril/train_model.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "logical/model_data.hpp"
#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

namespace {

constexpr const char* kLossKey = "loss";
constexpr const char* kFinalCost = "final_cost";

const constraints::Edge* edge_of(const Connection& c) { return c.data()->e(); }

Connection single_output(const Model& m) {
    auto outs = m.output_keys();
    if (outs.size() != 1) throw KeyError("All models in steps require single output.");
    return m[outs.front()];
}

bool is_reduce_for_geo_mean(const Model& m) {
    const auto& cls = m.class_name();
    return cls == "Mean" || cls == "Min" || cls == "Max";
}

// Size(dim=TBD) -> ToTensor, with keys input, dim, output (Mithril's _create_size).
Model create_size() {
    Model m;
    Size size{Value()};
    m |= size.connect({{"input", "input"}, {"dim", "dim"}});
    m |= ToTensor().connect({{"input", size["output"]}, {"output", "output"}});
    m.expose_keys({"output"});
    return m;
}

bool same_coef(const Value& a, const Value& b) {
    if (a.is_tensor() || b.is_tensor())
        return a.is_tensor() && b.is_tensor() && a.tensor_ptr() == b.tensor_ptr();
    if (a.is_number() && b.is_number()) return a.as_float() == b.as_float();
    return a == b;
}

ConnectValue concat_all(const std::vector<Connection>& items) { return ConnectValue::list(items); }

}  // namespace

// ---- construction -------------------------------------------------------------------------

TrainModel::TrainModel(Model model) : Model(ClassTag{}, "TrainModel"), model_(model) {
    data()->may_be_submodel = false;
    // The wrapped model is frozen first (as extension would), so its
    // canonical outputs count among its outputs.
    if (!model.is_frozen()) model.data()->freeze();
    const auto inputs = model.input_keys();
    const auto outputs = model.output_keys();
    for (const char* reserved : {kLossKey, kFinalCost}) {
        auto in = [&](const std::vector<std::string>& v) {
            return std::find(v.begin(), v.end(), reserved) != v.end();
        };
        if (in(inputs) || in(outputs))
            throw KeyError(std::string("'") + reserved +
                           "' could not be used as an external key in TrainModel!");
    }
    ConnectMap conns;
    for (const auto& k : inputs)
        if (k.rfind('$', 0) != 0) conns.push_back({k, k});
    std::vector<ConnRef> exposed;
    for (const auto& k : outputs) {
        if (k.rfind('$', 0) == 0) continue;
        conns.push_back({k, named(k)});
        exposed.push_back(k);
    }
    extend(model, std::move(conns));
    if (!exposed.empty()) expose_keys(exposed);
    loss_combiner_ = Sum();
}

TrainModel& TrainModel::operator+=(const ExtendInfo&) {
    throw NotImplementedError("TrainModel could not be extended!");
}
TrainModel& TrainModel::operator+=(const Model&) {
    throw NotImplementedError("TrainModel could not be extended!");
}
TrainModel& TrainModel::operator|=(const ExtendInfo&) {
    throw RuntimeError("TrainModel could extend any other model!");
}
TrainModel& TrainModel::operator|=(const Model&) {
    throw RuntimeError("TrainModel could extend any other model!");
}

void TrainModel::check_not_finalized() const {
    if (finalized_) throw RuntimeError("No modifications can be made to a finalized TrainModel!");
}

void TrainModel::extend(const Model& child, ConnectMap conns) {
    base() |= child.connect(std::move(conns));
}

std::string TrainModel::key_of(const Connection& c) const {
    auto found = data()->find_by_edge(edge_of(c));
    if (!found) throw KeyError("Given key does not belong to the Model!");
    return found->key;
}

// ---- losses ----------------------------------------------------------------------------------

void TrainModel::add_loss(Model loss_model, ConnectMap conns, std::vector<Model> reduce_steps,
                          std::optional<std::string> key_name, std::optional<Value> coef) {
    add_loss(std::move(loss_model), std::move(reduce_steps), std::move(key_name), std::move(coef),
             std::move(conns));
}

void TrainModel::add_loss(Model loss_model, std::vector<Model> reduce_steps,
                          std::optional<std::string> key_name, std::optional<Value> coef,
                          ConnectMap conns) {
    check_not_finalized();
    // Every unvalued tensor input of the loss must be connected.
    std::set<std::string> given;
    for (const auto& [k, v] : conns) given.insert(k);
    for (const auto& key : loss_model.input_keys()) {
        if (given.count(key)) continue;
        Connection c = loss_model[key];
        if (c.type().is_tensor() && c.value().is_tbd())
            throw KeyError("The provided keys do not match the model's loss.");
    }
    // One of the connections must be an output of the model.
    std::set<const constraints::Edge*> output_edges;
    const auto outs = output_keys();
    if (!outs.empty()) {
        for (const auto& k : outs) output_edges.insert(edge_of((*this)[k]));
    } else {
        auto couts_ = couts();
        if (couts_.size() != 1) throw KeyError("Canonical output of given model is not available!");
        output_edges.insert(edge_of(couts_.front()));
    }
    bool connected = false;
    for (const auto& [k, v] : conns) {
        Connection c;
        if (const auto* conn = std::get_if<Connection>(&v.get())) {
            c = *conn;
        } else if (const auto* name = std::get_if<std::string>(&v.get())) {
            if (std::find(outs.begin(), outs.end(), *name) == outs.end()) continue;
            c = (*this)[*name];
        } else {
            continue;
        }
        connected = true;
        if (!output_edges.count(edge_of(c)))
            throw KeyError("Given key to the add_loss model should be one of the outputs of the model!");
    }
    if (!connected)
        throw KeyError(
            "The provided keys are not valid; at least one of the keys must belong to the model!");
    const auto loss_outputs = loss_model.output_keys();
    for (const auto& k : given)
        if (std::find(loss_outputs.begin(), loss_outputs.end(), k) != loss_outputs.end())
            throw KeyError("Output of the loss model cannot be defined!");

    extend(loss_model, std::move(conns));
    Connection prev = single_output(loss_model);
    const std::string loss_key = key_of(prev);

    if (reduce_steps.empty()) reduce_steps.push_back(Mean());
    std::vector<ReduceRecord> reduces;
    for (size_t i = 0; i < reduce_steps.size(); ++i) {
        Model& m = reduce_steps[i];
        const std::string in_key = m.cin().key();
        if (i + 1 == reduce_steps.size() && key_name && !coef) {
            const std::string out_key = single_output(m).key();
            extend(m, {{in_key, prev}, {out_key, named(*key_name)}});
            expose_keys({*key_name});
        } else {
            extend(m, {{in_key, prev}});
        }
        if (is_reduce_for_geo_mean(m)) reduces.push_back({prev, m["axis"]});
        prev = single_output(m);
    }
    if (coef) {
        Multiply mult;
        ConnectMap kw{{"left", prev}, {"right", *coef}};
        if (key_name) kw.push_back({"output", named(*key_name)});
        extend(mult, std::move(kw));
        if (key_name) expose_keys({*key_name});
        prev = mult["output"];
    }
    loss_keys_.push_back({loss_key, key_of(prev)});
    reduce_inputs_.push_back(std::move(reduces));
}

// ---- regularization ---------------------------------------------------------------------------

size_t TrainModel::coef_group(const Value& coef, std::optional<size_t> forced) {
    if (forced) return *forced;
    for (size_t i = 0; i < coef_groups_.size(); ++i)
        if (same_coef(coef_groups_[i].coef, coef)) return i;
    coef_groups_.push_back({coef, {}});
    return coef_groups_.size() - 1;
}

void TrainModel::add_regularization(Model model, Value coef, ConnectMap conns,
                                    std::optional<std::string> reg_key,
                                    std::optional<std::string> key_name) {
    check_not_finalized();
    std::set<std::string> keys;
    for (const auto& k : model.input_keys())
        if (model[k].value().is_tbd()) keys.insert(k);
    std::set<std::string> given;
    for (const auto& [k, v] : conns) given.insert(k);
    if (given != keys)
        throw KeyError("The provided keys do not match the regularization model keys!");
    const std::string reg_str = reg_key ? *reg_key : model.cin().key();

    auto saved_cins = cins();
    auto saved_couts = couts();
    add_regularization_impl(std::move(model), coef, std::move(conns), reg_str, key_name,
                            std::nullopt);
    if (!saved_cins.empty()) set_cin(std::vector<ConnRef>(saved_cins.begin(), saved_cins.end()));
    if (!saved_couts.empty())
        set_cout(std::vector<ConnRef>(saved_couts.begin(), saved_couts.end()));
}

void TrainModel::add_regularization(const std::function<Model()>& make, Value coef,
                                    const std::string& input_key, const Regex& pattern,
                                    std::optional<std::string> key_name) {
    check_not_finalized();
    {
        Model probe = make();
        std::set<std::string> keys;
        for (const auto& k : probe.input_keys())
            if (probe[k].value().is_tbd()) keys.insert(k);
        if (keys != std::set<std::string>{input_key})
            throw KeyError("The provided keys do not match the regularization model keys!");
    }
    const std::regex re(pattern.pattern);
    auto saved_cins = cins();
    auto saved_couts = couts();
    std::optional<size_t> group;
    for (const auto& key : input_keys()) {
        if (!std::regex_search(key, re)) continue;
        if (!group) group = coef_group(coef, std::nullopt);
        add_regularization_impl(make(), coef, {{input_key, key}}, input_key, key_name, group);
    }
    if (!saved_cins.empty()) set_cin(std::vector<ConnRef>(saved_cins.begin(), saved_cins.end()));
    if (!saved_couts.empty())
        set_cout(std::vector<ConnRef>(saved_couts.begin(), saved_couts.end()));
}

void TrainModel::add_regularization_impl(Model model, const Value& coef, ConnectMap conns,
                                         const std::string& reg_str,
                                         const std::optional<std::string>& key_name,
                                         std::optional<size_t> group) {
    // At least one connection must be a trainable key of the model.
    std::set<const constraints::Edge*> trainables;
    for (const auto& k : input_keys()) {
        if (k.rfind('$', 0) == 0) continue;
        Connection c = (*this)[k];
        if (c.differentiable() == std::optional<bool>(false)) continue;
        trainables.insert(edge_of(c));
    }
    bool provided = false;
    std::string outer_key;
    for (const auto& [k, v] : conns) {
        std::optional<Connection> c;
        if (const auto* conn = std::get_if<Connection>(&v.get()))
            c = *conn;
        else if (const auto* name = std::get_if<std::string>(&v.get()); name && has_key(*name))
            c = (*this)[*name];
        if (c && trainables.count(edge_of(*c))) provided = true;
        if (k == reg_str) {
            if (const auto* name = std::get_if<std::string>(&v.get()))
                outer_key = *name;
            else if (c)
                outer_key = c->key();
        }
    }
    if (!provided)
        throw KeyError(
            "The provided keys are not valid; at least one of the keys must belong to the model!");
    if (key_name) conns.push_back({single_output(model).key(), named(*key_name)});
    extend(model, std::move(conns));
    if (key_name) expose_keys({*key_name});

    const size_t g = coef_group(coef, group);
    reg_terms_.push_back({outer_key, model["output"], g});
    coef_groups_[g].terms.push_back(reg_terms_.size() - 1);
}

// ---- metrics and combiner ---------------------------------------------------------------------

void TrainModel::add_metric(Model model, std::vector<Model> reduce_steps,
                            std::optional<std::string> key_name, ConnectMap conns) {
    check_not_finalized();
    extend(model, std::move(conns));
    if (reduce_steps.empty()) reduce_steps.push_back(Buffer());
    Connection prev = single_output(model);
    for (size_t i = 0; i < reduce_steps.size(); ++i) {
        Model& m = reduce_steps[i];
        const std::string in_key = m.cin().key();
        if (i + 1 == reduce_steps.size() && key_name) {
            extend(m, {{in_key, prev}, {single_output(m).key(), named(*key_name)}});
            expose_keys({*key_name});
        } else {
            extend(m, {{in_key, prev}});
        }
        prev = single_output(m);
    }
    metric_keys_.push_back(key_of(prev));
}

void TrainModel::set_loss_combiner(Model loss_combiner) {
    check_not_finalized();
    loss_combiner_ = std::move(loss_combiner);
}

// ---- finalize ----------------------------------------------------------------------------------

// Input keys of this model that `key` depends on (at submodel granularity, as
// Mithril's dependency map: a child's outputs depend on all of its inputs).
std::vector<std::string> TrainModel::dependent_inputs(const std::string& key) const {
    // Walk the primitives (at every nesting level), so a loss depends only
    // on the inputs that really reach it, not on a whole wrapped model.
    const detail::ModelData& md = *data();
    std::map<const constraints::Edge*, const detail::ModelData*> producer;
    std::function<void(const detail::ModelData&)> collect = [&](const detail::ModelData& m) {
        for (const auto& sub : m.subs) {
            if (sub.model->is_primitive()) producer[sub.model->find("output")->e()] = sub.model.get();
            else collect(*sub.model);
        }
    };
    collect(md);

    std::vector<std::string> result;
    std::set<const constraints::Edge*> seen;
    std::vector<const constraints::Edge*> stack{edge_of((*this)[key])};
    while (!stack.empty()) {
        const constraints::Edge* e = stack.back();
        stack.pop_back();
        if (!seen.insert(e).second) continue;
        auto it = producer.find(e);
        if (it != producer.end()) {
            for (const auto& k : it->second->primitive_inputs) stack.push_back(it->second->find(k)->e());
            continue;
        }
        auto conn = md.find_by_edge(e);
        if (conn && md.is_input_key(conn->key)) result.push_back(conn->key);
    }
    return result;
}

// Product of the sizes reduced by one loss's Mean/Min/Max steps.
Connection TrainModel::reduce_sizes(const std::vector<ReduceRecord>& reduces, bool& is_one) {
    is_one = reduces.empty();
    if (is_one) return {};
    std::vector<Connection> sizes;
    for (const auto& r : reduces) {
        Model size_model = create_size();
        extend(size_model, {{"input", r.input}, {"dim", r.axis}});
        sizes.push_back(size_model["output"].atleast_1d());
    }
    Connection cat = attach(base(), Concat(Value(), None), {{"input", concat_all(sizes)}});
    return attach(base(), Prod(), {{"input", cat}});
}

void TrainModel::add_geo_mean() {
    std::vector<std::vector<size_t>> losses_of_term(reg_terms_.size());
    for (size_t li = 0; li < loss_keys_.size(); ++li) {
        const auto deps = dependent_inputs(loss_keys_[li].second);
        for (size_t t = 0; t < reg_terms_.size(); ++t)
            if (std::find(deps.begin(), deps.end(), reg_terms_[t].outer_key) != deps.end())
                losses_of_term[t].push_back(li);
    }
    for (size_t t = 0; t < reg_terms_.size(); ++t) {
        const auto& losses = losses_of_term[t];
        if (losses.empty()) continue;
        std::vector<Connection> factors;
        for (size_t li : losses) {
            bool one = false;
            Connection c = reduce_sizes(reduce_inputs_[li], one);
            if (!one) factors.push_back(c.atleast_1d());
        }
        if (factors.empty()) continue;  // every factor is 1
        Connection cat = attach(base(), Concat(Value(), None), {{"input", concat_all(factors)}});
        Connection divisor = attach(base(), Prod(), {{"input", cat}});
        if (losses.size() > 1)
            divisor = attach(base(), Power(),
                             {{"base", divisor},
                              {"exponent", Value(Tensor({1.0 / double(losses.size())}))}});
        reg_terms_[t].output = attach(
            base(), Divide(), {{"numerator", reg_terms_[t].output}, {"denominator", divisor}});
    }
}

void TrainModel::add_loss_combiner() {
    if (loss_keys_.empty()) throw ValueError("Requires at least 1 attached loss!");
    const bool has_reg = !reg_terms_.empty();
    ConnectValue out = has_reg ? ConnectValue(kLossKey) : ConnectValue(named(kFinalCost));
    if (loss_keys_.size() > 1) {
        std::vector<Connection> losses;
        for (const auto& [k, v] : loss_keys_) losses.push_back((*this)[v].atleast_1d());
        Connection cat = attach(base(), Concat(Value(), None), {{"input", concat_all(losses)}});
        extend(*loss_combiner_, {{"input", cat}, {"output", out}});
    } else {
        extend(Buffer(), {{"input", (*this)[loss_keys_.front().second]}, {"output", out}});
    }
}

void TrainModel::finalize() {
    if (finalized_) return;
    add_geo_mean();
    add_loss_combiner();
    if (!reg_terms_.empty()) {
        std::vector<Connection> args{(*this)[kLossKey].atleast_1d()};
        for (const auto& g : coef_groups_) {
            if (g.terms.empty()) continue;
            std::vector<Connection> outs;
            for (size_t t : g.terms) outs.push_back(reg_terms_[t].output.atleast_1d());
            Connection cat = attach(base(), Concat(Value(), None), {{"input", concat_all(outs)}});
            Connection sum = attach(base(), Sum(), {{"input", cat}});
            args.push_back(attach(base(), Multiply(), {{"left", sum}, {"right", g.coef}}));
        }
        Connection cat = attach(base(), Concat(Value(), None), {{"input", concat_all(args)}});
        attach(base(), Sum(), {{"input", cat}, {"output", named(kFinalCost)}});
    }
    expose_keys({kFinalCost});
    set_cout({kFinalCost});
    finalized_ = true;
    finish_library_model();
}

}  // namespace mithril

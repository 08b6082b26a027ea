// conformance/keys_suites.cpp — the compile-only suites that compare key sets:
// static_keys_directed_test (FORMAT.md §5.7) and discard_keys_directed_test
// (§5.8). Both compile in inference mode with safe shapes and short names;
// neither evaluates.
#include <algorithm>
#include <random>

#include "conformance/runner.hpp"
#include "mithril/train_model.hpp"

namespace mithril::conformance {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<std::string> json_names(const Json &v, const std::string &what) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (!v.is_array()) throw CaseFailure("'" + what + "' must be a list of names");
    for (const auto &x : v) {
        if (!x.is_string()) throw CaseFailure("'" + what + "' must be a list of names");
        out.push_back(x.get<std::string>());
    }
    return out;
}

Tensor standard_normal(const std::vector<int64_t> &shape, std::mt19937_64 &rng) {
    Tensor t(Dtype::float64, shape);
    std::normal_distribution<double> n(0.0, 1.0);
    double *p = t.data<double>();
    for (int64_t i = 0; i < t.numel(); ++i)
        p[i] = n(rng);
    return t;
}

void run_static_case(const std::string &backend, const std::string &name, const Json &c) {
    Model m = io::model_from_json(c.at("model"));
    CompileOptions co;
    co.inference = true;
    co.jit = true;
    std::mt19937_64 rng(hash_name(name));
    if (auto s = c.find("static_input_shapes"); s != c.end() && s->is_object()) {
        for (auto it = s->begin(); it != s->end(); ++it) {
            std::vector<int64_t> shape;
            for (const auto &d : *it)
                shape.push_back(d.get<int64_t>());
            co.constant_keys.emplace_back(it.key(), Value(standard_normal(shape, rng)));
        }
    }
    for (const auto &k : json_names(c.value("discard_keys", Json()), "discard_keys"))
        co.discard_keys.emplace_back(k);
    PhysicalModel pm = compile_on(backend, m, Dtype::float64, co);
    const auto want = sorted(
        json_names(c.at("results").value("static_keys", Json::array()), "results.static_keys"));
    const auto got = sorted(pm.static_keys());
    if (got != want)
        throw CaseFailure("[" + backend + "] static keys " + join_keys(got) + " != expected " +
                          join_keys(want));
}

void run_discard_case(const std::string &backend, const Json &c) {
    Model m = io::model_from_json(c.at("model"));
    std::optional<TrainModel> train;
    if (auto s = c.find("output_specs"); s != c.end() && s->is_object() && !s->empty()) {
        train = io::train_model_from_specs(m, *s, c.value("regularizations", Json()),
                                           c.value("final_loss_combiner", Json()));
        train->finalize();
    }
    CompileOptions co;
    co.inference = true;
    co.jit = true;
    for (const auto &k : json_names(c.value("discard_keys", Json()), "discard_keys"))
        co.discard_keys.emplace_back(k);
    PhysicalModel pm =
        compile_on(backend, train ? static_cast<const Model &>(*train) : m, Dtype::float64, co);
    const Json &results = c.at("results");
    const auto want_discard =
        sorted(json_names(results.value("discard_keys", Json::array()), "results.discard_keys"));
    const auto want_outputs =
        sorted(json_names(results.value("output_keys", Json::array()), "results.output_keys"));
    const auto got_discard = sorted(pm.discarded_keys());
    const auto got_outputs = sorted(pm.output_keys());
    const std::string tag = "[" + backend + "] ";
    if (got_discard != want_discard)
        throw CaseFailure(tag + "discarded keys " + join_keys(got_discard) + " != expected " +
                          join_keys(want_discard));
    if (got_outputs != want_outputs)
        throw CaseFailure(tag + "output keys " + join_keys(got_outputs) + " != expected " +
                          join_keys(want_outputs));
}

} // namespace

void run_static_keys_suite(const std::string &suite, const Json &cases, const Options &o,
                           const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &) {
            for (const auto &backend : o.backends)
                run_static_case(backend, name, c);
        }));
    }
}

void run_discard_keys_suite(const std::string &suite, const Json &cases, const Options &o,
                            const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &) {
            for (const auto &backend : o.backends)
                run_discard_case(backend, c);
        }));
    }
}

} // namespace mithril::conformance

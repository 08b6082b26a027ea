// conformance/primitives.cpp — primitives_directed_test (FORMAT.md §5.5).
//
// No upstream harness reads this suite; it is run as §5.5 maps it onto the
// models procedure: `model` is a registry name or a dict; with `output_grad`,
// every key of `inputs` is marked differentiable and passed as a param and the
// cotangent of `output` is `output_grad`; without it only the forward pass is
// checked, with `inputs` passed as runtime data. `static_inputs` are constant
// keys; `results.eval` is the value of `output`; §1.4 compares.
#include <algorithm>
#include <cctype>

#include "conformance/runner.hpp"

namespace mithril::conformance {

namespace {

std::string lower(std::string s) {
    for (auto &ch : s)
        ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

void run_primitive_case(const std::string &backend, const Json &c, const Options &o) {
    if (!c.contains("model")) throw CaseFailure("the case has no 'model' field");
    Json dict = c["model"];
    if (dict.is_string()) dict = Json{{"name", dict}};
    const bool with_grad = c.contains("output_grad");
    Json inputs = c.contains("inputs") ? c["inputs"] : Json::object();
    Json grad = c.contains("results") && c["results"].contains("grad") ? c["results"]["grad"]
                                                                       : Json::object();
    Model m;
    if (dict.is_object() && lower(dict.value("name", "")) == "concat" && dict.contains("args") &&
        dict["args"].contains("n")) {
        // Stale layout: Concat(axis = args.axis or 0) fed [input1, ..., inputN] (§5.5).
        const Json &args = dict["args"];
        const int64_t n = args["n"].get<int64_t>();
        Json axis = args.contains("axis") && !args["axis"].is_null() ? args["axis"] : Json(0);
        std::vector<std::string> items;
        m = wrap_list_input(
            io::model_from_json(Json{{"name", "Concat"}, {"args", {{"axis", axis}}}}), "input",
            size_t(n), items);
        Json renamed = Json::object(), renamed_grad = Json::object();
        for (int64_t i = 0; i < n; ++i) {
            const std::string old_key = "input" + std::to_string(i + 1);
            if (inputs.contains(old_key)) renamed[items[size_t(i)]] = inputs[old_key];
            if (grad.contains(old_key)) renamed_grad[items[size_t(i)]] = grad[old_key];
        }
        inputs = renamed;
        grad = renamed_grad;
    } else {
        m = io::model_from_json(dict);
    }
    TensorMap values;
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
        values[it.key()] = io::json_to_tensor(*it, it.key());
    if (with_grad && !inputs.empty()) {
        std::vector<std::pair<ConnRef, bool>> flags;
        for (auto it = inputs.begin(); it != inputs.end(); ++it)
            flags.emplace_back(it.key(), true);
        m.set_differentiability(std::move(flags));
    }
    CompileOptions co;
    if (!with_grad) // plain runtime inputs
        for (auto it = inputs.begin(); it != inputs.end(); ++it)
            co.data_keys.emplace_back(it.key());
    if (auto s = c.find("static_inputs"); s != c.end() && s->is_object())
        for (auto it = s->begin(); it != s->end(); ++it)
            co.constant_keys.emplace_back(it.key(), static_value(m, it.key(), *it));
    PhysicalModel pm = compile_on(backend, m, Dtype::float64, co);

    const std::string tag = "[" + backend + "] ";
    const Json &results = c.contains("results") ? c["results"] : Json::object();
    EvaluateResult outs = with_grad ? pm.evaluate(values) : pm.evaluate({}, values);
    if (results.contains("eval")) {
        auto it = outs.outputs.find("output");
        if (it == outs.outputs.end()) throw CaseFailure(tag + "no output 'output'");
        auto got = as_tensor(it->second);
        if (!got) throw CaseFailure(tag + "output 'output' is not a tensor: " + it->second.repr());
        Tensor e = expected_tensor(results["eval"], o.alternative, "output");
        if (auto why = directed_mismatch(e, *got))
            throw CaseFailure(tag + "output 'output' " + *why);
    }
    if (!with_grad) return;
    EvaluateOptions eo;
    eo.output_gradients =
        TensorMap{{"output", expected_tensor(c["output_grad"], o.alternative, "output_grad")}};
    EvaluateResult grads = pm.evaluate(values, {}, eo);
    std::vector<std::string> want, got;
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
        want.push_back(it.key());
    for (const auto &[k, v] : grads.gradients)
        got.push_back(k);
    std::sort(want.begin(), want.end());
    if (want != got)
        throw CaseFailure(tag + "gradient keys " + join_keys(got) + " != expected " +
                          join_keys(want));
    for (auto it = grad.begin(); it != grad.end(); ++it) {
        auto g = grads.gradients.find(it.key());
        if (g == grads.gradients.end())
            throw CaseFailure(tag + "no gradient for '" + it.key() + "'");
        Tensor e = expected_tensor(*it, o.alternative, it.key());
        if (auto why = directed_mismatch(e, g->second))
            throw CaseFailure(tag + "grad '" + it.key() + "' " + *why);
    }
}

} // namespace

void run_primitives_suite(const std::string &suite, const Json &cases, const Options &o,
                          const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        if (auto why = excluded_reason(suite, it.key())) {
            emit({name, Status::Skip, *why, {}});
            continue;
        }
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &) {
            for (const auto &backend : o.backends)
                run_primitive_case(backend, c, o);
        }));
    }
}

} // namespace mithril::conformance

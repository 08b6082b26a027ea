// conformance/randomized.cpp — randomized_model_tests_all_backends (FORMAT.md §5.6).
//
// Each iteration draws shapes and arguments with the `randomizer` rule, builds
// the model, draws constants (`static_input_info`), compiles on the reference
// backend with constant / trainable keys and `input_info` shapes, draws every
// runtime input from its inferred shape (then the value transform), evaluates
// outputs and, unless in inference mode, gradients against standard-normal
// cotangents of the differentiable exposed outputs, and runs the shape check.
// Every other selected backend is compiled the same way, fed the same values
// and compared with |R - B| <= atol + rtol·|B| (NaN equals NaN). With only
// the reference backend nothing is compared (as Mithril with NumPy alone).
// Draws are seeded from the case name and iteration, so failures reproduce.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <random>

#include "conformance/runner.hpp"

namespace mithril::conformance {

namespace {

using Rng = std::mt19937_64;

int64_t uniform_int(Rng &rng, int64_t lo, int64_t hi) {
    if (hi < lo) std::swap(lo, hi);
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

bool is_int_pair(const Json &v) {
    return v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer();
}

// The `randomizer` of §5.6, applied to one JSON list.
Json randomize(const Json &list, Rng &rng) {
    if (!list.is_array() || list.empty()) return list;
    const Json &first = list[0];
    if (first.is_boolean() || first.is_string())
        return list[size_t(uniform_int(rng, 0, int64_t(list.size()) - 1))];
    if (is_int_pair(list)) return uniform_int(rng, list[0].get<int64_t>(), list[1].get<int64_t>());
    if (first.is_array() && !first.empty() && first[0].is_string()) {
        Json out = Json::array();
        for (const auto &inner : list)
            out.push_back(randomize(inner, rng));
        return out;
    }
    if (std::all_of(list.begin(), list.end(), [](const Json &x) { return is_int_pair(x); })) {
        Json out = Json::array();
        for (const auto &p : list)
            out.push_back(uniform_int(rng, p[0].get<int64_t>(), p[1].get<int64_t>()));
        return out;
    }
    return list;
}

// `dict_to_random`: randomize every list, recurse into objects, replace
// random_shapes symbols by their drawn shapes.
Json dict_to_random(const Json &obj, const Json &shapes, Rng &rng) {
    if (obj.is_array()) return randomize(obj, rng);
    if (obj.is_string() && shapes.contains(obj.get<std::string>()))
        return shapes[obj.get<std::string>()];
    if (!obj.is_object()) return obj;
    Json out = Json::object();
    for (auto it = obj.begin(); it != obj.end(); ++it)
        out[it.key()] = dict_to_random(*it, shapes, rng);
    return out;
}

std::vector<int64_t> dims_of(const Json &shape, const std::string &what) {
    std::vector<int64_t> out;
    if (!shape.is_array()) throw CaseFailure("shapes of '" + what + "' did not draw to a list");
    for (const auto &d : shape)
        out.push_back(d.get<int64_t>());
    return out;
}

Tensor normal(const std::vector<int64_t> &shape, Rng &rng) {
    Tensor t(Dtype::float64, shape);
    std::normal_distribution<double> n(0.0, 1.0);
    double *p = t.data<double>();
    for (int64_t i = 0; i < t.numel(); ++i)
        p[i] = n(rng);
    return t;
}

// `info_to_array`: the value transform of a drawn info object.
Tensor info_to_array(const Json &info, const std::vector<int64_t> &shape, Dtype dtype, Rng &rng) {
    if (info.value("mode", "float") == "int") {
        const Json &iv = info.at("interval");
        Tensor t(Dtype::int64, shape);
        int64_t *p = t.data<int64_t>();
        for (int64_t i = 0; i < t.numel(); ++i)
            p[i] = uniform_int(rng, iv[0].get<int64_t>(), iv[1].get<int64_t>());
        return t;
    }
    Tensor t = normal(shape, rng);
    double *p = t.data<double>();
    const int64_t n = t.numel();
    const double sd = info.value("std_dev", 1.0), mean = info.value("mean", 0.0);
    for (int64_t i = 0; i < n; ++i)
        p[i] = p[i] * sd + mean;
    if (info.value("is_positive", false))
        for (int64_t i = 0; i < n; ++i)
            p[i] = std::fabs(p[i]);
    const bool square = shape.size() >= 2 && shape[shape.size() - 1] == shape[shape.size() - 2];
    const int64_t m = square ? shape.back() : 0, batch = m ? n / (m * m) : 0;
    if (info.value("zero_diag", false) && square)
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t i = 0; i < m; ++i)
                p[b * m * m + i * m + i] = 0.0;
    if (info.value("is_symmetric", false) && square)
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t i = 0; i < m; ++i)
                for (int64_t j = i + 1; j < m; ++j) {
                    double &x = p[b * m * m + i * m + j];
                    double &y = p[b * m * m + j * m + i];
                    x = y = (x + y) / 2.0;
                }
    if (info.value("normalize", false)) {
        double s = 0.0;
        for (int64_t i = 0; i < n; ++i)
            s += p[i];
        for (int64_t i = 0; i < n; ++i)
            p[i] /= s;
    }
    if (info.value("bool", false)) {
        Tensor b(Dtype::bool_, shape);
        bool *q = b.data<bool>();
        for (int64_t i = 0; i < n; ++i)
            q[i] = uniform_int(rng, 0, 1) == 1;
        return b;
    }
    return dtype == Dtype::float64 ? t : t.astype(dtype);
}

struct Tolerances {
    double eval_atol, grad_atol, eval_rtol, grad_rtol;
};

Tolerances tolerances(const Json &c, Dtype dtype) {
    const bool f64 = dtype == Dtype::float64;
    Tolerances t =
        f64 ? Tolerances{1e-13, 1e-12, 1e-13, 1e-12} : Tolerances{1e-5, 1e-4, 1e-5, 1e-4};
    const std::string bits = f64 ? "64bit_" : "32bit_";
    auto apply = [&](const char *name, double &ev, double &gr) {
        auto it = c.find(bits + name);
        if (it == c.end()) return;
        if (it->is_object()) {
            ev = it->value("eval", ev);
            gr = it->value("grad", gr);
        } else {
            ev = it->get<double>();
            gr = 10.0 * ev;
        }
    };
    apply("tolerance", t.eval_atol, t.grad_atol);
    apply("relative_tolerance", t.eval_rtol, t.grad_rtol);
    return t;
}

std::string lower(std::string s) {
    for (auto &ch : s)
        ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

struct Run {
    EvaluateResult outs, grads;
    bool has_grads = false;
};

void compare_runs(const std::string &backend, const Run &r, const Run &b, const Tolerances &t) {
    auto keys = [](const auto &m) {
        std::vector<std::string> k;
        for (const auto &[n, v] : m)
            k.push_back(n);
        return k;
    };
    for (const auto &[k, v] : b.outs.outputs)
        if (!r.outs.outputs.count(k))
            throw CaseFailure("[" + backend + "] output keys " + join_keys(keys(b.outs.outputs)) +
                              " != reference " + join_keys(keys(r.outs.outputs)));
    for (const auto &[k, v] : r.outs.outputs) {
        auto bv = b.outs.outputs.find(k);
        if (bv == b.outs.outputs.end())
            throw CaseFailure("[" + backend + "] no output '" + k + "'");
        auto rt = as_tensor(v), bt = as_tensor(bv->second);
        if (!rt || !bt) {
            if (!(v == bv->second))
                throw CaseFailure("[" + backend + "] output '" + k + "' differs");
            continue;
        }
        if (auto why = allclose_mismatch(*rt, *bt, t.eval_atol, t.eval_rtol))
            throw CaseFailure("[" + backend + "] output '" + k + "' " + *why);
    }
    if (!r.has_grads) return;
    for (const auto &[k, g] : b.grads.gradients)
        if (!r.grads.gradients.count(k))
            throw CaseFailure("[" + backend + "] gradient keys " +
                              join_keys(keys(b.grads.gradients)) + " != reference " +
                              join_keys(keys(r.grads.gradients)));
    for (const auto &[k, g] : r.grads.gradients) {
        auto bg = b.grads.gradients.find(k);
        if (bg == b.grads.gradients.end())
            throw CaseFailure("[" + backend + "] no gradient '" + k + "'");
        if (auto why = allclose_mismatch(g, bg->second, t.grad_atol, t.grad_rtol))
            throw CaseFailure("[" + backend + "] grad '" + k + "' " + *why);
    }
}

// §5.6 step 10: numeric shapes of the reference run vs the inferred ones.
void shape_check(const PhysicalModel &pm,
                 const std::map<std::string, std::vector<int64_t>> &numeric) {
    const auto inferred = pm.get_shapes();
    for (const auto &[key, want] : numeric) {
        bool exists = false;
        auto got = inferred_shape(pm, inferred, key, exists);
        if (!exists) continue;
        std::vector<DimSpec> w(want.begin(), want.end());
        if (!got || *got != w)
            throw CaseFailure("[reference] shape of '" + key + "' inferred " + dims_text(got) +
                              " != " + shape_text(want));
    }
}

void run_iteration(const std::string &name, const Json &c, const Options &o, Dtype dtype, int iter,
                   Tolerances &tol, CaseResult &r) {
    Rng rng(hash_name(name) ^ (uint64_t(iter + 1) * 0x9E3779B97F4A7C15ull) ^ uint64_t(dtype));
    // 1. random shapes
    Json shapes = Json::object();
    if (auto rs = c.find("random_shapes"); rs != c.end() && rs->is_object())
        for (auto it = rs->begin(); it != rs->end(); ++it)
            shapes[it.key()] = randomize(*it, rng);
    // 2. arguments and the model
    Json dict = c.at("model");
    Json args = dict.value("args", Json::object());
    if (auto ra = dict.find("regular_args"); ra != dict.end())
        for (auto it = ra->begin(); it != ra->end(); ++it)
            args[it.key()] = *it;
    if (auto ra = dict.find("randomized_args"); ra != dict.end())
        for (auto it = ra->begin(); it != ra->end(); ++it)
            args[it.key()] = randomize(*it, rng);
    for (const char *f :
         {"randomized_args", "regular_args", "floats", "types", "static_input_info"})
        dict.erase(f);
    if (!args.empty()) dict["args"] = args;
    const std::string cls = lower(dict.value("name", ""));
    if (cls == "manytoone" || cls == "onetomany") {
        tol.eval_atol *= 3;
        tol.grad_atol *= 3;
        tol.eval_rtol *= 3;
        tol.grad_rtol *= 3;
    }
    const bool inference = c.value("inference", false);

    // 3. constants
    const Json statics = c.value("static_input_info", Json::object());
    std::vector<std::pair<std::string, Json>> drawn_lists;
    std::vector<std::pair<std::string, Tensor>> drawn_tensors;
    for (auto it = statics.begin(); it != statics.end(); ++it) {
        Json d = dict_to_random(*it, shapes, rng);
        if (it->is_array()) {
            drawn_lists.emplace_back(it.key(), d);
        } else {
            auto shape = dims_of(d.value("shapes", Json::array()), it.key());
            drawn_tensors.emplace_back(it.key(), info_to_array(d, shape, dtype, rng));
        }
    }
    // 5. shapes of input_info keys (drawn before compile; values after)
    const Json infos = c.value("input_info", Json::object());
    std::map<std::string, Json> drawn_info;
    std::vector<std::pair<ConnRef, std::vector<DimSpec>>> compile_shapes;
    for (auto it = infos.begin(); it != infos.end(); ++it) {
        Json d = dict_to_random(*it, shapes, rng);
        drawn_info[it.key()] = d;
        if (d.contains("shapes")) {
            auto dims = dims_of(d["shapes"], it.key());
            compile_shapes.emplace_back(it.key(), std::vector<DimSpec>(dims.begin(), dims.end()));
        }
    }

    std::map<std::string, Run> runs;
    std::map<std::string, std::vector<int64_t>> numeric;
    TensorMap params, data;
    std::map<std::string, Tensor> cotangents;
    for (size_t bi = 0; bi < o.backends.size(); ++bi) {
        const std::string &backend = o.backends[bi];
        Model m = io::model_from_json(dict);
        CompileOptions co;
        co.inference = inference;
        co.jit = true;
        co.shapes = compile_shapes;
        for (const auto &[k, v] : drawn_lists)
            co.constant_keys.emplace_back(k, static_value(m, k, v));
        for (const auto &[k, t] : drawn_tensors)
            co.constant_keys.emplace_back(k, Value(t));
        // 4. trainable keys
        for (const auto &k : m.input_keys()) {
            if (k.empty() || k[0] == '$' || k == "threshold" || k == "quantile" ||
                statics.contains(k))
                continue;
            Connection conn = m[k];
            if (!conn.type().may_be_tensor() || !conn.value().is_tbd()) continue;
            co.trainable_keys.emplace_back(k);
        }
        PhysicalModel pm = compile_on(backend, m, dtype, co);
        if (bi == 0) {
            // 7. values of every runtime input, from the inferred shapes
            auto inferred = pm.get_shapes();
            auto draw = [&](const std::string &k) {
                std::vector<int64_t> shape;
                auto it = inferred.find(k);
                if (it != inferred.end() && it->second)
                    for (auto d : *it->second)
                        shape.push_back(d.value_or(1));
                else
                    shape = {1};
                auto info = drawn_info.find(k);
                return info_to_array(info == drawn_info.end() ? Json::object() : info->second,
                                     shape, dtype, rng);
            };
            for (const auto &k : pm.trainable_keys())
                params[k] = draw(k);
            for (const auto &k : pm.data_keys())
                data[k] = draw(k);
        }
        Run run;
        run.outs = pm.evaluate(params, data);
        if (bi == 0) {
            const auto diff_outputs = differentiable_outputs(pm);
            for (const auto &k : m.output_keys()) {
                auto out = run.outs.outputs.find(k);
                if (out == run.outs.outputs.end() || !diff_outputs.count(k)) continue;
                if (auto t = as_tensor(out->second)) {
                    Tensor n = normal(t->shape(), rng);
                    cotangents[k] = dtype == Dtype::float64 ? n : n.astype(dtype);
                }
            }
        }
        if (!inference && !cotangents.empty()) {
            EvaluateOptions eo;
            eo.output_gradients = TensorMap(cotangents.begin(), cotangents.end());
            run.grads = pm.evaluate(params, data, eo);
            run.has_grads = true;
        }
        if (bi == 0) {
            // 10. shape check on the reference run
            for (const auto &[k, t] : params)
                numeric[k] = t.shape();
            for (const auto &[k, t] : data)
                numeric[k] = t.shape();
            for (const auto &[k, t] : run.grads.gradients)
                numeric[k] = t.shape();
            for (const auto &[k, v] : run.outs.outputs)
                if (auto t = as_tensor(v)) numeric[k] = t->shape();
            for (const auto &[k, t] : drawn_tensors)
                numeric[k] = t.shape();
            shape_check(pm, numeric);
            if (!inference && cotangents.empty() && iter == 0)
                r.notes.push_back("no differentiable exposed output: gradients not evaluated");
        } else {
            compare_runs(backend, runs.at(o.backends.front()), run, tol);
        }
        runs.emplace(backend, std::move(run));
    }
}

} // namespace

void run_randomized_suite(const std::string &suite, const Json &cases, const Options &o,
                          const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &r) {
            if (o.backends.size() == 1)
                r.notes.push_back("single backend: built, compiled, evaluated and shape-checked; "
                                  "nothing compared (as Mithril with NumPy alone)");
            // float32 first when both run (§5.6).
            std::vector<Dtype> dtypes = o.dtypes;
            std::stable_sort(dtypes.begin(), dtypes.end(), [](Dtype a, Dtype b) {
                return a == Dtype::float32 && b != Dtype::float32;
            });
            const int iterations = o.iterations > 0 ? o.iterations : c.value("iterations", 10);
            for (Dtype dtype : dtypes) {
                Tolerances tol = tolerances(c, dtype);
                for (int i = 0; i < iterations; ++i) {
                    try {
                        run_iteration(name, c, o, dtype, i, tol, r);
                    } catch (const CaseFailure &e) {
                        throw CaseFailure(std::string(e.what()) + " (" +
                                          std::string(dtype_name(dtype)) + ", iteration " +
                                          std::to_string(i) + ")");
                    } catch (const Error &e) {
                        throw CaseFailure(std::string(e.python_name()) + ": " + e.what() + " (" +
                                          std::string(dtype_name(dtype)) + ", iteration " +
                                          std::to_string(i) + ")");
                    }
                }
            }
        }));
    }
}

} // namespace mithril::conformance

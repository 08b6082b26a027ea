// conformance/common.cpp — suite dispatch by file name (FORMAT.md §5), the
// exclusion table (§6), comparisons (§1.4, §5.6) and helpers shared by the
// suite families.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "conformance/runner.hpp"
#include "mithril/primitives.hpp"
#include "physical/physical_data.hpp"

namespace mithril::conformance {

namespace {

// FORMAT.md §6, word for word where the table gives the reason.
const std::map<std::string, std::map<std::string, std::string>> &exclusions() {
    static const std::string gpr =
        "excluded upstream: the expected output key 'predictions' does not exist "
        "(GaussProcessRegressionCore's outputs are loss, prediction and confidence)";
    static const std::string power = "excluded upstream without a stated reason";
    static const std::string subnormal =
        "excluded upstream: subnormal inputs (1e-311), on which backends disagree";
    static const std::string tsne_models =
        "excluded upstream: static_keys name internal keys of the old long naming scheme "
        "(TsnePJoint_0_output, TSNECore_2_TsnePJoint_0_output)";
    static const std::string tsne_int =
        "excluded upstream: static keys with old long internal names "
        "(TSNECore_0_TsnePJoint_1_output, TSNE_0_TSNECore_2_TsnePJoint_0_output)";
    static const std::string leaky =
        "stale data: the case builds LeakyRelu without a slope, whose default is 0.01 "
        "(FORMAT.md §7.1), but its expected values were computed with slope 0.2; this suite "
        "never had an upstream harness (§5.5)";
    static const std::map<std::string, std::map<std::string, std::string>> t = {
        {"models_directed_test",
         {{"test_GaussProcessRegressionLayer", gpr},
          {"test_GaussProcessRegressionLayer_2", gpr},
          {"test_power_1", power},
          {"test_power_5", power},
          {"test_tsne_1", tsne_models},
          {"test_tsne_core_1", tsne_models},
          {"test_tsne_core_2", tsne_models},
          {"test_tsne_core_3", tsne_models + "; its NOTE says its expected gradients are wrong"},
          {"test_robust_log_3", subnormal},
          {"test_robust_power_7", subnormal}}},
        {"integration_directed_test",
         {{"test_linear_9", "excluded upstream: stale train_context layout, no model field"},
          {"test_tsne_core_1", tsne_int},
          {"test_tsne_core_2", tsne_int},
          {"test_tsne_2", tsne_int}}},
        {"primitives_directed_test",
         {{"test_power_1", "mirror of models_directed_test/test_power_1: " + power},
          {"test_power_5", "mirror of models_directed_test/test_power_5: " + power},
          {"test_robust_log_3", "mirror of models_directed_test/test_robust_log_3: " + subnormal},
          {"test_robust_power_7",
           "mirror of models_directed_test/test_robust_power_7: " + subnormal},
          // Not in FORMAT.md §6; our reason, also given in the closing note.
          {"test_leaky_relu_2", leaky},
          {"test_leaky_relu_3", leaky}}},
    };
    return t;
}

std::string index_text(const std::vector<int64_t> &shape, size_t flat) {
    std::vector<int64_t> idx(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        idx[d] = shape[d] ? int64_t(flat % size_t(shape[d])) : 0;
        flat = shape[d] ? flat / size_t(shape[d]) : 0;
    }
    std::string s = "[";
    for (size_t i = 0; i < idx.size(); ++i)
        s += (i ? "," : "") + std::to_string(idx[i]);
    return s + "]";
}

void run_shape_suite(const std::string &suite, const Json &cases, const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it)
        emit({suite + "/" + it.key(), Status::Skip, "stale format, no reference harness", {}});
}

} // namespace

std::vector<std::string> available_backends() { return {"reference"}; }

std::optional<std::string> excluded_reason(const std::string &suite, const std::string &name) {
    auto s = exclusions().find(suite);
    if (s == exclusions().end()) return std::nullopt;
    auto c = s->second.find(name);
    if (c == s->second.end()) return std::nullopt;
    return c->second;
}

bool is_alternatives(const Json &v) {
    return v.is_object() && (v.contains("numpy") || v.contains("torch") || v.contains("jax"));
}

Tensor expected_tensor(const Json &v, const std::string &alternative, const std::string &what) {
    if (is_alternatives(v)) {
        auto it = v.find(alternative);
        if (it == v.end())
            throw std::runtime_error("expected value '" + what + "' has no '" + alternative +
                                     "' entry");
        return io::json_to_tensor(*it, what);
    }
    return io::json_to_tensor(v, what);
}

std::optional<Tensor> as_tensor(const Value &v) {
    if (v.is_tensor()) return v.as_tensor();
    if (v.is_bool()) return Tensor::scalar(v.as_bool());
    if (v.is_int()) return Tensor::scalar(v.as_int());
    if (v.is_float()) return Tensor::scalar(v.as_float());
    return std::nullopt;
}

std::string shape_text(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string format_double(double x) {
    std::ostringstream os;
    os.precision(6);
    os << x;
    return os.str();
}

std::string join_keys(const std::vector<std::string> &keys) {
    std::string s = "{";
    for (size_t i = 0; i < keys.size(); ++i)
        s += (i ? ", " : "") + keys[i];
    return s + "}";
}

std::optional<std::string> directed_mismatch(const Tensor &expected, const Tensor &computed,
                                             double tol, double rtol) {
    if (expected.shape() != computed.shape())
        return "shape " + shape_text(computed.shape()) + " != expected " +
               shape_text(expected.shape());
    const size_t n = size_t(expected.numel());
    bool abs_ok = true, rel_ok = true;
    double worst = -1.0;
    size_t worst_at = 0, nan_at = n;
    for (size_t i = 0; i < n; ++i) {
        const double e = expected.at_double(i), c = computed.at_double(i);
        const double d = std::fabs(e - c);
        if (!(d < tol)) abs_ok = false;
        if (!(d < std::fabs(e) * rtol)) rel_ok = false;
        if (std::isnan(d)) {
            if (nan_at == n) nan_at = i;
        } else if (d > worst) {
            worst = d;
            worst_at = i;
        }
    }
    if (abs_ok || rel_ok) return std::nullopt;
    if (nan_at < n)
        return "NaN at " + index_text(expected.shape(), nan_at) + " (expected " +
               format_double(expected.at_double(nan_at)) + ", got " +
               format_double(computed.at_double(nan_at)) + ")";
    return "max abs diff " + format_double(worst) + " at " +
           index_text(expected.shape(), worst_at) + " (expected " +
           format_double(expected.at_double(worst_at)) + ", got " +
           format_double(computed.at_double(worst_at)) + ")";
}

std::optional<std::string> allclose_mismatch(const Tensor &a, const Tensor &b, double atol,
                                             double rtol) {
    if (a.shape() != b.shape())
        return "shape " + shape_text(b.shape()) + " != " + shape_text(a.shape());
    for (size_t i = 0; i < size_t(a.numel()); ++i) {
        const double x = a.at_double(i), y = b.at_double(i);
        if (std::isnan(x) && std::isnan(y)) continue;
        if (x == y) continue; // equal infinities
        if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y)))
            return "diff " + format_double(std::fabs(x - y)) + " at " + index_text(a.shape(), i) +
                   " (" + format_double(x) + " vs " + format_double(y) + ")";
    }
    return std::nullopt;
}

Value static_value(const Model &model, const std::string &key, const Json &v) {
    if (model.has_key(key)) {
        const Type t = model[key].type();
        if (t.is_tensor() || (t.may_be_tensor() && (v.is_array() || is_alternatives(v))))
            return Value(io::json_to_tensor(v, key));
    }
    if (v.is_object() && v.contains("tensor")) return io::json_to_connection_value(v, key);
    return io::json_to_plain_value(v, false, key);
}

std::optional<std::vector<DimSpec>>
inferred_shape(const PhysicalModel &pm,
               const std::map<std::string, std::optional<std::vector<DimSpec>>> &shapes,
               const std::string &key, bool &exists) {
    auto it = shapes.find(key);
    exists = it != shapes.end();
    if (!exists || it->second) return exists ? it->second : std::nullopt;
    const auto &pd = *pm.data();
    const int id = pd.key_id(key);
    if (id >= 0 && !pd.keys[size_t(id)].e()->type.may_be_tensor()) return std::vector<DimSpec>{};
    return std::nullopt;
}

std::string dims_text(const std::optional<std::vector<DimSpec>> &dims) {
    if (!dims) return "(unknown variadic)";
    std::string s = "[";
    for (size_t i = 0; i < dims->size(); ++i)
        s += (i ? ", " : "") + ((*dims)[i] ? std::to_string(*(*dims)[i]) : std::string("None"));
    return s + "]";
}

std::set<std::string> differentiable_outputs(const PhysicalModel &pm) {
    const auto &pd = *pm.data();
    std::set<int> grad;
    for (int k : pd.trainables)
        grad.insert(pd.root(k));
    for (const auto &op : pd.ops) {
        if (!op.live || !op.output_can_be_differentiable) continue;
        for (int in : op.inputs)
            if (grad.count(pd.root(in))) grad.insert(pd.root(op.output));
    }
    std::set<std::string> out;
    for (const auto &n : pd.output_names)
        if (grad.count(pd.root(pd.key_id(n)))) out.insert(n);
    return out;
}

Model wrap_list_input(const Model &inner, const std::string &key, size_t n,
                      std::vector<std::string> &items) {
    if (!inner.has_key(key))
        throw CaseFailure("list input '" + key + "' is not a key of the model");
    Model w;
    ToList list{int(n)};
    ConnectMap item_conns;
    items.clear();
    for (size_t i = 0; i < n; ++i) {
        items.push_back(key + "_item" + std::to_string(i));
        item_conns.emplace_back("input" + std::to_string(i + 1), items.back());
    }
    w |= list.connect(std::move(item_conns));
    ConnectMap conns{{key, list["output"]}};
    std::vector<ConnRef> exposed;
    for (const auto &k : inner.input_keys())
        if (k != key && k[0] != '$') conns.emplace_back(k, k);
    for (const auto &k : inner.output_keys()) {
        if (k[0] == '$') continue;
        conns.emplace_back(k, k);
        exposed.emplace_back(k);
    }
    w |= inner.connect(std::move(conns));
    if (!exposed.empty()) w.expose_keys(std::move(exposed));
    return w;
}

PhysicalModel compile_on(const std::string &backend, const Model &model, Dtype dtype,
                         const CompileOptions &options) {
    if (backend == "reference") return compile(model, ReferenceBackend{dtype}, options);
    throw std::runtime_error("backend '" + backend + "' is not available in this build");
}

uint64_t hash_name(const std::string &s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

CaseResult run_case(const std::string &name, const std::function<void(CaseResult &)> &body) {
    CaseResult r;
    r.name = name;
    try {
        body(r);
        r.status = Status::Pass;
    } catch (const CaseSkip &e) {
        r.status = Status::Skip;
        r.reason = e.what();
    } catch (const CaseFailure &e) {
        r.status = Status::Fail;
        r.reason = e.what();
    } catch (const Error &e) {
        r.status = Status::Fail;
        r.reason = std::string("unexpected ") + e.python_name() + ": " + e.what();
    } catch (const std::exception &e) {
        r.status = Status::Fail;
        r.reason = std::string("unexpected exception: ") + e.what();
    }
    for (auto &c : r.reason)
        if (c == '\n' || c == '\r') c = ' ';
    return r;
}

void run_suite_file(const std::string &path, const Options &options, const Emit &emit) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("can not read " + path);
    Json cases;
    try {
        cases = Json::parse(in);
    } catch (const Json::parse_error &e) {
        throw std::runtime_error(path + ": invalid JSON: " + e.what());
    }
    if (!cases.is_object()) throw std::runtime_error(path + ": a suite must be a JSON object");
    const std::string suite = std::filesystem::path(path).stem().string();
    if (suite == "models_directed_test" || suite == "integration_directed_test" ||
        suite == "no_grad_inference_test" || suite == "error_test")
        run_directed_suite(suite, cases, options, emit);
    else if (suite == "primitives_directed_test")
        run_primitives_suite(suite, cases, options, emit);
    else if (suite.rfind("randomized_model_tests", 0) == 0)
        run_randomized_suite(suite, cases, options, emit);
    else if (suite == "static_keys_directed_test")
        run_static_keys_suite(suite, cases, options, emit);
    else if (suite == "discard_keys_directed_test")
        run_discard_keys_suite(suite, cases, options, emit);
    else if (suite == "numpy_utils")
        run_numpy_utils_suite(suite, cases, options, emit);
    else if (suite == "shape_directed_test")
        run_shape_suite(suite, cases, emit);
    else
        throw std::runtime_error(path + ": unknown suite '" + suite + "'");
}

} // namespace mithril::conformance

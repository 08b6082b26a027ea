// physical/physical_model.cpp — PhysicalModel: evaluate (forward + reverse mode), accessors.
//
// Forward runs the live operators in order with the reference kernels over a
// key -> Value table seeded by cached values, params and data. Reverse mode
// walks the same operators backwards: each VJP rule gives the cotangent of
// one input, which is summed down to that input's shape (un-broadcasting) and
// accumulated. List-valued inputs (Concat's) receive per-element cotangents,
// which the ToList / ToTuple producing the list hands on to its inputs.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "autodiff/vjp.hpp"
#include "physical/physical_data.hpp"

namespace mithril {

using detail::PhysicalData;

namespace {

Tensor to_dtype(const Tensor& t, Dtype float_dtype) {
    return is_floating(t.dtype()) && t.dtype() != float_dtype ? t.astype(float_dtype) : t;
}

// The most informative repr of a key's shape (a fully ranked one first).
const constraints::ShapeRepr& primary_repr(const constraints::Edge* e) {
    constraints::Updates ignored;
    e->shape->normalize(ignored);
    return e->shape->reprs.front();
}

std::string shape_text(const std::vector<int64_t>& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

// A value whose rank matches the inferred shape must agree on every known
// dim. (Other ranks are left to the kernels: NumPy-style broadcasting of
// e.g. a [1] value for a [] key is accepted, as Mithril does.)
void check_shape(const PhysicalData& pd, int k, const Tensor& t) {
    const auto& r = primary_repr(pd.keys[size_t(k)].e());
    if (r.root || r.prefix.size() != t.rank()) return;
    for (size_t i = 0; i < r.prefix.size(); ++i)
        if (auto v = r.prefix[i].value(); v && *v != t.shape()[i])
            throw ValueError("Shape of the given value for key '" + pd.keys[size_t(k)].name + "' is " +
                             shape_text(t.shape()) + ", which does not match its inferred shape " +
                             constraints::SymbolNamer().repr_string(r) + ".");
}

Tensor add_tensors(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape())
        throw InternalError("gradient accumulation of shapes " + shape_text(a.shape()) + " and " +
                            shape_text(b.shape()));
    Tensor x = a.astype(Dtype::float64);
    Tensor y = b.astype(Dtype::float64);
    double* o = x.data<double>();
    const double* p = y.data<double>();
    for (int64_t i = 0; i < x.numel(); ++i) o[i] += p[i];
    return x.astype(a.dtype());
}

}  // namespace

EvaluateResult PhysicalModel::evaluate(const TensorMap& params, const TensorMap& data,
                                       const EvaluateOptions& opts) const {
    const PhysicalData& pd = *data_;
    const Dtype fdt = pd.backend.dtype;
    reference::KernelContext ctx{fdt};
    const auto* want_flag = std::get_if<bool>(&opts.output_gradients);
    const bool want_grads = !want_flag || *want_flag;
    if (pd.inference && want_grads)
        throw NotImplementedError("Inference mode does not support gradients calculation");
    std::map<int, Value> values;
    for (const auto& [k, v] : pd.cached) values[pd.root(k)] = v;
    auto bind = [&](const TensorMap& m, const std::set<int>& allowed, const char* what) {
        for (const auto& [name, t] : m) {
            int k = pd.key_id(name);
            if (pd.unused.count(name))
                throw KeyError("Given '" + name + "' key is unused for the model, no need to provide data for it.");
            if (k < 0 || !allowed.count(k))
                throw KeyError("'" + name + "' is not a " + std::string(what) + " key of the compiled model.");
            if (opts.check_shapes) check_shape(pd, k, t);
            values[pd.root(k)] = Value(to_dtype(t, fdt));
        }
    };
    bind(params, pd.trainables, "trainable");
    bind(data, pd.data, "data");
    for (const auto& [name, t] : opts.state) {
        int k = pd.key_id(name);
        if (k < 0) throw KeyError("'" + name + "' is not a state key of the compiled model.");
        values[pd.root(k)] = Value(to_dtype(t, fdt));
    }
    for (const auto& [in, out] : pd.state_pairs) {
        (void)out;
        int k = pd.root(pd.key_id(in));
        if (!values.count(k)) {
            const Value& init = pd.state_initial.at(in);
            values[k] = init.is_tensor() ? init : Value(Tensor::full(fdt, {}, init.as_float()));
        }
    }

    // Forward.
    std::map<int, std::vector<Value>> op_args;
    for (size_t i = 0; i < pd.ops.size(); ++i) {
        const auto& op = pd.ops[i];
        if (!op.live) continue;
        std::vector<Value> args;
        for (size_t j = 0; j < op.inputs.size(); ++j) {
            auto it = values.find(pd.root(op.inputs[j]));
            if (it == values.end())
                throw KeyError("Requires data for key '" + pd.keys[size_t(pd.root(op.inputs[j]))].name +
                               "' (input '" + op.local_keys[j] + "' of " + op.formula_key + ").");
            args.push_back(it->second);
        }
        const auto* kernel = reference::find_forward(op.formula_key);
        if (!kernel)
            throw NotImplementedError("The reference backend has no kernel for '" + op.formula_key + "'.");
        values[pd.root(op.output)] = (*kernel)(args, ctx);
        if (want_grads) op_args[int(i)] = std::move(args);  // kept for the VJP rules
    }
    EvaluateResult result;
    for (const auto& n : pd.output_names) result.outputs[n] = values.at(pd.root(pd.key_id(n)));
    for (const auto& [in, out] : pd.state_pairs) {
        const Value& v = values.at(pd.root(pd.key_id(out)));
        if (v.is_tensor()) result.state[in] = v.as_tensor();
    }

    // Cotangents.
    std::map<int, Tensor> seeds;
    if (!want_grads) return result;
    if (want_flag) {
        std::string target;
        if (pd.is_output_name("final_cost")) target = "final_cost";
        else if (pd.output_names.size() == 1) target = pd.output_names.front();
        else throw ValueError("Requires output gradients if final loss is not attached!");
        const Value& v = result.outputs.at(target);
        std::vector<int64_t> shape = v.is_tensor() ? v.as_tensor().shape() : std::vector<int64_t>{};
        seeds[pd.root(pd.key_id(target))] = Tensor::full(fdt, shape, 1.0);
    } else {
        const auto& cot = std::get<TensorMap>(opts.output_gradients);
        if (pd.is_output_name("final_cost") && !cot.empty() &&
            !(cot.size() == 1 && cot.count("final_cost")))
            throw ValueError("Models with any losses can not take any gradients for other outputs!");
        for (const auto& [name, t] : cot) {
            if (!pd.is_output_name(name))
                throw KeyError("'" + name + "' is not an output of the compiled model.");
            int k = pd.root(pd.key_id(name));
            Tensor g = to_dtype(t, fdt);
            seeds[k] = seeds.count(k) ? add_tensors(seeds[k], g) : g;
        }
        if (seeds.empty()) {
            if (pd.output_names.size() == 1) {
                const Value& v = result.outputs.at(pd.output_names.front());
                if (!v.is_tensor() || v.as_tensor().rank() == 0)
                    seeds[pd.root(pd.key_id(pd.output_names.front()))] = Tensor::full(fdt, {}, 1.0);
            }
            if (seeds.empty()) {
                std::string keys;
                for (const auto& n : pd.output_names) keys += (keys.empty() ? "'" : ", '") + n + "'";
                throw ValueError("To evaluate gradients you must provide gradients for at least one of the [" + keys + "]");
            }
        }
    }

    // Which keys carry gradient: trainables and what they reach.
    // Only floating-point tensors (or lists of them) carry cotangents:
    // shapes, indices, tuples and integer results stop the flow.
    auto carries = [&](const Value& v) {
        if (v.is_tensor()) return is_floating(v.as_tensor().dtype());
        if (v.is_sequence())
            for (const auto& item : v.items())
                if (item.is_tensor() && is_floating(item.as_tensor().dtype())) return true;
        return false;
    };
    std::set<int> needs;
    for (int k : pd.trainables) needs.insert(pd.root(k));
    for (const auto& op : pd.ops) {
        if (!op.live || !op.output_can_be_differentiable) continue;
        int out = pd.root(op.output);
        if (!carries(values.at(out))) continue;
        for (int in : op.inputs)
            if (needs.count(pd.root(in))) needs.insert(out);
    }
    std::map<int, Tensor> grads = seeds;
    std::map<int, std::vector<std::optional<Tensor>>> list_grads;
    auto accumulate = [&](int k, Tensor g, const Value& forward_value) {
        if (forward_value.is_tensor()) g = autodiff::reduce_to_shape(g, forward_value.as_tensor().shape());
        auto it = grads.find(k);
        if (it == grads.end()) grads.emplace(k, std::move(g));
        else it->second = add_tensors(it->second, g);
    };
    for (size_t idx = pd.ops.size(); idx-- > 0;) {
        const auto& op = pd.ops[idx];
        if (!op.live) continue;
        int out = pd.root(op.output);
        if (!needs.count(out)) continue;
        const auto& args = op_args[int(idx)];
        // Lists built by ToList / ToTuple hand element cotangents to their inputs.
        if (op.formula_key == "to_list" || op.formula_key == "to_tuple") {
            auto lg = list_grads.find(out);
            if (lg == list_grads.end()) continue;
            for (size_t j = 0; j < op.inputs.size() && j < lg->second.size(); ++j)
                if (lg->second[j] && needs.count(pd.root(op.inputs[j])))
                    accumulate(pd.root(op.inputs[j]), *lg->second[j], args[j]);
            continue;
        }
        auto git = grads.find(out);
        if (git == grads.end()) continue;
        const auto* rule = autodiff::find_vjp(op.formula_key);
        if (!rule)
            throw NotImplementedError("No gradient rule for '" + op.formula_key + "' on the reference backend.");
        const Value& output = values.at(out);
        for (size_t j = 0; j < op.inputs.size(); ++j) {
            int in = pd.root(op.inputs[j]);
            if (!needs.count(in)) continue;
            if (args[j].is_sequence()) {
                auto& slots = list_grads[in];
                slots.resize(args[j].items().size());
                for (size_t e = 0; e < slots.size(); ++e) {
                    Tensor g = (*rule)(1000 + e, git->second, args, output, ctx);
                    const Value& item = args[j].items()[e];
                    if (item.is_tensor()) g = autodiff::reduce_to_shape(g, item.as_tensor().shape());
                    slots[e] = slots[e] ? add_tensors(*slots[e], g) : g;
                }
                continue;
            }
            accumulate(in, (*rule)(j, git->second, args, output, ctx), args[j]);
        }
    }
    for (const auto& [name, t] : params) {
        int k = pd.root(pd.key_id(name));
        auto it = grads.find(k);
        result.gradients[name] = it != grads.end() ? it->second : Tensor::full(fdt, t.shape(), 0.0);
    }
    return result;
}

TensorMap PhysicalModel::randomize_params(const std::vector<std::string>& excluded, uint64_t seed) const {
    const PhysicalData& pd = *data_;
    TensorMap out;
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    auto next = [&] {  // splitmix64 -> uniform (0, 1)
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return (double(z >> 11) + 0.5) / 9007199254740992.0;
    };
    for (int k : pd.trainables) {
        const auto& name = pd.keys[size_t(k)].name;
        if (std::find(excluded.begin(), excluded.end(), name) != excluded.end()) continue;
        std::vector<int64_t> shape;
        const auto& r = primary_repr(pd.keys[size_t(k)].e());
        if (r.root) shape = {1};
        else
            for (const auto& d : r.prefix) {
                auto v = d.value();
                if (!v) throw ValueError("Shape of trainable key '" + name + "' is not fully known; set it with compile(shapes=...).");
                shape.push_back(*v);
            }
        Tensor t = Tensor::full(Dtype::float64, shape, 0.0);
        auto* p = t.data<double>();
        for (int64_t i = 0; i < t.numel(); ++i) {  // Box-Muller standard normal
            double u1 = next(), u2 = next();
            p[i] = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
        }
        out[name] = to_dtype(t, pd.backend.dtype);
    }
    return out;
}

std::vector<std::string> PhysicalModel::input_keys() const { return data_->input_names; }
std::vector<std::string> PhysicalModel::output_keys() const { return data_->output_names; }

std::vector<std::string> PhysicalModel::trainable_keys() const {
    std::vector<std::string> out;
    for (int k : data_->trainables) out.push_back(data_->keys[size_t(k)].name);
    return out;
}

std::vector<std::string> PhysicalModel::data_keys() const {
    std::vector<std::string> out;
    for (int k : data_->data) out.push_back(data_->keys[size_t(k)].name);
    return out;
}

std::vector<std::string> PhysicalModel::static_keys() const {
    const PhysicalData& pd = *data_;
    std::set<std::string> out;
    for (int k : pd.data)
        if (!pd.unused.count(pd.keys[size_t(k)].name)) out.insert(pd.keys[size_t(k)].name);
    // Compile-time values still in use (read by a live op, or an output),
    // reported under the name of the key that holds them (aliases resolve to
    // it).
    for (const auto& [r, v] : pd.cached) {
        (void)v;
        if (pd.root(r) != r) continue;
        const auto& n = pd.keys[size_t(r)].name;
        if (pd.discarded.count(n)) continue;
        if (pd.holds_output(r) || !pd.consumers(r).empty()) out.insert(n);
    }
    return {out.begin(), out.end()};
}

std::vector<std::string> PhysicalModel::discarded_keys() const {
    return {data_->discarded.begin(), data_->discarded.end()};
}

std::vector<std::string> PhysicalModel::state_keys() const {
    std::vector<std::string> out;
    for (const auto& [in, o] : data_->state_pairs) out.push_back(in);
    return out;
}

TensorMap PhysicalModel::initial_state_dict() const {
    TensorMap out;
    for (const auto& [k, v] : data_->state_initial)
        out[k] = v.is_tensor() ? v.as_tensor() : Tensor::full(data_->backend.dtype, {}, v.as_float());
    return out;
}

bool PhysicalModel::has_grad(const std::string& key) const {
    int k = data_->key_id(key);
    return k >= 0 && data_->trainables.count(k) > 0;
}

std::map<std::string, std::optional<std::vector<DimSpec>>> PhysicalModel::get_shapes() const {
    std::map<std::string, std::optional<std::vector<DimSpec>>> out;
    for (const auto& key : data_->keys) {
        if (key.name.empty() || data_->discarded.count(key.name)) continue;
        const auto* e = key.e();
        if (!e->type.may_be_tensor()) {
            out[key.name] = std::nullopt;
            continue;
        }
        const auto& r = primary_repr(e);
        if (r.root) {
            out[key.name] = std::nullopt;
            continue;
        }
        std::vector<DimSpec> dims;
        for (const auto& d : r.prefix) dims.push_back(d.value());
        out[key.name] = dims;
    }
    return out;
}

std::string PhysicalModel::summary(bool verbose) const {
    const PhysicalData& pd = *data_;
    std::ostringstream os;
    os << "Model Info\n";
    os << "  Backend type    : reference\n  Backend precision: " << (pd.backend.dtype == Dtype::float64 ? 64 : 32)
       << "\n  Backend device  : cpu\n";
    auto list = [&](const char* title, const std::vector<std::string>& v) {
        os << "  " << title << ": ";
        for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
        os << "\n";
    };
    list("Output keys     ", output_keys());
    list("Static keys     ", static_keys());
    list("Trainable keys  ", trainable_keys());
    int64_t params = 0;
    bool partial = false;
    auto shapes = get_shapes();
    for (const auto& n : trainable_keys()) {
        auto s = shapes[n];
        if (!s) { partial = true; continue; }
        int64_t c = 1;
        for (auto d : *s) {
            if (!d) { partial = true; c = 0; break; }
            c *= *d;
        }
        params += c;
    }
    os << "  Total Parameters: " << (partial ? ">" : "") << params << "\n";
    if (verbose)
        for (const auto& op : pd.ops) {
            if (!op.live) continue;
            os << "  " << pd.keys[size_t(op.output)].name << " = " << op.formula_key << "(";
            for (size_t i = 0; i < op.inputs.size(); ++i)
                os << (i ? ", " : "") << op.local_keys[i] << "=" << pd.keys[size_t(pd.root(op.inputs[i]))].name;
            os << ")\n";
        }
    return os.str();
}

bool PhysicalModel::inference() const { return data_->inference; }
Dtype PhysicalModel::dtype() const { return data_->backend.dtype; }

}  // namespace mithril

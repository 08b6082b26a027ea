// io/model_registry.cpp — the class registry of model dictionaries (FORMAT.md §7).
//
// Maps a lower-cased class name to a factory that reads the dict's `args`
// (Mithril's constructor keywords) and calls the C++ constructor of
// primitives.hpp / models.hpp / train_model.hpp. An arg that is not a
// constructor hyperparameter but names an input key of the built model is a
// key value (Mithril's **kwargs, e.g. Add(right=1)) and is set on that key;
// anything else is Python's "unexpected keyword argument" TypeError. Model-
// valued args (§2.3: activation, activations, kernel, cell_type, model) are
// built recursively with model_from_json.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "io/model_dict.hpp"
#include "mithril/models.hpp"
#include "mithril/primitives.hpp"

namespace mithril::io {

namespace {

std::string lower(std::string s) {
    for (auto &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The dict's args, consumed one by one by a factory.
class ArgReader {
public:
    ArgReader(std::string cls, const Json &args, const Json &tuples, const Json &enums)
        : cls_(std::move(cls)), args_(args) {
        if (!args.is_object()) throw TypeError("'args' of " + cls_ + " must be an object.");
        if (tuples.is_array()) {
            for (const auto &t : tuples)
                if (t.is_string()) tuples_.insert(t.get<std::string>());
        } else if (!tuples.is_null()) {
            throw TypeError("'tuples' of " + cls_ + " must be a list of arg names.");
        }
        if (enums.is_object()) {
            for (auto it = enums.begin(); it != enums.end(); ++it) {
                if (!it->is_string() || it->get<std::string>() != "PaddingType")
                    throw ValueError("Unknown enum type " + short_text(*it) + " for arg '" +
                                     it.key() + "' of " + cls_ + ".");
                enums_.insert(it.key());
            }
        } else if (!enums.is_null()) {
            throw TypeError("'enums' of " + cls_ + " must be an object.");
        }
    }

    const std::string &cls() const { return cls_; }
    bool has(const std::string &k) const { return args_.contains(k); }

    // Any plain value (tuples / enums / constants applied).
    Value value(const std::string &k, Value dflt) {
        if (!take(k)) return dflt;
        return convert(k);
    }
    std::optional<int64_t> opt_int(const std::string &k,
                                   std::optional<int64_t> dflt = std::nullopt) {
        if (!take(k)) return dflt;
        const Json &v = args_[k];
        if (v.is_null()) return std::nullopt;
        if (!v.is_number_integer()) bad(k, "an int");
        return v.get<int64_t>();
    }
    int64_t req_int(const std::string &k) {
        if (!has(k)) missing(k);
        auto v = opt_int(k);
        if (!v) bad(k, "an int");
        return *v;
    }
    bool boolean(const std::string &k, bool dflt) {
        if (!take(k)) return dflt;
        if (!args_[k].is_boolean()) bad(k, "a bool");
        return args_[k].get<bool>();
    }
    double number(const std::string &k, double dflt) {
        if (!take(k)) return dflt;
        if (!args_[k].is_number()) bad(k, "a number");
        return args_[k].get<double>();
    }
    std::optional<double> opt_number(const std::string &k) {
        if (!take(k) || args_[k].is_null()) return std::nullopt;
        if (!args_[k].is_number()) bad(k, "a number");
        return args_[k].get<double>();
    }
    std::string str(const std::string &k, const std::string &dflt) {
        if (!take(k)) return dflt;
        if (!args_[k].is_string()) bad(k, "a string");
        return args_[k].get<std::string>();
    }
    // A model-valued arg: registry name or model dict.
    Model model(const std::string &k) {
        if (!has(k)) missing(k);
        take(k);
        return model_of(args_[k], k);
    }
    std::vector<Model> models(const std::string &k) {
        if (!has(k)) missing(k);
        take(k);
        const Json &v = args_[k];
        if (!v.is_array()) bad(k, "a list of models");
        std::vector<Model> out;
        for (const auto &item : v)
            out.push_back(model_of(item, k));
        return out;
    }
    std::vector<std::optional<int64_t>> opt_ints(const std::string &k) {
        if (!has(k)) missing(k);
        take(k);
        const Json &v = args_[k];
        if (!v.is_array()) bad(k, "a list of ints");
        std::vector<std::optional<int64_t>> out;
        for (const auto &item : v) {
            if (item.is_null())
                out.emplace_back(std::nullopt);
            else if (item.is_number_integer())
                out.emplace_back(item.get<int64_t>());
            else
                bad(k, "a list of ints");
        }
        return out;
    }
    std::map<std::string, std::string> str_map(const std::string &k) {
        std::map<std::string, std::string> out;
        if (!take(k) || args_[k].is_null()) return out;
        if (!args_[k].is_object()) bad(k, "an object of strings");
        for (auto it = args_[k].begin(); it != args_[k].end(); ++it) {
            if (!it->is_string()) bad(k, "an object of strings");
            out[it.key()] = it->get<std::string>();
        }
        return out;
    }
    CellType cell_type(const std::string &k) {
        if (!has(k)) missing(k);
        take(k);
        const Json &v = args_[k];
        std::string name;
        if (v.is_string())
            name = v.get<std::string>();
        else if (v.is_object() && v.contains("name") && v["name"].is_string())
            name = v["name"].get<std::string>();
        else
            bad(k, "a cell class name");
        if (lower(name) == "rnncell") return CellType::rnn();
        if (lower(name) == "lstmcell") return CellType::lstm();
        throw ValueError("Unknown cell_type '" + name + "' for " + cls_ +
                         " (RNNCell or LSTMCell).");
    }
    // Remaining args: key values of the built model, else TypeError.
    void finish(Model &m) {
        std::vector<std::pair<ConnRef, Value>> values;
        for (auto it = args_.begin(); it != args_.end(); ++it) {
            const std::string &k = it.key();
            if (used_.count(k)) continue;
            const auto ins = m.input_keys();
            if (std::find(ins.begin(), ins.end(), k) == ins.end())
                throw TypeError(cls_ + ".__init__() got an unexpected keyword argument '" + k +
                                "'");
            const Json &v = it.value();
            if (v.is_object() && !(v.size() == 1 && v.contains("tensor"))) {
                apply_iokey_arg(m, k, v);
                continue;
            }
            Value val = v.is_object() ? json_to_connection_value(v, k) : convert(k);
            if (!val.is_tbd()) values.emplace_back(k, val);
        }
        if (!values.empty()) m.set_values(std::move(values));
    }

private:
    bool take(const std::string &k) {
        if (!has(k)) return false;
        used_.insert(k);
        return true;
    }
    Value convert(const std::string &k) {
        const Json &v = args_[k];
        if (enums_.count(k)) {
            if (!v.is_string() ||
                (v.get<std::string>() != "SAME" && v.get<std::string>() != "VALID"))
                throw ValueError("Arg '" + k + "' of " + cls_ +
                                 " must be a PaddingType member "
                                 "name (SAME or VALID), got " +
                                 short_text(v));
            return Value(lower(v.get<std::string>()));
        }
        if (k == "dtype" && v.is_string()) return Value(dtype_from_name(v.get<std::string>()));
        if (v.is_object()) bad(k, "a plain value");
        return json_to_plain_value(v, tuples_.count(k) > 0, k);
    }
    Model model_of(const Json &v, const std::string &k) {
        if (!v.is_string() && !v.is_object()) bad(k, "a model name or a model dict");
        return model_from_json(v);
    }
    // §2.3: {"shape_template": [...], "type": [...]} or {"type": [...], "value": v}.
    void apply_iokey_arg(Model &m, const std::string &k, const Json &v) {
        if (auto t = v.find("type");
            t != v.end() && !t->is_null() && !(t->is_array() && t->empty()))
            m.set_types({{k, type_from_spec(*t, k)}});
        if (auto s = v.find("shape_template"); s != v.end()) {
            if (!s->is_array()) bad(k, "a shape_template list");
            Json dims = Json::array();
            for (const auto &d : *s) {
                if (d.is_string() && d.get<std::string>().find("...") == std::string::npos) {
                    try {
                        dims.push_back(std::stoll(d.get<std::string>()));
                    } catch (const std::exception &) {
                        bad(k, "a shape_template of ints and 'Name,...' items");
                    }
                } else {
                    dims.push_back(d);
                }
            }
            m.set_shapes({{k, shape_from_json(dims, k)}});
        } else if (auto val = v.find("value"); val != v.end() && !val->is_null()) {
            m.set_values({{k, json_to_connection_value(*val, k)}});
        }
    }
    [[noreturn]] void bad(const std::string &k, const char *want) const {
        throw TypeError("Arg '" + k + "' of " + cls_ + " must be " + want + ", got " +
                        short_text(args_[k]));
    }
    [[noreturn]] void missing(const std::string &k) const {
        throw TypeError(cls_ + ".__init__() missing 1 required positional argument: '" + k + "'");
    }

    std::string cls_;
    const Json &args_;
    std::set<std::string> tuples_, enums_, used_;
};

using Factory = std::function<Model(ArgReader &)>;

struct Entry {
    std::string class_name;
    Factory make;
    bool has_hyper;
};

template <class T> Factory simple() {
    return [](ArgReader &) { return Model(T()); };
}

std::map<std::string, Entry> make_table() {
    std::map<std::string, Entry> t;
    auto add = [&](const std::string &name, Factory f, bool hyper = true) {
        t[lower(name)] = Entry{name, std::move(f), hyper};
    };
    auto plain = [&](const std::string &name, Factory f) { add(name, std::move(f), false); };

    // ---- primitives: elementwise and activations ----
    plain("Absolute", simple<Absolute>());
    plain("Negate", simple<Negate>());
    plain("Exponential", simple<Exponential>());
    add("Log", [](ArgReader &a) { return Model(Log(a.boolean("robust", false))); });
    add("Sqrt", [](ArgReader &a) {
        bool robust = a.boolean("robust", false);
        return Model(Sqrt(robust, {}, a.value("threshold", Constant::MIN_POSITIVE_NORMAL)));
    });
    plain("Sine", simple<Sine>());
    plain("Cosine", simple<Cosine>());
    plain("Sign", simple<Sign>());
    plain("Square", simple<Square>());
    add("StableReciprocal", [](ArgReader &a) {
        return Model(
            StableReciprocal({}, a.value("threshold", Constant::STABLE_RECIPROCAL_THRESHOLD)));
    });
    plain("Floor", simple<Floor>());
    plain("Relu", simple<Relu>());
    add("LeakyRelu", [](ArgReader &a) { return Model(LeakyRelu(a.value("slope", 0.01))); });
    add("Gelu", [](ArgReader &a) { return Model(Gelu(a.value("approximate", false))); });
    plain("Sigmoid", simple<Sigmoid>());
    plain("Tanh", simple<Tanh>());
    plain("Softplus", simple<Softplus>());
    add("Softmax", [](ArgReader &a) { return Model(Softmax({}, a.value("axis", -1))); });
    plain("IsNan", simple<IsNan>());
    add("NanToNum", [](ArgReader &a) {
        Value nan = a.value("nan", 0.0), posinf = a.value("posinf", None);
        return Model(NanToNum(nan, posinf, a.value("neginf", None)));
    });
    plain("Clamp", simple<Clamp>());
    plain("StopGradient", simple<StopGradient>());
    plain("Buffer", simple<Buffer>());
    plain("AtLeast1D", simple<AtLeast1D>());

    // ---- binary ----
    plain("Add", simple<Add>());
    plain("Subtract", simple<Subtract>());
    plain("Multiply", simple<Multiply>());
    plain("Divide", simple<Divide>());
    plain("FloorDivide", simple<FloorDivide>());
    add("Power", [](ArgReader &a) {
        bool robust = a.boolean("robust", false);
        return Model(Power(robust, {}, {}, a.value("threshold", Constant::MIN_POSITIVE_NORMAL)));
    });
    plain("Minimum", simple<Minimum>());
    plain("Maximum", simple<Maximum>());
    plain("ShiftLeft", simple<ShiftLeft>());
    plain("ShiftRight", simple<ShiftRight>());
    plain("Greater", simple<Greater>());
    plain("GreaterEqual", simple<GreaterEqual>());
    plain("Less", simple<Less>());
    plain("LessEqual", simple<LessEqual>());
    plain("Equal", simple<Equal>());
    plain("NotEqual", simple<NotEqual>());
    plain("LogicalNot", simple<LogicalNot>());
    plain("LogicalAnd", simple<LogicalAnd>());
    plain("LogicalOr", simple<LogicalOr>());
    plain("LogicalXOr", simple<LogicalXOr>());

    // ---- reductions ----
    auto reduce = [&](const std::string &name, auto make) {
        add(name, [make](ArgReader &a) {
            Value axis = a.value("axis", None);
            return Model(make(axis, a.value("keepdim", false)));
        });
    };
    reduce("Sum", [](Value ax, Value kd) { return Sum(ax, kd); });
    reduce("Mean", [](Value ax, Value kd) { return Mean(ax, kd); });
    reduce("Max", [](Value ax, Value kd) { return Max(ax, kd); });
    reduce("Min", [](Value ax, Value kd) { return Min(ax, kd); });
    reduce("Prod", [](Value ax, Value kd) { return Prod(ax, kd); });
    reduce("ArgMax", [](Value ax, Value kd) { return ArgMax(ax, kd); });
    reduce("ArgMin", [](Value ax, Value kd) { return ArgMin(ax, kd); });
    add("Variance", [](ArgReader &a) {
        Value axis = a.value("axis", None), keepdim = a.value("keepdim", false);
        return Model(Variance(axis, keepdim, a.value("correction", 0.0)));
    });

    // ---- linear algebra and distances ----
    plain("MatrixMultiply", simple<MatrixMultiply>());
    plain("Cholesky", simple<Cholesky>());
    plain("Eigvalsh", simple<Eigvalsh>());
    plain("TransposedDiagonal", simple<TransposedDiagonal>());
    plain("GPRAlpha", simple<GPRAlpha>());
    plain("GPRVOuter", simple<GPRVOuter>());
    plain("DistanceMatrix", simple<DistanceMatrix>());
    plain("CartesianDifference", simple<CartesianDifference>());
    add("PolynomialFeatures",
        [](ArgReader &a) { return Model(PolynomialFeatures(a.value("degree", Value()))); });
    plain("NormModifier", simple<NormModifier>());
    plain("TsnePJoint", simple<TsnePJoint>());

    // ---- layout ----
    add("Reshape", [](ArgReader &a) { return Model(Reshape(a.value("shape", Value()))); });
    add("Transpose", [](ArgReader &a) { return Model(Transpose(a.value("axes", None))); });
    add("SwapAxes", [](ArgReader &a) {
        if (!a.has("axis1"))
            throw TypeError("SwapAxes.__init__() missing 1 required positional argument: 'axis1'");
        if (!a.has("axis2"))
            throw TypeError("SwapAxes.__init__() missing 1 required positional argument: 'axis2'");
        Value a1 = a.value("axis1", Value());
        return Model(SwapAxes(a1, a.value("axis2", Value())));
    });
    add("PermuteTensor",
        [](ArgReader &a) { return Model(PermuteTensor(a.value("indices", Value()))); });
    add("Flatten", [](ArgReader &a) {
        Value s = a.value("start_dim", 0);
        return Model(Flatten(s, a.value("end_dim", -1)));
    });
    plain("Squeeze", simple<Squeeze>());
    add("BroadcastTo", [](ArgReader &a) { return Model(BroadcastTo(a.value("shape", Value()))); });
    add("Concat", [](ArgReader &a) { return Model(Concat({}, a.value("axis", 0))); });
    add("Split", [](ArgReader &a) {
        if (!a.has("split_size"))
            throw TypeError(
                "Split.__init__() missing 1 required positional argument: 'split_size'");
        Value s = a.value("split_size", Value());
        return Model(Split(s, a.value("axis", 0)));
    });
    add("Pad", [](ArgReader &a) { return Model(Pad(a.value("pad_width", Value()))); });
    plain("Where", simple<Where>());
    plain("Shape", simple<Shape>());
    add("Size", [](ArgReader &a) { return Model(Size(a.value("dim", None))); });
    plain("Length", simple<Length>());
    plain("Dtype", simple<DtypeOf>());
    plain("DtypeOf", simple<DtypeOf>());
    add("Cast", [](ArgReader &a) { return Model(Cast(a.value("dtype", Value()))); });
    add("Indexer", [](ArgReader &a) { return Model(Indexer(a.value("index", Value()))); });
    auto slice = [](ArgReader &a) {
        Value start = a.value("start", Value()), stop = a.value("stop", Value());
        return Model(PrimitiveSlice(start, stop, a.value("step", Value())));
    };
    add("Slice", slice);
    add("PrimitiveSlice", slice);
    add("Embedding", [](ArgReader &a) {
        auto n = a.opt_int("num_embeddings");
        return Model(Embedding(n, a.opt_int("dim")));
    });
    plain("Unique", simple<Unique>());
    add("ToTuple", [](ArgReader &a) { return Model(ToTuple(int(a.req_int("n")))); });
    add("ToList", [](ArgReader &a) { return Model(ToList(int(a.req_int("n")))); });
    add("PrimitiveUnion",
        [](ArgReader &a) { return Model(PrimitiveUnion(int(a.opt_int("n", 1).value_or(1)))); });
    add("ToTensor", [](ArgReader &a) { return Model(ToTensor({}, a.value("dtype", None))); });
    plain("TensorToList", simple<TensorToList>());
    plain("Item", simple<Item>());

    // ---- convolution primitives and helpers ----
    add("PrimitiveConvolution1D",
        [](ArgReader &a) { return Model(PrimitiveConvolution1D(a.boolean("use_bias", true))); });
    add("PrimitiveConvolution2D",
        [](ArgReader &a) { return Model(PrimitiveConvolution2D(a.boolean("use_bias", true))); });
    plain("PrimitiveMaxPool1D", simple<PrimitiveMaxPool1D>());
    plain("PrimitiveMaxPool2D", simple<PrimitiveMaxPool2D>());
    plain("PrimitiveAvgPool2D", simple<PrimitiveAvgPool2D>());
    plain("PaddingConverter1D", simple<PaddingConverter1D>());
    plain("PaddingConverter2D", simple<PaddingConverter2D>());
    plain("StrideConverter", simple<StrideConverter>());
    plain("TupleConverter", simple<TupleConverter>());

    // ---- attention ----
    add("ScaledDotProduct", [](ArgReader &a) {
        Value causal = a.value("is_causal", true), scale = a.value("scale", None);
        Value dropout = a.value("dropout_p", 0.0);
        return Model(ScaledDotProduct(causal, scale, dropout, a.boolean("use_attn_mask", false)));
    });
    add("PositionalEncoding", [](ArgReader &a) {
        if (!a.has("hidden_dim"))
            throw TypeError("PositionalEncoding.__init__() missing 1 required positional argument: "
                            "'hidden_dim'");
        Value h = a.value("hidden_dim", Value());
        return Model(PositionalEncoding(h, a.value("max_len", 5000)));
    });

    // ---- losses ----
    plain("SquaredError", simple<SquaredError>());
    plain("AbsoluteError", simple<AbsoluteError>());
    plain("HingeLoss", simple<HingeLoss>());
    plain("QuadHingeLoss", simple<QuadHingeLoss>());
    add("QuantileLoss", [](ArgReader &a) { return Model(QuantileLoss(a.value("quantile", 0.5))); });
    add("CrossEntropy", [](ArgReader &a) {
        std::string it = a.str("input_type", "logits");
        Value weights = a.value("weights", "");
        Value robust = a.value("robust", false);
        Value threshold = a.value("threshold", Constant::MIN_POSITIVE_NORMAL);
        return Model(
            CrossEntropy(it, weights, {}, {}, robust, threshold, a.value("categorical", true)));
    });
    add("BinaryCrossEntropy", [](ArgReader &a) {
        std::string it = a.str("input_type", "logits");
        Value pw = a.value("pos_weight", 1.0);
        Value threshold = a.value("threshold", Constant::MIN_POSITIVE_NORMAL);
        return Model(BinaryCrossEntropy(it, pw, {}, {}, threshold, a.value("robust", false)));
    });
    add("KLDivergence", [](ArgReader &a) {
        return Model(KLDivergence({}, {}, a.value("threshold", Constant::MIN_POSITIVE_NORMAL)));
    });
    plain("AUCCore", simple<AUCCore>());
    plain("Trapezoid", simple<Trapezoid>());

    // ---- creation ----
    add("Arange", [](ArgReader &a) {
        Value start = a.value("start", 0), stop = a.value("stop", Value()),
              step = a.value("step", 1);
        return Model(Arange(start, stop, step, a.value("dtype", None)));
    });
    add("Eye", [](ArgReader &a) {
        Value n = a.value("N", Value()), m = a.value("M", None);
        return Model(Eye(n, m, a.value("dtype", None)));
    });
    add("EyeComplement", [](ArgReader &a) {
        Value n = a.value("N", Value()), m = a.value("M", None);
        return Model(EyeComplement(n, m, a.value("dtype", None)));
    });
    add("Ones", [](ArgReader &a) {
        Value shape = a.value("shape", Value());
        return Model(Ones(shape, a.value("dtype", None)));
    });
    plain("ZerosLike", simple<ZerosLike>());
    add("PrimitiveRandn", [](ArgReader &a) {
        Value shape = a.value("shape", Value()), key = a.value("key", Value());
        return Model(PrimitiveRandn(shape, key, a.value("dtype", None)));
    });
    add("Randn", [](ArgReader &a) {
        Value shape = a.value("shape", Value());
        int64_t key = a.opt_int("key", 0).value_or(0);
        return Model(Randn(shape, key, a.value("dtype", None)));
    });
    add("RandInt", [](ArgReader &a) {
        Value shape = a.value("shape", Value());
        int64_t key = a.opt_int("key", 0).value_or(0);
        Value low = a.value("low", Value()), high = a.value("high", Value());
        return Model(RandInt(shape, key, low, high, a.value("dtype", None)));
    });

    // ---- layers ----
    add("Linear", [](ArgReader &a) {
        auto dim = a.opt_int("dimension");
        return Model(Linear(dim, a.boolean("use_bias", true)));
    });
    plain("ElementWiseAffine", simple<ElementWiseAffine>());
    add("Layer", [](ArgReader &a) {
        Model act = a.model("activation");
        return Model(Layer(act, a.opt_int("dimension")));
    });
    add("MLP", [](ArgReader &a) {
        auto acts = a.models("activations");
        auto dims = a.opt_ints("dimensions");
        return Model(MLP(acts, dims, a.str_map("input_name_templates")));
    });
    plain("SiLU", simple<SiLU>());
    add("Convolution1D", [](ArgReader &a) {
        auto k = a.opt_int("kernel_size"), out = a.opt_int("out_channels");
        Value stride = a.value("stride", 1), padding = a.value("padding", 0);
        Value dilation = a.value("dilation", 1);
        return Model(Convolution1D(k, out, stride, padding, dilation, a.boolean("use_bias", true)));
    });
    add("Convolution2D", [](ArgReader &a) {
        Value k = a.value("kernel_size", None);
        auto out = a.opt_int("out_channels");
        Value stride = a.value("stride", Value{1, 1}), padding = a.value("padding", Value{0, 0});
        Value dilation = a.value("dilation", Value{1, 1}), groups = a.value("groups", 1);
        return Model(
            Convolution2D(k, out, stride, padding, dilation, groups, a.boolean("use_bias", true)));
    });
    auto pool = [&](const std::string &name, auto make) {
        add(name, [make, name](ArgReader &a) {
            if (!a.has("kernel_size"))
                throw TypeError(
                    name + ".__init__() missing 1 required positional argument: 'kernel_size'");
            Value k = a.value("kernel_size", Value()), stride = a.value("stride", None);
            Value padding = a.value("padding", Value{0, 0});
            return Model(make(k, stride, padding, a.value("dilation", 1)));
        });
    };
    pool("MaxPool1D", [](Value k, Value s, Value p, Value d) { return MaxPool1D(k, s, p, d); });
    pool("MaxPool2D", [](Value k, Value s, Value p, Value d) { return MaxPool2D(k, s, p, d); });
    pool("AvgPool2D", [](Value k, Value s, Value p, Value d) { return AvgPool2D(k, s, p, d); });
    add("LayerNorm", [](ArgReader &a) {
        bool scale = a.boolean("use_scale", true), bias = a.boolean("use_bias", true);
        return Model(LayerNorm(scale, bias, a.number("eps", 1e-5)));
    });
    add("GroupNorm", [](ArgReader &a) {
        int64_t groups = a.opt_int("num_groups", 32).value_or(32);
        bool scale = a.boolean("use_scale", true), bias = a.boolean("use_bias", true);
        return Model(GroupNorm(groups, scale, bias, a.number("eps", 1e-5)));
    });
    add("BatchNorm2D", [](ArgReader &a) {
        int64_t features = a.req_int("num_features");
        double momentum = a.number("momentum", 0.1);
        bool inference = a.boolean("inference", false);
        double eps = a.number("eps", 1e-5);
        bool scale = a.boolean("use_scale", true);
        return Model(
            BatchNorm2D(features, momentum, inference, eps, scale, a.boolean("use_bias", true)));
    });

    // ---- regularizers, kernels, classic ML ----
    plain("L1", simple<L1>());
    plain("L2", simple<L2>());
    plain("QuadraticFormRegularizer", simple<QuadraticFormRegularizer>());
    plain("RBFKernel", simple<RBFKernel>());
    add("PolynomialKernel",
        [](ArgReader &a) { return Model(PolynomialKernel(a.boolean("robust", true))); });
    add("KernelizedSVM", [](ArgReader &a) { return Model(KernelizedSVM(a.model("kernel"))); });
    plain("LinearSVM", simple<LinearSVM>());
    plain("LogisticRegression", simple<LogisticRegression>());
    add("PolynomialRegression", [](ArgReader &a) {
        int64_t degree = a.req_int("degree");
        return Model(PolynomialRegression(degree, a.opt_int("dimension")));
    });
    add("GPRLoss", [](ArgReader &a) { return Model(GPRLoss(a.boolean("robust", false))); });
    plain("GaussProcessRegressionCore", simple<GaussProcessRegressionCore>());
    add("EncoderDistanceMatrix", [](ArgReader &a) {
        bool fin = a.boolean("get_final_distance", true);
        return Model(EncoderDistanceMatrix(fin, a.boolean("robust", true)));
    });
    add("MDSCore", [](ArgReader &a) {
        bool exact = a.boolean("exact_distances", true);
        return Model(MDSCore(exact, a.boolean("robust", true)));
    });
    add("TSNECore", [](ArgReader &a) {
        bool exact = a.boolean("exact_distances", true);
        bool calc = a.boolean("calculate_p_joint", false);
        return Model(TSNECore(exact, calc, a.number("perplexity", 20.0)));
    });
    add("MDS", [](ArgReader &a) {
        int64_t dim = a.req_int("prediction_dim");
        return Model(MDS(dim, a.str("input_type", "distances")));
    });
    add("TSNE", [](ArgReader &a) {
        int64_t dim = a.req_int("prediction_dim");
        std::string it = a.str("input_type", "distances");
        double perp = a.number("preplexity", 20.0);
        return Model(TSNE(dim, it, perp, a.boolean("calculate_p_joint", false)));
    });

    // ---- recurrent ----
    plain("RNNCell", simple<RNNCell>());
    plain("LSTMCell", simple<LSTMCell>());
    plain("LSTMCellBody", simple<LSTMCellBody>());
    add("OneToMany", [](ArgReader &a) {
        CellType cell = a.cell_type("cell_type");
        int64_t len = a.req_int("max_sequence_length");
        return Model(OneToMany(cell, len, a.boolean("teacher_forcing", false)));
    });
    add("OneToManyInference", [](ArgReader &a) {
        CellType cell = a.cell_type("cell_type");
        return Model(OneToManyInference(cell, a.req_int("max_sequence_length")));
    });
    add("ManyToOne", [](ArgReader &a) {
        CellType cell = a.cell_type("cell_type");
        return Model(ManyToOne(cell, a.req_int("max_sequence_length")));
    });
    add("EncoderDecoder", [](ArgReader &a) {
        CellType cell = a.cell_type("cell_type");
        int64_t in_len = a.req_int("max_input_sequence_length");
        int64_t out_len = a.req_int("max_target_sequence_length");
        return Model(EncoderDecoder(cell, in_len, out_len, a.boolean("teacher_forcing", false)));
    });
    add("EncoderDecoderInference", [](ArgReader &a) {
        CellType cell = a.cell_type("cell_type");
        int64_t in_len = a.req_int("max_input_sequence_length");
        return Model(
            EncoderDecoderInference(cell, in_len, a.req_int("max_target_sequence_length")));
    });

    // ---- metrics ----
    auto metric_common = [](ArgReader &a, std::optional<double> &thr, bool &bin, bool &pred1h,
                            bool &label1h) {
        thr = a.opt_number("threshold");
        bin = a.boolean("is_binary", false);
        pred1h = a.boolean("is_pred_one_hot", true);
        label1h = a.boolean("is_label_one_hot", true);
    };
    add("Metric", [metric_common](ArgReader &a) {
        std::optional<double> thr;
        bool b, p, l;
        metric_common(a, thr, b, p, l);
        return Model(Metric(thr, b, p, l));
    });
    add("Accuracy", [metric_common](ArgReader &a) {
        std::optional<double> thr;
        bool b, p, l;
        metric_common(a, thr, b, p, l);
        return Model(Accuracy(thr, b, p, l));
    });
    auto averaged = [&](const std::string &name, auto make) {
        add(name, [make, metric_common](ArgReader &a) {
            std::string avg = a.str("average", "micro");
            auto n = a.opt_int("n_classes");
            std::optional<double> thr;
            bool b, p, l;
            metric_common(a, thr, b, p, l);
            return Model(make(avg, n, thr, b, p, l));
        });
    };
    averaged("Precision", [](auto... x) { return Precision(x...); });
    averaged("Recall", [](auto... x) { return Recall(x...); });
    averaged("F1", [](auto... x) { return F1(x...); });
    add("AUC", [](ArgReader &a) {
        int64_t n = a.req_int("n_classes");
        return Model(AUC(n, a.boolean("is_label_one_hot", true)));
    });

    // ---- containers ----
    plain("Model", [](ArgReader &) { return Model(); });
    add("TrainModel", [](ArgReader &a) { return Model(TrainModel(a.model("model"))); });
    return t;
}

const std::map<std::string, Entry> &table() {
    static const std::map<std::string, Entry> t = make_table();
    return t;
}

// A name missing from the registry: Mithril's custom primitive, whose
// args.formula_key names a primitive. We build the registered primitive with
// that formula key (default arguments).
Model build_custom(const std::string &name, const Json &args) {
    auto fk = args.is_object() ? args.find("formula_key") : args.end();
    if (!args.is_object() || fk == args.end() || !fk->is_string())
        throw KeyError("Model '" + name + "' is not in the model registry.");
    const std::string key = fk->get<std::string>();
    for (const auto &[n, e] : table()) {
        if (e.has_hyper || n == "model") continue;
        ArgReader a(e.class_name, Json::object(), Json(), Json());
        Model m = e.make(a);
        if (m.formula_key() == key) return m;
    }
    throw KeyError("Model '" + name + "' is not in the model registry and formula_key '" + key +
                   "' names no primitive.");
}

} // namespace

bool is_registered(const std::string &name) { return table().count(lower(name)) > 0; }

std::string registered_class_name(const std::string &name) {
    auto it = table().find(lower(name));
    return it == table().end() ? name : it->second.class_name;
}

std::vector<std::string> registered_names() {
    std::vector<std::string> out;
    for (const auto &[n, e] : table())
        out.push_back(n);
    return out;
}

bool registered_has_hyperparameters(const std::string &name) {
    auto it = table().find(lower(name));
    return it == table().end() || it->second.has_hyper;
}

Model build_registered(const std::string &name, const Json &args, const Json &tuples,
                       const Json &enums) {
    auto it = table().find(lower(name));
    if (it == table().end()) return build_custom(name, args);
    ArgReader reader(it->second.class_name, args, tuples, enums);
    Model m = it->second.make(reader);
    reader.finish(m);
    return m;
}

} // namespace mithril::io

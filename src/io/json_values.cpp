// io/json_values.cpp — JSON <-> Tensor / Value / Type / shape conversions of the
// model-dictionary format (FORMAT.md §1.2, §1.6, §2.3, §2.4, §2.6, §2.7).
//
// The int/float distinction of §1.2 rests on nlohmann's literal kinds: a number
// written with '.', 'e' or 'E' parses as number_float, any other as an integer,
// so is_number_integer() reproduces NumPy's array(...) dtype choice exactly.
#include <cstdint>
#include <functional>

#include "io/model_dict.hpp"

namespace mithril::io {

namespace {

enum class LeafKind { Bool = 0, Int = 1, Float = 2 };

// Walks a nested array: the shape from the nesting (ragged -> ValueError) and
// the most general leaf kind.
void scan(const Json &v, size_t depth, std::vector<int64_t> &shape, bool &shape_fixed, int &kind,
          size_t &leaves, const std::string &what) {
    if (v.is_array()) {
        if (!shape_fixed && depth == shape.size())
            shape.push_back(int64_t(v.size()));
        else if (depth >= shape.size() || shape[depth] != int64_t(v.size()))
            throw ValueError("Inhomogeneous nested list for '" + what + "': " + short_text(v));
        if (v.empty()) {
            shape_fixed = true;
            return;
        }
        for (const auto &item : v)
            scan(item, depth + 1, shape, shape_fixed, kind, leaves, what);
        return;
    }
    if (!shape_fixed) shape_fixed = true;
    if (depth != shape.size())
        throw ValueError("Inhomogeneous nested list for '" + what + "': a scalar at depth " +
                         std::to_string(depth));
    if (v.is_boolean())
        kind = std::max(kind, int(LeafKind::Bool));
    else if (v.is_number_integer())
        kind = std::max(kind, int(LeafKind::Int));
    else if (v.is_number_float())
        kind = std::max(kind, int(LeafKind::Float));
    else
        throw TypeError("Tensor value '" + what +
                        "' holds a non-numeric element: " + short_text(v));
    ++leaves;
}

double leaf_double(const Json &v) {
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_number_unsigned()) return double(v.get<uint64_t>());
    if (v.is_number_integer()) return double(v.get<int64_t>());
    return v.get<double>();
}

int64_t leaf_int(const Json &v, const std::string &what) {
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > uint64_t(INT64_MAX))
            throw ValueError("Integer element of '" + what + "' does not fit in int64.");
        return int64_t(u);
    }
    return v.get<int64_t>();
}

template <class F> void for_each_leaf(const Json &v, const F &f) {
    if (v.is_array()) {
        for (const auto &item : v)
            for_each_leaf(item, f);
        return;
    }
    f(v);
}

const char *const kConstantNames[] = {"EPSILON",
                                      "LEFT_EPSILON",
                                      "MIN_POSITIVE_NORMAL",
                                      "MIN_POSITIVE_SUBNORMAL",
                                      "STABLE_RECIPROCAL_THRESHOLD",
                                      "ZEROS",
                                      "ONES"};

} // namespace

std::string short_text(const Json &v) {
    std::string s = v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}

Tensor json_to_tensor(const Json &v, const std::string &what) {
    if (v.is_string()) {
        if (auto c = constant_from_string(v.get<std::string>()))
            throw ValueError("Constant '" + v.get<std::string>() + "' for '" + what +
                             "' has no value before compile.");
        throw TypeError("Tensor value '" + what + "' must be a number or a nested list, got " +
                        short_text(v));
    }
    if (!v.is_array() && !v.is_number() && !v.is_boolean())
        throw TypeError("Tensor value '" + what + "' must be a number or a nested list, got " +
                        short_text(v));
    std::vector<int64_t> shape;
    bool fixed = false;
    int kind = -1;
    size_t leaves = 0;
    scan(v, 0, shape, fixed, kind, leaves, what);
    if (kind < 0) kind = int(LeafKind::Float); // [] -> float64, as NumPy
    if (kind == int(LeafKind::Float)) {
        std::vector<double> data;
        data.reserve(leaves);
        for_each_leaf(v, [&](const Json &x) { data.push_back(leaf_double(x)); });
        return Tensor::from_vector(data, shape);
    }
    if (kind == int(LeafKind::Int)) {
        std::vector<int64_t> data;
        data.reserve(leaves);
        for_each_leaf(v, [&](const Json &x) { data.push_back(leaf_int(x, what)); });
        return Tensor::from_vector(data, shape);
    }
    Tensor t(Dtype::bool_, shape);
    bool *out = t.data<bool>();
    size_t i = 0;
    for_each_leaf(v, [&](const Json &x) { out[i++] = x.get<bool>(); });
    return t;
}

Json tensor_to_json(const Tensor &t) {
    const auto &shape = t.shape();
    std::function<Json(size_t, size_t &)> build = [&](size_t dim, size_t &flat) -> Json {
        if (dim == shape.size()) {
            double x = t.at_double(flat++);
            if (t.dtype() == Dtype::bool_) return Json(x != 0.0);
            if (is_integer(t.dtype())) return Json(int64_t(x));
            return Json(x);
        }
        Json arr = Json::array();
        for (int64_t i = 0; i < shape[dim]; ++i)
            arr.push_back(build(dim + 1, flat));
        return arr;
    };
    size_t flat = 0;
    return build(0, flat);
}

std::optional<Constant> constant_from_string(const std::string &s) {
    static const std::string prefix = "Constant.";
    if (s.rfind(prefix, 0) != 0) return std::nullopt;
    const std::string name = s.substr(prefix.size());
    for (size_t i = 0; i < std::size(kConstantNames); ++i)
        if (name == kConstantNames[i]) return Constant(i);
    return std::nullopt;
}

std::string constant_to_string(Constant c) {
    return std::string("Constant.") + kConstantNames[size_t(c)];
}

Value json_to_plain_value(const Json &v, bool as_tuple, const std::string &what) {
    if (v.is_null()) return Value(None);
    if (v.is_boolean()) return Value(v.get<bool>());
    if (v.is_number_integer()) return Value(int64_t(leaf_int(v, what)));
    if (v.is_number_float()) return Value(v.get<double>());
    if (v.is_string()) {
        const auto &s = v.get_ref<const std::string &>();
        if (s == "(Ellipsis,)") return Value(Ellipsis);
        if (auto c = constant_from_string(s)) return Value(*c);
        return Value(s);
    }
    if (v.is_array()) {
        std::vector<Value> items;
        for (size_t i = 0; i < v.size(); ++i)
            items.push_back(json_to_plain_value(v[i], as_tuple, what));
        return as_tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
    }
    throw TypeError("Argument '" + what + "' has an unsupported value " + short_text(v));
}

Value json_to_connection_value(const Json &v, const std::string &what) {
    if (v.is_object()) {
        if (v.size() == 1 && v.contains("tensor")) {
            const Json &t = v["tensor"];
            if (t.is_string()) {
                if (auto c = constant_from_string(t.get<std::string>())) return Value(*c);
                throw ValueError("Unknown constant '" + t.get<std::string>() + "' for '" + what +
                                 "'.");
            }
            return Value(json_to_tensor(t, what));
        }
        throw ValueError("Connection value of '" + what + "' must be {\"tensor\": v}, got " +
                         short_text(v));
    }
    if (v.is_string()) {
        if (auto c = constant_from_string(v.get<std::string>())) return Value(*c);
        return Value(v.get<std::string>());
    }
    return json_to_plain_value(v, false, what);
}

std::optional<Json> value_to_json(const Value &v) {
    switch (v.kind()) {
    case Value::Kind::None:
        return Json(nullptr);
    case Value::Kind::Bool:
        return Json(v.as_bool());
    case Value::Kind::Int:
        return Json(v.as_int());
    case Value::Kind::Float:
        return Json(v.as_float());
    case Value::Kind::Str:
        return Json(v.as_str());
    case Value::Kind::Constant:
        return Json(constant_to_string(v.as_constant()));
    case Value::Kind::Tensor:
        return Json{{"tensor", tensor_to_json(v.as_tensor())}};
    case Value::Kind::List:
    case Value::Kind::Tuple: {
        Json arr = Json::array();
        for (const auto &item : v.items()) {
            auto j = value_to_json(item);
            if (!j || j->is_object()) return std::nullopt;
            arr.push_back(*j);
        }
        return arr;
    }
    default:
        return std::nullopt;
    }
}

Type type_from_spec(const Json &spec, const std::string &what) {
    if (spec.is_string()) {
        const auto &s = spec.get_ref<const std::string &>();
        if (s == "int") return Type(Type::Int);
        if (s == "float") return Type(Type::Float);
        if (s == "bool") return Type(Type::Bool);
        if (s == "str") return Type(Type::Str);
        if (s == "list") return Type(Type::ListT);
        if (s == "tuple") return Type(Type::TupleT);
        if (s == "Tensor") return Type::tensor();
        if (s == "...") return Type(Type::EllipsisT);
        if (s == "None" || s == "NoneType") return Type(Type::NoneT);
        if (s == "slice") return Type(Type::SliceT);
        throw ValueError("Unknown type spec '" + s + "' for '" + what + "'.");
    }
    if (spec.is_array()) {
        if (spec.empty()) throw ValueError("Empty type union for '" + what + "'.");
        Type t = Type::none();
        for (const auto &item : spec)
            t = t | type_from_spec(item, what);
        return t;
    }
    if (spec.is_object() && spec.size() == 1) {
        const std::string head = spec.begin().key();
        const Json &inner = spec.begin().value();
        if (head == "Tensor") {
            if (!inner.is_array() && !inner.is_string())
                throw ValueError("Tensor type spec of '" + what + "' must list element types.");
            Json items = inner.is_array() ? inner : Json::array({inner});
            uint32_t bits = 0;
            for (const auto &item : items) {
                const std::string s = item.is_string() ? item.get<std::string>() : "";
                if (s == "int")
                    bits |= Type::TensorInt;
                else if (s == "float")
                    bits |= Type::TensorFloat;
                else if (s == "bool")
                    bits |= Type::TensorBool;
                else
                    throw ValueError("Unknown Tensor element type " + short_text(item) + " for '" +
                                     what + "'.");
            }
            return Type(bits);
        }
        if (head == "list") return Type(Type::ListT);
        if (head == "tuple") return Type(Type::TupleT);
        throw ValueError("Unsupported type spec '" + head + "' for '" + what + "'.");
    }
    throw ValueError("Malformed type spec " + short_text(spec) + " for '" + what + "'.");
}

std::optional<Json> type_to_spec(Type t) {
    if (t.is_any() || t.empty()) return std::nullopt;
    const uint32_t known = Type::Int | Type::Float | Type::Bool | Type::Str | Type::ListT |
                           Type::TupleT | Type::EllipsisT | Type::NoneT | Type::SliceT |
                           Type::kTensorBits;
    if ((t.bits() & ~known) != 0) return std::nullopt;
    Json items = Json::array();
    const std::pair<uint32_t, const char *> scalars[] = {
        {Type::Int, "int"},       {Type::Float, "float"}, {Type::Bool, "bool"},
        {Type::Str, "str"},       {Type::ListT, "list"},  {Type::TupleT, "tuple"},
        {Type::EllipsisT, "..."}, {Type::NoneT, "None"},  {Type::SliceT, "slice"}};
    for (const auto &[bit, name] : scalars)
        if (t.bits() & bit) items.push_back(name);
    if (t.bits() & Type::kTensorBits) {
        Json el = Json::array();
        if (t.bits() & Type::TensorInt) el.push_back("int");
        if (t.bits() & Type::TensorFloat) el.push_back("float");
        if (t.bits() & Type::TensorBool) el.push_back("bool");
        items.push_back(Json{{"Tensor", el}});
    }
    if (items.size() == 1) return items[0];
    return items;
}

ShapeTemplate shape_from_json(const Json &shape, const std::string &what) {
    if (!shape.is_array())
        throw ValueError("Shape of '" + what + "' must be a list, got " + short_text(shape));
    ShapeTemplate out;
    for (const auto &d : shape) {
        if (d.is_null()) {
            out.emplace_back(None);
        } else if (d.is_number_integer()) {
            out.emplace_back(int64_t(leaf_int(d, what)));
        } else if (d.is_string()) {
            const auto &s = d.get_ref<const std::string &>();
            const auto comma = s.find(',');
            if (comma != std::string::npos && s.find("...", comma) != std::string::npos)
                out.emplace_back(Variadic(s.substr(0, comma)));
            else
                out.emplace_back(s);
        } else {
            throw ValueError("Invalid shape item " + short_text(d) + " for '" + what + "'.");
        }
    }
    return out;
}

} // namespace mithril::io

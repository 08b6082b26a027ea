// mithril/model.hpp — logical models: Model, Connection, IOKey and extension.
//
// A Model is a handle (reference semantics, like a Python object) onto a node
// of the logical model DAG. `parent |= child.connect({...})` wires only the
// given keys; `parent += child` also wires the parent's canonical output to
// the child's single free canonical input. Every mutation runs the
// constraint solver eagerly, so shapes, types and values are always as far
// resolved as the facts allow. A sub-model instance can have one parent; once
// extended into a parent (or built by a library constructor) it is frozen.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mithril/errors.hpp"
#include "mithril/shape_template.hpp"
#include "mithril/tensor.hpp"
#include "mithril/types.hpp"
#include "mithril/value.hpp"

namespace mithril {

namespace detail {
struct ModelData;
struct ConnectionData;
}  // namespace detail
namespace constraints {
class ConstraintContext;
}

class Model;

// A handle onto one named (or $n-autonamed) connection of a model.
class Connection {
public:
    Connection() = default;
    // `owner` keeps the model alive while a handle onto one of its keys exists.
    Connection(std::shared_ptr<detail::ConnectionData> d, std::shared_ptr<detail::ModelData> owner)
        : data_(std::move(d)), owner_(std::move(owner)) {}

    bool valid() const { return data_ != nullptr; }
    const std::string& key() const;
    // The model this connection belongs to.
    Model model() const;

    // Delegate to the outermost model (Mithril #252).
    void set_value(const Value& v) const;
    void set_type(Type t) const;
    void set_shapes(const ShapeTemplate& t) const;
    void set_differentiability(bool d) const;

    // Resolved facts, for inspection.
    Value value() const;
    Type type() const;
    std::optional<bool> differentiable() const;

    // ---- connection algebra (see mithril/connection_ops.hpp for operators) ----
    Connection shape() const;
    Connection size(const Value& dim = None) const;
    Connection len() const;
    Connection reshape(const Value& shape) const;
    Connection reshape(const Connection& shape) const;
    Connection sum(const Value& axis = None, bool keepdim = false) const;
    Connection mean(const Value& axis = None, bool keepdim = false) const;
    Connection max(const Value& axis = None, bool keepdim = false) const;
    Connection min(const Value& axis = None, bool keepdim = false) const;
    Connection prod(const Value& axis = None, bool keepdim = false) const;
    Connection var(const Value& axis = None, bool keepdim = false, double correction = 0.0) const;
    Connection abs() const;
    Connection sqrt() const;
    Connection exp() const;
    Connection sin() const;
    Connection cos() const;
    Connection floor() const;
    Connection atleast_1d() const;
    Connection tensor() const;
    Connection item() const;
    Connection transpose(const Value& axes = None) const;
    Connection T() const { return transpose(); }
    Connection cast(Dtype dtype) const;
    Connection dtype() const;
    Connection clamp(const Value& min_val, const Value& max_val) const;
    Connection eq(const Connection& o) const;
    Connection eq(const Value& o) const;
    Connection ne(const Connection& o) const;
    Connection ne(const Value& o) const;

    // Indexing: int, Slice, None, Ellipsis, Tensor[int], a connection, or a
    // tuple of these (a brace list).
    class Index;
    Connection operator[](const Index& index) const;
    Connection operator[](std::initializer_list<Index> index) const;

    std::shared_ptr<detail::ConnectionData> data() const { return data_; }
    bool same(const Connection& o) const { return data_ == o.data_; }
    // True when both handles refer to the same underlying value (hyperedge).
    bool shares_edge(const Connection& o) const;

private:
    std::shared_ptr<detail::ConnectionData> data_;
    std::shared_ptr<detail::ModelData> owner_;
};

class Connection::Index {
public:
    Index(int i) : v_(Value(i)) {}
    Index(int64_t i) : v_(Value(i)) {}
    Index(Slice s) : v_(Value(s)) {}
    Index(NoneType) : v_(Value(None)) {}
    Index(EllipsisType) : v_(Value(Ellipsis)) {}
    Index(const Tensor& t) : v_(Value(t)) {}
    Index(Connection c) : v_(std::move(c)) {}
    const std::variant<Value, Connection>& get() const { return v_; }

private:
    std::variant<Value, Connection> v_;
};

// Python-like slice builder: slice(1, 3), slice(None, 2), slice(None, None, -1).
Slice slice(std::optional<int64_t> start, std::optional<int64_t> stop,
            std::optional<int64_t> step = std::nullopt);
inline constexpr NoneType all_none{};

// A key description: a fresh named (or unnamed) connection with facts.
// Aggregate: IOKey("x"), IOKey{.name = "x", .shape = {{"N", 3}}}.
struct IOKey {
    std::optional<std::string> name = std::nullopt;
    Value value = {};
    std::optional<ShapeTemplate> shape = std::nullopt;
    std::optional<Type> type = std::nullopt;
    std::optional<bool> differentiable = std::nullopt;
    std::optional<Connection> connection = std::nullopt;  // expose an existing connection under `name`
};

// What a key of a child may be connected to.
class ConnectValue {
public:
    ConnectValue(const char* name) : v_(std::string(name)) {}
    ConnectValue(std::string name) : v_(std::move(name)) {}
    ConnectValue(IOKey k) : v_(std::move(k)) {}
    ConnectValue(Connection c) : v_(std::move(c)) {}
    ConnectValue(Value v) : v_(std::move(v)) {}
    ConnectValue(int v) : v_(Value(v)) {}
    ConnectValue(int64_t v) : v_(Value(v)) {}
    ConnectValue(double v) : v_(Value(v)) {}
    ConnectValue(bool v) : v_(Value(v)) {}
    ConnectValue(NoneType v) : v_(Value(v)) {}
    ConnectValue(Dtype v) : v_(Value(v)) {}
    ConnectValue(Constant v) : v_(Value(v)) {}
    ConnectValue(const Tensor& t) : v_(Value(t)) {}
    ConnectValue(std::initializer_list<Value> items) : v_(Value(items)) {}
    // A list of connections (unrolled into a ToList / ToTuple operator).
    static ConnectValue list(std::vector<Connection> items, bool as_tuple = false);

    using Storage = std::variant<std::string, IOKey, Connection, Value>;
    const Storage& get() const { return v_; }
    bool is_name() const { return std::holds_alternative<std::string>(v_); }

private:
    Storage v_;
};

using ConnectMap = std::vector<std::pair<std::string, ConnectValue>>;

// A key named by string or by handle.
class ConnRef {
public:
    ConnRef(const char* k) : v_(std::string(k)) {}
    ConnRef(std::string k) : v_(std::move(k)) {}
    ConnRef(Connection c) : v_(std::move(c)) {}
    const std::variant<std::string, Connection>& get() const { return v_; }

private:
    std::variant<std::string, Connection> v_;
};

// A child together with how its keys are to be connected.
struct ExtendInfo {
    std::shared_ptr<detail::ModelData> model;
    ConnectMap connections;
};

struct SummaryOptions {
    bool shapes = true;
    bool types = false;
    bool symbolic = true;
    bool alternative_shapes = false;
    int depth = 0;
    std::string name = {};
};

// key -> printed shape tokens ("u1", "4", "(V1, ...)", or "None" when not
// symbolic); nullopt for non-tensor connections.
using ShapeResult = std::map<std::string, std::optional<std::vector<std::string>>>;

enum class KeyKind { Input, Output, LatentInput, Internal, LatentOutput };

class Model {
public:
    Model();                                   // an empty composite named "Model"
    explicit Model(std::string name);          // an empty composite with a name
    explicit Model(std::shared_ptr<detail::ModelData> d) : data_(std::move(d)) {}

    // ---- composition ---------------------------------------------------------
    ExtendInfo connect(ConnectMap keys = {}) const;
    Model& operator|=(const ExtendInfo& info);
    Model& operator|=(const Model& child);
    Model& operator+=(const ExtendInfo& info);
    Model& operator+=(const Model& child);
    // Functional API: add to a provisional model; returns the output
    // connection (positional args map onto input_keys() in order).
    Connection operator()(ConnectMap keys = {}) const;
    Connection call(std::vector<ConnectValue> positional, ConnectMap keys = {}) const;
    // Trace outputs back into a new frozen model; named outputs are exposed.
    static Model create(std::vector<Connection> outputs,
                        std::vector<std::pair<std::string, Connection>> named = {},
                        std::string name = "");

    // ---- keys and connections ------------------------------------------------
    Connection operator[](const std::string& key) const;  // KeyError if absent
    Connection conn(const ConnRef& ref) const;
    bool has_key(const std::string& key) const;
    std::vector<std::string> input_keys() const;
    std::vector<std::string> output_keys() const;
    std::vector<std::string> all_keys() const;  // every connection, creation order
    KeyKind key_kind(const std::string& key) const;
    Connection cin() const;
    Connection cout() const;
    std::vector<Connection> cins() const;
    std::vector<Connection> couts() const;
    void set_cin(std::vector<ConnRef> keys);
    void set_cout(std::vector<ConnRef> keys);
    void expose_keys(std::vector<ConnRef> keys, std::vector<std::pair<std::string, ConnRef>> renamed = {});
    void merge_connections(std::vector<ConnRef> conns, std::optional<std::string> name = std::nullopt);
    void rename_key(const ConnRef& conn, const std::string& key);
    void bind_state_keys(const ConnRef& input, const ConnRef& output, const Value& initial_value);
    // A user constraint over the given keys (output first by convention).
    void add_constraint(std::function<bool(constraints::ConstraintContext&)> fn,
                        std::vector<ConnRef> keys, std::string name = "user_constraint");

    // ---- facts -----------------------------------------------------------------
    void set_shapes(std::vector<std::pair<ConnRef, ShapeTemplate>> shapes);
    void set_types(std::vector<std::pair<ConnRef, Type>> types);
    void set_values(std::vector<std::pair<ConnRef, Value>> values);
    void set_differentiability(std::vector<std::pair<ConnRef, bool>> flags);

    // ---- inspection ----------------------------------------------------------------
    ShapeResult get_shapes(bool symbolic = true) const;
    std::string summary(const SummaryOptions& opts = {}) const;
    const std::string& name() const;
    void set_name(const std::string& name);
    const std::string& class_name() const;
    bool is_frozen() const;
    bool has_parent() const;
    std::vector<Model> submodels() const;   // insertion (topological) order
    std::string formula_key() const;        // empty for composites
    size_t unsolved_constraints() const;

    std::shared_ptr<detail::ModelData> data() const { return data_; }
    bool same(const Model& o) const { return data_ == o.data_; }

protected:
    struct ClassTag {};
    Model(ClassTag, std::string class_name);
    // Library constructors end with this: freeze and fix canonical keys.
    void finish_library_model();

private:
    std::shared_ptr<detail::ModelData> data_;
};

}  // namespace mithril

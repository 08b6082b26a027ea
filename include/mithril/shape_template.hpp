// mithril/shape_template.hpp — user-facing shape templates.
//
// A template is a list of dims: an int (fixed), a string (a named symbol
// shared inside one template map), None / nullopt (an anonymous unknown dim),
// or a Variadic("V") (zero or more dims). At most one variadic per template.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mithril/value.hpp"

namespace mithril {

struct Variadic {
    std::string name;
    explicit Variadic(std::string n) : name(std::move(n)) {}
    bool operator==(const Variadic&) const = default;
};

class ShapeDim {
public:
    ShapeDim(int v) : d_(int64_t(v)) {}
    ShapeDim(int64_t v) : d_(v) {}
    ShapeDim(const char* name) : d_(std::string(name)) {}
    ShapeDim(std::string name) : d_(std::move(name)) {}
    ShapeDim(NoneType) : d_(std::monostate{}) {}
    ShapeDim(std::nullopt_t) : d_(std::monostate{}) {}
    ShapeDim(Variadic v) : d_(std::move(v)) {}

    bool is_int() const { return std::holds_alternative<int64_t>(d_); }
    bool is_name() const { return std::holds_alternative<std::string>(d_); }
    bool is_none() const { return std::holds_alternative<std::monostate>(d_); }
    bool is_variadic() const { return std::holds_alternative<Variadic>(d_); }
    int64_t value() const { return std::get<int64_t>(d_); }
    const std::string& name() const {
        return is_name() ? std::get<std::string>(d_) : std::get<Variadic>(d_).name;
    }
    bool operator==(const ShapeDim&) const = default;

private:
    std::variant<std::monostate, int64_t, std::string, Variadic> d_;
};

using ShapeTemplate = std::vector<ShapeDim>;

}  // namespace mithril

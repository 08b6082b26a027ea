// constraints/type_printing.cpp — Type::to_string / Type::to_python_string.
//
// Two printed forms of a type union (mithril/types.hpp):
//  - to_string(): the summary form, scalar atoms first in Mithril's declaration order
//    (int, float, bool, then the other scalar kinds), then one "Tensor[...]" group whose
//    element types are in the order int, float, bool: "int | Tensor[float]",
//    "Tensor[int | float | bool]"; Type::any() prints "ToBeDetermined".
//  - to_python_string(): the form Python prints in Mithril's TypeError messages. Tensor
//    groups are fully qualified ("mithril.framework.common.Tensor[int | float]"), scalar
//    unions are sorted by name ("bool | float | int", as Mithril's sort_type leaves them),
//    and a lone scalar class prints as Python's class repr ("<class 'float'>").
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mithril/types.hpp"

namespace mithril {

namespace {

// Scalar atoms in Mithril's declaration order, with their Python names.
const std::vector<std::pair<Type::Atom, const char*>>& scalar_atoms() {
    static const std::vector<std::pair<Type::Atom, const char*>> atoms = {
        {Type::Int, "int"},
        {Type::Float, "float"},
        {Type::Bool, "bool"},
        {Type::NoneT, "None"},
        {Type::Str, "str"},
        {Type::DtypeT, "Dtype"},
        {Type::EllipsisT, "ellipsis"},
        {Type::SliceT, "slice"},
        {Type::ListT, "list"},
        {Type::TupleT, "tuple"},
        {Type::ConstantT, "Constant"},
    };
    return atoms;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += " | ";
        out += parts[i];
    }
    return out;
}

// "int | float | bool" subset of a Tensor group, or "" when the type holds no Tensor atom.
std::string tensor_args(uint32_t bits) {
    std::vector<std::string> parts;
    if (bits & Type::TensorInt) parts.emplace_back("int");
    if (bits & Type::TensorFloat) parts.emplace_back("float");
    if (bits & Type::TensorBool) parts.emplace_back("bool");
    return join(parts);
}

std::vector<std::string> scalar_names(uint32_t bits) {
    std::vector<std::string> parts;
    for (const auto& [atom, name] : scalar_atoms())
        if (bits & atom) parts.emplace_back(name);
    return parts;
}

}  // namespace

std::string Type::to_string() const {
    if (is_any()) return "ToBeDetermined";
    if (empty()) return "Never";
    std::vector<std::string> parts = scalar_names(bits_);
    if (bits_ & kTensorBits) parts.push_back("Tensor[" + tensor_args(bits_) + "]");
    return join(parts);
}

std::string Type::to_python_string() const {
    if (is_any()) return "mithril.framework.common.ToBeDetermined";
    if (empty()) return "typing.Never";
    std::vector<std::string> scalars = scalar_names(bits_);
    std::sort(scalars.begin(), scalars.end());
    bool has_tensor = (bits_ & kTensorBits) != 0;
    if (!has_tensor && scalars.size() == 1) {
        const std::string& s = scalars.front();
        if (s == "None") return "<class 'NoneType'>";
        return "<class '" + s + "'>";
    }
    std::vector<std::string> parts;
    if (has_tensor) parts.push_back("mithril.framework.common.Tensor[" + tensor_args(bits_) + "]");
    parts.insert(parts.end(), scalars.begin(), scalars.end());
    return join(parts);
}

}  // namespace mithril

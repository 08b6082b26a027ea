// constraints/types.cpp — type propagation: general_type_constraint and friends.
//
// general_type_constraint follows Mithril's process_tensor_op_types: each edge's Type is cut
// down to the six numeric atoms {int, float, bool, Tensor[int], Tensor[float], Tensor[bool]},
// every combination of input atoms is evaluated with the operator's rule (Python's result
// type for the sample values 2, 2.0, True), a Tensor operand makes the result a Tensor, and
// all-bool operands with a Tensor among them give Tensor[bool] unless the constraint is
// bitwise (Python semantics: True + True is an int). Combinations whose result the output
// does not accept are dropped; each edge is then narrowed to the atoms it takes in the
// surviving combinations (both directions). The constraint is solved when the surviving
// combinations are the full product of the per-edge atoms, i.e. when narrowing one edge can
// no longer narrow another (Mithril's `len(all_output_types) == max_possible_results`).
//
// Differences from Python: an untyped (ToBeDetermined) edge counts as all six atoms rather
// than as "nothing known", and an empty result raises TypeError instead of being ignored.
#include <array>
#include <bit>
#include <optional>
#include <vector>

#include "constraints/families.hpp"
#include "mithril/errors.hpp"

namespace mithril::constraints {

namespace {

// Atom index 0..5: int, float, bool, Tensor[int], Tensor[float], Tensor[bool].
constexpr std::array<uint32_t, 6> kAtomBits = {
    Type::Int, Type::Float, Type::Bool, Type::TensorInt, Type::TensorFloat, Type::TensorBool};
constexpr uint32_t kNumberBits = Type::kScalarNumberBits | Type::kTensorBits;

enum Base { kInt = 0, kFloat = 1, kBool = 2 };

std::vector<int> atoms_of(Type t) {
    std::vector<int> out;
    for (int a = 0; a < 6; ++a)
        if (t.bits() & kAtomBits[size_t(a)]) out.push_back(a);
    return out;
}

// Python's result kind of `a op b` on the sample values; nullopt when Python raises.
std::optional<Base> binary_result(TypeRule rule, Base a, Base b) {
    bool any_float = a == kFloat || b == kFloat;
    switch (rule) {
    case TypeRule::Arithmetic:
    case TypeRule::FloorDivide:
    case TypeRule::Power:
    case TypeRule::UnaryKeep: return any_float ? kFloat : kInt;
    case TypeRule::TrueDivide: return kFloat;
    case TypeRule::Comparison: return kBool;
    case TypeRule::Logical:
        if (any_float) return std::nullopt;
        return (a == kBool && b == kBool) ? kBool : kInt;
    case TypeRule::Shift:
        if (any_float) return std::nullopt;
        return kInt;
    }
    return std::nullopt;
}

// One operand: the rule applied to a single value (unary operators, fn=None in Mithril).
std::optional<Base> unary_result(TypeRule rule, Base a) {
    switch (rule) {
    case TypeRule::UnaryKeep: return a == kBool ? kInt : a;  // -True == -1, abs(True) == 1
    case TypeRule::TrueDivide: return kFloat;
    case TypeRule::Comparison: return kBool;
    case TypeRule::Logical: return a == kFloat ? std::nullopt : std::optional<Base>(a);
    case TypeRule::Shift: return a == kFloat ? std::nullopt : std::optional<Base>(kInt);
    default: return a;  // identity, as Mithril's type(values[0])
    }
}

// Result atom of one combination of input atoms.
std::optional<int> combo_result(TypeRule rule, bool is_bitwise, const std::vector<int>& combo) {
    bool has_tensor = false, all_bool = true;
    for (int a : combo) {
        has_tensor = has_tensor || a >= 3;
        all_bool = all_bool && (a % 3) == kBool;
    }
    if (has_tensor && all_bool && !is_bitwise) return 3 + kBool;
    std::optional<Base> r;
    if (combo.size() == 1) {
        r = unary_result(rule, Base(combo[0] % 3));
    } else {
        r = Base(combo[0] % 3);
        for (size_t i = 1; i < combo.size() && r; ++i)
            r = binary_result(rule, *r, Base(combo[i] % 3));
    }
    if (!r) return std::nullopt;
    return int(*r) + (has_tensor ? 3 : 0);
}

// Atoms an input may take at all under the rule (for the error message).
Type accepted_inputs(TypeRule rule) {
    if (rule == TypeRule::Logical || rule == TypeRule::Shift)
        return Type(Type::Int | Type::Bool | Type::TensorInt | Type::TensorBool);
    return Type(kNumberBits);
}

[[noreturn]] void type_error(Type acceptable, Type provided) {
    throw TypeError("Acceptable types are " + acceptable.to_python_string() + ", but " +
                    provided.to_python_string() + " type is provided!");
}

bool run_type_rule(ConstraintContext& c, TypeRule rule, bool is_bitwise) {
    const size_t n = c.arity();
    if (n < 2) return true;
    std::vector<std::vector<int>> atoms(n);
    for (size_t i = 0; i < n; ++i) {
        atoms[i] = atoms_of(c.type(i));
        if (atoms[i].empty()) type_error(Type(kNumberBits), c.type(i));
    }
    const size_t n_in = n - 1;
    const uint32_t out_bits = c.type(0).bits();

    std::vector<std::vector<int>> kept;  // each: result atom, then the input atoms
    uint32_t forward_bits = 0;           // results of the inputs alone, output ignored
    std::vector<size_t> pos(n_in, 0);
    std::vector<int> combo(n_in);
    for (;;) {
        for (size_t i = 0; i < n_in; ++i) combo[i] = atoms[i + 1][pos[i]];
        if (auto r = combo_result(rule, is_bitwise, combo)) {
            forward_bits |= kAtomBits[size_t(*r)];
            if (out_bits & kAtomBits[size_t(*r)]) {
                std::vector<int> row{*r};
                row.insert(row.end(), combo.begin(), combo.end());
                kept.push_back(std::move(row));
            }
        }
        size_t k = 0;
        while (k < n_in && ++pos[k] == atoms[k + 1].size()) pos[k++] = 0;
        if (k == n_in) break;
    }

    if (kept.empty()) {
        if (forward_bits == 0) {
            // No combination of the inputs is valid: blame the first impossible input.
            Type ok = accepted_inputs(rule);
            for (size_t i = 1; i < n; ++i)
                if (!c.type(i).intersects(ok)) type_error(ok, c.type(i));
            type_error(ok, c.type(1));
        }
        type_error(c.type(0), Type(forward_bits));
    }

    std::vector<uint32_t> bits(n, 0);
    for (const auto& row : kept)
        for (size_t i = 0; i < n; ++i) bits[i] |= kAtomBits[size_t(row[i])];
    size_t product = 1;
    for (size_t i = 0; i < n; ++i) {
        c.set_type(i, Type(bits[i]));
        product *= size_t(std::popcount(bits[i]));
    }
    return kept.size() == product;
}

}  // namespace

ConstraintFn general_type_constraint(TypeRule rule, bool is_bitwise) {
    return [rule, is_bitwise](ConstraintContext& c) { return run_type_rule(c, rule, is_bitwise); };
}

// (output, input, ...): Sum / Prod. int or bool input -> int output, float -> float; and
// back: a float output needs a float input, an int output an int or bool one.
bool reduce_type_constraint(ConstraintContext& c) {
    const uint32_t in = c.type(1).bits();
    uint32_t out = 0;
    if (in & (Type::TensorInt | Type::TensorBool)) out |= Type::TensorInt;
    if (in & Type::TensorFloat) out |= Type::TensorFloat;
    if (out == 0) type_error(Type::tensor(), c.type(1));
    c.set_type(0, Type(out));
    const Type result = c.type(0);
    if (result == Type::tensor_float()) c.set_type(1, Type::tensor_float());
    else if (result == Type::tensor_int()) c.set_type(1, Type(Type::TensorInt | Type::TensorBool));
    return std::popcount(c.type(0).bits()) == 1;
}

// (output, input, index): indexing a Tensor gives a Tensor of the same element type;
// indexing a sequence with a slice gives the same kind of sequence.
bool indexer_type_constraint(ConstraintContext& c) {
    const Type in = c.type(1);
    const Type out = c.type(0);
    if (in.is_tensor()) {
        Type t = Type(in.bits() & out.bits() & Type::kTensorBits);
        if (t.empty()) type_error(out, Type(in.bits() & Type::kTensorBits));
        c.set_type(0, t);
        c.set_type(1, t);
        return std::popcount(c.type(0).bits()) == 1;
    }
    if (!in.may_be_tensor()) {
        if (!c.valued(2)) return false;
        const Value& idx = c.value(2);
        if (idx.kind() == Value::Kind::Slice) {
            c.set_type(0, Type(in.bits() & (Type::ListT | Type::TupleT)));
        }
        return true;  // an int picks an element: its type is the element's own
    }
    if (out.is_tensor()) {
        // A Tensor result from a possibly-Tensor input: the input is a Tensor of the same
        // element type (Mithril's indexer_initial_type_constraint).
        c.set_type(1, Type(out.bits() & Type::kTensorBits));
    }
    return false;
}

}  // namespace mithril::constraints

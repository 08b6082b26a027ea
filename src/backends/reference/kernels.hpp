// backends/reference/kernels.hpp — the reference backend's per-primitive kernels.
//
// The reference backend is the oracle: plain, readable C++ loops, one forward
// kernel per primitive formula key (spec §2.1), in float32 and float64 (plus
// int64 / bool where the op takes them). Every argument is a mithril::Value in
// the operator's input-key order (Model::input_keys() of the primitive): a
// Tensor for tensor keys (dtype float32/float64/int64/bool), or a scalar /
// tuple / list / None / Slice / Dtype for the rest. A Constant value (e.g.
// Constant::MIN_POSITIVE_NORMAL) is resolved with constant_value() at the
// context's precision. Kernels throw mithril::Error subclasses on bad input.
//
// VJP rules (src/autodiff) share the same argument convention.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mithril/dtype.hpp"
#include "mithril/tensor.hpp"
#include "mithril/value.hpp"

namespace mithril::reference {

struct KernelContext {
    Dtype float_dtype = Dtype::float64;  // precision of float results and constants
    // PRNG state for random ops is passed as an input key ("key"); no hidden state.
};

// Value of a precision-dependent constant (FORMAT.md §1.6).
double constant_value(Constant c, Dtype float_dtype);

using ForwardKernel =
    std::function<Value(const std::vector<Value>& inputs, const KernelContext& ctx)>;

// nullptr when the formula key has no reference kernel.
const ForwardKernel* find_forward(const std::string& formula_key);
// Every formula key with a forward kernel.
std::vector<std::string> forward_keys();

// Registration (used by the family files through static initialisers).
void register_forward(const std::string& formula_key, ForwardKernel k);

}  // namespace mithril::reference

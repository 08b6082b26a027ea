// autodiff/vjp.hpp — one vector-Jacobian-product rule per differentiable primitive.
//
// A rule computes the cotangent of ONE input (by index in the operator's
// input-key order) from the output cotangent, the forward inputs and the
// forward output (same Value conventions as reference/kernels.hpp). The
// result may have the output's broadcast shape: the autodiff engine sums it
// down to the input's shape (reduce_to_shape), as Mithril's accumulate_grads.
// Kinks follow the numpy column of FORMAT.md §1.3 (e.g. d|x|/dx at 0 is 0).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "backends/reference/kernels.hpp"

namespace mithril::autodiff {

using VjpRule = std::function<Tensor(size_t input_index, const Tensor& output_grad,
                                     const std::vector<Value>& inputs, const Value& output,
                                     const reference::KernelContext& ctx)>;

// nullptr when the formula key is not differentiable.
const VjpRule* find_vjp(const std::string& formula_key);
std::vector<std::string> vjp_keys();
void register_vjp(const std::string& formula_key, VjpRule rule);

// Sum `grad` over broadcast dimensions so it has `shape` (NumPy un-broadcasting).
Tensor reduce_to_shape(const Tensor& grad, const std::vector<int64_t>& shape);

}  // namespace mithril::autodiff

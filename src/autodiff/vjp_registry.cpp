// autodiff/vjp_registry.cpp — the formula key -> VjpRule table, reduce_to_shape, and the
// reg() wrapper shared by the rule families (vjp_elementwise.cpp, vjp_binary.cpp, ...).
//
// The families register from static initialisers; the table is a function-local static,
// so registration order across translation units does not matter.
#include <algorithm>
#include <map>

#include "autodiff/vjp_common.hpp"

namespace mithril::autodiff {

namespace {

std::map<std::string, VjpRule>& table() {
    static std::map<std::string, VjpRule> t;
    return t;
}

}  // namespace

const VjpRule* find_vjp(const std::string& formula_key) {
    const auto& t = table();
    auto it = t.find(formula_key);
    return it == t.end() ? nullptr : &it->second;
}

std::vector<std::string> vjp_keys() {
    std::vector<std::string> keys;
    for (const auto& [k, _] : table()) keys.push_back(k);
    return keys;
}

void register_vjp(const std::string& formula_key, VjpRule rule) {
    auto [it, inserted] = table().emplace(formula_key, std::move(rule));
    (void)it;
    if (!inserted) throw InternalError("register_vjp: duplicate rule for '" + formula_key + "'");
}

Tensor reduce_to_shape(const Tensor& grad, const std::vector<int64_t>& shape) {
    if (grad.shape() == shape) return grad;
    const Dtype dt = is_floating(grad.dtype()) ? grad.dtype() : Dtype::float64;
    return detail::from_arr(detail::reduce_to(detail::to_arr(grad), shape), dt);
}

namespace detail {

Dtype grad_dtype(const Tensor& g, const KernelContext& ctx) {
    if (g.dtype() == Dtype::float32 || g.dtype() == Dtype::float64) return g.dtype();
    if (is_floating(g.dtype())) return Dtype::float32;
    return ctx.float_dtype;
}

void reg(const std::string& key, ArrRule rule, std::vector<std::size_t> non_differentiable) {
    register_vjp(key,
                 [key, rule = std::move(rule), nd = std::move(non_differentiable)](
                     std::size_t idx, const Tensor& output_grad, const std::vector<Value>& inputs,
                     const Value& output, const KernelContext& ctx) -> Tensor {
                     if (idx >= inputs.size())
                         throw ValueError(key +
                                          ": gradient is not defined for the input at index " +
                                          std::to_string(idx) + "!");
                     const Dtype dt = grad_dtype(output_grad, ctx);
                     const Shape shape = value_shape(inputs[idx]);
                     const bool zero = !inputs[idx].is_tensor() ||
                                       std::find(nd.begin(), nd.end(), idx) != nd.end();
                     if (zero) return Tensor(dt, shape);
                     const Arr g = to_arr(output_grad);
                     return from_arr(reduce_to(rule(idx, g, inputs, output, ctx), shape), dt);
                 });
}

}  // namespace detail

}  // namespace mithril::autodiff

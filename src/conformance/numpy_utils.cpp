// conformance/numpy_utils.cpp — numpy_utils (FORMAT.md §5.9): gradient
// un-broadcasting. The cases run against autodiff::reduce_to_shape, the
// function the reference backend uses to sum a broadcast gradient back to an
// input's shape, wrapped with the two edge rules of §5.9 (a gradient of lower
// rank comes back unchanged; an input dimension larger than the gradient's is
// an error). Compared with |computed - result| <= 1e-14 + 1e-14·|result|.
#include "autodiff/vjp.hpp"
#include "conformance/runner.hpp"

namespace mithril::conformance {

namespace {

Tensor accumulate_grads(const Tensor &gradient, const std::vector<int64_t> &input_shape) {
    const auto &g = gradient.shape();
    if (g.size() < input_shape.size()) return gradient;
    for (size_t i = 0; i < input_shape.size(); ++i)
        if (input_shape[input_shape.size() - 1 - i] > g[g.size() - 1 - i])
            throw ValueError("Input shape could not be larger than output gradient shape!");
    return autodiff::reduce_to_shape(gradient, input_shape);
}

} // namespace

void run_numpy_utils_suite(const std::string &suite, const Json &cases, const Options &,
                           const Emit &emit) {
    for (auto it = cases.begin(); it != cases.end(); ++it) {
        const std::string name = suite + "/" + it.key();
        const Json &c = it.value();
        emit(run_case(name, [&](CaseResult &) {
            const Json &kw = c.at("kwargs");
            Tensor grad = io::json_to_tensor(kw.at("gradient"), "gradient");
            std::vector<int64_t> shape;
            for (const auto &d : kw.at("input_shape"))
                shape.push_back(d.get<int64_t>());
            Tensor want = io::json_to_tensor(c.at("result"), "result");
            Tensor got = accumulate_grads(grad, shape);
            if (auto why = allclose_mismatch(got, want, 1e-14, 1e-14))
                throw CaseFailure("[reference] reduce_to_shape " + *why);
        }));
    }
}

} // namespace mithril::conformance

// test_vjp.cpp — every VJP rule (src/autodiff) against central finite differences of the
// reference forward kernels, in float64 (ggml test-backend-ops style: a table of cases
// {formula key, inputs, inputs to check, eps, tolerance}). Inputs are drawn away from the
// kinks of each op. For each checked input x and a random output cotangent g, the rule's
// cotangent (summed to x's shape by reduce_to_shape) must match
// d/dx_k <g, f(x)> ~ <g, f(x + eps e_k) - f(x - eps e_k)> / (2 eps) for every element k.
// List inputs (concat) use the 1000 + i convention of vjp_layout.cpp; symmetric-matrix ops
// (cholesky, eigvalsh) perturb (i, j) and (j, i) together. Every rule must also give the
// same answer when the caller passes no forward output. A case whose forward kernel is
// not registered yet is reported with WARN and skipped. A last test replays the gradient
// cases of the primitives conformance suite (the "numpy" entries of FORMAT.md §1.3) through
// the rules directly, with the §1.4 comparison.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "autodiff/vjp.hpp"
#include "backends/reference/kernels.hpp"
#include "io/model_dict.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"
#include "mithril/value.hpp"

using namespace mithril;
using Shape = std::vector<std::int64_t>;

namespace {

// ---- deterministic inputs ----------------------------------------------------------------

std::uint64_t g_state = 0x9E3779B97F4A7C15ull;

double uniform(double lo, double hi) {
    g_state += 0x9E3779B97F4A7C15ull;  // splitmix64
    std::uint64_t z = g_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return lo + (hi - lo) * (static_cast<double>(z >> 11) / 9007199254740992.0);
}

std::int64_t numel(const Shape& s) {
    std::int64_t n = 1;
    for (auto d : s) n *= d;
    return n;
}

// Uniform in [lo, hi].
Tensor rnd(const Shape& s, double lo = -1.0, double hi = 1.0) {
    std::vector<double> v(static_cast<size_t>(numel(s)));
    for (auto& x : v) x = uniform(lo, hi);
    return Tensor::from_vector(v, s);
}

// Magnitude in [lo, hi], random sign: away from the kink at 0.
Tensor away0(const Shape& s, double lo = 0.3, double hi = 1.5) {
    std::vector<double> v(static_cast<size_t>(numel(s)));
    for (auto& x : v) x = uniform(lo, hi) * (uniform(0, 1) < 0.5 ? -1.0 : 1.0);
    return Tensor::from_vector(v, s);
}

Tensor ivec(const std::vector<std::int64_t>& v, const Shape& s) {
    return Tensor::from_vector(v, s);
}

Tensor bvec(const std::vector<bool>& v, const Shape& s) {
    Tensor t(Dtype::bool_, s);
    for (std::size_t i = 0; i < v.size(); ++i) t.data<bool>()[i] = v[i];
    return t;
}

// A symmetric positive-definite n x n matrix.
Tensor spd(std::int64_t n) {
    const Tensor a = rnd({n, n});
    std::vector<double> m(static_cast<size_t>(n * n));
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::int64_t k = 0; k < n; ++k)
                s += a.at_double(i * n + k) * a.at_double(j * n + k);
            m[static_cast<size_t>(i * n + j)] = s + (i == j ? n : 0.0);
        }
    return Tensor::from_vector(m, {n, n});
}

// A well-conditioned lower-triangular matrix.
Tensor lower(std::int64_t n) {
    std::vector<double> m(static_cast<size_t>(n * n), 0.0);
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j <= i; ++j)
            m[static_cast<size_t>(i * n + j)] = i == j ? uniform(1.0, 2.0) : uniform(-0.5, 0.5);
    return Tensor::from_vector(m, {n, n});
}

Value tup(std::vector<std::int64_t> xs) {
    std::vector<Value> items;
    for (auto x : xs) items.emplace_back(static_cast<long long>(x));
    return Value::tuple(items);
}

Value pairs(std::vector<std::pair<std::int64_t, std::int64_t>> ps) {
    std::vector<Value> items;
    for (auto [a, b] : ps) items.push_back(tup({a, b}));
    return Value::tuple(items);
}

// ---- the finite-difference check -----------------------------------------------------------

struct GradCase {
    std::string name;
    std::string key;
    std::vector<Value> inputs;
    std::vector<std::size_t> check;  // input indices (1000 + i: element i of list input 0)
    double eps = 1e-6;
    double tol = 1e-6;
    bool symmetric = false;
    std::string rule_key = {};  // the rule under test when not `key` (harness self-check only)
};

constexpr std::size_t kList = 1000;

Tensor input_at(const std::vector<Value>& in, std::size_t idx) {
    if (idx >= kList) return in[0].items()[idx - kList].as_tensor();
    return in[idx].as_tensor();
}

std::vector<Value> with_input(std::vector<Value> in, std::size_t idx, const Tensor& t) {
    if (idx >= kList) {
        std::vector<Value> items = in[0].items();
        items[idx - kList] = Value(t);
        in[0] = Value::list(items);
    } else {
        in[idx] = Value(t);
    }
    return in;
}

// A forward output as one float64 tensor; a list / tuple of equal-shape tensors is stacked
// on a new leading axis (the output-gradient convention of split and to_list).
Tensor as_tensor(const Value& v) {
    if (v.is_tensor()) return v.as_tensor().astype(Dtype::float64);
    if (v.is_sequence()) {
        std::vector<double> all;
        Shape piece;
        for (const auto& item : v.items()) {
            const Tensor t = as_tensor(item);
            piece = t.shape();
            for (std::int64_t i = 0; i < t.numel(); ++i)
                all.push_back(t.at_double(static_cast<size_t>(i)));
        }
        piece.insert(piece.begin(), static_cast<std::int64_t>(v.items().size()));
        return Tensor::from_vector(all, piece);
    }
    return Tensor::scalar(v.as_float());
}

Tensor bumped(const Tensor& x, std::int64_t k, double delta, std::int64_t k2 = -1) {
    Tensor y = x.astype(Dtype::float64);
    y.data<double>()[k] += delta;
    if (k2 >= 0 && k2 != k) y.data<double>()[k2] += delta;
    return y;
}

double dot_diff(const Tensor& g, const Tensor& a, const Tensor& b) {
    double s = 0.0;
    for (std::int64_t i = 0; i < g.numel(); ++i)
        s += g.at_double(static_cast<size_t>(i)) *
             (a.at_double(static_cast<size_t>(i)) - b.at_double(static_cast<size_t>(i)));
    return s;
}

// Returns "" when every checked element matches, otherwise a description of the first
// mismatches. Returns "skip" when the forward kernel is not registered.
std::string run_case(const GradCase& c) {
    const auto* fwd = reference::find_forward(c.key);
    if (fwd == nullptr) return "skip";
    const std::string rule_key = c.rule_key.empty() ? c.key : c.rule_key;
    const auto* rule = autodiff::find_vjp(rule_key);
    if (rule == nullptr) return "no VJP rule for " + rule_key;
    reference::KernelContext ctx;
    ctx.float_dtype = Dtype::float64;
    const Value out = (*fwd)(c.inputs, ctx);
    const Tensor out_t = as_tensor(out);
    const Tensor g = rnd(out_t.shape());
    std::ostringstream err;
    int failures = 0;
    for (std::size_t idx : c.check) {
        const Tensor x = input_at(c.inputs, idx);
        const Tensor an = autodiff::reduce_to_shape((*rule)(idx, g, c.inputs, out, ctx), x.shape());
        if (an.shape() != x.shape()) {
            err << "input " << idx << ": gradient shape "
                << Tensor(an.dtype(), an.shape()).to_string() << " differs from the input's\n";
            ++failures;
            continue;
        }
        // Without the forward output (an unset Value) a rule recomputes what it needs.
        const Tensor an_no_out =
            autodiff::reduce_to_shape((*rule)(idx, g, c.inputs, Value(), ctx), x.shape());
        for (std::int64_t k = 0; k < x.numel(); ++k) {
            const double a = an.at_double(static_cast<size_t>(k));
            const double b = an_no_out.at_double(static_cast<size_t>(k));
            if (!(std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(a))) && failures++ < 6)
                err << "input " << idx << " element " << k << ": without output " << b
                    << ", with output " << a << "\n";
        }
        const std::int64_t n = x.rank() == 2 ? x.shape()[1] : 0;
        for (std::int64_t k = 0; k < x.numel(); ++k) {
            std::int64_t k2 = -1;
            double expect = an.at_double(static_cast<size_t>(k));
            if (c.symmetric) {
                const std::int64_t i = k / n, j = k % n;
                if (j < i) continue;
                k2 = j * n + i;
                if (k2 != k) expect += an.at_double(static_cast<size_t>(k2));
            }
            const Tensor xp = bumped(x, k, c.eps, k2), xm = bumped(x, k, -c.eps, k2);
            const Tensor fp = as_tensor((*fwd)(with_input(c.inputs, idx, xp), ctx));
            const Tensor fm = as_tensor((*fwd)(with_input(c.inputs, idx, xm), ctx));
            const double fd = dot_diff(g, fp, fm) / (2.0 * c.eps);
            if (!(std::abs(fd - expect) <= c.tol * std::max(1.0, std::abs(fd)))) {
                if (failures++ < 6)
                    err << "input " << idx << " element " << k << ": rule " << expect
                        << ", finite difference " << fd << "\n";
            }
        }
    }
    if (failures > 0) err << failures << " mismatches";
    return err.str();
}

void run_cases(const std::vector<GradCase>& cases) {
    for (const auto& c : cases) {
        std::string result;
        try {
            result = run_case(c);
        } catch (const std::exception& e) {
            result = std::string("threw: ") + e.what();
        }
        if (result == "skip") {
            WARN(c.name << ": no forward kernel for '" << c.key << "' yet, skipped");
            continue;
        }
        INFO(c.name << " [" << c.key << "]\n" << result);
        CHECK(result.empty());
    }
}

Value thr(Constant c) { return Value(c); }

}  // namespace

TEST_CASE("vjp: the finite-difference harness catches a wrong rule", "[grad]") {
    GradCase wrong{"exp checked with sin's rule", "exp", {rnd({2, 3})}, {0}};
    wrong.rule_key = "sin";
    const std::string result = run_case(wrong);
    CHECK(result != "skip");
    CHECK_FALSE(result.empty());
}

TEST_CASE("vjp: elementwise unary and activations", "[grad]") {
    const Shape s{2, 3};
    // clang-format off
    std::vector<GradCase> cases{
        {"abs", "abs", {away0(s)}, {0}},
        {"negate", "negate", {rnd(s)}, {0}},
        {"exp", "exp", {rnd(s)}, {0}},
        {"log", "log", {rnd(s, 0.5, 2.0)}, {0}},
        {"robust_log", "robust_log", {away0(s, 0.3, 2.0), thr(Constant::MIN_POSITIVE_NORMAL)}, {0}},
        {"robust_log below thr", "robust_log", {away0(s, 0.01, 0.04), Value(0.05)}, {0}, 1e-7},
        {"sqrt", "sqrt", {rnd(s, 0.5, 2.0)}, {0}},
        {"robust_sqrt", "robust_sqrt",
         {away0(s, 0.3, 2.0), thr(Constant::MIN_POSITIVE_NORMAL)}, {0}},
        {"robust_sqrt below thr", "robust_sqrt", {away0(s, 0.01, 0.04), Value(0.05)}, {0}, 1e-7},
        {"sin", "sin", {rnd(s, -3, 3)}, {0}},
        {"cos", "cos", {rnd(s, -3, 3)}, {0}},
        {"sign", "sign", {away0(s)}, {0}},
        {"square", "square", {rnd(s)}, {0}},
        {"stable_reciprocal", "stable_reciprocal",
         {away0(s, 0.5, 2.0), thr(Constant::STABLE_RECIPROCAL_THRESHOLD)}, {0}},
        {"stable_reciprocal below thr", "stable_reciprocal", {away0(s, 0.01, 0.04), Value(0.05)},
         {0}, 1e-8, 1e-5},
        {"floor", "floor", {Tensor({0.3, 1.4, -2.6, 3.5})}, {0}},
        {"relu", "relu", {away0(s, 0.1, 1.0)}, {0}},
        {"leaky_relu", "leaky_relu", {away0(s, 0.1, 1.0), Value(0.1)}, {0}},
        {"leaky_relu slope", "leaky_relu", {away0(s, 0.1, 1.0), Tensor::scalar(0.2)}, {0, 1}},
        {"gelu", "gelu", {rnd(s, -2, 2), Value(false)}, {0}},
        {"gelu approximate", "gelu", {rnd(s, -2, 2), Value(true)}, {0}},
        {"sigmoid", "sigmoid", {rnd(s, -3, 3)}, {0}},
        {"tanh", "tanh", {rnd(s, -2, 2)}, {0}},
        {"softplus", "softplus", {rnd(s, -3, 3)}, {0}},
        {"softmax last", "softmax", {rnd({2, 4}), Value(-1)}, {0}},
        {"softmax axis 0", "softmax", {rnd({3, 2, 2}), Value(0)}, {0}},
        {"nan_to_num", "nan_to_num", {rnd(s), Value(0.0), Value(None), Value(None)}, {0}},
        {"clamp", "clamp", {Tensor({-2.0, -0.5, 0.2, 0.7, 3.0}), Value(-1.0), Value(1.0)}, {0}},
        {"buffer", "buffer", {rnd(s)}, {0}},
        {"zeros_like", "zeros_like", {rnd(s)}, {0}},
        {"positional_encoding", "positional_encoding", {rnd({2, 3, 4}), Value(4), Value(10)}, {0}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: rules with no finite-difference meaning", "[grad]") {
    reference::KernelContext ctx;
    ctx.float_dtype = Dtype::float64;
    const Tensor x = rnd({2, 3});
    const Tensor g = rnd({2, 3});
    const Tensor z = (*autodiff::find_vjp("stop_gradient"))(0, g, {x}, Value(x), ctx);
    CHECK(z == Tensor(Dtype::float64, {2, 3}));
    // isnan_grad returns the output gradient unchanged (Mithril's numpy backend).
    CHECK((*autodiff::find_vjp("isnan"))(0, g, {x}, Value(x), ctx) == g);
    // cast gives the gradient back in the input's dtype.
    const Tensor c = (*autodiff::find_vjp("cast"))(
        0, g, {x.astype(Dtype::float32), Value(Dtype::float64)}, Value(x), ctx);
    CHECK(c.dtype() == Dtype::float32);
    // A non-differentiable tensor input gets zeros of its shape.
    const Tensor t = rnd({2, 3});
    const Tensor zt = (*autodiff::find_vjp("hinge_loss"))(1, g, {x, t}, Value(x), ctx);
    CHECK(zt == Tensor(Dtype::float64, {2, 3}));
    // Kinks (FORMAT.md §1.3, numpy column).
    const Tensor kink = Tensor({0.0, 0.0});
    const Tensor ones = Tensor({1.0, 1.0});
    CHECK((*autodiff::find_vjp("abs"))(0, ones, {kink}, Value(kink), ctx) == Tensor({0.0, 0.0}));
    CHECK((*autodiff::find_vjp("leaky_relu"))(0, ones, {kink, Value(0.25)}, Value(kink), ctx) ==
          Tensor({0.25, 0.25}));
    CHECK((*autodiff::find_vjp("relu"))(0, ones, {kink}, Value(kink), ctx) == Tensor({0.0, 0.0}));
    const double thr64 = reference::constant_value(Constant::MIN_POSITIVE_NORMAL, Dtype::float64);
    const Tensor rl = (*autodiff::find_vjp("robust_log"))(
        0, ones, {kink, Value(Constant::MIN_POSITIVE_NORMAL)}, Value(kink), ctx);
    CHECK(rl.at_double(0) == 1.0 / thr64);
    // A float32 output gradient gives a float32 gradient; reduce_to_shape un-broadcasts.
    const Tensor g32 = g.astype(Dtype::float32);
    CHECK((*autodiff::find_vjp("add"))(0, g32, {x, x}, Value(x), ctx).dtype() == Dtype::float32);
    CHECK(autodiff::reduce_to_shape(Tensor({{1.0, 2.0}, {3.0, 4.0}}), {1, 2}) ==
          Tensor({{4.0, 6.0}}));
    CHECK(autodiff::reduce_to_shape(Tensor({{1.0, 2.0}, {3.0, 4.0}}), {}) == Tensor::scalar(10.0));
    // concat's list convention: index 1000 + i is element i; index 0 is an error.
    const Value list = Value::list({Value(rnd({1, 3})), Value(rnd({1, 3}))});
    CHECK_THROWS_AS((*autodiff::find_vjp("concat"))(0, g, {list, Value(0)}, Value(x), ctx), Error);
    const Tensor e1 = (*autodiff::find_vjp("concat"))(1001, g, {list, Value(0)}, Value(x), ctx);
    CHECK(e1 == Tensor({{g.at_double(3), g.at_double(4), g.at_double(5)}}));
}

TEST_CASE("vjp: binary arithmetic", "[grad]") {
    // clang-format off
    std::vector<GradCase> cases{
        {"add bcast", "add", {rnd({2, 3}), rnd({3})}, {0, 1}},
        {"add scalar", "add", {rnd({2, 3}), Value(2.0)}, {0}},
        {"subtract", "subtract", {rnd({2, 1}), rnd({1, 3})}, {0, 1}},
        {"multiplication", "multiplication", {rnd({2, 3}), rnd({2, 1})}, {0, 1}},
        {"divide", "divide", {rnd({2, 3}), away0({3}, 0.5, 2.0)}, {0, 1}},
        {"floor_divide", "floor_divide",
         {Tensor({1.3, 2.6, -3.7}), Tensor({1.0, 1.1, 0.9})}, {0, 1}},
        {"power", "power", {rnd({2, 3}, 0.5, 2.0), rnd({3}, -1.0, 2.0)}, {0, 1}},
        {"robust_power", "robust_power",
         {away0({2, 3}, 0.5, 2.0), rnd({2, 3}, -1.0, 2.0), thr(Constant::MIN_POSITIVE_NORMAL)},
         {0, 1}},
        {"robust_power bcast", "robust_power",
         {rnd({3, 1}, 0.5, 2.0), rnd({1, 2}, 0.5, 3.0), thr(Constant::MIN_POSITIVE_NORMAL)},
         {0, 1}},
        {"minimum", "minimum", {Tensor({0.1, 0.9, -0.4}), Tensor({0.5, 0.2, -0.3})}, {0, 1}},
        {"maximum", "maximum", {Tensor({0.1, 0.9, -0.4}), Tensor({0.5, 0.2, -0.3})}, {0, 1}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: reductions", "[grad]") {
    const Shape s{2, 3, 4};
    // clang-format off
    std::vector<GradCase> cases{
        {"sum all", "reduce_sum", {rnd(s), Value(None), Value(false)}, {0}},
        {"sum axis 1", "reduce_sum", {rnd(s), Value(1), Value(false)}, {0}},
        {"sum axes keepdim", "reduce_sum", {rnd(s), tup({0, 2}), Value(true)}, {0}},
        {"mean all", "reduce_mean", {rnd(s), Value(None), Value(false)}, {0}},
        {"mean axis -1 keepdim", "reduce_mean", {rnd(s), Value(-1), Value(true)}, {0}},
        {"max all", "reduce_max", {rnd(s), Value(None), Value(false)}, {0}},
        {"max axis 1", "reduce_max", {rnd(s), Value(1), Value(false)}, {0}},
        {"min axes", "reduce_min", {rnd(s), tup({0, 2}), Value(true)}, {0}},
        {"prod axis 2", "reduce_prod", {rnd(s, 0.5, 1.5), Value(2), Value(false)}, {0}},
        {"prod with zero", "reduce_prod",
         {Tensor({{0.0, 2.0, 3.0}, {1.5, 0.0, 0.0}}), Value(1), Value(false)}, {0}},
        {"prod all", "reduce_prod", {rnd({2, 3}, 0.5, 1.5), Value(None), Value(false)}, {0}},
        {"variance all", "variance", {rnd(s), Value(None), Value(false), Value(0.0)}, {0}},
        {"variance axis corr", "variance", {rnd(s), Value(1), Value(true), Value(1.0)}, {0}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: layout and indexing", "[grad]") {
    const Value list2 = Value::list({Value(rnd({2, 3})), Value(rnd({1, 3}))});
    // clang-format off
    std::vector<GradCase> cases{
        {"reshape", "reshape", {rnd({2, 3}), tup({3, 2})}, {0}},
        {"flatten", "flatten", {rnd({2, 3, 2}), Value(1), Value(-1)}, {0}},
        {"squeeze", "squeeze", {rnd({2, 1, 3})}, {0}},
        {"atleast_1d", "atleast_1d", {Tensor::scalar(0.7)}, {0}},
        {"transpose None", "transpose", {rnd({2, 3, 4}), Value(None)}, {0}},
        {"transpose axes", "transpose", {rnd({2, 3, 4}), tup({1, 2, 0})}, {0}},
        {"swapaxes", "swapaxes", {rnd({2, 3, 4}), Value(0), Value(2)}, {0}},
        {"permute_tensor", "permute_tensor", {rnd({4, 2}), ivec({2, 0, 3, 1}, {4})}, {0}},
        {"broadcast_to", "broadcast_to", {rnd({3, 1}), tup({2, 3, 4})}, {0}},
        {"concat axis 0", "concat", {list2, Value(0)}, {kList, kList + 1}},
        {"concat axis None", "concat", {list2, Value(None)}, {kList, kList + 1}},
        {"concat axis -1", "concat",
         {Value::list({Value(rnd({2, 1})), Value(rnd({2, 3}))}), Value(-1)}, {kList, kList + 1}},
        {"split", "split", {rnd({2, 6}), Value(3), Value(1)}, {0}},
        {"pad", "pad", {rnd({2, 3}), pairs({{1, 0}, {0, 2}})}, {0}},
        {"where", "where",
         {bvec({true, false, true, false, false, true}, {2, 3}), rnd({2, 3}), rnd({3})}, {1, 2}},
        {"indexer int", "indexer", {rnd({3, 4}), Value(1)}, {0}},
        {"indexer slices", "indexer",
         {rnd({3, 4}), Value::tuple({Value(Slice{1, std::nullopt, std::nullopt}),
                                     Value(Slice{std::nullopt, std::nullopt, 2})})}, {0}},
        {"indexer None ellipsis", "indexer",
         {rnd({2, 3, 4}), Value::tuple({Value(None), Value(Ellipsis), Value(-1)})}, {0}},
        {"indexer tensor", "indexer", {rnd({4, 3}), Value(ivec({2, 0}, {2}))}, {0}},
        {"embedding", "primitive_embedding", {ivec({1, 3, 1, 0}, {2, 2}), rnd({4, 3})}, {1}},
        {"cast", "cast", {rnd({2, 3}), Value(Dtype::float64)}, {0}},
        {"to_list", "to_list", {rnd({2, 3}), rnd({2, 3})}, {0, 1}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: linear algebra", "[grad]") {
    // clang-format off
    std::vector<GradCase> cases{
        {"matmul", "matrix_multiplication", {rnd({2, 3}), rnd({3, 4})}, {0, 1}},
        {"matmul batched", "matrix_multiplication", {rnd({2, 2, 3}), rnd({3, 4})}, {0, 1}},
        {"matmul vec-mat", "matrix_multiplication", {rnd({3}), rnd({2, 3, 4})}, {0, 1}},
        {"matmul mat-vec", "matrix_multiplication", {rnd({2, 3}), rnd({3})}, {0, 1}},
        {"transposed_diag", "transposed_diag", {rnd({3, 3})}, {0}},
        {"cartesian_diff", "cartesian_diff", {rnd({3, 2}), rnd({4, 2})}, {0, 1}},
        {"distance_matrix", "distance_matrix", {rnd({3, 2}), rnd({4, 2}), Tensor::scalar(2.0)},
         {0, 1, 2}},
        {"distance_matrix p=3", "distance_matrix", {rnd({2, 3}), rnd({3, 3}), Tensor::scalar(3.0)},
         {0, 1, 2}},
        {"polynomial_features 2", "polynomial_features", {rnd({3, 2}), Value(2)}, {0}},
        {"polynomial_features 3", "polynomial_features", {rnd({2, 3}, 0.2, 1.0), Value(3)}, {0}},
        {"norm_modifier up", "norm_modifier", {Tensor::scalar(2.3)}, {0}},
        {"norm_modifier down", "norm_modifier", {Tensor::scalar(6.4)}, {0}},
        {"cholesky", "cholesky", {spd(3)}, {0}, 1e-6, 1e-6, true},
        {"eigvalsh", "eigvalsh",
         {spd(3), Value(None), thr(Constant::EPSILON)}, {0}, 1e-6, 1e-6, true},
        {"eigvalsh with L", "eigvalsh", {spd(3), lower(3), thr(Constant::EPSILON)}, {1}},
        {"gpr_alpha with L", "gpr_alpha", {rnd({3, 1}), lower(3), spd(3)}, {0, 1}},
        {"gpr_alpha no L", "gpr_alpha", {rnd({3, 1}), Value(None), spd(3)}, {0, 2}},
        {"gpr_v_outer with L", "gpr_v_outer", {rnd({3, 2}), spd(3), lower(3)}, {0, 2}},
        {"gpr_v_outer no L", "gpr_v_outer", {rnd({3, 2}), spd(3), Value(None)}, {0, 1}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: convolution and pooling", "[grad]") {
    // clang-format off
    std::vector<GradCase> cases{
        {"conv1d", "conv1d",
         {rnd({2, 3, 7}), rnd({4, 3, 3}), Value(1), tup({1, 1}), Value(1)}, {0, 1}},
        {"conv1d stride dil", "conv1d",
         {rnd({1, 2, 9}), rnd({3, 2, 2}), Value(2), tup({1, 0}), Value(2)}, {0, 1}},
        {"conv1d_bias", "conv1d_bias",
         {rnd({2, 2, 5}), rnd({3, 2, 3}), rnd({1, 3, 1}), Value(1), tup({0, 0}), Value(1)},
         {0, 1, 2}},
        {"conv2d", "conv2d",
         {rnd({2, 2, 5, 4}), rnd({3, 2, 3, 2}), tup({1, 1}), tup({1, 1}), tup({1, 1}), Value(1)},
         {0, 1}},
        {"conv2d groups stride pad", "conv2d",
         {rnd({1, 4, 6, 5}), rnd({2, 2, 3, 3}), tup({2, 1}), pairs({{1, 0}, {0, 1}}), tup({1, 1}),
          Value(2)}, {0, 1}},
        {"conv2d dilation", "conv2d",
         {rnd({1, 1, 6, 6}), rnd({2, 1, 2, 2}), tup({1, 1}), tup({0, 0}), tup({2, 2}), Value(1)},
         {0, 1}},
        {"conv2d_bias", "conv2d_bias",
         {rnd({2, 2, 4, 4}), rnd({3, 2, 3, 3}), rnd({1, 3, 1, 1}), tup({1, 1}), tup({1, 1}),
          tup({1, 1}), Value(1)}, {0, 1, 2}},
        {"max_pool1d", "max_pool1d",
         {rnd({2, 3, 8}), Value(2), Value(2), tup({0, 0}), Value(1)}, {0}},
        {"max_pool1d pad overlap", "max_pool1d",
         {rnd({1, 2, 7}), Value(3), Value(2), tup({1, 1}), Value(1)}, {0}},
        {"max_pool2d", "max_pool2d",
         {rnd({1, 2, 4, 6}), tup({2, 2}), tup({2, 2}), tup({0, 0}), tup({1, 1})}, {0}},
        {"max_pool2d pad negative", "max_pool2d",
         {rnd({1, 1, 5, 5}, -2.0, -0.1), tup({3, 3}), tup({2, 2}), tup({1, 1}), tup({1, 1})}, {0}},
        {"avg_pool2d", "avg_pool2d",
         {rnd({2, 1, 4, 6}), tup({2, 3}), tup({2, 3}), tup({0, 0}), tup({1, 1})}, {0}},
        {"avg_pool2d pad overlap", "avg_pool2d",
         {rnd({1, 2, 5, 5}), tup({3, 3}), tup({2, 2}), tup({1, 1}), tup({1, 1})}, {0}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: losses", "[grad]") {
    const Shape s{3, 4};
    const Tensor pm1 =
        Tensor({{1.0, -1.0, 1.0, -1.0}, {-1.0, -1.0, 1.0, 1.0}, {1.0, 1.0, -1.0, 1.0}});
    // hinge inputs with 1 - t*x away from 0: |x| in [0.1, 0.8] or [1.2, 2].
    const Tensor hx =
        Tensor({{0.5, 1.5, -0.3, 1.8}, {0.2, -1.4, 1.3, 0.7}, {-0.6, 1.9, 0.4, -1.6}});
    const Tensor probs = rnd(s, 0.1, 0.9);
    const Tensor soft_t = rnd(s, 0.0, 1.0);
    const Tensor cls = ivec({2, 0, 3}, {3});
    const Value w3 = Value::list({Value(0.5), Value(1.0), Value(2.0), Value(1.5)});
    const Value mpn = thr(Constant::MIN_POSITIVE_NORMAL);
    // clang-format off
    std::vector<GradCase> cases{
        {"squared_error", "squared_error", {rnd(s), rnd(s)}, {0, 1}},
        {"absolute_error", "absolute_error", {rnd(s, 0.5, 1.0), rnd(s, -1.0, 0.0)}, {0, 1}},
        {"hinge", "hinge_loss", {hx, pm1}, {0}},
        {"quad_hinge", "quad_hinge_loss", {hx, pm1}, {0}},
        {"quantile", "quantile_loss",
         {rnd(s, 0.5, 1.0), rnd(s, -1.0, 0.0), Tensor::scalar(0.3)}, {0, 1}},
        {"kl_divergence", "kl_divergence", {probs, rnd(s, 0.1, 0.9), mpn}, {0, 1}},
        {"ce probs", "cross_entropy",
         {probs, cls, Value(false), Value(true), mpn, Value(false)}, {0}},
        {"ce probs robust weights", "cross_entropy",
         {probs, cls, w3, Value(true), mpn, Value(true)}, {0}},
        {"ce probs soft", "cross_entropy",
         {probs, soft_t, Value(false), Value(false), mpn, Value(false)}, {0}},
        {"ce probs soft auto", "cross_entropy",
         {probs, soft_t, Value(true), Value(false), mpn, Value(true)}, {0}},
        {"ce logits", "cross_entropy_with_logits",
         {rnd(s, -2, 2), cls, Value(false), Value(true), mpn, Value(false)}, {0}},
        {"ce logits auto", "cross_entropy_with_logits",
         {rnd(s, -2, 2), ivec({1, 1, 3}, {3}), Value(true), Value(true), mpn, Value(false)}, {0}},
        {"ce logits 3d", "cross_entropy_with_logits",
         {rnd({2, 3, 2}, -2, 2), ivec({0, 2, 1, 1}, {2, 2}), Value(false), Value(true), mpn,
          Value(false)}, {0}},
        {"ce logits soft", "cross_entropy_with_logits",
         {rnd(s, -2, 2), soft_t, w3, Value(false), mpn, Value(false)}, {0}},
        {"ce logits soft robust", "cross_entropy_with_logits",
         {rnd(s, -2, 2), soft_t, Value(false), Value(false), mpn, Value(true)}, {0}},
        {"ce log_probs", "cross_entropy_with_log_probs",
         {rnd(s, -3, -0.1), cls, w3, Value(true)}, {0}},
        {"ce log_probs soft", "cross_entropy_with_log_probs",
         {rnd(s, -3, -0.1), soft_t, Value(false), Value(false)}, {0}},
        {"bce", "binary_cross_entropy", {probs, soft_t, Value(1.0), mpn, Value(false)}, {0}},
        {"bce pos_weight robust", "binary_cross_entropy",
         {probs, soft_t, Value(2.5), mpn, Value(true)}, {0}},
        {"bce auto", "binary_cross_entropy", {probs, soft_t, Value(true), mpn, Value(false)}, {0}},
        {"bce logits", "binary_cross_entropy_with_logits",
         {rnd(s, -3, 3), soft_t, Value(1.0), mpn, Value(false)}, {0}},
        {"bce logits pos_weight", "binary_cross_entropy_with_logits",
         {rnd(s, -3, 3), soft_t, Value(0.4), mpn, Value(false)}, {0}},
        {"trapezoid", "trapezoid", {rnd({2, 5}), rnd({5})}, {0, 1}},
        {"trapezoid same shape", "trapezoid", {rnd({2, 4}), rnd({2, 4})}, {0, 1}},
        {"trapezoid no x", "trapezoid", {rnd({3, 4}), Value(None)}, {0}},
        {"bce logits auto", "binary_cross_entropy_with_logits",
         {rnd(s, -3, 3), soft_t, Value(true), mpn, Value(false)}, {0}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: attention", "[grad]") {
    // clang-format off
    std::vector<GradCase> cases{
        {"sdpa", "scaled_dot_product_attention",
         {rnd({2, 3, 4}), rnd({2, 5, 4}), rnd({2, 5, 3}), Value(0.0), Value(None), Value(false),
          Value(None)}, {0, 1, 2}},
        {"sdpa causal scale", "scaled_dot_product_attention",
         {rnd({1, 4, 2}), rnd({1, 4, 2}), rnd({1, 4, 3}), Value(0.0), Value(None), Value(true),
          Value(0.7)}, {0, 1, 2}},
        {"sdpa float mask bcast", "scaled_dot_product_attention",
         {rnd({2, 3, 4}), rnd({5, 4}), rnd({5, 2}), Value(0.0), rnd({3, 5}), Value(false),
          Value(None)}, {0, 1, 2}},
        {"sdpa bool mask", "scaled_dot_product_attention",
         {rnd({3, 2}), rnd({3, 2}), rnd({3, 2}), Value(0.0),
          bvec({true, false, true, true, true, false, false, true, true}, {3, 3}), Value(false),
          Value(None)}, {0, 1, 2}},
    };
    // clang-format on
    run_cases(cases);
}

TEST_CASE("vjp: every differentiable formula key has a rule", "[grad]") {
    // clang-format off
    const std::vector<std::string> expected{
        "abs", "absolute_error", "add", "atleast_1d", "avg_pool2d", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "broadcast_to", "buffer", "cartesian_diff", "cast",
        "cholesky", "clamp", "concat", "conv1d", "conv1d_bias", "conv2d", "conv2d_bias", "cos",
        "cross_entropy", "cross_entropy_with_log_probs", "cross_entropy_with_logits",
        "distance_matrix", "divide", "eigvalsh", "exp", "flatten", "floor", "floor_divide",
        "gelu", "gpr_alpha", "gpr_v_outer", "hinge_loss", "indexer", "isnan", "kl_divergence",
        "leaky_relu", "log", "matrix_multiplication", "max_pool1d", "max_pool2d", "maximum",
        "minimum", "multiplication", "nan_to_num", "negate", "norm_modifier", "pad",
        "permute_tensor", "polynomial_features", "positional_encoding", "power",
        "primitive_embedding", "quad_hinge_loss", "quantile_loss", "reduce_max", "reduce_mean",
        "reduce_min", "reduce_prod", "reduce_sum", "relu", "reshape", "robust_log",
        "robust_power", "robust_sqrt", "scaled_dot_product_attention", "sigmoid", "sign", "sin",
        "softmax", "softplus", "split", "sqrt", "square", "squared_error", "squeeze",
        "stable_reciprocal", "stop_gradient", "subtract", "swapaxes", "tanh", "trapezoid",
        "to_list", "transpose", "transposed_diag", "variance", "where", "zeros_like"};
    // clang-format on
    for (const auto& k : expected) {
        INFO(k);
        CHECK(autodiff::find_vjp(k) != nullptr);
    }
    CHECK(autodiff::vjp_keys().size() == expected.size());
}

// ---- the primitives conformance suite, rule by rule ---------------------------------------------

namespace {

// §1.4: all |E - C| < tol, or all |E - C| < |E| * tol; shapes equal.
std::string compare_14(const Tensor& e, const Tensor& c, double tol) {
    if (e.shape() != c.shape())
        return "shape " + Tensor(c.dtype(), c.shape()).to_string() + " != expected";
    bool abs_ok = true, rel_ok = true;
    for (std::int64_t i = 0; i < e.numel(); ++i) {
        const double ev = e.at_double(static_cast<size_t>(i)),
                     cv = c.at_double(static_cast<size_t>(i));
        const double d = std::abs(ev - cv);
        abs_ok = abs_ok && d < tol;
        rel_ok = rel_ok && d < std::abs(ev) * tol;
    }
    if (abs_ok || rel_ok) return "";
    return "got " + c.to_string() + ", expected " + e.to_string();
}

Tensor numpy_entry(const io::Json& v) {
    if (v.is_object()) return io::json_to_tensor(v.at("numpy"));
    return io::json_to_tensor(v);
}

// The case's value for a key: a tensor, or (models suite, `inputs.is_list`) a list of them.
Value case_value(const io::Json& v, bool is_list) {
    if (!is_list) return Value(io::json_to_tensor(v));
    std::vector<Value> items;
    for (const auto& e : v) items.emplace_back(io::json_to_tensor(e));
    return Value::list(items);
}

// One expected gradient against the rule's answer for input `pos` (a list input: its
// elements through 1000 + i).
std::string check_grad(const autodiff::VjpRule& rule, std::size_t pos, const io::Json& want,
                       const Tensor& g, const std::vector<Value>& in, const Value& out,
                       const reference::KernelContext& ctx) {
    if (in.at(pos).is_sequence()) {
        std::string err;
        for (std::size_t i = 0; i < in[pos].items().size(); ++i) {
            const Tensor got = rule(kList + i, g, in, out, ctx);
            err += compare_14(numpy_entry(want.at(i)), got, 1e-14);
        }
        return err;
    }
    const Tensor x = in.at(pos).as_tensor();
    const Tensor got = autodiff::reduce_to_shape(rule(pos, g, in, out, ctx), x.shape());
    return compare_14(numpy_entry(want), got, 1e-14);
}

// Replays one single-primitive case of the primitives suite (`static_inputs`,
// `output_grad`, bare `results.eval`) or of the models suite (`static_keys`,
// `output_grads.output`, `results.eval.output`). "" when every gradient matches,
// "skip: ..." when the case does not apply.
std::string replay(const io::Json& c) {
    io::Json dict = c.at("model");
    if (dict.is_string()) dict = io::Json{{"name", dict}};
    reference::KernelContext ctx;
    ctx.float_dtype = Dtype::float64;
    const bool models_suite = c.contains("output_grads");
    io::Json inputs = c.value("inputs", io::Json::object());
    bool is_list = inputs.value("is_list", false);
    inputs.erase("is_list");
    const io::Json statics =
        c.value(models_suite ? "static_keys" : "static_inputs", io::Json::object());
    io::Json grad_json = c.at("results").at("grad");
    if (dict.contains("args") && dict["args"].contains("n")) {
        // §5.5: the stale Concat layout (input1..inputN) becomes the list input `input`.
        const auto n = dict["args"]["n"].get<int>();
        io::Json args = dict["args"];
        args.erase("n");
        dict["args"] = args;
        io::Json list = io::Json::array(), glist = io::Json::array();
        for (int i = 1; i <= n; ++i) {
            list.push_back(inputs.at("input" + std::to_string(i)));
            glist.push_back(grad_json.at("input" + std::to_string(i)));
        }
        inputs = io::Json{{"input", list}};
        grad_json = io::Json{{"input", glist}};
        is_list = true;
    }
    const Model m = io::model_from_json(dict);
    const std::string key = m.formula_key();
    if (key.empty()) return "skip: not a single primitive";
    const auto* fwd = reference::find_forward(key);
    const auto* rule = autodiff::find_vjp(key);
    if (fwd == nullptr || rule == nullptr) return "skip: no kernel or rule for " + key;
    std::vector<Value> in;
    for (const auto& k : m.input_keys()) {
        if (inputs.contains(k))
            in.push_back(case_value(inputs[k], is_list));
        else if (statics.contains(k))
            in.push_back(case_value(statics[k], false));
        else
            in.push_back(m[k].value());
    }
    const Value out = (*fwd)(in, ctx);
    const io::Json& eval = c["results"]["eval"];
    if (compare_14(numpy_entry(models_suite ? eval.at("output") : eval), as_tensor(out), 1e-14) !=
        "")
        return "skip: the forward kernel disagrees with results.eval";
    const Tensor g =
        io::json_to_tensor(models_suite ? c["output_grads"].at("output") : c.at("output_grad"))
            .astype(Dtype::float64);
    std::string err;
    const auto keys = m.input_keys();
    for (auto it = grad_json.begin(); it != grad_json.end(); ++it) {
        const auto pos =
            static_cast<size_t>(std::find(keys.begin(), keys.end(), it.key()) - keys.begin());
        const std::string why = check_grad(*rule, pos, it.value(), g, in, out, ctx);
        if (!why.empty()) err += "grad '" + it.key() + "': " + why + "\n";
    }
    return err;
}

void replay_suite(const std::string& file, const std::set<std::string>& excluded, int at_least) {
    const std::string path = std::string(MITHRIL_SOURCE_DIR) + "/../shared/conformance/" + file;
    std::ifstream f(path);
    if (!f) {
        WARN("conformance suite not found at " << path << ", skipped");
        return;
    }
    const io::Json suite = io::Json::parse(f);
    int replayed = 0;
    for (auto it = suite.begin(); it != suite.end(); ++it) {
        const io::Json& c = it.value();
        if (excluded.count(it.key()) || !c.contains("model") ||
            !(c.contains("output_grad") || c.contains("output_grads")) || !c.contains("results") ||
            !c["results"].contains("grad"))
            continue;
        std::string result;
        try {
            result = replay(c);
        } catch (const std::exception& e) {
            result = std::string("threw: ") + e.what();
        }
        if (result.rfind("skip", 0) == 0) continue;
        ++replayed;
        INFO(file << " " << it.key() << "\n" << result);
        CHECK(result.empty());
    }
    CHECK(replayed >= at_least);
}

}  // namespace

TEST_CASE("vjp: conformance suite gradients of single primitives (numpy entries)", "[grad]") {
    // FORMAT.md §6 exclusions; test_leaky_relu_2/3 of the primitives suite assume a default
    // slope of 0.2 (their eval shows it) while LeakyRelu's default is 0.01.
    replay_suite("primitives_directed_test.json",
                 {"test_power_1", "test_power_5", "test_robust_log_3", "test_robust_power_7",
                  "test_leaky_relu_2", "test_leaky_relu_3"},
                 80);
    replay_suite("models_directed_test.json",
                 {"test_power_1", "test_power_5", "test_robust_log_3", "test_robust_power_7"}, 30);
}

// test_reference_b.cpp — reference backend kernels, part B: linear algebra, convolution and
// pooling, losses, attention, creation and random. Forward values are checked against
// hand-computed results (several taken from Mithril's models_directed_test.json) in float64
// and float32, plus the error paths.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "backends/reference/kernels.hpp"
#include "mithril/errors.hpp"
#include "mithril/tensor.hpp"
#include "mithril/value.hpp"

using namespace mithril;
using namespace mithril::reference;

namespace {

Value run(const std::string& key, std::vector<Value> in, Dtype fd = Dtype::float64) {
    const ForwardKernel* k = find_forward(key);
    INFO("formula key " << key);
    REQUIRE(k != nullptr);
    return (*k)(in, KernelContext{fd});
}

Tensor f32(const Tensor& t) { return t.astype(Dtype::float32); }

// Same shape, and every element within tol (absolute or relative).
void check_close(const Value& v, const Tensor& expected, double tol = 1e-12) {
    REQUIRE(v.is_tensor());
    const Tensor& t = v.as_tensor();
    INFO("got " << t.to_string() << " expected " << expected.to_string());
    REQUIRE(t.shape() == expected.shape());
    for (std::int64_t i = 0; i < t.numel(); ++i) {
        INFO("element " << i);
        CHECK(t.at_double(static_cast<std::size_t>(i)) ==
              Approx(expected.at_double(static_cast<std::size_t>(i))).epsilon(tol).margin(tol));
    }
}

Tensor grid5() {  // [1, 1, 5, 5] holding 0 .. 24
    return Tensor({{{{0.0, 1, 2, 3, 4},
                     {5, 6, 7, 8, 9},
                     {10, 11, 12, 13, 14},
                     {15, 16, 17, 18, 19},
                     {20, 21, 22, 23, 24}}}});
}

const Value kNone = Value(None);

}  // namespace

TEST_CASE("reference: every part-B formula key is registered", "[reference]") {
    const std::vector<std::string> keys{
        "matrix_multiplication", "cholesky", "eigvalsh", "transposed_diag", "gpr_alpha",
        "gpr_v_outer", "distance_matrix", "cartesian_diff", "polynomial_features",
        "tsne_p_joint", "auc_core", "trapezoid", "conv1d", "conv1d_bias", "conv2d",
        "conv2d_bias", "max_pool1d", "max_pool2d", "avg_pool2d", "squared_error",
        "absolute_error", "hinge_loss", "quad_hinge_loss", "quantile_loss", "cross_entropy",
        "cross_entropy_with_logits", "cross_entropy_with_log_probs", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "kl_divergence", "scaled_dot_product_attention",
        "positional_encoding", "arange", "eye", "ones_with_zero_diag", "ones", "zeros_like",
        "randn", "randint"};
    CHECK(keys.size() == 39);
    for (const auto& k : keys) {
        INFO(k);
        CHECK(find_forward(k) != nullptr);
    }
}

TEST_CASE("reference: matrix_multiplication", "[reference]") {
    const Tensor a({{1.0, 2, 3}, {4, 5, 6}});
    const Tensor b({{1.0, 0}, {0, 1}, {1, 1}});
    SECTION("2-D, float64 and float32") {
        check_close(run("matrix_multiplication", {a, b}), Tensor({{4.0, 5}, {10, 11}}));
        const Value r = run("matrix_multiplication", {f32(a), f32(b)}, Dtype::float32);
        CHECK(r.as_tensor().dtype() == Dtype::float32);
        check_close(r, Tensor({{4.0, 5}, {10, 11}}), 1e-6);
    }
    SECTION("batch broadcasting") {
        const Tensor l({{{1.0, 2, 3}}, {{0.0, 1, 0}}});  // [2, 1, 3]
        check_close(run("matrix_multiplication", {l, b}), Tensor({{{4.0, 5}}, {{0.0, 1}}}));
        const Tensor r2({{{1.0}, {1}, {1}}, {{2.0}, {0}, {0}}});  // [2, 3, 1]
        check_close(run("matrix_multiplication", {a, r2}),        // [2,3] @ [2,3,1]
                    Tensor({{{6.0}, {15}}, {{2.0}, {8}}}));
    }
    SECTION("1-D operands") {
        const Tensor v({1.0, 1, 1});
        check_close(run("matrix_multiplication", {a, v}), Tensor({6.0, 15}));
        check_close(run("matrix_multiplication", {Tensor({1.0, 1}), a}), Tensor({5.0, 7, 9}));
        const Value s = run("matrix_multiplication", {v, v});
        CHECK(s.as_tensor().rank() == 0);
        CHECK(s.as_tensor().at_double(0) == 3.0);
    }
    SECTION("integers stay int64") {
        const Value r = run("matrix_multiplication", {Tensor({{1, 2}}), Tensor({{3}, {4}})});
        CHECK(r.as_tensor().dtype() == Dtype::int64);
        CHECK(r.as_tensor().at_double(0) == 11.0);
    }
    SECTION("core dimension mismatch") {
        CHECK_THROWS_WITH(run("matrix_multiplication", {a, a}),
                          Catch::Contains("mismatch in its core dimension 0"));
    }
}

TEST_CASE("reference: Gaussian-process helpers", "[reference]") {
    const Tensor k({{4.0, 2}, {2, 3}});
    const double r2 = std::sqrt(2.0);
    const Tensor l({{2.0, 0}, {1, r2}});
    SECTION("cholesky, and None when not positive definite") {
        check_close(run("cholesky", {k}), l);
        check_close(run("cholesky", {f32(k)}, Dtype::float32), l, 1e-6);
        CHECK(run("cholesky", {Tensor({{1.0, 2}, {2, 1}})}).is_none());
    }
    SECTION("eigvalsh: diag(L), or clipped eigenvalues of K_term") {
        check_close(run("eigvalsh", {k, l, Constant::EPSILON}), Tensor({{2.0}, {r2}}));
        check_close(run("eigvalsh", {Tensor({{2.0, 1}, {1, 2}}), kNone, Constant::EPSILON}),
                    Tensor({{1.0}, {3.0}}));
        check_close(run("eigvalsh", {Tensor({{1.0, 2}, {2, 1}}), kNone, 0.5}),
                    Tensor({{0.5}, {3.0}}));
    }
    SECTION("transposed_diag") {
        check_close(run("transposed_diag", {k}), Tensor({{4.0}, {3.0}}));
    }
    SECTION("gpr_alpha solves K alpha = y, with or without L") {
        const Tensor y({{2.0}, {1.0}});  // K^-1 y = [0.5, 0]
        check_close(run("gpr_alpha", {y, l, k}), Tensor({{0.5}, {0.0}}));
        check_close(run("gpr_alpha", {y, kNone, k}), Tensor({{0.5}, {0.0}}));
        CHECK_THROWS_WITH(run("gpr_alpha", {y, kNone, Tensor({{1.0, 1}, {1, 1}})}),
                          Catch::Contains("Singular matrix"));
    }
    SECTION("gpr_v_outer = K^T K_term^-1 K") {
        // K = K_term = k: K^T k^-1 K = k.
        check_close(run("gpr_v_outer", {k, k, l}), k);
        check_close(run("gpr_v_outer", {k, k, kNone}), k);
        const Tensor kk({{1.0}, {0.0}});  // [2, 1]
        // k^-1 = [[3, -2], [-2, 4]] / 8 -> kk^T k^-1 kk = 3/8
        check_close(run("gpr_v_outer", {kk, k, l}), Tensor({{0.375}}));
        check_close(run("gpr_v_outer", {kk, k, kNone}), Tensor({{0.375}}));
    }
}

TEST_CASE("reference: distances and polynomial features", "[reference]") {
    const Tensor left({{0.0, 0}, {1, 2}});
    const Tensor right({{1.0, 0}});
    SECTION("distance_matrix") {
        check_close(run("distance_matrix", {left, right, Tensor::scalar(2.0)}),
                    Tensor({{1.0}, {4.0}}));
        check_close(run("distance_matrix", {left, right, Tensor::scalar(1.0)}),
                    Tensor({{1.0}, {2.0}}));
        check_close(run("distance_matrix", {f32(left), f32(right), f32(Tensor::scalar(2.0))},
                        Dtype::float32),
                    Tensor({{1.0}, {4.0}}), 1e-6);
    }
    SECTION("cartesian_diff") {
        check_close(run("cartesian_diff", {left, right}), Tensor({{{-1.0, 0}}, {{0.0, 2}}}));
    }
    SECTION("polynomial_features (models_directed_test)") {
        check_close(run("polynomial_features", {Tensor({{2.0, 3}}), 2}),
                    Tensor({{2.0, 3, 4, 6, 9}}));
        check_close(run("polynomial_features", {Tensor({{1.0, -2}, {2, 1}}), 3}),
                    Tensor({{1.0, -2, 1, -2, 4, 1, -2, 4, -8}, {2.0, 1, 4, 2, 1, 8, 4, 2, 1}}));
        check_close(run("polynomial_features", {f32(Tensor({{2.0, 3}})), 2}, Dtype::float32),
                    Tensor({{2.0, 3, 4, 6, 9}}), 1e-6);
    }
}

TEST_CASE("reference: tsne_p_joint, auc_core, trapezoid", "[reference]") {
    SECTION("tsne_p_joint: per-row sigma for the target perplexity, symmetrised") {
        // points 0, 1, 3 on a line; every row can reach perplexity 1.5
        const std::vector<std::vector<double>> d2{{0, 1, 9}, {1, 0, 4}, {9, 4, 0}};
        const double eps = 0x1p-52;
        auto cond_row = [&](int i, double sigma) {  // conditional p_{j|i}
            std::vector<double> p(3);
            double s = 0;
            for (int j = 0; j < 3; ++j) {
                p[j] = j == i ? 0.0 : std::exp(-d2[i][j] / (2 * sigma * sigma));
                s += p[j];
            }
            for (auto& v : p) v /= s;
            return p;
        };
        auto perplexity = [&](int i, double sigma) {
            double h = 0;
            for (double v : cond_row(i, sigma)) {
                const double c = std::min(std::max(v, eps), 1 - eps);
                h -= c * std::log2(c);
            }
            return std::pow(2.0, h);
        };
        std::vector<std::vector<double>> pc;
        for (int i = 0; i < 3; ++i) {  // independent bisection on log(sigma)
            double lo = std::log(1e-3), hi = std::log(1e3);
            for (int it = 0; it < 200; ++it) {
                const double mid = (lo + hi) / 2;
                (perplexity(i, std::exp(mid)) > 1.5 ? hi : lo) = mid;
            }
            pc.push_back(cond_row(i, std::exp((lo + hi) / 2)));
        }
        std::vector<double> expected;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) expected.push_back((pc[i][j] + pc[j][i]) / 6.0);
        const Tensor d2t({{0.0, 1, 9}, {1, 0, 4}, {9, 4, 0}});
        check_close(run("tsne_p_joint", {d2t, Tensor::scalar(1.5), Constant::EPSILON}),
                    Tensor::from_vector<double>(expected, {3, 3}), 1e-9);
        // An unreachable perplexity (two points always give ~1) ends in NaN, as in Mithril:
        // the search drives sigma into the range where every exp underflows.
        const Value nan_p = run("tsne_p_joint", {Tensor({{0.0, 4}, {4, 0}}), Tensor::scalar(1.0),
                                                 Constant::EPSILON});
        CHECK(std::isnan(nan_p.as_tensor().at_double(1)));
    }
    SECTION("auc_core: tpr and fpr per descending threshold") {
        const Tensor x({0.1, 0.4, 0.35, 0.8});
        const Tensor lab({false, false, true, true});
        check_close(run("auc_core", {x, lab}),
                    Tensor({{0.5, 0.5, 1.0, 1.0}, {0.0, 0.5, 0.5, 1.0}}));
        CHECK_THROWS_WITH(run("auc_core", {Tensor({{0.1}}), lab}),
                          Catch::Contains("Input should be 1D array, but given '2D'"));
    }
    SECTION("trapezoid") {
        check_close(run("trapezoid", {Tensor({1.0, 2, 3}), Tensor({0.0, 1, 3})}),
                    Tensor::scalar(6.5));
        check_close(run("trapezoid", {Tensor({1.0, 2, 3}), kNone}), Tensor::scalar(4.0));
        check_close(run("trapezoid", {Tensor({{1.0, 2, 3}, {0.0, 0, 2}}), Tensor({0.0, 1, 3})}),
                    Tensor({6.5, 2.0}));
    }
}

TEST_CASE("reference: conv1d", "[reference]") {
    const Tensor x({{{9.0, 10, 11, 12, 13}, {10.0, 11, 12, 13, 14}}});  // [1, 2, 5]
    const Tensor w({{{-1.0, 5, -1}, {-1.0, 5, -1}}});                    // [1, 2, 3]
    const Value pad0 = Value{0, 0};
    SECTION("valid, stride 2 (models_directed_test)") {
        check_close(run("conv1d", {x, w, 1, pad0, 1}), Tensor({{{63.0, 69, 75}}}));
        check_close(run("conv1d", {x, w, 2, pad0, 1}), Tensor({{{63.0, 75}}}));
        check_close(run("conv1d", {f32(x), f32(w), 1, pad0, 1}, Dtype::float32),
                    Tensor({{{63.0, 69, 75}}}), 1e-6);
    }
    SECTION("padding, stride and bias") {
        check_close(run("conv1d", {x, w, 1, Value{1, 1}, 1}),
                    Tensor({{{74.0, 63, 69, 75, 110}}}));
        check_close(run("conv1d_bias", {x, w, Tensor({{{4.0}}}), 2, Value{1, 1}, 1}),
                    Tensor({{{78.0, 73, 114}}}));
        // asymmetric padding (left 2, right 0): windows [0,0,9],[0,9,10],[9,10,11],...
        check_close(run("conv1d", {x, w, 1, Value{2, 0}, 1}),
                    Tensor({{{-9.0 * 1 + 0 - 10, 45.0 - 10 + 50 - 11, 63, 69, 75}}}));
    }
    SECTION("dilation") {
        // taps at i, i+2, i+4: -x[i] + 5 x[i+2] - x[i+4] per channel
        check_close(run("conv1d", {x, w, 1, pad0, 2}),
                    Tensor({{{(-9.0 + 55 - 13) + (-10.0 + 60 - 14)}}}));
    }
}

TEST_CASE("reference: conv2d", "[reference]") {
    const Tensor x = grid5();
    const Tensor w({{{{0.0, -1, 0}, {-1, 5, -1}, {0, -1, 0}}}});
    const Value p0 = Value{0, 0}, s1 = Value{1, 1}, d1 = Value{1, 1};
    SECTION("valid (models_directed_test)") {
        check_close(run("conv2d", {x, w, s1, p0, d1, 1}),
                    Tensor({{{{6.0, 7, 8}, {11, 12, 13}, {16, 17, 18}}}}));
        check_close(run("conv2d", {f32(x), f32(w), s1, p0, d1, 1}, Dtype::float32),
                    Tensor({{{{6.0, 7, 8}, {11, 12, 13}, {16, 17, 18}}}}), 1e-6);
    }
    SECTION("padding forms (models_directed_test)") {
        const Tensor same({{{{-6.0, -3, -1, 1, 8},
                              {9, 6, 7, 8, 19},
                              {19, 11, 12, 13, 29},
                              {29, 16, 17, 18, 39},
                              {64, 47, 49, 51, 78}}}});
        check_close(run("conv2d", {x, w, s1, 1, d1, 1}), same);
        check_close(run("conv2d", {x, w, s1, Value{1, 1}, d1, 1}), same);
        check_close(run("conv2d", {x, w, s1, Value{Value{1, 1}, Value{1, 1}}, d1, 1}), same);
        check_close(run("conv2d", {x, w, s1, Value{Value{1, 1}, Value{0, 1}}, d1, 1}),
                    Tensor({{{{-3.0, -1, 1, 8},
                              {6, 7, 8, 19},
                              {11, 12, 13, 29},
                              {16, 17, 18, 39},
                              {47, 49, 51, 78}}}}));
    }
    const Tensor ones2({{{{1.0, 1}, {1, 1}}}});
    SECTION("per-axis stride") {
        // out[i][j] = sum x[2i + a][j + b] = 40 i + 4 j + 12
        check_close(run("conv2d", {x, ones2, Value{2, 1}, p0, d1, 1}),
                    Tensor({{{{12.0, 16, 20, 24}, {52, 56, 60, 64}}}}));
    }
    SECTION("dilation") {
        // taps x[i][j], x[i][j+2], x[i+2][j], x[i+2][j+2]: 20 i + 4 j + 24
        check_close(run("conv2d", {x, ones2, s1, p0, Value{2, 2}, 1}),
                    Tensor({{{{24.0, 28, 32}, {44, 48, 52}, {64, 68, 72}}}}));
    }
    SECTION("groups and bias") {
        const Tensor in({{{{1.0, 1}, {1, 1}}, {{2.0, 2}, {2, 2}}}});  // [1, 2, 2, 2]
        const Tensor wg({{{{3.0}}}, {{{5.0}}}});                       // [2, 1, 1, 1]
        check_close(run("conv2d", {in, wg, s1, p0, d1, 2}),
                    Tensor({{{{3.0, 3}, {3, 3}}, {{10.0, 10}, {10, 10}}}}));
        const Tensor w1({{{{3.0}}, {{5.0}}}});  // [1, 2, 1, 1], groups = 1
        check_close(run("conv2d_bias", {in, w1, Tensor({{{{0.5}}}}), s1, p0, d1, 1}),
                    Tensor({{{{13.5, 13.5}, {13.5, 13.5}}}}));
        CHECK_THROWS_AS(run("conv2d", {in, w1, s1, p0, d1, 2}), mithril::ValueError);
    }
}

TEST_CASE("reference: pooling", "[reference]") {
    SECTION("max_pool1d (models_directed_test)") {
        check_close(run("max_pool1d", {Tensor({{{10.0, 11, 12, 11, 14}}}), 2, 1, Value{0, 0}, 1}),
                    Tensor({{{11.0, 12, 12, 14}}}));
        check_close(run("max_pool1d", {Tensor({{10.0, 11, 10, 16, 14}}), 2, 2, Value{0, 1}, 1}),
                    Tensor({{11.0, 16, 14}}));
        check_close(run("max_pool1d", {f32(Tensor({{{10.0, 11, 12, 13, 14}}})), 3, 3,
                                       Value{0, 0}, 1},
                        Dtype::float32),
                    Tensor({{{12.0}}}), 1e-6);
    }
    SECTION("max pooling ignores padded cells and NaNs") {
        check_close(run("max_pool1d", {Tensor({{-5.0, -3}}), 2, 2, Value{1, 1}, 1}),
                    Tensor({{-5.0, -3}}));
        const Value r = run("max_pool1d", {Tensor({{NAN, 1.0, NAN, NAN}}), 2, 2, Value{0, 0}, 1});
        CHECK(r.as_tensor().at_double(0) == 1.0);
        CHECK(std::isnan(r.as_tensor().at_double(1)));
    }
    const Tensor x = grid5();
    SECTION("max_pool2d (models_directed_test)") {
        check_close(run("max_pool2d", {x, Value{2, 2}, Value{2, 2}, Value{0, 0}, Value{1, 1}}),
                    Tensor({{{{6.0, 8}, {16, 18}}}}));
        check_close(run("max_pool2d", {x, Value{2, 2}, Value{2, 2},
                                       Value{Value{1, 0}, Value{0, 1}}, Value{1, 1}}),
                    Tensor({{{{1.0, 3, 4}, {11, 13, 14}, {21, 23, 24}}}}));
        check_close(run("max_pool2d", {f32(x), Value{3, 3}, Value{3, 3}, Value{0, 0}, Value{1, 1}},
                        Dtype::float32),
                    Tensor({{{{12.0}}}}), 1e-6);
    }
    SECTION("max_pool2d with dilation and a 3-D input") {
        const Tensor x3({{{0.0, 1, 2, 3, 4},
                          {5, 6, 7, 8, 9},
                          {10, 11, 12, 13, 14},
                          {15, 16, 17, 18, 19},
                          {20, 21, 22, 23, 24}}});
        check_close(run("max_pool2d", {x3, Value{2, 2}, Value{1, 1}, Value{0, 0}, Value{2, 2}}),
                    Tensor({{{12.0, 13, 14}, {17, 18, 19}, {22, 23, 24}}}));
    }
    SECTION("avg_pool2d counts padded zeros") {
        const Tensor x4({{{{0.0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}, {12, 13, 14, 15}}}});
        check_close(run("avg_pool2d", {x4, Value{2, 2}, Value{2, 2}, Value{0, 0}, Value{1, 1}}),
                    Tensor({{{{2.5, 4.5}, {10.5, 12.5}}}}));
        check_close(run("avg_pool2d", {Tensor({{{{1.0, 2}, {3, 4}}}}), Value{2, 2}, Value{2, 2},
                                       Value{1, 1}, Value{1, 1}}),
                    Tensor({{{{0.25, 0.5}, {0.75, 1.0}}}}));
        check_close(run("avg_pool2d", {f32(x4), Value{2, 2}, Value{2, 2}, Value{0, 0}, Value{1, 1}},
                        Dtype::float32),
                    Tensor({{{{2.5, 4.5}, {10.5, 12.5}}}}), 1e-6);
        CHECK_THROWS_AS(run("avg_pool2d", {x4, Value{2, 2}, Value{1, 1}, Value{0, 0}, Value{2, 2}}),
                        mithril::NotImplementedError);
    }
}

TEST_CASE("reference: elementwise losses", "[reference]") {
    const Tensor in({0.5, -2, 2});
    const Tensor tg({1.0, 1, -1});
    SECTION("squared_error and absolute_error, broadcasting and int") {
        check_close(run("squared_error", {in, tg}), Tensor({0.25, 9, 9}));
        check_close(run("absolute_error", {in, tg}), Tensor({0.5, 3, 3}));
        check_close(run("squared_error", {Tensor({{1.0}, {2.0}}), Tensor({1.0, 3})}),
                    Tensor({{0.0, 4}, {1, 1}}));
        const Value r = run("squared_error", {Tensor({1, 5}), Tensor({3, 1})});
        CHECK(r.as_tensor().dtype() == Dtype::int64);
        check_close(r, Tensor({4, 16}));
        check_close(run("absolute_error", {f32(in), f32(tg)}, Dtype::float32),
                    Tensor({0.5, 3, 3}), 1e-6);
    }
    SECTION("hinge and quadratic hinge") {
        check_close(run("hinge_loss", {in, tg}), Tensor({0.5, 3, 3}));
        check_close(run("hinge_loss", {Tensor({2.0, 1}), Tensor({1.0, 1})}), Tensor({0.0, 0}));
        check_close(run("quad_hinge_loss", {in, tg}), Tensor({0.25, 9, 9}));
        check_close(run("quad_hinge_loss", {f32(in), f32(tg)}, Dtype::float32),
                    Tensor({0.25, 9, 9}), 1e-6);
    }
    SECTION("quantile_loss") {
        check_close(run("quantile_loss",
                        {Tensor({1.0, 3}), Tensor({2.0, 2}), Tensor::scalar(0.25)}),
                    Tensor({0.25, 0.75}));
    }
    SECTION("kl_divergence with the robust log") {
        const Value r = run("kl_divergence", {Tensor({0.5, 0.25, 0.5}), Tensor({0.25, 0.5, 0.0}),
                                              Constant::MIN_POSITIVE_NORMAL});
        check_close(r, Tensor({0.25 * std::log(0.5), 0.5 * std::log(2.0), 0.0}));
    }
}

TEST_CASE("reference: cross entropy", "[reference]") {
    const Value thr = Constant::MIN_POSITIVE_NORMAL;
    SECTION("logits, categorical (models_directed_test)") {
        const Tensor x({{1.0, 1}, {0, 1000}});
        check_close(run("cross_entropy_with_logits", {x, Tensor({0, 0}), false, true, thr, false}),
                    Tensor({0.6931471805599453, 1000.0}), 1e-14);
        check_close(run("cross_entropy_with_logits",
                        {f32(x), Tensor({0, 0}), false, true, Constant::MIN_POSITIVE_NORMAL, false},
                        Dtype::float32),
                    Tensor({0.6931471805599453, 1000.0}), 1e-6);
    }
    SECTION("probs, robust (models_directed_test)") {
        check_close(run("cross_entropy", {Tensor({{2.220446049250313e-16, 1.0}, {0.1, 0.9}}),
                                          Tensor({0, 0}), false, true, thr, true}),
                    Tensor({36.04365338911715, 2.302585092994046}), 1e-14);
        check_close(run("cross_entropy",
                        {Tensor({{0.0, 1.0}}), Tensor({0}), false, true, thr, true}),
                    Tensor({709.396418532264}), 1e-14);
        check_close(run("cross_entropy", {Tensor({{0.2, 1.1102230246251565e-16, 0.7999999999999998},
                                                  {0.1, 0.6, 0.3}}),
                                          Tensor({1, 2}), false, true, thr, true}),
                    Tensor({36.7368005696771, 1.2039728043259361}), 1e-14);
    }
    SECTION("log_probs, weights list and negative class indices") {
        const Tensor lp({{-1.0, -2}, {-3, -4}});
        check_close(run("cross_entropy_with_log_probs", {lp, Tensor({1, 0}), false, true}),
                    Tensor({2.0, 3}));
        check_close(run("cross_entropy_with_log_probs",
                        {lp, Tensor({1, -2}), Value::list({2.0, 0.5}), true}),
                    Tensor({1.0, 6}));
    }
    SECTION("auto weights balance the classes") {
        // target [0, 0, 0, 1]: w = (1 / count) * 4 / 2 = [2/3, 2]
        const Tensor lp({{-1.0, -2}, {-1, -2}, {-1, -2}, {-1, -2}});
        check_close(run("cross_entropy_with_log_probs", {lp, Tensor({0, 0, 0, 1}), true, true}),
                    Tensor({2.0 / 3, 2.0 / 3, 2.0 / 3, 4.0}));
        // non-categorical: sums [2, 1], total 3 -> w = [0.75, 1.5]
        const Tensor t({{1.0, 0}, {1, 0}, {0, 1}});
        const Tensor lp3({{-1.0, -2}, {-1, -2}, {-1, -2}});
        check_close(run("cross_entropy_with_log_probs", {lp3, t, true, false}),
                    Tensor({0.75, 0.75, 3.0}));
    }
    SECTION("non-categorical logits and probs") {
        const Tensor x({{1.0, 2}, {0, 0}});
        const Tensor t({{0.0, 1}, {0.5, 0.5}});
        const double e = std::exp(1.0);
        check_close(run("cross_entropy_with_logits", {x, t, false, false, thr, false}),
                    Tensor({std::log(e + e * e) - 2.0, std::log(2.0)}));
        check_close(run("cross_entropy", {Tensor({{0.25, 0.75}}), Tensor({{0.5, 0.5}}), false,
                                          false, thr, false}),
                    Tensor({-0.5 * (std::log(0.25) + std::log(0.75))}));
    }
    SECTION("spatial input [N, C, d] with target [N, d]") {
        const Tensor lp({{{-1.0, -2}, {-3, -4}}});  // N=1, C=2, d=2
        check_close(run("cross_entropy_with_log_probs", {lp, Tensor({{1, 0}}), false, true}),
                    Tensor({{3.0, 2.0}}));
    }
    SECTION("categorical needs an integer target") {
        CHECK_THROWS_WITH(run("cross_entropy_with_logits", {Tensor({{1.0, 1}}), Tensor({0.0}),
                                                            false, true, thr, false}),
                          "Cross entropy got unexpected type for target 'float64'.");
    }
}

TEST_CASE("reference: binary cross entropy", "[reference]") {
    const Value thr = Constant::MIN_POSITIVE_NORMAL;
    SECTION("probs (models_directed_test)") {
        check_close(run("binary_cross_entropy",
                        {Tensor({{0.1}, {0.5}}), Tensor({{0}, {1}}), 1.0, thr, false}),
                    Tensor({{0.1053605156578263}, {0.6931471805599453}}), 1e-14);
        check_close(run("binary_cross_entropy", {Tensor({{1e-20, 0.2, 0.3}, {0.5, 0.4, 1e-20}}),
                                                 Tensor({{0, 1, 0}, {1, 1, 1}}), 1.0, thr, false}),
                    Tensor({{0.0, 1.6094379124341003, 0.35667494393873245},
                            {0.6931471805599453, 0.916290731874155, 46.051701859880914}}),
                    1e-14);
        check_close(run("binary_cross_entropy", {Tensor({{0.1, 0.2, 0.3}, {0.5, 1.0, 0.2}}),
                                                 Tensor({{0, 1, 0}, {1, 1, 1}}), 1.0, thr, true}),
                    Tensor({{0.10536051565782628, 1.6094379124341003, 0.35667494393873245},
                            {0.6931471805599453, 0.0, 1.6094379124341003}}),
                    1e-14);
        check_close(run("binary_cross_entropy", {f32(Tensor({{0.1}, {0.5}})),
                                                 f32(Tensor({{0.0}, {1.0}})), 1.0, thr, false},
                        Dtype::float32),
                    Tensor({{0.1053605156578263}, {0.6931471805599453}}), 1e-6);
    }
    SECTION("probs with pos_weight and auto") {
        const Tensor p({0.5, 0.5, 0.5, 0.5});
        const Tensor t({0.0, 1, 1, 1});
        const double l2 = std::log(2.0);
        check_close(run("binary_cross_entropy", {p, t, 2.0, thr, false}),
                    Tensor({l2, 2 * l2, 2 * l2, 2 * l2}));
        // auto: (1 - 0.75) / 0.75 = 1/3
        check_close(run("binary_cross_entropy", {p, t, true, thr, false}),
                    Tensor({l2, l2 / 3, l2 / 3, l2 / 3}));
    }
    SECTION("logits (models_directed_test) and pos_weight") {
        check_close(run("binary_cross_entropy_with_logits",
                        {Tensor({{1.0, -2, 3, 0}, {0, 1, 2, -1}}),
                         Tensor({{1.0, 0, 1, 0}, {0, 0, 0, 1}}), 1.0, thr, false}),
                    Tensor({{0.3132616875182228, 0.1269280110429725, 0.04858735157374206,
                             0.6931471805599453},
                            {0.6931471805599453, 1.3132616875182228, 2.1269280110429727,
                             1.3132616875182228}}),
                    1e-14);
        check_close(run("binary_cross_entropy_with_logits",
                        {Tensor({{-2.197224577336219, -1.3862943611198906}, {0.0, 1e+100}}),
                         Tensor({{0.0, 1}, {1, 1}}), 1.0, thr, true}),
                    Tensor({{0.10536051565782628, 1.6094379124341003}, {0.6931471805599453, 0.0}}),
                    1e-14);
        // x = 0, t = 1, pos_weight 2: -(1 + 1) * log_sigmoid(0) = 2 ln 2
        check_close(run("binary_cross_entropy_with_logits",
                        {Tensor({0.0}), Tensor({1.0}), 2.0, thr, false}),
                    Tensor({2 * std::log(2.0)}));
        check_close(run("binary_cross_entropy_with_logits",
                        {f32(Tensor({1.0, -2})), f32(Tensor({1.0, 0})), 1.0, thr, false},
                        Dtype::float32),
                    Tensor({0.3132616875182228, 0.1269280110429725}), 1e-6);
    }
}

TEST_CASE("reference: scaled_dot_product_attention", "[reference]") {
    const double l2 = std::log(2.0);
    const Tensor q({{1.0}, {0.0}});  // L = 2, E = 1
    const Tensor k({{0.0}, {l2}});   // S = 2
    const Tensor v({{3.0}, {6.0}});
    SECTION("plain, scaled and float32") {
        // row 0: softmax([0, ln 2]) = [1/3, 2/3] -> 5; row 1: uniform -> 4.5
        check_close(run("scaled_dot_product_attention", {q, k, v, 0.0, kNone, false, kNone}),
                    Tensor({{5.0}, {4.5}}));
        // scale 2: softmax([0, 2 ln 2]) = [1/5, 4/5] -> 5.4
        check_close(run("scaled_dot_product_attention", {q, k, v, 0.0, kNone, false, 2.0}),
                    Tensor({{5.4}, {4.5}}));
        check_close(run("scaled_dot_product_attention",
                        {f32(q), f32(k), f32(v), 0.0, kNone, false, kNone}, Dtype::float32),
                    Tensor({{5.0}, {4.5}}), 1e-6);
    }
    SECTION("causal mask keeps j <= i") {
        check_close(run("scaled_dot_product_attention", {q, k, v, 0.0, kNone, true, kNone}),
                    Tensor({{3.0}, {4.5}}));
    }
    SECTION("bool and float attention masks") {
        check_close(run("scaled_dot_product_attention",
                        {q, k, v, 0.0, Tensor({{true, false}, {true, true}}), false, kNone}),
                    Tensor({{3.0}, {4.5}}));
        check_close(run("scaled_dot_product_attention",
                        {q, k, v, 0.0, Tensor({{0.0, l2}, {0.0, 0.0}}), false, kNone}),
                    Tensor({{5.4}, {4.5}}));
    }
    SECTION("batch broadcasting and default scale 1/sqrt(E)") {
        const Tensor qb({{{1.0, 1, 1, 1}}, {{0.0, 0, 0, 0}}});  // [2, 1, 4]
        const Tensor kb({{0.0, 0, 0, 0}, {0.5, 0.5, 0.5, 0.5}});  // [2, 4]: q.k = 0 or 2
        const Tensor vb({{0.0}, {1.0}});
        // batch 0: scores [0, 2] * 0.5 = [0, 1] -> e / (1 + e); batch 1: 0.5
        const double e = std::exp(1.0);
        check_close(run("scaled_dot_product_attention", {qb, kb, vb, 0.0, kNone, false, kNone}),
                    Tensor({{{e / (1 + e)}}, {{0.5}}}));
    }
    SECTION("dropout is rejected") {
        CHECK_THROWS_AS(run("scaled_dot_product_attention", {q, k, v, 0.1, kNone, false, kNone}),
                        mithril::RuntimeError);
    }
}

TEST_CASE("reference: positional_encoding", "[reference]") {
    // H = 4: d = [1, 0.01]; pe[p] = [sin p, cos p, sin 0.01p, cos 0.01p]
    const Tensor x = Tensor::full(Dtype::float64, {1, 3, 4}, 1.0);
    const Value r = run("positional_encoding", {x, 4, 10});
    std::vector<double> expected;
    for (int p = 0; p < 3; ++p)
        for (double a : {std::sin(p), std::cos(p), std::sin(0.01 * p), std::cos(0.01 * p)})
            expected.push_back(1.0 + a);
    check_close(r, Tensor::from_vector<double>(expected, {1, 3, 4}), 1e-6);
    CHECK(run("positional_encoding", {f32(x), 4, 10}, Dtype::float32).as_tensor().dtype() ==
          Dtype::float32);
    CHECK_THROWS_AS(run("positional_encoding", {x, 3, 10}), mithril::ValueError);
}

TEST_CASE("reference: creation", "[reference]") {
    SECTION("arange") {
        const Value i = run("arange", {0, 5, 1, kNone});
        CHECK(i.as_tensor().dtype() == Dtype::int64);
        check_close(i, Tensor({0, 1, 2, 3, 4}));
        check_close(run("arange", {0, 1, 0.25, kNone}), Tensor({0.0, 0.25, 0.5, 0.75}));
        check_close(run("arange", {1.0, 2, 0.3, kNone}), Tensor({1.0, 1.3, 1.6, 1.9}), 1e-14);
        check_close(run("arange", {5, 0, -2, kNone}), Tensor({5, 3, 1}));
        CHECK(run("arange", {0.0, 2, 1, kNone}, Dtype::float32).as_tensor().dtype() ==
              Dtype::float32);
        CHECK(run("arange", {0, 2, 1, Value(Dtype::float64)}).as_tensor().dtype() ==
              Dtype::int64);  // Mithril: all-int arguments give an integer range
        CHECK(run("arange", {3, 0, 1, kNone}).as_tensor().numel() == 0);
    }
    SECTION("eye, ones_with_zero_diag, ones, zeros_like") {
        check_close(run("eye", {2, 3, kNone}), Tensor({{1.0, 0, 0}, {0, 1, 0}}));
        check_close(run("ones_with_zero_diag", {3, kNone, kNone}),
                    Tensor({{0.0, 1, 1}, {1, 0, 1}, {1, 1, 0}}));
        CHECK(run("eye", {2, kNone, Value(Dtype::float32)}).as_tensor().dtype() == Dtype::float32);
        CHECK(run("eye", {2, kNone, kNone}, Dtype::float32).as_tensor().dtype() == Dtype::float32);
        check_close(run("ones", {Value{2, 2}, kNone}), Tensor({{1.0, 1}, {1, 1}}));
        CHECK(run("ones", {Value{2}, Value(Dtype::int64)}).as_tensor().dtype() == Dtype::int64);
        const Value z = run("zeros_like", {Tensor({{1, 2}})});
        CHECK(z.as_tensor() == Tensor({{0, 0}}));
    }
}

TEST_CASE("reference: randn and randint are reproducible per key", "[reference]") {
    SECTION("randn") {
        const Value a = run("randn", {Value{100, 100}, 42, kNone});
        const Value b = run("randn", {Value{100, 100}, 42, kNone});
        const Value c = run("randn", {Value{100, 100}, 43, kNone});
        CHECK(a.as_tensor() == b.as_tensor());
        CHECK_FALSE(a.as_tensor() == c.as_tensor());
        double mean = 0, sq = 0;
        const Tensor& t = a.as_tensor();
        for (std::int64_t i = 0; i < t.numel(); ++i) {
            const double v = t.at_double(static_cast<std::size_t>(i));
            mean += v;
            sq += v * v;
        }
        mean /= 10000.0;
        CHECK(std::abs(mean) < 0.05);
        CHECK(std::sqrt(sq / 10000.0 - mean * mean) == Approx(1.0).margin(0.05));
        // a prefix of a longer draw is the shorter draw (counter-based)
        const Value p = run("randn", {Value{10}, 42, kNone});
        for (int i = 0; i < 10; ++i)
            CHECK(p.as_tensor().at_double(static_cast<std::size_t>(i)) ==
                  t.at_double(static_cast<std::size_t>(i)));
        const Value f = run("randn", {Value{3}, Tensor({42}), Value(Dtype::float32)});
        CHECK(f.as_tensor().dtype() == Dtype::float32);
        CHECK(f.as_tensor().at_double(0) == Approx(t.at_double(0)).epsilon(1e-6));
    }
    SECTION("randint") {
        const Value a = run("randint", {Value{1000}, 7, -2, 3, kNone});
        const Tensor& t = a.as_tensor();
        CHECK(t.dtype() == Dtype::int64);
        CHECK(t == run("randint", {Value{1000}, 7, -2, 3, kNone}).as_tensor());
        std::set<double> seen;
        for (std::int64_t i = 0; i < t.numel(); ++i) {
            const double v = t.at_double(static_cast<std::size_t>(i));
            CHECK(v >= -2);
            CHECK(v < 3);
            seen.insert(v);
        }
        CHECK(seen.size() == 5);
        CHECK_THROWS_AS(run("randint", {Value{2}, 7, 3, 3, kNone}), mithril::ValueError);
    }
}

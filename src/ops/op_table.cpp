// ops/op_table.cpp — the list of Mithril's 124 logical formula keys (spec §2.1).
#include "mithril/primitives.hpp"

namespace mithril {

std::vector<std::string> all_formula_keys() {
    return {
        // elementwise unary: math
        "abs", "negate", "exp", "log", "robust_log", "sqrt", "robust_sqrt", "sin", "cos", "sign",
        "square", "stable_reciprocal", "floor",
        // activations
        "relu", "leaky_relu", "gelu", "sigmoid", "tanh", "softplus", "softmax",
        // NaN handling and clamping
        "isnan", "nan_to_num", "clamp",
        // others
        "stop_gradient", "buffer", "atleast_1d",
        // elementwise binary
        "add", "subtract", "multiplication", "divide", "floor_divide", "power", "robust_power",
        "minimum", "maximum", "shift_left", "shift_right",
        // comparison / logic
        "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_not",
        "logical_and", "logical_or", "logical_xor",
        // reductions
        "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "variance",
        "reduce_argmax", "reduce_argmin",
        // matmul / linear algebra
        "matrix_multiplication", "cholesky", "eigvalsh", "transposed_diag", "gpr_alpha",
        "gpr_v_outer", "distance_matrix", "cartesian_diff", "polynomial_features",
        "norm_modifier", "tsne_p_joint",
        // shape / layout
        "reshape", "transpose", "swapaxes", "permute_tensor", "flatten", "squeeze",
        "broadcast_to", "concat", "pad", "where", "shape", "size", "length", "dtype", "cast",
        // indexing
        "indexer", "primitive_slice", "primitive_embedding", "unique",
        // containers / scalars
        "to_tuple", "to_list", "union", "to_tensor", "tensor_to_list", "item",
        // conv / pool
        "conv1d", "conv1d_bias", "conv2d", "conv2d_bias", "max_pool1d", "max_pool2d",
        "avg_pool2d", "padding_converter_1d", "padding_converter_2d", "stride_converter",
        "tuple_converter",
        // attention / sequence
        "scaled_dot_product_attention", "positional_encoding",
        // losses and metrics
        "squared_error", "absolute_error", "hinge_loss", "quad_hinge_loss", "quantile_loss",
        "cross_entropy", "cross_entropy_with_logits", "cross_entropy_with_log_probs",
        "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_divergence",
        "auc_core", "trapezoid",
        // creation / random
        "arange", "eye", "ones_with_zero_diag", "ones", "zeros_like", "randn", "randint",
    };
}

}  // namespace mithril

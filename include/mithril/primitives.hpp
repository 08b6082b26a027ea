// mithril/primitives.hpp — the user-facing primitive operators.
//
// One class per primitive of Mithril (synnada-ai/mithril:
// mithril/framework/logical/operators.py and mithril/models/primitives.py).
// Each is a frozen single-operator Model whose keys are all exposed. Class
// names, key names and key order, types, shape templates and defaults mirror
// Mithril's; constructor parameters are Mithril's constructor arguments in
// Mithril's order: hyperparameters (plain C++ types) first, then key values
// (a Value; TBD `{}` leaves the key free). Some classes choose their formula
// key from a hyperparameter: Log/Sqrt/Power(robust) give robust_log /
// robust_sqrt / robust_power, CrossEntropy(input_type) gives cross_entropy /
// cross_entropy_with_logits / cross_entropy_with_log_probs, and so on.
//
// Renamed in C++ (Mithril's class_name() is kept): DtypeOf is Mithril's
// `Dtype` (clash with enum mithril::Dtype), PrimitiveSlice is Mithril's
// `Slice` (clash with struct mithril::Slice).
//
// Constants such as Constant::MIN_POSITIVE_NORMAL are precision-dependent
// values of Mithril's epsilon table; a threshold key holding one becomes a
// scalar tensor of the compiled precision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/value.hpp"

namespace mithril {

// The 124 logical formula keys of Mithril's primitive operators (spec §2.1),
// in a stable order. Every one is the formula_key() of some class below.
std::vector<std::string> all_formula_keys();

// ---- elementwise unary (src/ops/elementwise.cpp) -------------------------------
class Absolute : public Model { public: explicit Absolute(Value input = {}); };
class Negate : public Model { public: explicit Negate(Value input = {}); };
class Exponential : public Model { public: explicit Exponential(Value input = {}); };
// keys: input (+ threshold when robust)
class Log : public Model {
public:
    explicit Log(bool robust = false, Value input = {},
                 Value threshold = Constant::MIN_POSITIVE_NORMAL);
};
class Sqrt : public Model {
public:
    explicit Sqrt(bool robust = false, Value input = {},
                  Value threshold = Constant::MIN_POSITIVE_NORMAL);
};
class Sine : public Model { public: explicit Sine(Value input = {}); };
class Cosine : public Model { public: explicit Cosine(Value input = {}); };
class Sign : public Model { public: explicit Sign(Value input = {}); };
class Square : public Model { public: explicit Square(Value input = {}); };
class StableReciprocal : public Model {
public:
    explicit StableReciprocal(Value input = {},
                              Value threshold = Constant::STABLE_RECIPROCAL_THRESHOLD);
};
class Floor : public Model { public: explicit Floor(Value input = {}); };
// activations
class Relu : public Model { public: explicit Relu(Value input = {}); };
class LeakyRelu : public Model { public: explicit LeakyRelu(Value slope = 0.01, Value input = {}); };
class Gelu : public Model { public: explicit Gelu(Value approximate = false, Value input = {}); };
class Sigmoid : public Model { public: explicit Sigmoid(Value input = {}); };
class Tanh : public Model { public: explicit Tanh(Value input = {}); };
class Softplus : public Model { public: explicit Softplus(Value input = {}); };
class Softmax : public Model { public: explicit Softmax(Value input = {}, Value axis = -1); };
// NaN handling and clamping
class IsNan : public Model { public: explicit IsNan(Value input = {}); };
class NanToNum : public Model {
public:
    explicit NanToNum(Value nan = 0.0, Value posinf = None, Value neginf = None,
                      Value input = {});
};
class Clamp : public Model {
public:
    explicit Clamp(Value input = {}, Value min_val = {}, Value max_val = {});
};
// others
class StopGradient : public Model { public: explicit StopGradient(Value input = {}); };
class Buffer : public Model { public: explicit Buffer(Value input = {}); };
class AtLeast1D : public Model { public: explicit AtLeast1D(Value input = {}); };

// ---- elementwise binary, broadcasting (src/ops/binary.cpp) ------------------------
// Add/Subtract/Multiply/Divide/FloorDivide/Power(non-robust) are polymorphic:
// Tensor[int|float|bool] | int | float | bool operands; scalar operands are
// evaluated at logical time (2 + 3 -> 5).
class Add : public Model { public: explicit Add(Value left = {}, Value right = {}); };
class Subtract : public Model { public: explicit Subtract(Value left = {}, Value right = {}); };
class Multiply : public Model { public: explicit Multiply(Value left = {}, Value right = {}); };
class Divide : public Model {
public:
    explicit Divide(Value numerator = {}, Value denominator = {});
};
class FloorDivide : public Model {
public:
    explicit FloorDivide(Value numerator = {}, Value denominator = {});
};
// keys: base, exponent (+ threshold when robust)
class Power : public Model {
public:
    explicit Power(bool robust = false, Value base = {}, Value exponent = {},
                   Value threshold = Constant::MIN_POSITIVE_NORMAL);
};
class Minimum : public Model { public: explicit Minimum(Value left = {}, Value right = {}); };
class Maximum : public Model { public: explicit Maximum(Value left = {}, Value right = {}); };
class ShiftLeft : public Model { public: explicit ShiftLeft(Value input = {}, Value shift = {}); };
class ShiftRight : public Model { public: explicit ShiftRight(Value input = {}, Value shift = {}); };

// ---- comparison and logic (src/ops/compare_logic.cpp) -----------------------------
class Greater : public Model { public: explicit Greater(Value left = {}, Value right = {}); };
class GreaterEqual : public Model { public: explicit GreaterEqual(Value left = {}, Value right = {}); };
class Less : public Model { public: explicit Less(Value left = {}, Value right = {}); };
class LessEqual : public Model { public: explicit LessEqual(Value left = {}, Value right = {}); };
class Equal : public Model { public: explicit Equal(Value left = {}, Value right = {}); };
class NotEqual : public Model { public: explicit NotEqual(Value left = {}, Value right = {}); };
class LogicalNot : public Model { public: explicit LogicalNot(Value input = {}); };
class LogicalAnd : public Model { public: explicit LogicalAnd(Value left = {}, Value right = {}); };
class LogicalOr : public Model { public: explicit LogicalOr(Value left = {}, Value right = {}); };
class LogicalXOr : public Model { public: explicit LogicalXOr(Value left = {}, Value right = {}); };

// ---- reductions (src/ops/reduce.cpp) ------------------------------------------------
// keys: input, axis, keepdim (+ correction for Variance)
class Sum : public Model {
public:
    explicit Sum(Value axis = None, Value keepdim = false, Value input = {});
};
class Mean : public Model {
public:
    explicit Mean(Value axis = None, Value keepdim = false, Value input = {});
};
class Max : public Model {
public:
    explicit Max(Value axis = None, Value keepdim = false, Value input = {});
};
class Min : public Model {
public:
    explicit Min(Value axis = None, Value keepdim = false, Value input = {});
};
class Prod : public Model {
public:
    explicit Prod(Value axis = None, Value keepdim = false, Value input = {});
};
class Variance : public Model {
public:
    explicit Variance(Value axis = None, Value keepdim = false, Value correction = 0.0,
                      Value input = {});
};
class ArgMax : public Model {
public:
    explicit ArgMax(Value axis = None, Value keepdim = false, Value input = {});
};
class ArgMin : public Model {
public:
    explicit ArgMin(Value axis = None, Value keepdim = false, Value input = {});
};

// ---- matrix multiplication and linear algebra (src/ops/linalg.cpp) -------------------
class MatrixMultiply : public Model {
public:
    explicit MatrixMultiply(Value left = {}, Value right = {});
};
class Cholesky : public Model { public: explicit Cholesky(Value input = {}); };
class Eigvalsh : public Model {
public:
    explicit Eigvalsh(Value K_term = {}, Value L = {}, Value threshold = Constant::EPSILON);
};
class TransposedDiagonal : public Model { public: explicit TransposedDiagonal(Value input = {}); };
class GPRAlpha : public Model {
public:
    explicit GPRAlpha(Value label_mu_diff = {}, Value L = {}, Value K_term = {});
};
class GPRVOuter : public Model {
public:
    explicit GPRVOuter(Value K = {}, Value K_term = {}, Value L = {});
};
// keys: left, right, norm
class DistanceMatrix : public Model {
public:
    explicit DistanceMatrix(Value left = {}, Value right = {});
};
class CartesianDifference : public Model {
public:
    explicit CartesianDifference(Value left = {}, Value right = {});
};
// keys: input, degree
class PolynomialFeatures : public Model {
public:
    explicit PolynomialFeatures(Value degree = {}, Value input = {});
};
class NormModifier : public Model { public: explicit NormModifier(Value input = {}); };
class TsnePJoint : public Model {
public:
    explicit TsnePJoint(Value squared_distances = {}, Value target_perplexity = {},
                        Value threshold = Constant::EPSILON);
};

// ---- shape / layout (src/ops/layout.cpp) --------------------------------------------
// keys: input, shape
class Reshape : public Model { public: explicit Reshape(Value shape = {}, Value input = {}); };
// keys: input, axes. axes None reverses; a given int/sequence fixes the rank.
class Transpose : public Model { public: explicit Transpose(Value axes = None, Value input = {}); };
// keys: input, axis1, axis2
class SwapAxes : public Model {
public:
    SwapAxes(Value axis1, Value axis2, Value input = {});
};
// keys: input, indices
class PermuteTensor : public Model {
public:
    explicit PermuteTensor(Value indices = {}, Value input = {});
};
// keys: input, start_dim, end_dim
class Flatten : public Model {
public:
    explicit Flatten(Value start_dim = 0, Value end_dim = -1, Value input = {});
};
class Squeeze : public Model { public: explicit Squeeze(Value input = {}); };
// keys: input, shape
class BroadcastTo : public Model {
public:
    explicit BroadcastTo(Value shape = {}, Value input = {});
};
// keys: input (a list of tensors), axis (None flattens every input)
class Concat : public Model { public: explicit Concat(Value input = {}, Value axis = 0); };
// keys: input, split_size, axis; output: a list of tensors. Mithril's HEAD
// makes Split a composite whose formula_key "split" backends implement
// natively; here it is one operator (not among the 124 logical keys).
class Split : public Model {
public:
    explicit Split(Value split_size, Value axis = 0, Value input = {});
};
// keys: input, pad_width
class Pad : public Model { public: explicit Pad(Value pad_width = {}, Value input = {}); };
class Where : public Model {
public:
    explicit Where(Value cond = {}, Value input1 = {}, Value input2 = {});
};
// shape queries: scalar / tuple results
class Shape : public Model { public: explicit Shape(Value input = {}); };
// keys: input, dim
class Size : public Model { public: explicit Size(Value dim = None, Value input = {}); };
class Length : public Model { public: explicit Length(Value input = {}); };
// Mithril's `Dtype` (class_name() == "Dtype").
class DtypeOf : public Model { public: explicit DtypeOf(Value input = {}); };
// keys: input, dtype
class Cast : public Model { public: explicit Cast(Value dtype = {}); };

// ---- indexing (src/ops/indexing.cpp) ---------------------------------------------
// keys: input, index
class Indexer : public Model { public: explicit Indexer(Value index = {}, Value input = {}); };
// Mithril's `Slice` (class_name() == "Slice"); output is a Python slice value.
class PrimitiveSlice : public Model {
public:
    explicit PrimitiveSlice(Value start = {}, Value stop = {}, Value step = {});
};
// keys: input (Tensor[int]), weight [num_embeddings, dim] (differentiable)
class Embedding : public Model {
public:
    explicit Embedding(std::optional<int64_t> num_embeddings = std::nullopt,
                       std::optional<int64_t> dim = std::nullopt, Value input = {},
                       Value weight = {});
};
class Unique : public Model { public: explicit Unique(Value input = {}); };

// ---- containers and scalars (src/ops/containers.cpp) -----------------------------
// Variadic: keys input1 .. inputN; `values` optionally gives their values.
class ToTuple : public Model {
public:
    explicit ToTuple(int n, std::vector<Value> values = {});
};
class ToList : public Model {
public:
    explicit ToList(int n, std::vector<Value> values = {});
};
class PrimitiveUnion : public Model {
public:
    explicit PrimitiveUnion(int n = 1, std::vector<Value> values = {});
};
// keys: input, dtype
class ToTensor : public Model { public: explicit ToTensor(Value input = {}, Value dtype = None); };
class TensorToList : public Model { public: explicit TensorToList(Value input = {}); };
class Item : public Model { public: explicit Item(Value input = {}); };

// ---- convolution and pooling (src/ops/conv_pool.cpp) -------------------------------
// keys: input, weight, (bias,) stride, padding, dilation; formula conv1d(_bias)
class PrimitiveConvolution1D : public Model {
public:
    explicit PrimitiveConvolution1D(bool use_bias = true, Value input = {}, Value weight = {},
                                    Value stride = {}, Value padding = {}, Value dilation = {},
                                    Value bias = {});
};
// keys: input, weight, (bias,) stride, padding, dilation, groups; formula conv2d(_bias)
class PrimitiveConvolution2D : public Model {
public:
    explicit PrimitiveConvolution2D(bool use_bias = true, Value input = {}, Value weight = {},
                                    Value stride = {}, Value padding = {}, Value dilation = {},
                                    Value groups = 1, Value bias = {});
};
// keys: input, kernel_size, stride, padding, dilation
class PrimitiveMaxPool1D : public Model {
public:
    explicit PrimitiveMaxPool1D(Value input = {}, Value kernel_size = {}, Value stride = {},
                                Value padding = {}, Value dilation = {});
};
class PrimitiveMaxPool2D : public Model {
public:
    explicit PrimitiveMaxPool2D(Value input = {}, Value kernel_size = {}, Value stride = {},
                                Value padding = {}, Value dilation = {});
};
class PrimitiveAvgPool2D : public Model {
public:
    explicit PrimitiveAvgPool2D(Value input = {}, Value kernel_size = {}, Value stride = {},
                                Value padding = {}, Value dilation = {});
};
// scalar helpers of the conv/pool composites; keys: input, kernel_size
class PaddingConverter1D : public Model {
public:
    explicit PaddingConverter1D(Value kernel_size = {}, Value input = {});
};
class PaddingConverter2D : public Model {
public:
    explicit PaddingConverter2D(Value kernel_size = {}, Value input = {});
};
class StrideConverter : public Model {
public:
    explicit StrideConverter(Value kernel_size = {}, Value input = {});
};
class TupleConverter : public Model { public: explicit TupleConverter(Value input = {}); };

// ---- attention and sequence (src/ops/attention.cpp) --------------------------------
// keys: query, key, value, dropout_p, attn_mask, is_causal, scale. attn_mask is
// a tensor [L, S] only with use_attn_mask, otherwise a None-valued scalar.
class ScaledDotProduct : public Model {
public:
    explicit ScaledDotProduct(Value is_causal = true, Value scale = None, Value dropout_p = 0.0,
                              bool use_attn_mask = false, Value query = {}, Value key = {},
                              Value value = {}, Value attn_mask = {});
};
// keys: input, hidden_dim, max_len
class PositionalEncoding : public Model {
public:
    explicit PositionalEncoding(Value hidden_dim, Value max_len = 5000, Value input = {});
};

// ---- losses and metrics (src/ops/losses.cpp) ---------------------------------------
class SquaredError : public Model {
public:
    explicit SquaredError(Value input = {}, Value target = {});
};
class AbsoluteError : public Model {
public:
    explicit AbsoluteError(Value input = {}, Value target = {});
};
class HingeLoss : public Model { public: explicit HingeLoss(Value input = {}, Value target = {}); };
class QuadHingeLoss : public Model {
public:
    explicit QuadHingeLoss(Value input = {}, Value target = {});
};
// keys: input, target, quantile
class QuantileLoss : public Model {
public:
    explicit QuantileLoss(Value quantile = 0.5, Value input = {}, Value target = {});
};
// input_type: "logits" | "probs" | "log_probs". weights: "" (ones), "auto" or a
// list of floats. keys: input, target, weights, categorical, threshold, robust
// (threshold and robust are absent for log_probs).
class CrossEntropy : public Model {
public:
    explicit CrossEntropy(std::string input_type = "logits", Value weights = "",
                          Value input = {}, Value target = {}, Value robust = false,
                          Value threshold = Constant::MIN_POSITIVE_NORMAL,
                          Value categorical = true);
};
// input_type: "logits" | "probs". pos_weight: a float or "auto".
// keys: input, target, pos_weight, threshold, robust
class BinaryCrossEntropy : public Model {
public:
    explicit BinaryCrossEntropy(std::string input_type = "logits", Value pos_weight = 1.0,
                                Value input = {}, Value target = {},
                                Value threshold = Constant::MIN_POSITIVE_NORMAL,
                                Value robust = false);
};
// keys: input, target, threshold
class KLDivergence : public Model {
public:
    explicit KLDivergence(Value input = {}, Value target = {},
                          Value threshold = Constant::MIN_POSITIVE_NORMAL);
};
// keys: input [N] (float), label [N] (bool); output [2, M]
class AUCCore : public Model { public: explicit AUCCore(Value input = {}, Value label = {}); };
// keys: y, x
class Trapezoid : public Model { public: explicit Trapezoid(Value x = {}, Value y = {}); };

// ---- creation and random (src/ops/creation.cpp) ----------------------------------
// keys: start, stop, step, dtype
class Arange : public Model {
public:
    explicit Arange(Value start = 0, Value stop = {}, Value step = 1, Value dtype = None);
};
// keys: N, M, dtype
class Eye : public Model {
public:
    explicit Eye(Value N = {}, Value M = None, Value dtype = None);
};
class EyeComplement : public Model {
public:
    explicit EyeComplement(Value N = {}, Value M = None, Value dtype = None);
};
// keys: shape, dtype
class Ones : public Model { public: explicit Ones(Value shape = {}, Value dtype = None); };
class ZerosLike : public Model { public: explicit ZerosLike(Value input = {}); };
// keys: shape, key, dtype
class PrimitiveRandn : public Model {
public:
    explicit PrimitiveRandn(Value shape = {}, Value key = {}, Value dtype = None);
};
// keys: shape, key, low, high, dtype
class PrimitiveRandInt : public Model {
public:
    explicit PrimitiveRandInt(Value shape = {}, Value key = {}, Value low = {}, Value high = {},
                              Value dtype = None);
};

}  // namespace mithril

// mithril/models.hpp — the library's composite models (Mithril's models.py).
//
// One class per composite of synnada-ai/mithril: mithril/models/models.py
// (spec §2.2, FORMAT.md §7). Each constructor builds the same submodels with
// the same key names as Mithril, exposes the same outputs, sets the same
// canonical input/output and shape templates, and ends frozen. Constructor
// parameters are Mithril's constructor arguments in Mithril's order with
// Mithril's defaults: hyperparameters first (plain C++ types, or a Value
// where Mithril accepts int | tuple | str), then optional key values (a
// Value; TBD `{}` leaves the key free).
//
// Differences from Python that are forced by C++:
//   - Mithril deep-copies a cell "type" instance for every RNN step; here a
//     CellType carries a factory (CellType::rnn(), CellType::lstm()).
//   - Mithril's **kwargs key values (MLP weights, KernelizedSVM kernel inputs,
//     RNN initial states) are a KeyValues map.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/value.hpp"

namespace mithril {

// key name -> value, for Mithril's **kwargs key values.
using KeyValues = std::map<std::string, Value>;

// ---- layers (src/models/layers.cpp) ---------------------------------------------------
// keys: input [N, (Var_inter, ...), d_in], weight [dim, d_in], bias [dim], output.
// output = input @ transpose(weight) + bias.
class Linear : public Model {
public:
    explicit Linear(std::optional<int64_t> dimension = std::nullopt, bool use_bias = true,
                    Value input = {}, Value weight = {}, Value bias = {});
};
// keys: input, weight, bias, output = input * weight + bias.
class ElementWiseAffine : public Model {
public:
    explicit ElementWiseAffine(Value input = {}, Value weight = {}, Value bias = {});
};
// keys: input, weight, bias, output = activation(Linear(dimension)(input)).
class Layer : public Model {
public:
    explicit Layer(Model activation, std::optional<int64_t> dimension = std::nullopt,
                   Value input = {}, Value weight = {}, Value bias = {});
};
// A chain of Layers; layer i has keys weight<i>, bias<i> (templates "weight"/"bias"
// may be renamed through input_name_templates). Each activation instance is
// used once, so pass distinct instances.
class MLP : public Model {
public:
    MLP(std::vector<Model> activations, std::vector<std::optional<int64_t>> dimensions,
        std::map<std::string, std::string> input_name_templates = {}, Value input = {},
        KeyValues weights_biases = {});
};
// keys: input, output = input / (1 + exp(-input)).
class SiLU : public Model {
public:
    explicit SiLU(Value input = {});
};
// keys: shape, key (PRNG state: bound to new_key = key + 1), dtype, output.
class Randn : public Model {
public:
    explicit Randn(Value shape = {}, int64_t key = 0, Value dtype = None);
};
// keys: shape, key (PRNG state), low, high, dtype, output.
class RandInt : public Model {
public:
    explicit RandInt(Value shape = {}, int64_t key = 0, Value low = {}, Value high = {},
                     Value dtype = None);
};

// ---- convolution and pooling (src/models/conv_pool.cpp) ---------------------------------
// keys: input [N, C_in, W], weight [out_channels, C_in, kernel_size], (bias,) stride,
// padding, dilation, output.
class Convolution1D : public Model {
public:
    explicit Convolution1D(std::optional<int64_t> kernel_size = std::nullopt,
                           std::optional<int64_t> out_channels = std::nullopt,
                           Value stride = 1, Value padding = 0, Value dilation = 1,
                           bool use_bias = true, Value input = {}, Value weight = {});
};
// kernel_size: None, an int or a (kh, kw) tuple. keys: input [N, C_in, H, W],
// weight [out_channels, C_in, kh, kw], (bias [1, out, 1, 1],) stride, padding,
// dilation, groups, output.
class Convolution2D : public Model {
public:
    explicit Convolution2D(Value kernel_size = None,
                           std::optional<int64_t> out_channels = std::nullopt,
                           Value stride = Value{1, 1}, Value padding = Value{0, 0},
                           Value dilation = Value{1, 1}, Value groups = 1, bool use_bias = true,
                           Value input = {}, Value weight = {});
};
// keys: input, kernel_size, stride (None: = kernel_size), padding, dilation, output.
class MaxPool1D : public Model {
public:
    explicit MaxPool1D(Value kernel_size, Value stride = None, Value padding = Value{0, 0},
                       Value dilation = 1, Value input = {});
};
class MaxPool2D : public Model {
public:
    explicit MaxPool2D(Value kernel_size, Value stride = None, Value padding = Value{0, 0},
                       Value dilation = 1, Value input = {});
};
class AvgPool2D : public Model {
public:
    explicit AvgPool2D(Value kernel_size, Value stride = None, Value padding = Value{0, 0},
                       Value dilation = 1, Value input = {});
};

// ---- normalization (src/models/norms.cpp) -----------------------------------------------
// keys: input [B, C, d], (weight [d],) (bias [d],) output.
class LayerNorm : public Model {
public:
    explicit LayerNorm(bool use_scale = true, bool use_bias = true, double eps = 1e-5,
                       Value input = {}, Value weight = {}, Value bias = {});
};
// keys: input [B, C, H, W], (weight [1, C, 1, 1],) (bias [1, C, 1, 1],) output.
class GroupNorm : public Model {
public:
    explicit GroupNorm(int64_t num_groups = 32, bool use_scale = true, bool use_bias = true,
                       double eps = 1e-5, Value input = {}, Value weight = {},
                       Value bias = {});
};
// keys: input [B, C, H, W], (weight, bias [1, C, 1, 1],) output; running_mean /
// running_var [1, C, 1, 1] are state keys (initial zeros / ones) updated with
// `momentum` in training; `inference` normalizes with the running statistics.
class BatchNorm2D : public Model {
public:
    explicit BatchNorm2D(int64_t num_features, double momentum = 0.1, bool inference = false,
                         double eps = 1e-5, bool use_scale = true, bool use_bias = true,
                         Value input = {}, Value weight = {}, Value bias = {});
};

// ---- regularizers and kernels (src/models/kernels_regularizers.cpp) ----------------------
// output = sum(|input|)
class L1 : public Model {
public:
    explicit L1(Value input = {});
};
// output = 0.5 * sum(input^2)
class L2 : public Model {
public:
    explicit L2(Value input = {});
};
// keys: input [1, N], kernel [N, N]; output = 0.5 * input @ kernel @ input^T
class QuadraticFormRegularizer : public Model {
public:
    explicit QuadraticFormRegularizer(Value input = {}, Value kernel = {});
};
// keys: input1 [N, dim], input2 [M, dim], l_scale [1], sigma [1], output [N, M]
class RBFKernel : public Model {
public:
    explicit RBFKernel(Value input1 = {}, Value input2 = {}, Value l_scale = {},
                       Value sigma = {});
};
// keys: input1 [N, d], input2 [M, d], poly_coef, degree, output [N, M]
class PolynomialKernel : public Model {
public:
    explicit PolynomialKernel(bool robust = true, Value input1 = {}, Value input2 = {},
                              Value poly_coef = {}, Value degree = {});
};

// ---- classic ML (src/models/classic_ml.cpp) -----------------------------------------------
// keys: the kernel's differentiable inputs (input1, input2, ...), weight [1, M],
// bias [1], kernel [N, M] (output), output [N, 1].
class KernelizedSVM : public Model {
public:
    explicit KernelizedSVM(Model kernel, Value weight = {}, Value bias = {},
                           KeyValues kernel_values = {});
};
// keys: input, weight, bias, output, decision_output = sign(output).
class LinearSVM : public Model {
public:
    explicit LinearSVM(Value input = {}, Value weight = {}, Value bias = {});
};
// keys: input, weight, bias, output, probs_output = sigmoid(output).
class LogisticRegression : public Model {
public:
    explicit LogisticRegression(Value input = {}, Value weight = {}, Value bias = {});
};
// keys: input, weight, bias, output = Linear(PolynomialFeatures(degree)(input)).
class PolynomialRegression : public Model {
public:
    explicit PolynomialRegression(int64_t degree, std::optional<int64_t> dimension = std::nullopt,
                                  Value input = {}, Value weight = {}, Value bias = {});
};
// keys: labels, mu, L, K_term, alpha, output [1].
class GPRLoss : public Model {
public:
    explicit GPRLoss(bool robust = false, Value labels = {}, Value mu = {}, Value L = {},
                     Value K_term = {}, Value alpha = {});
};
// keys: label, s, k, k_star, mu; outputs loss, prediction (canonical), confidence.
class GaussProcessRegressionCore : public Model {
public:
    explicit GaussProcessRegressionCore(Value s = {}, Value k = {}, Value k_star = {},
                                        Value mu = {}, Value label = {});
};
// keys: input1, input2, norm, output.
class EncoderDistanceMatrix : public Model {
public:
    explicit EncoderDistanceMatrix(bool get_final_distance = true, bool robust = true,
                                   Value input1 = {}, Value input2 = {});
};
// keys: distances [N, N], pred_distances [N, N], norm, output.
class MDSCore : public Model {
public:
    explicit MDSCore(bool exact_distances = true, bool robust = true, Value distances = {},
                     Value pred_distances = {}, Value norm = {});
};
// keys: distances [N, N], pred_distances [N, N], (p_joint,) output.
class TSNECore : public Model {
public:
    explicit TSNECore(bool exact_distances = true, bool calculate_p_joint = false,
                      double perplexity = 20.0, Value distances = {}, Value pred_distances = {},
                      Value p_joint = {});
};
// input_type: "distances" | "powered_distances" | "points".
// keys: input, coords [None, prediction_dim], norm, output, predicted_coords.
class MDS : public Model {
public:
    explicit MDS(int64_t prediction_dim, std::string input_type = "distances", Value input = {},
                 Value coords = {}, Value norm = {});
};
// keys: input, coords, norm, (p_joint,) output, predicted_coords. (`preplexity`, sic.)
class TSNE : public Model {
public:
    explicit TSNE(int64_t prediction_dim, std::string input_type = "distances",
                  double preplexity = 20.0, bool calculate_p_joint = false, Value input = {},
                  Value norm = {});
};

// ---- recurrent (src/models/recurrent.cpp) -------------------------------------------------
// keys: input [N, 1, d_in], prev_hidden [M, 1, d_hid], w_ih, w_hh, w_ho, bias_h, bias_o;
// outputs hidden, hidden_compl, output (canonical).
class RNNCell : public Model {
public:
    explicit RNNCell(Value input = {}, Value w_ih = {}, Value w_hh = {}, Value w_ho = {},
                     Value bias_h = {}, Value bias_o = {});
};
// keys: input, prev_hidden, prev_cell, w_i, w_f, w_c, w_o, bias_f, bias_i, bias_c,
// bias_o; output = concat(cell, hidden) on axis 0.
class LSTMCellBody : public Model {
public:
    LSTMCellBody();
};
// keys: input, prev_hidden, prev_cell, w_i, w_f, w_c, w_o, w_out, bias_f, bias_i,
// bias_c, bias_o, bias_out; outputs hidden, cell, hidden_compl, output (canonical).
class LSTMCell : public Model {
public:
    LSTMCell();
};

// What Mithril reads from a cell "type": how to make one, its shared weight
// keys, its state keys (prev_<k> inputs, <k> outputs) and its output key.
struct CellType {
    std::string class_name;
    std::function<Model()> make;
    std::vector<std::string> shared_keys;
    std::vector<std::string> state_keys;
    std::string out_key = "output";

    static CellType rnn();   // RNNCell
    static CellType lstm();  // LSTMCell
};

// keys: input, initial_<state>, shared weights, target1 .. target<L-1> (and
// target0 with teacher forcing); outputs output0 .. output<L-1>.
class OneToMany : public Model {
public:
    OneToMany(const CellType& cell_type, int64_t max_sequence_length,
              bool teacher_forcing = false, Value input = {}, KeyValues values = {});
};
// As OneToMany, but step i > 0 takes the previous output unsliced (no targets).
class OneToManyInference : public Model {
public:
    OneToManyInference(const CellType& cell_type, int64_t max_sequence_length, Value input = {},
                       KeyValues values = {});
};
// keys: input0 .. input<L-1>, initial_<state>, shared weights; outputs
// output0 .. output<L-1>, hidden_concat (canonical).
class ManyToOne : public Model {
public:
    ManyToOne(const CellType& cell_type, int64_t max_sequence_length, KeyValues values = {});
};
// Encoder (ManyToOne) keys as they are; decoder (OneToMany) keys prefixed with
// "decoder_" (targets keep their names); indices permutes the encoder's
// hidden_concat into the decoder's initial_hidden.
class EncoderDecoder : public Model {
public:
    EncoderDecoder(const CellType& cell_type, int64_t max_input_sequence_length,
                   int64_t max_target_sequence_length, bool teacher_forcing = false,
                   Value indices = {});
};
class EncoderDecoderInference : public Model {
public:
    EncoderDecoderInference(const CellType& cell_type, int64_t max_input_sequence_length,
                            int64_t max_target_sequence_length);
};

// ---- metrics (src/models/metrics.cpp) -----------------------------------------------------
// keys: pred, label; outputs output (pred - label after formatting),
// pred_formatted, label_formatted.
class Metric : public Model {
public:
    explicit Metric(std::optional<double> threshold = std::nullopt, bool is_binary = false,
                    bool is_pred_one_hot = true, bool is_label_one_hot = true, Value pred = {},
                    Value label = {});
};
// keys: pred, label, output (fraction of correct predictions).
class Accuracy : public Model {
public:
    explicit Accuracy(std::optional<double> threshold = std::nullopt, bool is_binary = false,
                      bool is_pred_one_hot = true, bool is_label_one_hot = true,
                      Value pred = {}, Value label = {});
};
// average: "micro" | "macro" | "weighted" (the last two need n_classes).
class Precision : public Model {
public:
    explicit Precision(std::string average = "micro",
                       std::optional<int64_t> n_classes = std::nullopt,
                       std::optional<double> threshold = std::nullopt, bool is_binary = false,
                       bool is_pred_one_hot = true, bool is_label_one_hot = true,
                       Value pred = {}, Value label = {});
};
class Recall : public Model {
public:
    explicit Recall(std::string average = "micro", std::optional<int64_t> n_classes = std::nullopt,
                    std::optional<double> threshold = std::nullopt, bool is_binary = false,
                    bool is_pred_one_hot = true, bool is_label_one_hot = true, Value pred = {},
                    Value label = {});
};
class F1 : public Model {
public:
    explicit F1(std::string average = "micro", std::optional<int64_t> n_classes = std::nullopt,
                std::optional<double> threshold = std::nullopt, bool is_binary = false,
                bool is_pred_one_hot = true, bool is_label_one_hot = true, Value pred = {},
                Value label = {});
};
// keys: pred [N, n_classes], label; output = mean over classes of one-vs-rest AUC.
class AUC : public Model {
public:
    explicit AUC(int64_t n_classes, bool is_label_one_hot = true, Value pred = {},
                 Value label = {});
};

}  // namespace mithril

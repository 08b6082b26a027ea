// test_primitives.cpp — the primitive operator table: every user class
// constructs, has Mithril's class name, formula key and key order; the 124
// formula keys are all reachable; a few shape inferences through the solver.
#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mithril/errors.hpp"
#include "mithril/primitives.hpp"

using namespace mithril;

namespace {

struct Row {
    std::string class_name;
    std::function<Model()> make;
    std::string formula_key;
    std::vector<std::string> inputs;
};

using K = std::vector<std::string>;

const K kUnary{"input"};
const K kLR{"left", "right"};
const K kND{"numerator", "denominator"};
const K kReduce{"input", "axis", "keepdim"};
const K kIT{"input", "target"};

std::vector<Row> rows() {
    return {
        // elementwise unary
        {"Absolute", [] { return Absolute(); }, "abs", kUnary},
        {"Negate", [] { return Negate(); }, "negate", kUnary},
        {"Exponential", [] { return Exponential(); }, "exp", kUnary},
        {"Log", [] { return Log(); }, "log", kUnary},
        {"Log", [] { return Log(true); }, "robust_log", {"input", "threshold"}},
        {"Sqrt", [] { return Sqrt(); }, "sqrt", kUnary},
        {"Sqrt", [] { return Sqrt(true); }, "robust_sqrt", {"input", "threshold"}},
        {"Sine", [] { return Sine(); }, "sin", kUnary},
        {"Cosine", [] { return Cosine(); }, "cos", kUnary},
        {"Sign", [] { return Sign(); }, "sign", kUnary},
        {"Square", [] { return Square(); }, "square", kUnary},
        {"StableReciprocal", [] { return StableReciprocal(); }, "stable_reciprocal",
         {"input", "threshold"}},
        {"Floor", [] { return Floor(); }, "floor", kUnary},
        {"Relu", [] { return Relu(); }, "relu", kUnary},
        {"LeakyRelu", [] { return LeakyRelu(); }, "leaky_relu", {"input", "slope"}},
        {"Gelu", [] { return Gelu(); }, "gelu", {"input", "approximate"}},
        {"Sigmoid", [] { return Sigmoid(); }, "sigmoid", kUnary},
        {"Tanh", [] { return Tanh(); }, "tanh", kUnary},
        {"Softplus", [] { return Softplus(); }, "softplus", kUnary},
        {"Softmax", [] { return Softmax(); }, "softmax", {"input", "axis"}},
        {"IsNan", [] { return IsNan(); }, "isnan", kUnary},
        {"NanToNum", [] { return NanToNum(); }, "nan_to_num", {"input", "nan", "posinf", "neginf"}},
        {"Clamp", [] { return Clamp(); }, "clamp", {"input", "min_val", "max_val"}},
        {"StopGradient", [] { return StopGradient(); }, "stop_gradient", kUnary},
        {"Buffer", [] { return Buffer(); }, "buffer", kUnary},
        {"AtLeast1D", [] { return AtLeast1D(); }, "atleast_1d", kUnary},
        // binary
        {"Add", [] { return Add(); }, "add", kLR},
        {"Subtract", [] { return Subtract(); }, "subtract", kLR},
        {"Multiply", [] { return Multiply(); }, "multiplication", kLR},
        {"Divide", [] { return Divide(); }, "divide", kND},
        {"FloorDivide", [] { return FloorDivide(); }, "floor_divide", kND},
        {"Power", [] { return Power(); }, "power", {"base", "exponent"}},
        {"Power", [] { return Power(true); }, "robust_power", {"base", "exponent", "threshold"}},
        {"Minimum", [] { return Minimum(); }, "minimum", kLR},
        {"Maximum", [] { return Maximum(); }, "maximum", kLR},
        {"ShiftLeft", [] { return ShiftLeft(); }, "shift_left", {"input", "shift"}},
        {"ShiftRight", [] { return ShiftRight(); }, "shift_right", {"input", "shift"}},
        // comparison / logic
        {"Greater", [] { return Greater(); }, "greater", kLR},
        {"GreaterEqual", [] { return GreaterEqual(); }, "greater_equal", kLR},
        {"Less", [] { return Less(); }, "less", kLR},
        {"LessEqual", [] { return LessEqual(); }, "less_equal", kLR},
        {"Equal", [] { return Equal(); }, "equal", kLR},
        {"NotEqual", [] { return NotEqual(); }, "not_equal", kLR},
        {"LogicalNot", [] { return LogicalNot(); }, "logical_not", kUnary},
        {"LogicalAnd", [] { return LogicalAnd(); }, "logical_and", kLR},
        {"LogicalOr", [] { return LogicalOr(); }, "logical_or", kLR},
        {"LogicalXOr", [] { return LogicalXOr(); }, "logical_xor", kLR},
        // reductions
        {"Sum", [] { return Sum(); }, "reduce_sum", kReduce},
        {"Mean", [] { return Mean(); }, "reduce_mean", kReduce},
        {"Max", [] { return Max(); }, "reduce_max", kReduce},
        {"Min", [] { return Min(); }, "reduce_min", kReduce},
        {"Prod", [] { return Prod(); }, "reduce_prod", kReduce},
        {"Variance", [] { return Variance(); }, "variance",
         {"input", "axis", "keepdim", "correction"}},
        {"ArgMax", [] { return ArgMax(); }, "reduce_argmax", kReduce},
        {"ArgMin", [] { return ArgMin(); }, "reduce_argmin", kReduce},
        // linear algebra
        {"MatrixMultiply", [] { return MatrixMultiply(); }, "matrix_multiplication", kLR},
        {"Cholesky", [] { return Cholesky(); }, "cholesky", kUnary},
        {"Eigvalsh", [] { return Eigvalsh(); }, "eigvalsh", {"K_term", "L", "threshold"}},
        {"TransposedDiagonal", [] { return TransposedDiagonal(); }, "transposed_diag", kUnary},
        {"GPRAlpha", [] { return GPRAlpha(); }, "gpr_alpha", {"label_mu_diff", "L", "K_term"}},
        {"GPRVOuter", [] { return GPRVOuter(); }, "gpr_v_outer", {"K", "K_term", "L"}},
        {"DistanceMatrix", [] { return DistanceMatrix(); }, "distance_matrix",
         {"left", "right", "norm"}},
        {"CartesianDifference", [] { return CartesianDifference(); }, "cartesian_diff", kLR},
        {"PolynomialFeatures", [] { return PolynomialFeatures(); }, "polynomial_features",
         {"input", "degree"}},
        {"NormModifier", [] { return NormModifier(); }, "norm_modifier", kUnary},
        {"TsnePJoint", [] { return TsnePJoint(); }, "tsne_p_joint",
         {"squared_distances", "target_perplexity", "threshold"}},
        // layout
        {"Reshape", [] { return Reshape(); }, "reshape", {"input", "shape"}},
        {"Transpose", [] { return Transpose(); }, "transpose", {"input", "axes"}},
        {"SwapAxes", [] { return SwapAxes(0, 1); }, "swapaxes", {"input", "axis1", "axis2"}},
        {"PermuteTensor", [] { return PermuteTensor(); }, "permute_tensor", {"input", "indices"}},
        {"Flatten", [] { return Flatten(); }, "flatten", {"input", "start_dim", "end_dim"}},
        {"Squeeze", [] { return Squeeze(); }, "squeeze", kUnary},
        {"BroadcastTo", [] { return BroadcastTo(); }, "broadcast_to", {"input", "shape"}},
        {"Concat", [] { return Concat(); }, "concat", {"input", "axis"}},
        {"Pad", [] { return Pad(); }, "pad", {"input", "pad_width"}},
        {"Split", [] { return Split(2); }, "split", {"input", "split_size", "axis"}},
        {"Where", [] { return Where(); }, "where", {"cond", "input1", "input2"}},
        {"Shape", [] { return Shape(); }, "shape", kUnary},
        {"Size", [] { return Size(); }, "size", {"input", "dim"}},
        {"Length", [] { return Length(); }, "length", kUnary},
        {"Dtype", [] { return DtypeOf(); }, "dtype", kUnary},
        {"Cast", [] { return Cast(); }, "cast", {"input", "dtype"}},
        // indexing
        {"Indexer", [] { return Indexer(); }, "indexer", {"input", "index"}},
        {"Slice", [] { return PrimitiveSlice(); }, "primitive_slice", {"start", "stop", "step"}},
        {"Embedding", [] { return Embedding(); }, "primitive_embedding", {"input", "weight"}},
        {"Unique", [] { return Unique(); }, "unique", kUnary},
        // containers
        {"ToTuple", [] { return ToTuple(3); }, "to_tuple", {"input1", "input2", "input3"}},
        {"ToList", [] { return ToList(2); }, "to_list", {"input1", "input2"}},
        {"PrimitiveUnion", [] { return PrimitiveUnion(2); }, "union", {"input1", "input2"}},
        {"ToTensor", [] { return ToTensor(); }, "to_tensor", {"input", "dtype"}},
        {"TensorToList", [] { return TensorToList(); }, "tensor_to_list", kUnary},
        {"Item", [] { return Item(); }, "item", kUnary},
        // conv / pool
        {"PrimitiveConvolution1D", [] { return PrimitiveConvolution1D(); }, "conv1d_bias",
         {"input", "weight", "bias", "stride", "padding", "dilation"}},
        {"PrimitiveConvolution1D", [] { return PrimitiveConvolution1D(false); }, "conv1d",
         {"input", "weight", "stride", "padding", "dilation"}},
        {"PrimitiveConvolution2D", [] { return PrimitiveConvolution2D(); }, "conv2d_bias",
         {"input", "weight", "bias", "stride", "padding", "dilation", "groups"}},
        {"PrimitiveConvolution2D", [] { return PrimitiveConvolution2D(false); }, "conv2d",
         {"input", "weight", "stride", "padding", "dilation", "groups"}},
        {"PrimitiveMaxPool1D", [] { return PrimitiveMaxPool1D(); }, "max_pool1d",
         {"input", "kernel_size", "stride", "padding", "dilation"}},
        {"PrimitiveMaxPool2D", [] { return PrimitiveMaxPool2D(); }, "max_pool2d",
         {"input", "kernel_size", "stride", "padding", "dilation"}},
        {"PrimitiveAvgPool2D", [] { return PrimitiveAvgPool2D(); }, "avg_pool2d",
         {"input", "kernel_size", "stride", "padding", "dilation"}},
        {"PaddingConverter1D", [] { return PaddingConverter1D(); }, "padding_converter_1d",
         {"input", "kernel_size"}},
        {"PaddingConverter2D", [] { return PaddingConverter2D(); }, "padding_converter_2d",
         {"input", "kernel_size"}},
        {"StrideConverter", [] { return StrideConverter(); }, "stride_converter",
         {"input", "kernel_size"}},
        {"TupleConverter", [] { return TupleConverter(); }, "tuple_converter", kUnary},
        // attention
        {"ScaledDotProduct", [] { return ScaledDotProduct(); }, "scaled_dot_product_attention",
         {"query", "key", "value", "dropout_p", "attn_mask", "is_causal", "scale"}},
        {"ScaledDotProduct", [] { return ScaledDotProduct(false, None, 0.0, true); },
         "scaled_dot_product_attention",
         {"query", "key", "value", "dropout_p", "attn_mask", "is_causal", "scale"}},
        {"PositionalEncoding", [] { return PositionalEncoding(16); }, "positional_encoding",
         {"input", "hidden_dim", "max_len"}},
        // losses
        {"SquaredError", [] { return SquaredError(); }, "squared_error", kIT},
        {"AbsoluteError", [] { return AbsoluteError(); }, "absolute_error", kIT},
        {"HingeLoss", [] { return HingeLoss(); }, "hinge_loss", kIT},
        {"QuadHingeLoss", [] { return QuadHingeLoss(); }, "quad_hinge_loss", kIT},
        {"QuantileLoss", [] { return QuantileLoss(); }, "quantile_loss",
         {"input", "target", "quantile"}},
        {"CrossEntropy", [] { return CrossEntropy(); }, "cross_entropy_with_logits",
         {"input", "target", "weights", "categorical", "threshold", "robust"}},
        {"CrossEntropy", [] { return CrossEntropy("probs"); }, "cross_entropy",
         {"input", "target", "weights", "categorical", "threshold", "robust"}},
        {"CrossEntropy", [] { return CrossEntropy("log_probs"); }, "cross_entropy_with_log_probs",
         {"input", "target", "weights", "categorical"}},
        {"BinaryCrossEntropy", [] { return BinaryCrossEntropy(); },
         "binary_cross_entropy_with_logits", {"input", "target", "pos_weight", "threshold", "robust"}},
        {"BinaryCrossEntropy", [] { return BinaryCrossEntropy("probs"); }, "binary_cross_entropy",
         {"input", "target", "pos_weight", "threshold", "robust"}},
        {"KLDivergence", [] { return KLDivergence(); }, "kl_divergence",
         {"input", "target", "threshold"}},
        {"AUCCore", [] { return AUCCore(); }, "auc_core", {"input", "label"}},
        {"Trapezoid", [] { return Trapezoid(); }, "trapezoid", {"y", "x"}},
        // creation
        {"Arange", [] { return Arange(); }, "arange", {"start", "stop", "step", "dtype"}},
        {"Eye", [] { return Eye(); }, "eye", {"N", "M", "dtype"}},
        {"EyeComplement", [] { return EyeComplement(); }, "ones_with_zero_diag", {"N", "M", "dtype"}},
        {"Ones", [] { return Ones(); }, "ones", {"shape", "dtype"}},
        {"ZerosLike", [] { return ZerosLike(); }, "zeros_like", kUnary},
        {"PrimitiveRandn", [] { return PrimitiveRandn(); }, "randn", {"shape", "key", "dtype"}},
        {"PrimitiveRandInt", [] { return PrimitiveRandInt(); }, "randint",
         {"shape", "key", "low", "high", "dtype"}},
    };
}

std::vector<std::string> tokens(const Model& m, const std::string& key) {
    auto shapes = m.get_shapes();
    auto it = shapes.find(key);
    REQUIRE(it != shapes.end());
    REQUIRE(it->second.has_value());
    return *it->second;
}

using Toks = std::vector<std::string>;

}  // namespace

TEST_CASE("primitives: all_formula_keys lists the 124 distinct keys", "[primitives]") {
    auto keys = all_formula_keys();
    std::set<std::string> distinct(keys.begin(), keys.end());
    CHECK(keys.size() == 124);
    CHECK(distinct.size() == 124);
}

TEST_CASE("primitives: every class constructs with Mithril's keys", "[primitives]") {
    std::set<std::string> produced;
    for (const auto& row : rows()) {
        INFO(row.class_name << " (" << row.formula_key << ")");
        Model m;
        bool built = false;
        CHECK_NOTHROW((m = row.make(), built = true));
        if (!built) continue;
        CHECK(m.class_name() == row.class_name);
        CHECK(m.formula_key() == row.formula_key);
        CHECK(m.input_keys() == row.inputs);
        CHECK(m.output_keys() == std::vector<std::string>{"output"});
        CHECK(m.is_frozen());
        produced.insert(m.formula_key());
    }
    for (const auto& k : all_formula_keys()) {
        INFO("formula key " << k);
        CHECK(produced.count(k) == 1);
    }
    CHECK(produced.size() == 125);  // the 124 keys + "split"
}

TEST_CASE("primitives: constructor argument errors", "[primitives]") {
    CHECK_THROWS_AS(Log(false, {}, 0.5), ValueError);
    CHECK_THROWS_AS(Sqrt(false, {}, 0.5), ValueError);
    CHECK_THROWS_WITH(CrossEntropy("foo"),
                      "Cross entropy does not support 'foo' input type.  Available input "
                      "types: 'logits', 'probs', and 'log_probs'.");
    CHECK_THROWS_WITH(CrossEntropy("logits", "bar"),
                      "weights can only be set to 'auto' in string format, got bar");
    CHECK_THROWS_AS(BinaryCrossEntropy("foo"), ValueError);
    CHECK_THROWS_AS(BinaryCrossEntropy("logits", "bar"), ValueError);
    CHECK_THROWS_AS(ScaledDotProduct(true, None, 0.0, true), ValueError);
    CHECK_NOTHROW(CrossEntropy("logits", "auto"));
    CHECK_NOTHROW(CrossEntropy("probs", Value::list({Value(1.0), Value(2.0)})));
    CHECK_NOTHROW(BinaryCrossEntropy("probs", "auto"));
}

TEST_CASE("primitives: shape-dependent templates", "[primitives]") {
    SECTION("Transpose with given axes fixes the rank") {
        Transpose t(Value{1, 0, 2});
        t.set_shapes({{"input", {2, 3, 4}}});
        CHECK(tokens(t, "output") == Toks{"3", "2", "4"});
    }
    SECTION("Reshape with a known shape") {
        Reshape r(Value{2, -1});
        CHECK(tokens(r, "output").size() == 2);
        CHECK(tokens(r, "output")[0] == "2");
    }
    SECTION("Arange with all values known") {
        Arange a(0, 10, 2);
        CHECK(tokens(a, "output") == Toks{"5"});
        Arange b(0.0, 1.0, 0.3);
        CHECK(tokens(b, "output") == Toks{"4"});
    }
    SECTION("Embedding with given sizes") {
        Embedding e(10, 4);
        CHECK(tokens(e, "weight") == Toks{"10", "4"});
    }
}

TEST_CASE("primitives: shape inference", "[primitives]") {
    SECTION("Add broadcasts") {
        Add m;
        m.set_shapes({{"left", {3, 1}}, {"right", {1, 4}}});
        CHECK(tokens(m, "output") == Toks{"3", "4"});
    }
    SECTION("Add broadcasts across ranks") {
        Add m;
        m.set_shapes({{"left", {5, 3, 4}}, {"right", {4}}});
        CHECK(tokens(m, "output") == Toks{"5", "3", "4"});
    }
    SECTION("Add of a tensor and a scalar") {
        Add m;
        m.set_shapes({{"left", {3, 4}}});
        m.set_values({{"right", 2.0}});
        CHECK(tokens(m, "output") == Toks{"3", "4"});
    }
    SECTION("Sum over an axis") {
        Sum m(1);
        m.set_shapes({{"input", {2, 3, 4}}});
        CHECK(tokens(m, "output") == Toks{"2", "4"});
    }
    SECTION("Mean over all axes with keepdim") {
        Mean m(None, true);
        m.set_shapes({{"input", {2, 3}}});
        CHECK(tokens(m, "output") == Toks{"1", "1"});
    }
    SECTION("MatrixMultiply batches") {
        MatrixMultiply m;
        m.set_shapes({{"left", {5, 2, 3}}, {"right", {3, 4}}});
        CHECK(tokens(m, "output") == Toks{"5", "2", "4"});
    }
    SECTION("elementwise ops share input and output shapes") {
        Relu m;
        m.set_shapes({{"input", {7, 2}}});
        CHECK(tokens(m, "output") == Toks{"7", "2"});
    }
    SECTION("Flatten") {
        Flatten m(1);
        m.set_shapes({{"input", {2, 3, 4}}});
        CHECK(tokens(m, "output") == Toks{"2", "12"});
    }
    SECTION("Transpose reverses by default") {
        Transpose m;
        m.set_shapes({{"input", {2, 3, 4}}});
        CHECK(tokens(m, "output") == Toks{"4", "3", "2"});
    }
    SECTION("PrimitiveConvolution2D output size") {
        PrimitiveConvolution2D m(true, {}, {}, 1, 0, 1);
        m.set_shapes({{"input", {8, 3, 32, 32}}, {"weight", {16, 3, 5, 5}}});
        CHECK(tokens(m, "output") == Toks{"8", "16", "28", "28"});
    }
}

TEST_CASE("primitives: scalar operands are evaluated at logical time", "[primitives]") {
    Add a(2, 3);
    CHECK(a["output"].value() == Value(5));
    Add late;
    late.set_values({{"left", 2}, {"right", 3}});
    CHECK(late["output"].value() == Value(5));
    Power p(false, 2, 3);
    CHECK(p["output"].value() == Value(8));
    Divide d(7, 2);
    CHECK(d["output"].value() == Value(3.5));
    ShiftLeft sl(1, 3);
    CHECK(sl["output"].value() == Value(8));
    LogicalAnd la(true, false);
    CHECK(la["output"].value() == Value(false));
    FloorDivide f(7, 2);
    CHECK(f["output"].value() == Value(3));
    Greater g(2, 3);
    CHECK(g["output"].value() == Value(false));
}

TEST_CASE("primitives: type inference", "[primitives]") {
    SECTION("int tensor + float scalar is a float tensor") {
        Add m;
        m.set_types({{"left", Type::tensor_int()}});
        m.set_values({{"right", 2.0}});
        CHECK(m["output"].type() == Type::tensor_float());
    }
    SECTION("comparison of tensors is Tensor[bool]") {
        Greater m;
        m.set_types({{"left", Type::tensor()}});
        CHECK(m["output"].type() == Type::tensor_bool());
    }
    SECTION("Sum of bools is an int tensor, Mean is float") {
        Sum s(0);
        s.set_types({{"input", Type::tensor_bool()}});
        CHECK(s["output"].type() == Type::tensor_int());
        Mean m(0);
        m.set_types({{"input", Type::tensor_int()}});
        CHECK(m["output"].type() == Type::tensor_float());
    }
    SECTION("elementwise polymorphic ops keep the input type") {
        Relu r;
        r.set_types({{"input", Type::tensor_int()}});
        CHECK(r["output"].type() == Type::tensor_int());
    }
}

TEST_CASE("primitives: value inference of scalar helpers", "[primitives]") {
    Shape sh;
    sh.set_shapes({{"input", {2, 3}}});
    CHECK(sh["output"].value() == Value{2, 3});
    Size sz(1);
    sz.set_shapes({{"input", {2, 3}}});
    CHECK(sz["output"].value() == Value(3));
    ToTuple tt(2, {1, 2});
    CHECK(tt["output"].value() == Value{1, 2});
    PrimitiveSlice sl(1, 3, None);
    CHECK(sl["output"].value() == Value(slice(1, 3)));
    PaddingConverter1D pc(3, 1);
    CHECK(pc["output"].value() == Value{1, 1});
    Arange ar;
    ar.set_values({{"stop", 5}});
    CHECK(tokens(ar, "output") == Toks{"5"});
}

TEST_CASE("primitives: canonical inputs follow Mithril's _set_cin", "[primitives]") {
    auto cin_keys = [](const Model& m) {
        std::vector<std::string> ks;
        for (const auto& c : m.cins()) ks.push_back(c.key());
        return ks;
    };
    CHECK(cin_keys(Add()) == K{"left", "right"});
    CHECK(cin_keys(Add(1)) == K{"right"});  // valued keys are skipped
    CHECK(cin_keys(Multiply()) == K{"left", "right"});
    CHECK(cin_keys(Subtract()) == K{"left"});
    CHECK(cin_keys(Equal()) == K{"left", "right"});
    CHECK(cin_keys(Greater()) == K{"left"});
    CHECK(cin_keys(DistanceMatrix()) == K{"left", "right"});
    CHECK(cin_keys(Where()) == K{"input1"});
    CHECK(cin_keys(Arange()) == K{"stop"});
    CHECK(cin_keys(ToTuple(2)).empty());
    CHECK(cin_keys(ToList(2)).empty());
    CHECK(cin_keys(PrimitiveSlice()).empty());
    CHECK(cin_keys(Relu()) == K{"input"});
    CHECK(cin_keys(Softmax()) == K{"input"});
    CHECK(cin_keys(MatrixMultiply()) == K{"left"});
    for (const auto& m : {Model(Add()), Model(Relu()), Model(Sum())}) CHECK(m.cout().key() == "output");
}

TEST_CASE("primitives: Split", "[primitives]") {
    Split s(2, 1);
    s.set_shapes({{"input", {3, 4}}});
    CHECK(s["output"].type() == Type(Type::ListT));
}

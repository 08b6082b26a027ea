// models/metrics.cpp — Metric, Accuracy, Precision, Recall, F1, AUC.
//
// Mirrors the classes of the same names in synnada-ai/mithril:
// mithril/models/models.py. Mithril writes most of these with connection
// algebra (`metric_out == Tensor(0)`, `&`, `~`, `/`, `.shape[0].tensor()`);
// the same operators are built here explicitly (Equal, NotEqual, LogicalAnd,
// LogicalNot, Add, Multiply, Divide, Shape + Indexer + ToTensor), with the
// same named intermediate keys (n_true_positive, precision_<i>, ...).
#include <string>

#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

namespace {

// Explicit-operator stand-ins for Mithril's connection algebra.
struct Ops {
    Model& self;

    Connection eq(ConnectValue a, ConnectValue b) {
        return attach(self, Equal(), {{"left", std::move(a)}, {"right", std::move(b)}});
    }
    Connection ne(ConnectValue a, ConnectValue b) {
        return attach(self, NotEqual(), {{"left", std::move(a)}, {"right", std::move(b)}});
    }
    Connection band(ConnectValue a, ConnectValue b) {
        return attach(self, LogicalAnd(), {{"left", std::move(a)}, {"right", std::move(b)}});
    }
    Connection bnot(ConnectValue a) { return attach(self, LogicalNot(), {{"input", std::move(a)}}); }
    Connection add(ConnectValue a, ConnectValue b) {
        return attach(self, Add(), {{"left", std::move(a)}, {"right", std::move(b)}});
    }
    Connection mul(ConnectValue a, ConnectValue b) {
        return attach(self, Multiply(), {{"left", std::move(a)}, {"right", std::move(b)}});
    }
    Connection div(ConnectValue a, ConnectValue b, std::optional<ConnectValue> out = std::nullopt) {
        ConnectMap m{{"numerator", std::move(a)}, {"denominator", std::move(b)}};
        if (out) m.push_back({"output", *out});
        return attach(self, Divide(), std::move(m));
    }
    Connection sum(ConnectValue in, const std::string& out) {
        return attach(self, Sum(), {{"input", std::move(in)}, {"output", out}});
    }
    // x.shape[0].tensor()
    Connection len_tensor(ConnectValue x) {
        Connection s = attach(self, Shape(), {{"input", std::move(x)}});
        Connection n = attach(self, Indexer(), {{"input", s}, {"index", 0}});
        return attach(self, ToTensor(), {{"input", n}});
    }
    // Where(d == 0, 1, d) named `out`.
    Connection nonzero(const Connection& d, const std::string& out) {
        Connection z = eq(d, scalar_tensor_int(0));
        return attach(self, Where(),
                      {{"cond", z}, {"input1", scalar_tensor_int(1)}, {"input2", d}, {"output", out}});
    }
};

// Metric(...)(pred, label, "metric_out", "pred_formatted", "label_formatted").
void attach_metric(Model& self, std::optional<double> threshold, bool is_binary,
                   bool is_pred_one_hot, bool is_label_one_hot, const Value& pred,
                   const Value& label) {
    attach(self, Metric(threshold, is_binary, is_pred_one_hot, is_label_one_hot),
           {{"pred", named("pred", pred)},
            {"label", named("label", label)},
            {"output", "metric_out"},
            {"pred_formatted", "pred_formatted"},
            {"label_formatted", "label_formatted"}});
}

void check_average(const std::string& average, std::optional<int64_t> n_classes) {
    if (average != "micro" && average != "macro" && average != "weighted")
        throw ValueError("average must be one of ['micro', 'macro', 'weighted']");
    if (average != "micro" && !n_classes)
        throw ValueError("n_classes must be provided if average is 'weighted' or 'macro'");
}

enum class Score { Precision, Recall, F1 };

// The body shared by Precision, Recall and F1.
void build_score(Model& self, Score score, const std::string& average,
                 std::optional<int64_t> n_classes) {
    Ops o{self};
    const char* name = score == Score::Precision ? "precision"
                       : score == Score::Recall  ? "recall"
                                                 : "precision";
    if (average == "micro") {
        Connection tp = o.eq("metric_out", scalar_tensor_int(0));
        Connection other = o.ne("metric_out", scalar_tensor_int(0));
        const std::string other_key =
            score == Score::Recall ? "n_false_negative" : "n_false_positive";
        o.sum(tp, "n_true_positive");
        o.sum(other, other_key);
        Connection den = o.add("n_true_positive", other_key);
        Connection r = o.div("n_true_positive", den);
        attach(self, Buffer(), {{"input", r}, {"output", named("output")}});
        return;
    }
    const int64_t n = *n_classes;
    const bool weighted = average == "weighted";
    Connection n_element;
    if (weighted) n_element = o.len_tensor("label_formatted");
    std::optional<Connection> total;
    for (int64_t idx = 0; idx < n; ++idx) {
        const std::string i = std::to_string(idx);
        Connection class_idxs = o.eq("label_formatted", scalar_tensor_int(idx));
        Connection tp = o.band(o.eq("metric_out", scalar_tensor_int(0)), class_idxs);
        std::optional<Connection> fp, fn;
        if (score != Score::Recall)
            fp = o.band(o.eq("pred_formatted", scalar_tensor_int(idx)), o.bnot(class_idxs));
        if (score != Score::Precision)
            fn = o.band(o.ne("pred_formatted", scalar_tensor_int(idx)), class_idxs);
        if (weighted) o.sum(class_idxs, "n_class_" + i);
        o.sum(tp, "true_positive_" + i);
        if (fp) o.sum(*fp, "false_positive_" + i);
        if (fn) o.sum(*fn, "false_negative_" + i);
        Connection den;
        if (score == Score::Precision)
            den = o.add("true_positive_" + i, "false_positive_" + i);
        else if (score == Score::Recall)
            den = o.add("true_positive_" + i, "false_negative_" + i);
        else
            den = o.add("true_positive_" + i,
                        o.mul(scalar_tensor(0.5),
                              o.add("false_positive_" + i, "false_negative_" + i)));
        o.nonzero(den, "denominator_" + i);
        const std::string score_key = std::string(name) + "_" + i;
        o.div("true_positive_" + i, "denominator_" + i, ConnectValue(score_key));
        Connection term = self[score_key];
        if (weighted) {
            const std::string wkey = "weighted_" + score_key;
            o.div(o.mul(score_key, "n_class_" + i), n_element, ConnectValue(wkey));
            term = self[wkey];
        }
        total = total ? o.add(*total, term) : term;
    }
    if (weighted) {
        attach(self, Buffer(), {{"input", *total}, {"output", named("output")}});
    } else {
        attach(self, Unique(), {{"input", "label_formatted"}, {"output", "n_classes"}});
        o.div(*total, o.len_tensor("n_classes"), ConnectValue(named("output")));
    }
}

}  // namespace

// ---- Metric ---------------------------------------------------------------------------------

Metric::Metric(std::optional<double> threshold, bool is_binary, bool is_pred_one_hot,
               bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "Metric") {
    if (is_binary && !threshold) throw ValueError("Probs must be False if threshold is not None");
    ConnectValue pred_key = named("pred", pred);
    ConnectValue label_key = named("label", label);
    if (is_label_one_hot) {
        attach(*this, ArgMax(-1), {{"input", label_key}, {"output", "label_argmax"}});
        label_key = ConnectValue("label_argmax");
    }
    if (is_binary && !is_pred_one_hot) {
        attach(*this, Greater(), {{"left", pred_key}, {"right", *threshold}, {"output", "greater_out"}});
        attach(*this, Where(),
               {{"cond", "greater_out"},
                {"input1", scalar_tensor_int(1)},
                {"input2", scalar_tensor_int(0)},
                {"output", "pred_comp"}});
        pred_key = ConnectValue("pred_comp");
    } else if (is_pred_one_hot) {
        attach(*this, ArgMax(-1), {{"input", pred_key}, {"output", "pred_argmax"}});
        pred_key = ConnectValue("pred_argmax");
    }
    Connection result = attach(*this, Subtract(), {{"left", pred_key}, {"right", label_key}});
    // A key used above exists by now; a still-unused IOKey creates it here.
    auto existing = [&](const ConnectValue& v) {
        return v.is_name() ? v : ConnectValue(std::get<IOKey>(v.get()).name.value());
    };
    attach(*this, Buffer(), {{"input", existing(pred_key)}, {"output", named("pred_formatted")}});
    attach(*this, Buffer(), {{"input", existing(label_key)}, {"output", named("label_formatted")}});
    attach(*this, Buffer(), {{"input", result}, {"output", named("output")}});
    (*this)["label"].set_differentiability(false);
    set_cin({"pred"});
    expose_keys({"pred_formatted", "label_formatted", "output"});
    set_cout({"output"});
    finish_library_model();
}

// ---- Accuracy / Precision / Recall / F1 ---------------------------------------------------------

Accuracy::Accuracy(std::optional<double> threshold, bool is_binary, bool is_pred_one_hot,
                   bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "Accuracy") {
    attach_metric(*this, threshold, is_binary, is_pred_one_hot, is_label_one_hot, pred, label);
    Ops o{*this};
    Connection correct = o.eq("metric_out", 0);
    Connection n_prediction = o.len_tensor("label_formatted");
    o.sum(correct, "n_true_predictions");
    o.div("n_true_predictions", n_prediction, ConnectValue(named("output")));
    set_cin({"pred"});
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

Precision::Precision(std::string average, std::optional<int64_t> n_classes,
                     std::optional<double> threshold, bool is_binary, bool is_pred_one_hot,
                     bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "Precision") {
    check_average(average, n_classes);
    attach_metric(*this, threshold, is_binary, is_pred_one_hot, is_label_one_hot, pred, label);
    build_score(*this, Score::Precision, average, n_classes);
    (*this)["label"].set_differentiability(false);
    set_cin({"pred"});
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

Recall::Recall(std::string average, std::optional<int64_t> n_classes,
               std::optional<double> threshold, bool is_binary, bool is_pred_one_hot,
               bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "Recall") {
    check_average(average, n_classes);
    attach_metric(*this, threshold, is_binary, is_pred_one_hot, is_label_one_hot, pred, label);
    build_score(*this, Score::Recall, average, n_classes);
    (*this)["label"].set_differentiability(false);
    set_cin({"pred"});
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

F1::F1(std::string average, std::optional<int64_t> n_classes, std::optional<double> threshold,
       bool is_binary, bool is_pred_one_hot, bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "F1") {
    check_average(average, n_classes);
    attach_metric(*this, threshold, is_binary, is_pred_one_hot, is_label_one_hot, pred, label);
    build_score(*this, Score::F1, average, n_classes);
    (*this)["label"].set_differentiability(false);
    set_cin({"pred"});
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

// ---- AUC ------------------------------------------------------------------------------------

AUC::AUC(int64_t n_classes, bool is_label_one_hot, Value pred, Value label)
    : Model(ClassTag{}, "AUC") {
    if (n_classes <= 0) throw ValueError("n_classes must be positive");
    Ops o{*this};
    ConnectValue label_key = typed("label", Type::tensor(), label);
    ConnectValue pred_key = typed("pred", Type::tensor(), pred);
    if (is_label_one_hot) {
        attach(*this, ArgMax(-1), {{"input", label_key}, {"output", "label_argmax"}});
        label_key = ConnectValue("label_argmax");
    }
    std::optional<Connection> score;
    std::vector<ConnRef> class_keys;
    for (int64_t c = 0; c < n_classes; ++c) {
        const std::string i = std::to_string(c);
        Connection class_label = o.eq(label_key, scalar_tensor_int(c));
        if (!label_key.is_name()) label_key = ConnectValue("label");
        ConnectValue pred_class = pred_key;
        if (n_classes != 1)
            pred_class = attach(*this, Indexer(Value::tuple({Value(Slice{}), Value(c)})),
                                {{"input", pred_key}});
        pred_key = ConnectValue("pred");
        attach(*this, AUCCore(),
               {{"input", pred_class}, {"label", class_label}, {"output", "auc_core_" + i}});
        Connection y = attach(*this, Indexer(0), {{"input", "auc_core_" + i}});
        Connection x = attach(*this, Indexer(1), {{"input", "auc_core_" + i}});
        attach(*this, Trapezoid(), {{"y", y}, {"x", x}, {"output", named("auc_class_" + i)}});
        class_keys.push_back("auc_class_" + i);
        Connection part = o.div("auc_class_" + i, scalar_tensor(double(n_classes)));
        score = score ? o.add(*score, part) : part;
    }
    attach(*this, Buffer(), {{"input", *score}, {"output", named("output")}});
    (*this)["label"].set_differentiability(false);
    set_cin({"pred"});
    expose_keys(class_keys);
    expose_keys({"output"});
    set_cout({"output"});
    finish_library_model();
}

}  // namespace mithril

// models/recurrent.cpp — RNNCell, LSTMCellBody, LSTMCell, OneToMany,
// OneToManyInference, ManyToOne, EncoderDecoder, EncoderDecoderInference.
//
// Mirrors the classes of the same names in synnada-ai/mithril:
// mithril/models/models.py. Sequences are unrolled statically: step i uses a
// fresh cell (CellType::make, where Mithril deep-copies the cell "type"),
// shares the weights by key name and takes the previous step's state outputs.
// Mithril's n-ary Concat(n=k)(input1=..., ...) is written as ToList(k) feeding
// a list Concat (the current Concat primitive takes a list), keeping the
// input1..inputk order.
#include <string>

#include "models/helpers.hpp"

namespace mithril {

using namespace models_detail;

namespace {

Value lookup(const KeyValues& values, const std::string& key) {
    auto it = values.find(key);
    return it == values.end() ? Value() : it->second;
}

// Concat(axis)(input1=items[0], input2=items[1], ...) with an optional output key.
Connection concat_of(Model& self, const std::vector<ConnectValue>& items, const Value& axis,
                     std::optional<IOKey> output = std::nullopt) {
    ConnectMap list_args;
    for (size_t i = 0; i < items.size(); ++i)
        list_args.push_back({"input" + std::to_string(i + 1), items[i]});
    Connection list = attach(self, ToList(int(items.size())), std::move(list_args));
    ConnectMap concat_args{{"input", list}};
    if (output) concat_args.push_back({"output", *output});
    return attach(self, Concat(Value(), axis), std::move(concat_args));
}

}  // namespace

// ---- cells --------------------------------------------------------------------------------

RNNCell::RNNCell(Value input, Value w_ih, Value w_hh, Value w_ho, Value bias_h, Value bias_o)
    : Model(ClassTag{}, "RNNCell") {
    Connection shp = attach(*this, Shape(), {{"input", named("input", input)}});
    Connection n = attach(*this, Indexer(), {{"input", shp}, {"index", 0}});
    Connection s1 = attach(*this, PrimitiveSlice(Value(), None, None), {{"start", n}});
    attach(*this, Indexer(),
           {{"input", "prev_hidden"}, {"index", s1}, {"output", named("hidden_compl")}});
    Connection s2 = attach(*this, PrimitiveSlice(None, Value(), None), {{"stop", n}});
    Connection ph = attach(*this, Indexer(), {{"input", "prev_hidden"}, {"index", s2}});
    Connection m1 = attach(*this, Linear(std::nullopt, false),
                           {{"input", ph}, {"weight", named("w_hh", w_hh)}});
    Connection m2 = attach(*this, Linear(std::nullopt, false),
                           {{"input", "input"}, {"weight", named("w_ih", w_ih)}});
    Connection a1 = attach(*this, Add(), {{"left", m1}, {"right", m2}});
    Connection a2 = attach(*this, Add(), {{"left", a1}, {"right", named("bias_h", bias_h)}});
    attach(*this, Tanh(), {{"input", a2}, {"output", named("hidden")}});
    Connection m3 = attach(*this, Linear(std::nullopt, false),
                           {{"input", "hidden"}, {"weight", named("w_ho", w_ho)}});
    attach(*this, Add(),
           {{"left", m3}, {"right", named("bias_o", bias_o)}, {"output", named("output")}});
    (*this)["input"].set_differentiability(false);
    (*this)["prev_hidden"].set_differentiability(false);
    set_shapes({{"input", {"N", 1, "d_in"}},
                {"prev_hidden", {"M", 1, "d_hid"}},
                {"w_ih", {"d_hid", "d_in"}},
                {"w_hh", {"d_hid", "d_hid"}},
                {"w_ho", {"d_out", "d_hid"}},
                {"bias_h", {"d_hid"}},
                {"bias_o", {"d_out"}}});
    set_cin({"input"});
    expose_keys({"hidden_compl", "hidden", "output"});
    set_cout({"output"});
    finish_library_model();
}

LSTMCellBody::LSTMCellBody() : Model(ClassTag{}, "LSTMCellBody") {
    Connection z = concat_of(*this, {named("input"), named("prev_hidden")}, -1);
    auto gate = [&](const std::string& w, const std::string& b) {
        return attach(*this, Linear(), {{"input", z}, {"weight", named(w)}, {"bias", named(b)}});
    };
    Connection f = gate("w_f", "bias_f");
    Connection fs = attach(*this, Sigmoid(), {{"input", f}});
    Connection kept = attach(*this, Multiply(), {{"left", named("prev_cell")}, {"right", fs}});
    Connection i = gate("w_i", "bias_i");
    Connection is = attach(*this, Sigmoid(), {{"input", i}});
    Connection c = gate("w_c", "bias_c");
    Connection ct = attach(*this, Tanh(), {{"input", c}});
    Connection fresh = attach(*this, Multiply(), {{"left", is}, {"right", ct}});
    Connection cell = attach(*this, Add(), {{"left", kept}, {"right", fresh}});
    Connection cell_t = attach(*this, Tanh(), {{"input", cell}});
    Connection o = gate("w_o", "bias_o");
    Connection os = attach(*this, Sigmoid(), {{"input", o}});
    Connection hidden = attach(*this, Multiply(), {{"left", cell_t}, {"right", os}});
    concat_of(*this, {cell, hidden}, 0, named("output"));
    set_shapes({{"input", {"N", 1, "d_in"}},
                {"prev_hidden", {"N", 1, "d_hid"}},
                {"prev_cell", {"N", 1, "d_hid"}},
                {"w_i", {"d_hid", "d_sum"}},
                {"w_f", {"d_hid", "d_sum"}},
                {"w_c", {"d_hid", "d_sum"}},
                {"w_o", {"d_hid", "d_sum"}},
                {"bias_f", {"d_hid"}},
                {"bias_i", {"d_hid"}},
                {"bias_c", {"d_hid"}},
                {"bias_o", {"d_hid"}}});
    (*this)["input"].set_differentiability(false);
    expose_keys({"output"});
    finish_library_model();
}

LSTMCell::LSTMCell() : Model(ClassTag{}, "LSTMCell") {
    LSTMCellBody body;
    Connection shp = attach(*this, Shape(), {{"input", named("input")}});
    Connection n = attach(*this, Indexer(), {{"input", shp}, {"index", 0}});
    // Rows of the previous state that take part in this step.
    Connection s1 = attach(*this, PrimitiveSlice(None, Value(), None), {{"stop", n}});
    Connection pc = attach(*this, Indexer(), {{"input", "prev_cell"}, {"index", s1}});
    Connection s2 = attach(*this, PrimitiveSlice(None, Value(), None), {{"stop", n}});
    Connection ph = attach(*this, Indexer(), {{"input", "prev_hidden"}, {"index", s2}});

    ConnectMap body_kwargs;
    for (const auto& key : body.input_keys()) {
        if (key.rfind('$', 0) == 0) continue;
        if (key == "prev_cell")
            body_kwargs.push_back({key, pc});
        else if (key == "prev_hidden")
            body_kwargs.push_back({key, ph});
        else if (key == "input")
            body_kwargs.push_back({key, "input"});
        else
            body_kwargs.push_back({key, named(key)});
    }
    Connection body_out = attach(*this, body, std::move(body_kwargs));

    Connection s3 = attach(*this, PrimitiveSlice(Value(), None, None), {{"start", n}});
    attach(*this, Indexer(), {{"input", body_out}, {"index", s3}, {"output", named("hidden")}});
    Connection s4 = attach(*this, PrimitiveSlice(None, Value(), None), {{"stop", n}});
    attach(*this, Indexer(), {{"input", body_out}, {"index", s4}, {"output", named("cell")}});
    // Slice complement.
    Connection s5 = attach(*this, PrimitiveSlice(Value(), None, None), {{"start", n}});
    attach(*this, Indexer(),
           {{"input", "prev_hidden"}, {"index", s5}, {"output", named("hidden_compl")}});
    attach(*this, Linear(),
           {{"input", "hidden"},
            {"weight", named("w_out")},
            {"bias", named("bias_out")},
            {"output", named("output")}});
    set_shapes({{"input", {"N", 1, "d_in"}},
                {"prev_hidden", {"M", 1, "d_hid"}},
                {"prev_cell", {"M", 1, "d_hid"}},
                {"w_i", {"d_hid", "d_sum"}},
                {"w_f", {"d_hid", "d_sum"}},
                {"w_c", {"d_hid", "d_sum"}},
                {"w_o", {"d_hid", "d_sum"}},
                {"w_out", {"d_out", "d_hid"}},
                {"bias_f", {"d_hid"}},
                {"bias_i", {"d_hid"}},
                {"bias_c", {"d_hid"}},
                {"bias_o", {"d_hid"}},
                {"bias_out", {"d_out"}},
                {"hidden", {"N", 1, "d_hid"}},
                {"cell", {"N", 1, "d_hid"}}});
    (*this)["input"].set_differentiability(false);
    (*this)["prev_hidden"].set_differentiability(false);
    (*this)["prev_cell"].set_differentiability(false);
    set_cin({"input"});
    expose_keys({"hidden", "cell", "hidden_compl", "output"});
    set_cout({"output"});
    finish_library_model();
}

CellType CellType::rnn() {
    return CellType{"RNNCell",
                    [] { return Model(RNNCell()); },
                    {"w_ih", "w_hh", "w_ho", "bias_h", "bias_o"},
                    {"hidden"},
                    "output"};
}

CellType CellType::lstm() {
    return CellType{"LSTMCell",
                    [] { return Model(LSTMCell()); },
                    {"w_f", "w_i", "w_o", "w_c", "w_out", "bias_f", "bias_i", "bias_o", "bias_c",
                     "bias_out"},
                    {"hidden", "cell"},
                    "output"};
}

// ---- sequence models ------------------------------------------------------------------------

OneToMany::OneToMany(const CellType& cell_type, int64_t max_sequence_length, bool teacher_forcing,
                     Value input, KeyValues values)
    : Model(ClassTag{}, "OneToMany") {
    if (max_sequence_length < 1) throw ValueError("max_sequence_length must be positive");
    Model prev = cell_type.make();
    ConnectMap first{{"input", named("input", input)}};
    for (const auto& k : cell_type.shared_keys) first.push_back({k, named(k, lookup(values, k))});
    first.push_back({cell_type.out_key, named("output0")});
    for (const auto& s : cell_type.state_keys)
        first.push_back({"prev_" + s, named("initial_" + s, lookup(values, "initial_" + s))});
    *this |= prev.connect(std::move(first));
    std::vector<ConnRef> outputs{"output0"};

    for (int64_t idx = 1; idx < max_sequence_length; ++idx) {
        Model cur = cell_type.make();
        const std::string target = "target" + std::to_string(idx);
        Connection shp = attach(*this, Shape(), {{"input", target}});
        Connection n = attach(*this, Indexer(), {{"input", shp}, {"index", 0}});
        Connection sl = attach(*this, PrimitiveSlice(None, Value(), None), {{"stop", n}});
        ConnectValue step_input = teacher_forcing
                                      ? ConnectValue("target" + std::to_string(idx - 1))
                                      : ConnectValue(prev[cell_type.out_key]);
        Connection step = attach(*this, Indexer(), {{"input", step_input}, {"index", sl}});

        ConnectMap kw{{"input", step}};
        for (const auto& k : cell_type.shared_keys) kw.push_back({k, k});
        for (const auto& s : cell_type.state_keys) kw.push_back({"prev_" + s, prev[s]});
        const std::string out = "output" + std::to_string(idx);
        kw.push_back({cell_type.out_key, named(out)});
        *this |= cur.connect(std::move(kw));
        outputs.push_back(out);
        prev = cur;
    }
    set_cin({"input"});
    expose_keys(outputs);
    set_cout({prev[cell_type.out_key]});
    finish_library_model();
}

OneToManyInference::OneToManyInference(const CellType& cell_type, int64_t max_sequence_length,
                                       Value input, KeyValues values)
    : Model(ClassTag{}, "OneToManyInference") {
    if (max_sequence_length < 1) throw ValueError("max_sequence_length must be positive");
    Model prev = cell_type.make();
    ConnectMap first{{"input", named("input", input)}};
    for (const auto& k : cell_type.shared_keys) first.push_back({k, k});
    first.push_back({cell_type.out_key, named("output0")});
    for (const auto& s : cell_type.state_keys)
        first.push_back({"prev_" + s, named("initial_" + s, lookup(values, "initial_" + s))});
    *this |= prev.connect(std::move(first));
    std::vector<ConnRef> outputs{"output0"};
    for (int64_t idx = 1; idx < max_sequence_length; ++idx) {
        Model cur = cell_type.make();
        ConnectMap kw{{"input", prev[cell_type.out_key]}};
        for (const auto& k : cell_type.shared_keys) kw.push_back({k, k});
        for (const auto& s : cell_type.state_keys) kw.push_back({"prev_" + s, prev[s]});
        const std::string out = "output" + std::to_string(idx);
        kw.push_back({cell_type.out_key, named(out)});
        *this |= cur.connect(std::move(kw));
        outputs.push_back(out);
        prev = cur;
    }
    expose_keys(outputs);
    finish_library_model();
}

ManyToOne::ManyToOne(const CellType& cell_type, int64_t max_sequence_length, KeyValues values)
    : Model(ClassTag{}, "ManyToOne") {
    if (max_sequence_length < 2) throw ValueError("max_sequence_length must be at least 2");
    const auto L = size_t(max_sequence_length);
    Model prev = cell_type.make();
    ConnectMap first{{"input", named("input0", lookup(values, "input0"))}};
    for (const auto& k : cell_type.shared_keys) first.push_back({k, k});
    first.push_back({cell_type.out_key, named("output0")});
    for (const auto& s : cell_type.state_keys)
        first.push_back({"prev_" + s, named("initial_" + s, lookup(values, "initial_" + s))});
    *this |= prev.connect(std::move(first));
    std::vector<ConnRef> outputs{"output0"};

    // concat inputs input1..inputL: the last hidden, the last hidden_compl, then
    // the hidden_compl of steps L-2 .. 1.
    std::vector<ConnectValue> concat_items(L, ConnectValue(None));
    for (size_t idx = 1; idx < L; ++idx) {
        Model cur = cell_type.make();
        const std::string in = "input" + std::to_string(idx);
        const std::string out = "output" + std::to_string(idx);
        ConnectMap kw{{"input", named(in, lookup(values, in))}};
        for (const auto& k : cell_type.shared_keys) kw.push_back({k, k});
        for (const auto& s : cell_type.state_keys) kw.push_back({"prev_" + s, prev[s]});
        kw.push_back({cell_type.out_key, named(out)});
        *this |= cur.connect(std::move(kw));
        outputs.push_back(out);
        if (idx < L - 1) {
            concat_items[L - idx] = cur["hidden_compl"];  // input{L - idx + 1}
        } else {
            concat_items[1] = cur["hidden_compl"];
            concat_items[0] = cur["hidden"];
        }
        prev = cur;
    }
    concat_of(*this, concat_items, 0, named("hidden_concat"));
    set_cin({"input0"});
    expose_keys(outputs);
    expose_keys({"hidden_concat"});
    set_cout({"hidden_concat"});
    finish_library_model();
}

namespace {

// Shared wiring of EncoderDecoder / EncoderDecoderInference.
void build_encoder_decoder(Model& self, const Model& encoder, const Model& decoder,
                           bool permute, const Value& indices) {
    ConnectMap enc;
    for (const auto& key : encoder.input_keys())
        if (key.find('$') == std::string::npos) enc.push_back({key, key});
    self |= encoder.connect(std::move(enc));

    Connection init = encoder["hidden_concat"];
    if (permute)
        init = attach(self, PermuteTensor(),
                      {{"input", init}, {"indices", named("indices", indices)}});

    ConnectMap dec{{"initial_hidden", init}};
    for (const auto& key : decoder.input_keys()) {
        if (key.find('$') != std::string::npos || key == "initial_hidden") continue;
        dec.push_back({key, key.find("target") == std::string::npos ? "decoder_" + key : key});
    }
    std::vector<ConnRef> outs;
    for (const auto& key : decoder.output_keys()) {
        dec.push_back({key, named(key)});
        outs.push_back(key);
    }
    self |= decoder.connect(std::move(dec));
    self.expose_keys(outs);
    self.set_cout({decoder.cout()});
}

}  // namespace

EncoderDecoder::EncoderDecoder(const CellType& cell_type, int64_t max_input_sequence_length,
                               int64_t max_target_sequence_length, bool teacher_forcing,
                               Value indices)
    : Model(ClassTag{}, "EncoderDecoder") {
    ManyToOne encoder(cell_type, max_input_sequence_length);
    OneToMany decoder(cell_type, max_target_sequence_length, teacher_forcing);
    build_encoder_decoder(*this, encoder, decoder, true, indices);
    finish_library_model();
}

EncoderDecoderInference::EncoderDecoderInference(const CellType& cell_type,
                                                 int64_t max_input_sequence_length,
                                                 int64_t max_target_sequence_length)
    : Model(ClassTag{}, "EncoderDecoderInference") {
    ManyToOne encoder(cell_type, max_input_sequence_length);
    OneToManyInference decoder(cell_type, max_target_sequence_length);
    build_encoder_decoder(*this, encoder, decoder, false, Value());
    finish_library_model();
}

}  // namespace mithril

// logical/summary.cpp — get_shapes() and summary() of logical models.
//
// Shapes print in Mithril's forms: u1, u2, ... for unknown dims, "(V1, ...)"
// for variadics (symbolic), or None / "..." (non-symbolic). One SymbolNamer
// per call keeps the names consistent across all keys of the printout.
#include <algorithm>
#include <sstream>

#include "logical/model_data.hpp"

namespace mithril {

using detail::ConnectionData;
using detail::ModelData;

namespace {

std::optional<std::vector<std::string>> shape_tokens(const ConnectionData& c,
                                                     constraints::SymbolNamer& namer, bool symbolic) {
    auto* e = c.e();
    if (!e->type.may_be_tensor()) return std::nullopt;
    constraints::Updates ignored;
    e->shape->normalize(ignored);
    auto toks = namer.repr_tokens(e->shape->primary());
    if (!symbolic)
        for (auto& t : toks) {
            if (!t.empty() && t[0] == 'u') t = "None";
            else if (!t.empty() && t[0] == '(') t = "...";
        }
    return toks;
}

std::string tokens_text(const std::optional<std::vector<std::string>>& t) {
    if (!t) return "--";
    std::string s = "[";
    for (size_t i = 0; i < t->size(); ++i) s += (i ? ", " : "") + (*t)[i];
    return s + "]";
}

std::string pad(const std::string& s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

}  // namespace

ShapeResult Model::get_shapes(bool symbolic) const {
    ShapeResult out;
    constraints::SymbolNamer namer;
    for (const auto& c : data_->conns) out[c->key] = shape_tokens(*c, namer, symbolic);
    return out;
}

std::string Model::summary(const SummaryOptions& opts) const {
    constraints::SymbolNamer namer;
    const auto& d = *data_;
    std::ostringstream os;
    std::string title = opts.name.empty() ? (d.name.empty() ? d.class_name : d.name) : opts.name;
    const size_t width = 100;
    auto rule = [&](char ch) { os << std::string(width, ch) << "\n"; };
    auto centered = [&](const std::string& s) {
        size_t left = s.size() < width ? (width - s.size()) / 2 : 0;
        os << std::string(left, ' ') << s << "\n";
    };
    auto key_row = [&](const std::string& model_col, const std::string& kind_col,
                       const ConnectionData& c, const std::string& link) {
        os << pad(model_col, 22) << "| " << pad(kind_col, 9) << ": " << pad(c.key, 18) << ": "
           << pad(opts.shapes ? tokens_text(shape_tokens(c, namer, opts.symbolic)) : "", 26);
        if (opts.types) os << ": " << pad(c.e()->type.to_string(), 24);
        os << ": " << link << "\n";
    };
    rule('=');
    centered("Summary of " + title);
    rule('-');
    os << pad("Model Name", 22) << "| " << pad("", 9) << "  " << pad("Keys", 18) << "  "
       << pad(opts.shapes ? "Shapes" : "", 26) << (opts.types ? "  " + pad("Types", 24) : "")
       << "  Connections\n";
    rule('=');
    if (d.subs.empty()) {
        bool first = true;
        for (const auto& c : d.conns) {
            key_row(first ? title : "", d.kind(c.get()) == KeyKind::Input ? "Inputs" : "Outputs", *c,
                    d.kind(c.get()) == KeyKind::Input ? "'" + c->key + "'" : "--");
            first = false;
        }
        rule('-');
        return os.str();
    }
    for (size_t i = 0; i < d.subs.size(); ++i) {
        const auto& s = d.subs[i];
        std::string name = d.submodel_name(i);
        bool first = true;
        for (const char* side : {"Inputs", "Outputs"}) {
            bool inputs = std::string(side) == "Inputs";
            bool first_of_side = true;
            for (const auto& cc : s.model->interface()) {
                if (s.model->is_input_key(cc->key) != inputs) continue;
                auto it = s.bindings.find(cc->key);
                if (it == s.bindings.end()) continue;
                const auto& pc = *it->second;
                std::string link;
                if (inputs) {
                    // Where the value comes from: a parent input or a sibling output.
                    link = "'" + pc.key + "'";
                    for (size_t j = 0; j < d.subs.size(); ++j)
                        for (const auto& [k, other] : d.subs[j].bindings)
                            if (other.get() == &pc && d.subs[j].model->is_output_key(k))
                                link = d.submodel_name(j) + "." + k;
                    if (pc.e()->is_valued()) link = pc.e()->value.repr();
                } else {
                    // Where the value goes: an exposed output and/or sibling inputs.
                    std::vector<std::string> sinks;
                    if (d.kind(&pc) == KeyKind::Output) sinks.push_back("'" + pc.key + "'");
                    for (size_t j = 0; j < d.subs.size(); ++j)
                        for (const auto& [k, other] : d.subs[j].bindings)
                            if (other.get() == &pc && d.subs[j].model->is_input_key(k))
                                sinks.push_back(d.submodel_name(j) + "." + k);
                    for (size_t j = 0; j < sinks.size(); ++j) link += (j ? ", " : "") + sinks[j];
                    if (sinks.empty()) link = "--";
                }
                ConnectionData shown = *cc;
                shown.edge = pc.edge;
                key_row(first ? name : "", first_of_side ? side : "", shown, link);
                first = false;
                first_of_side = false;
            }
        }
        rule('-');
    }
    os << pad(title, 22) << "| Inputs : ";
    std::vector<std::string> ins, outs;
    for (const auto& c : d.exposed_inputs()) ins.push_back(c->key + " " + tokens_text(shape_tokens(*c, namer, opts.symbolic)));
    for (const auto& c : d.exposed_outputs_list()) outs.push_back(c->key + " " + tokens_text(shape_tokens(*c, namer, opts.symbolic)));
    if (outs.empty())
        for (const auto& c : d.couts) outs.push_back(c->key + " " + tokens_text(shape_tokens(*c, namer, opts.symbolic)) + " (canonical)");
    for (size_t i = 0; i < ins.size(); ++i) os << (i ? ", " : "") << ins[i];
    os << "\n" << pad("", 22) << "| Outputs: ";
    for (size_t i = 0; i < outs.size(); ++i) os << (i ? ", " : "") << outs[i];
    os << "\n";
    rule('=');
    return os.str();
}

}  // namespace mithril

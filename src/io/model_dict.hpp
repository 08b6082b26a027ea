// io/model_dict.hpp — Mithril's model dictionaries (FORMAT.md §2, §4, §7), nlohmann side.
//
// The private counterpart of include/mithril/model_io.hpp. JSON objects are
// nlohmann::ordered_json throughout: the order of `submodels`, `output_specs`
// and every other object is significant (submodels are added in file order),
// so a std::map-backed nlohmann::json must never be used to read a suite.
//
// Pieces and their files:
//   - JSON -> Tensor / Value / Type / shape conversions (json_values.cpp);
//   - dict -> Model with every connection form, exposure and assigned_* list
//     (model_dict.cpp);
//   - the case-insensitive class registry of FORMAT.md §7 (model_registry.cpp);
//   - Model -> dict (model_to_dict.cpp), backed by a side table that records
//     the source dict of every model built here;
//   - TrainModel from output_specs / regularizations (§4) and the serialized
//     TrainModel form (§2.9) (train_spec.cpp).
// Every malformed input raises mithril::KeyError / ValueError / TypeError whose
// message names the offending key; nothing here crashes on bad JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/tensor.hpp"
#include "mithril/train_model.hpp"
#include "mithril/types.hpp"
#include "mithril/value.hpp"

namespace mithril::io {

using Json = nlohmann::ordered_json;

// ---- values (json_values.cpp) ------------------------------------------------------------

// FORMAT.md §1.2: nested arrays -> one dense tensor (bool < int64 < float64 by
// literal kind), a bare number -> a 0-d tensor. `what` names the value in errors.
Tensor json_to_tensor(const Json &v, const std::string &what = "value");
// Tensor -> nested JSON arrays (ints stay integer literals, floats float literals).
Json tensor_to_json(const Tensor &t);
// "Constant.EPSILON" -> Constant::EPSILON; nullopt for any other string.
std::optional<Constant> constant_from_string(const std::string &s);
std::string constant_to_string(Constant c);
// A plain constructor argument (§2.3): null, bool, int, float, str ("(Ellipsis,)"
// is Ellipsis), arrays -> lists, or tuples (recursively) when `as_tuple`.
Value json_to_plain_value(const Json &v, bool as_tuple, const std::string &what);
// A connection value (§2.4): number/bool scalars, "Constant.X", lists, {"tensor": v}.
Value json_to_connection_value(const Json &v, const std::string &what);
// Value -> JSON in the connection-value encoding; nullopt when not representable.
std::optional<Json> value_to_json(const Value &v);
// §2.7 type specs.
Type type_from_spec(const Json &spec, const std::string &what);
std::optional<Json> type_to_spec(Type t);
// §2.6 shape encoding: ints, symbol strings, null, "Name,..." variadics.
ShapeTemplate shape_from_json(const Json &shape, const std::string &what);
// Python's repr-ish short text of a JSON value, for error messages.
std::string short_text(const Json &v);

// ---- models (model_dict.cpp, model_registry.cpp) ----------------------------------------

// dict_to_model: a string (registry name) or an object (§2.2). A serialized
// TrainModel (`is_train_model`) is built, finalized and returned as a Model.
Model model_from_json(const Json &dict);

// The registry (§7). `name` is matched case-insensitively; args are the dict's
// raw `args`, converted with `tuples` (list of arg names) and `enums`.
bool is_registered(const std::string &name);
// The class name a registry name maps to ("sigmoid" -> "Sigmoid"); the name itself if unknown.
std::string registered_class_name(const std::string &name);
std::vector<std::string> registered_names();
Model build_registered(const std::string &name, const Json &args, const Json &tuples,
                       const Json &enums);
// Whether a registered class takes constructor arguments other than key values
// (model_to_json can not rebuild such a model without its recorded args).
bool registered_has_hyperparameters(const std::string &name);

// ---- serialization (model_to_dict.cpp) -------------------------------------------------

// model_to_dict. Models built by model_from_json give back their source dict
// (when not extended since); other composites are serialized from their wiring.
Json model_to_json(const Model &model);
// The same, ignoring the record of `model` itself (its submodels still use
// theirs): a container is always serialized from its wiring. For tests.
Json model_to_json_from_wiring(const Model &model);
// Side table: the dict a model was built from (keyed by its ModelData; entries
// die with the model). `fingerprint` detects later structural changes.
void record_source(const Model &model, Json dict);
std::optional<Json> recorded_source(const Model &model);

// ---- TrainModel (train_spec.cpp) -------------------------------------------------------

// FORMAT.md §4: wrap `model`, add the losses of `output_specs` (object, file
// order), the `regularizations` (array) and the `final_loss_combiner` (null for
// the default Sum). Not finalized; compile (or finalize()) does that.
TrainModel train_model_from_specs(const Model &model, const Json &output_specs,
                                  const Json &regularizations, const Json &final_loss_combiner);
// §2.9: {"is_train_model": true, "model", "losses", "regularizations"}. Not finalized.
TrainModel train_model_from_dict(const Json &dict);
// The §2.9 dict of a TrainModel built by the two functions above.
std::optional<Json> train_model_to_json(const Model &model);

} // namespace mithril::io

// mithril/model_io.hpp — Mithril's model dictionaries as JSON text.
//
// A model dictionary (synnada-ai/mithril: mithril/utils/dict_conversions.py;
// FORMAT.md §2) describes a library model by class name and arguments, or a
// container Model by its submodels, their connections, exposed keys and
// assigned shapes / types / differentiabilities. Class names are looked up
// case-insensitively in the registry of every library class (FORMAT.md §7).
//
// model_to_json_text() gives back the dict of a model built by
// model_from_json_text() (unless it was extended since); other container
// models are serialized from their wiring, and library models built in C++
// only when their class takes no constructor arguments. TrainModels serialize
// to the {"is_train_model": true, ...} form (FORMAT.md §2.9).
//
// Errors: malformed dicts raise mithril::KeyError / ValueError / TypeError
// whose message names the offending key or field. No JSON library type
// appears in this header (the nlohmann API is src/io/model_dict.hpp).
#pragma once

#include <string>
#include <vector>

#include "mithril/model.hpp"
#include "mithril/train_model.hpp"

namespace mithril {

// dict_to_model. A serialized TrainModel comes back finalized (as a Model).
Model model_from_json_text(const std::string &text);
// model_to_dict; `indent` < 0 gives one line.
std::string model_to_json_text(const Model &model, int indent = -1);

// FORMAT.md §4: wrap `model` into a TrainModel with the losses of an
// `output_specs` object, a `regularizations` list and a `final_loss_combiner`
// (registry name); an empty string stands for an absent field. Not finalized.
TrainModel train_model_from_json_text(const Model &model, const std::string &output_specs,
                                      const std::string &regularizations = "",
                                      const std::string &final_loss_combiner = "");
// FORMAT.md §2.9 (the form model_to_json_text writes for a TrainModel). Not finalized.
TrainModel train_model_from_dict_text(const std::string &text);

// Every registry name (lower case), sorted.
std::vector<std::string> registered_model_names();

} // namespace mithril

// mithril/mithril.hpp — the umbrella header: everything a user or the REPL needs.
// Free of LLVM, TBB and Boost types.
#pragma once

#include "mithril/connection_ops.hpp"
#include "mithril/dtype.hpp"
#include "mithril/errors.hpp"
#include "mithril/model.hpp"
#include "mithril/models.hpp"
#include "mithril/primitives.hpp"
#include "mithril/shape_template.hpp"
#include "mithril/tensor.hpp"
#include "mithril/train_model.hpp"
#include "mithril/types.hpp"
#include "mithril/value.hpp"

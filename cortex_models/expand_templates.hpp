#pragma once
/// Expands the templates of a model description (`[[microcircuit]]`, ...) into plain
/// populations and projections, so lowering and everything after it see one kind of model.
/// The generated entries carry the template's source positions, so errors in them point at
/// the template in the user's file.

#include "core/model_desc.hpp"

namespace cortexsim {

/// Expands and removes every template of `model`. Throws model_error for invalid template
/// settings (e.g. an eta_PP list whose length does not match the layers).
void expand_templates(model_desc& model);

} // namespace cortexsim

#pragma once
/// A model with a [task] runs pattern by pattern (circuits/tasks/): the task presents inputs
/// and targets, evaluates on held-out data and writes learning_curve.csv next to the usual
/// run folder contents.

#include <iosfwd>

#include "tools/cli/run_model.hpp"

namespace cortexsim {

run_result run_task(const model_desc& desc, const run_options& options, std::ostream& log);

} // namespace cortexsim

#pragma once
/// `[task] kind = "sequence"`: a [[column]] learns to predict a symbol stream trial by trial
/// (circuits/tasks/sequence_training.hpp). Besides the usual run folder it writes
/// learning_curve.csv (one row per block of trials) and trials.csv (one row per trial), and
/// reports the trials to criterion.

#include <iosfwd>

#include "tools/cli/run_model.hpp"

namespace cortexsim {

run_result run_sequence_task(const model_desc& desc, const run_options& options, std::ostream& log);

} // namespace cortexsim

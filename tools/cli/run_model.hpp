#pragma once
/// One model run end to end: description -> lowered model -> network -> simulation -> run
/// folder (resolved model with provenance, CSV traces, summary). Used by the CLI and by tests.

#include <iosfwd>
#include <string>

#include "core/model_desc.hpp"
#include "core/ode/integrator.hpp"

namespace cortexsim {

struct run_options {
    std::string out_dir;            ///< "" -> [simulation] output, or runs/<name>
    bool progress_on_terminal = false;
    bool show_progress = true;
};

struct run_result {
    std::string run_dir;
    double wall_s = 0.0;
    double duration_ms = 0.0;
    ode::solver_kind solver = ode::solver_kind::bdf_dense;
    ode::integrator_stats stats;
    std::size_t samples = 0;
};

/// Runs `desc` (seed already applied) and writes the run folder. Progress goes to `log`.
run_result run_model(const model_desc& desc, const run_options& options, std::ostream& log);

/// The summary printed at the end of a run and stored as run_summary.txt.
std::string format_summary(const model_desc& desc, const run_result& r);

} // namespace cortexsim

#pragma once
/// One run of a model, end to end, as a library object (DESIGN.md, "Target layout"): the
/// description is expanded (templates), lowered and built into a network, its task made and
/// checked, all before anything touches the file system; run() then creates the simulation
/// (plasticity attached, the trial protocol if the model has phases), the recorders and the
/// run folder, drives the task or the plain run to its end (or to a stop request) and writes
/// the summary. The CLI and the Python module are thin front ends over it.

#include <iosfwd>
#include <memory>
#include <string>

#include "circuits/experiments/run_types.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/network.hpp"
#include "core/model_desc.hpp"

namespace cortexsim {

class run_session {
public:
    /// `desc` as loaded (templates not yet expanded). Throws model_error for anything wrong in
    /// the model or its task.
    explicit run_session(model_desc desc);
    ~run_session();

    /// The expanded model with every default (neuron, transfer, rule and task settings): what
    /// model.resolved.toml holds, and running it again reproduces the run.
    const model_desc& resolved_model() const { return resolved_; }
    network& net() { return *net_; }
    const network& net() const { return *net_; }
    /// The task, or null for a plain run.
    task* the_task() { return task_.get(); }
    /// Populations, projections, rules, the protocol and the task, for `cortexsim describe`.
    std::string describe() const;
    /// Simulates and writes the run folder. Progress goes to `log`. A session runs once.
    run_result run(const run_options& options, std::ostream& log);

private:
    model_desc resolved_;
    std::unique_ptr<network> net_;
    std::unique_ptr<task> task_;
    bool ran_ = false;
};

/// A session made and run in one call (for tests and programs).
run_result run_model(model_desc desc, const run_options& options, std::ostream& log);

} // namespace cortexsim

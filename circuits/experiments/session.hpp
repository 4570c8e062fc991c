#pragma once
/// One run of a model, end to end, as a library object (DESIGN.md, "Target layout"): the
/// description is expanded (templates), lowered and built into a network, its task made and
/// checked, all before anything touches the file system; run() then creates the simulation
/// (plasticity attached, the trial protocol if the model has phases), the recorders and the
/// run folder, drives the task or the plain run to its end (or to a stop request) and writes
/// the summary. The CLI and the Python module are thin front ends over it.
///
/// run() is start(), then run_task() or advance_to(duration_ms), then finish(). Front ends that
/// step a plain run (Python's `sim.run(100); sim.weights(...); sim.run(100)`, as NEST users call
/// Simulate repeatedly) call these themselves; the run folder is the same as run()'s.

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "circuits/experiments/run_budget.hpp"
#include "circuits/experiments/run_types.hpp"
#include "circuits/experiments/task.hpp"
#include "circuits/network.hpp"
#include "core/model_desc.hpp"

namespace cortexsim {

class run_session {
public:
    /// `desc` as loaded (templates not yet expanded). Throws model_error for anything wrong in
    /// the model or its task, and for a model over budget (run_budget.hpp): more memory than
    /// `limits` allow, checked while lowering before anything large is allocated, or more
    /// output than they allow for the run `options` describe (its folder and format).
    explicit run_session(model_desc desc, const budget_limits& limits = {},
                         const run_options& options = {});
    ~run_session();

    /// The expanded model with every default (neuron, transfer, rule and task settings): what
    /// model.resolved.toml holds, and running it again reproduces the run.
    const model_desc& resolved_model() const { return resolved_; }
    network& net() { return *net_; }
    const network& net() const { return *net_; }
    /// The task, or null for a plain run.
    task* the_task() { return task_.get(); }
    /// Populations, projections, rules, the protocol and the task, for `cortexsim describe`,
    /// then the budget: memory, output and length, with their limits.
    std::string describe() const;
    /// The memory, output and length estimated before the run.
    const run_estimate& estimate() const { return estimate_; }
    /// Simulates and writes the run folder. Progress goes to `log`. A session runs once.
    run_result run(const run_options& options, std::ostream& log);

    /// Creates the simulation, the run folder (model.resolved.toml) and its recorders; nothing
    /// is integrated yet. `log` must outlive the session's run. Once per session.
    void start(const run_options& options, std::ostream& log);
    /// Instead of start(): continues the run in `run_dir` from its checkpoint.bin (written
    /// with run_options::checkpoint_every_*), which must have been taken with this model
    /// (model.resolved.toml of that folder). Every file is cut back to the checkpoint and
    /// continued; run_task() or advance_to() then go on from there, and the run ends as the
    /// uninterrupted one would have, bit for bit (docs/checkpoints.md). Throws
    /// std::runtime_error naming the file for a missing, damaged or foreign checkpoint.
    void resume(const std::string& run_dir, const run_options& options, std::ostream& log);
    /// The options a checkpointed run was started with (format, precision, checkpoint
    /// intervals), read from `<run_dir>/checkpoint.bin`, with out_dir set to run_dir.
    static run_options checkpoint_options(const std::string& run_dir);
    /// The checkpoint file of a run folder.
    static std::string checkpoint_path(const std::string& run_dir);
    /// A plain run (no task) integrated from time() to model time t_end_ms. A model with phases
    /// runs whole trials, so t_end_ms must end a trial (or be the model's duration_ms). Returns
    /// false if a stop request ended the run (result().stop_signal): the session is then over
    /// and only finish() remains.
    bool advance_to(double t_end_ms);
    /// Runs the task to its end; false if a stop request ended it (as advance_to).
    bool run_task();
    /// Closes every file and writes run_summary.txt; the session is over. Also after a stop.
    run_result finish();
    bool started() const;
    bool stopped() const;
    bool finished() const;
    /// Model time reached (0 before start()).
    double time() const;
    /// The clock and its state, between start() and finish().
    simulation& sim();

private:
    struct live_run;
    live_run& live();
    /// Creates the live run (simulation, protocol, outputs, hooks) for start() and resume().
    void open_live(const std::string& run_dir, const run_options& options, std::ostream& log,
                   const class state_reader* resume);
    /// Writes checkpoint.bin if one is due at model time t; `task_state` adds the task's.
    void checkpoint_if_due(double t_ms, const std::function<void(class state_writer&)>& task_state);

    model_desc resolved_;
    run_estimate estimate_;
    budget_limit memory_limit_, output_limit_;
    std::unique_ptr<network> net_;
    std::unique_ptr<task> task_;
    std::unique_ptr<live_run> live_;
    bool finished_ = false;
    bool task_ran_ = false;
};

/// A session made and run in one call (for tests and programs).
run_result run_model(model_desc desc, const run_options& options, std::ostream& log);

} // namespace cortexsim

#pragma once
/// Tasks by kind: `[task] kind = "..."` selects a registered task, whose factory reads the
/// rest of the section (param_reader: located errors, defaults remembered for the resolved
/// model) and checks it against the built network. A task drives the run session's
/// simulation (pattern by pattern, or trial by trial through the protocol) and keeps its own
/// tables in the run folder. Adding a task kind is one file with its factory and one
/// registration line (task_registry.cpp); programs may add their own.

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "circuits/experiments/run_outputs.hpp"
#include "circuits/experiments/run_types.hpp"
#include "circuits/network.hpp"
#include "circuits/trial_runner.hpp"
#include "core/registry.hpp"
#include "core/simulation.hpp"

namespace cortexsim {

class param_reader;
class state_reader;
class state_writer;

/// What a running task gets from its session.
struct task_run {
    network& net;
    simulation& sim;
    trial_runner* trials;       ///< null when the model has no [[phase]]
    run_outputs& outputs;       ///< add_task_table() for the task's own tables
    stop_check& stop;           ///< poll(t) between patterns or trials
    const run_options& options;
    std::ostream& log;          ///< progress lines (when options.show_progress)
    /// A point where the task can be resumed (between blocks): if a checkpoint is due, the
    /// session writes everything it owns and calls `save` for the task's own position (its
    /// counters, accumulators and random generators). Only tasks that are resumable() call it.
    std::function<void(const std::function<void(state_writer&)>& save)> checkpoint;
    /// A resumed run: the checkpoint, from which run() restores its position first.
    const state_reader* resume = nullptr;
};

/// How long a task can run at most, for the budgets before work (run_budget.hpp).
struct task_plan {
    double run_ms = -1.0;      ///< simulated time at most; < 0: the task cannot say
    double trials = 0.0;       ///< trials at most (phase-end records sample once per trial)
    double table_bytes = 0.0;  ///< its own tables, CSV and report.h5, at most
    source_loc where;          ///< the setting that fixes the length (e.g. task.trials)

    /// A task of `trials` trials of the model's protocol that writes `per_trial` numbers a
    /// trial (trials.csv) and `per_block` a block of `block_trials` (learning_curve.csv), each
    /// in CSV and report.h5 (28 bytes a number at most).
    static task_plan of_trials(const lowered_model& m, std::size_t trials, std::size_t block_trials,
                               double per_trial, double per_block, const source_loc& where) {
        double trial_ms = 0.0;
        for (const auto& ph : m.phases) trial_ms += ph.duration_ms;
        const double n = static_cast<double>(trials);
        const double blocks = n / static_cast<double>(block_trials);
        return {n * trial_ms, n, (n * per_trial + blocks * per_block) * (20.0 + 8.0), where};
    }
};

class task {
public:
    virtual ~task() = default;
    /// Runs the task to its end (or until the stop check throws run_interrupted).
    virtual void run(task_run& r) = 0;
    /// A paragraph for `cortexsim describe`.
    virtual std::string describe() const = 0;
    /// One or two lines for the run summary (e.g. trials to criterion); "" before run().
    virtual std::string summary() const { return {}; }
    /// The task's outcome as named numbers (e.g. "trials_to_criterion"), for benchmarks and
    /// sweeps; empty before run().
    virtual std::map<std::string, double> metrics() const { return {}; }
    /// True if the task integrates trial by trial through the protocol (it needs [[phase]]s).
    virtual bool uses_protocol() const { return false; }
    /// The longest run its settings allow; by default unknown (no output budget for the
    /// samples over time, only for what the model alone fixes).
    virtual task_plan plan(const lowered_model&) const { return {}; }
    /// True if run() offers checkpoints (task_run::checkpoint) and resumes from one
    /// (task_run::resume) bit for bit. The default: not resumable, and --checkpoint-every
    /// is refused for it.
    virtual bool resumable() const { return false; }
};

/// What a factory may use: the task's section, the built network (to find populations and
/// add named inputs) and the whole description (e.g. the seed).
struct task_kind {
    std::string name;
    std::string summary;
    std::function<std::unique_ptr<task>(param_reader& settings, network& net, const model_desc& desc)> make;
};

using task_registry = registry<task_kind>;

/// The registry with cortexsim's tasks (teacher_student, sequence, classification).
task_registry& default_tasks();

/// The task of `section` (kind "none": null), its settings read and checked; `resolved`
/// receives the settings with every default, for the resolved model.
std::unique_ptr<task> make_task(const section_desc& section, network& net, const model_desc& desc,
                                param_value& resolved, const task_registry& registry = default_tasks());

/// Helpers for factories: a population by name (model_error at `where` with a hint), which
/// must be of kind `kind` unless `kind` is empty ("pyramidal", "input", ...).
std::size_t task_population(const network& net, const std::string& name, const source_loc& where,
                            const std::string& role, const std::string& kind = "");

} // namespace cortexsim

#pragma once
/// Runs the model's trial protocol (lowered_model::phases; DESIGN.md, "Learning and
/// mismatch") on a simulation: each trial enters every phase in order (its gains and input
/// gates), integrates for the phase's duration and ends it (snapshots, phase-end recorders,
/// phase-end rules); after the last phase the trial ends (context populations take their new
/// rates, the rules' trial counter advances). Tasks set their inputs before each trial and
/// read the snapshots after it; plain runs repeat trials until their duration.

#include <functional>
#include <vector>

#include "circuits/network.hpp"
#include "core/simulation.hpp"

namespace cortexsim {

class trial_runner {
public:
    /// `net` must have a protocol (at least one phase).
    trial_runner(network& net, simulation& sim);

    /// Called at the end of phase k, with the state the phase-end rules read, before they act.
    using phase_end_fn = std::function<void(std::size_t phase, double t_ms, const double* y)>;
    void on_phase_end(phase_end_fn fn) { listeners_.push_back(std::move(fn)); }

    /// One trial: every phase in order. Returns at the trial's end.
    void run_trial();
    /// The first `n` phases of a trial, each ended (snapshots, phase-end recorders and rules),
    /// but not the trial: an evaluation that reads its answer early. The next call starts
    /// again at the first phase.
    void run_phases(std::size_t n);
    /// Trials until model time t_end_ms; a trial that would pass it stops there (its phase is
    /// then not ended).
    void run_until(double t_end_ms);
    /// Model time of one trial (the phases' durations summed).
    double trial_ms() const;
    std::size_t trials_done() const { return trials_; }
    /// A resumed run (checkpoint) continues the count.
    void set_trials_done(std::size_t n) { trials_ = n; }
    /// Called by run_until after every whole trial, with the time: the points where a plain
    /// run with a protocol can be checkpointed (the next trial restarts the integrator).
    void on_trial_end(std::function<void(double t_ms)> fn) { trial_end_ = std::move(fn); }

private:
    bool run_phase(std::size_t k, double t_stop);

    network& net_;
    simulation& sim_;
    std::vector<phase_end_fn> listeners_;
    std::size_t trials_ = 0;
    std::function<void(double)> trial_end_;
};

} // namespace cortexsim

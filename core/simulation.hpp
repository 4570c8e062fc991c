#pragma once
/// The simulation clock: integrates a dynamical_system segment by segment, stopping exactly at
/// every scheduled discontinuity (CVODE stop time, then re-initialisation, so no step ever
/// straddles a jump), and calls samplers at fixed intervals on the way. Owns the state vector
/// and the integrator; holds no global state, so simulations can run side by side.

#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "core/dynamical_system.hpp"
#include "core/ode/integrator.hpp"

namespace cortexsim {

class simulation {
public:
    using sample_fn = std::function<void(double t_ms, const double* y)>;
    using progress_fn = std::function<void(double t_ms)>;
    /// Operator-split update of the system (e.g. plasticity) at t with state y; returns true if
    /// the system changed, so the integrator restarts there (like at a discontinuity).
    using update_fn = std::function<bool(double t_ms, double* y)>;

    /// `options.atol` may be empty: the system's absolute_tolerances() then fill it from
    /// `atol_fallback` and `atol_per_variable`.
    simulation(dynamical_system& system, ode::integrator_options options,
               double atol_fallback = 1e-8,
               const std::map<std::string, double>& atol_per_variable = {});

    /// Calls `fn` at t = 0, interval_ms, 2 interval_ms, ... (computed as k * interval_ms, so
    /// sample times never drift) up to the end of every run() call; with a window, only at the
    /// times k * interval_ms in [start_ms, stop_ms].
    void add_sampler(double interval_ms, sample_fn fn, double start_ms = 0.0,
                     double stop_ms = std::numeric_limits<double>::infinity());
    /// The first sample time of a sampler with this interval and window start.
    static double first_sample_ms(double interval_ms, double start_ms);
    void set_progress(progress_fn fn) { progress_ = std::move(fn); }
    /// Calls `fn` every `poll_steps` integrator steps with the step's time, inside a segment:
    /// a stop request (which `fn` may throw) is then seen within a bounded wall time however
    /// small the steps (Euler at dt_ms = 1e-9 took 10^6 steps per 1 ms sample).
    void set_step_poll(progress_fn fn) { step_poll_ = std::move(fn); }
    static constexpr unsigned long poll_steps = 256;
    /// Calls `fn` at t = interval_ms, 2 interval_ms, ... (after the samplers of that time):
    /// the integrator stops exactly there, and restarts if `fn` reports a change.
    void add_periodic_update(double interval_ms, update_fn fn);

    /// Starts the clock at t_ms (>= 0) instead of 0, before the first run(): a run that
    /// continues another from its state at t_ms. Samplers and updates keep their grids k *
    /// interval; the updates due at t_ms itself run at the start, after the samplers, as they
    /// would have in the run being continued (whose records at t_ms precede them).
    void set_start_time(double t_ms);

    /// Integrates from the current time to t_end_ms (>= time()); may be called again to continue.
    void run(double t_end_ms);
    /// The system changed outside the schedule (a task set new inputs or weights): latch its
    /// inputs anew and restart the integrator at the current time.
    void restart();

    /// Called in run() after the samplers and updates of a time t at which the integrator
    /// restarted (a discontinuity, a plasticity step, restart()) or, with forward Euler, which
    /// keeps no history, at any output time: a point where the whole state is `state()` plus
    /// the system's own, so a checkpoint taken there resumes bit for bit.
    void set_checkpoint_hook(progress_fn fn) { checkpoint_ = std::move(fn); }
    /// The clock's part of a checkpoint: time, state vector and the samplers' and updates'
    /// positions on their grids (docs/checkpoints.md).
    void save_state(class state_writer& w) const;
    /// Instead of the first run()'s start: the clock at the saved time with the saved state
    /// (the system's own state restored before), the integrator restarted there. Samplers and
    /// updates must have been added as in the saved run.
    void restore_state(const class state_reader& r);

    double time() const { return t_ms_; }
    const std::vector<double>& state() const { return y_; }
    ode::integrator_stats stats() const { return integrator_->stats(); }
    ode::solver_kind solver() const { return integrator_->kind(); }

private:
    struct sampler {
        double interval_ms;
        long next_index;
        sample_fn fn;
        double stop_ms;
        /// Past the window: never due again.
        double next_time() const {
            const double t = static_cast<double>(next_index) * interval_ms;
            return t <= stop_ms ? t : std::numeric_limits<double>::infinity();
        }
    };

    void start();
    void fire_due_samplers();
    /// Runs the updates due at the current time; true if one changed the system.
    bool fire_due_updates();

    dynamical_system& system_;
    std::vector<double> y_;
    std::unique_ptr<ode::integrator> integrator_;
    std::vector<sampler> samplers_;
    struct updater {
        double interval_ms;
        long next_index;
        update_fn fn;
        double next_time() const { return static_cast<double>(next_index) * interval_ms; }
    };
    std::vector<updater> updaters_;
    progress_fn progress_;
    progress_fn step_poll_;
    unsigned long steps_since_poll_ = 0;
    double t_ms_ = 0.0;
    double next_discontinuity_ms_ = 0.0;
    double last_reset_ms_ = -1.0;
    bool started_ = false;
    bool fresh_ = false;  ///< the integrator restarted at t_ms_ and has not stepped since
    progress_fn checkpoint_;
    /// integrator_->reset at the current time.
    void reset_integrator();
};

} // namespace cortexsim

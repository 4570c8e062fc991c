#pragma once
/// The plasticity engine of one network: every plastic projection's rule instance (bound to
/// the network, with its own state), the named signals the rules read, and the snapshots of
/// signals at phase ends (what "rate@minus" means). Continuous rules step on the
/// operator-splitting grid (step()); phase-end rules at the end of their phase (end_phase()),
/// after that phase's snapshots are taken. Weights are not ODE state: after any update the
/// integrator must restart (the callers report the change to the simulation clock).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "circuits/plasticity/rule.hpp"
#include "circuits/plasticity/step_filter.hpp"
#include "circuits/variables.hpp"

namespace cortexsim {

class plasticity_engine {
public:
    /// Binds a clone of every projection's rule to `net` (which must outlive the engine and
    /// have its projections built).
    explicit plasticity_engine(network& net);
    ~plasticity_engine();
    plasticity_engine(const plasticity_engine&) = delete;
    plasticity_engine& operator=(const plasticity_engine&) = delete;

    bool has_rules() const { return n_rules_ > 0; }
    bool has_continuous() const { return n_continuous_ > 0; }
    /// Updates happen only while learning is on (a task switches it off to evaluate).
    void set_learning(bool on) { learning_ = on; }
    bool learning() const { return learning_; }
    /// A factor on every rule's learning rate (1 by default): a global plasticity gain a task
    /// may schedule (e.g. per epoch), like a neuromodulatory signal common to all synapses.
    void set_rate_factor(double f) { rate_factor_ = f; }
    double rate_factor() const { return rate_factor_; }

    /// One operator-split step of every continuous rule at state y; true if a weight changed.
    bool step(double t, const double* y, double dt_ms);
    /// Phase `k` of the protocol ended at t with state y: its snapshots are taken, `before_rules`
    /// is called (recorders sampling the phase end see the state the rules read), then the
    /// rules acting at its end update. True if a weight changed.
    bool end_phase(std::size_t k, double t, const double* y,
                   const std::function<void()>& before_rules = {});
    /// A trial ended: the schedules' trial counter advances.
    void end_trial() { ++trials_; }
    std::size_t trials() const { return trials_; }

    /// Registers a signal ("rate", "rate@minus", ...) of population p; the same request twice
    /// gives the same handle. Throws std::invalid_argument for an unknown name or phase.
    bound_signal request(std::size_t p, const std::string& name);
    /// The latest snapshot of a phase-end signal (its population's size; zeros before the
    /// phase first ended), or nullptr for a signal without a phase.
    const std::vector<double>* snapshot(const bound_signal& s) const;
    /// Current values of any signal at state y (after network::observe at that state).
    void current_values(const bound_signal& s, const double* y, double* out) const;

    /// Checkpoints: the phase-end snapshots, each rule's own state and its step filter, the
    /// trial counter, the learning switch and the rate factor.
    void save_state(class state_writer& w) const;
    void restore_state(const class state_reader& r);

private:
    class binding;
    class context;
    struct signal_slot {
        std::size_t population = 0;
        variable_ref var;
        int phase = -1;                  ///< -1: the current value
        std::string name;
        std::vector<double> snapshot;    ///< phase-end signals only
        std::vector<double> scratch;     ///< current values during an update
    };
    struct bound_rule {
        std::size_t projection = 0;
        std::unique_ptr<plasticity_rule> rule;
        int phase = -1;                  ///< phase-end rules: the phase index
        step_filter filter;              ///< momentum, normalisation
    };

    /// The context's clock, trial and rate factor for an update at t.
    void fill(plasticity_context& c, double t, double dt_ms) const;
    /// One rule's update at state y (observed), then its projection's sign clamp.
    bool update(bound_rule& b, double t, const double* y, double dt_ms);
    /// The tied copies of projection k (weights = { distribution = "copy", tied = true }) take
    /// its new weights: weight transport, done by the engine since no synapse could.
    void follow(std::size_t k);

    network& net_;
    std::vector<signal_slot> signals_;
    std::vector<bound_rule> rules_;
    std::vector<std::vector<std::size_t>> followers_;  ///< per projection: its tied copies
    std::size_t n_rules_ = 0, n_continuous_ = 0;
    std::size_t trials_ = 0;
    bool learning_ = true;
    double rate_factor_ = 1.0;
};

} // namespace cortexsim

#pragma once
/// Pieces the built-in rules share: checking a signal name or phase at lowering, and the
/// operator-split step of a low-pass filtered outer-product update on dense and sparse
/// projections.

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule.hpp"
#include "core/source_loc.hpp"

namespace cortexsim {

/// Throws model_error at `where` unless `name` ("rate", "basal_error", "rate@minus", ...) is a
/// signal of `pop` with a declared phase after '@' (if any).
void check_signal(const lowered_population& pop, const std::string& name,
                  const std::vector<std::string>& phases, const source_loc& where);
/// Throws model_error at `where` unless `phase` is one of `phases`.
void check_phase(const std::string& phase, const std::vector<std::string>& phases, const source_loc& where);
/// Of `names` (declared phases, checked), the one that comes last in the protocol `phases`:
/// where a rule that reads several phases' ends acts.
std::string latest_phase(const std::vector<std::string>& phases, const std::vector<std::string>& names);
/// The name of the dendritic prediction error of a population's dendrite: "<dendrite>_error".
std::string dendritic_error_signal(const lowered_population& pop, int slot);
/// Reads `at`: "" (act continuously) or a declared phase (act once at its end).
std::string read_rule_phase(param_reader& r, const rule_target& t);
/// Reads the signal name `key` (default `fallback`) of `pop`: a signal the rule reads when it
/// acts, so it is given without '@' (`why` says so in the error).
std::string read_signal_name(param_reader& r, const std::string& key, const std::string& fallback,
                             const lowered_population& pop, const rule_target& t, const std::string& why);

/*
 * The common part of rules that read the source's rate x and a signal y of the target (`post`,
 * its rate by default), continuously (operator splitting: steps of dt_ms) or, with `at`, once
 * at the end of that phase (a step of 1, from the values there): oja, sanger, bcm.
 */
class rate_pair_rule : public plasticity_rule {
public:
    learning_rate lr;
    std::string at, post = "rate";

    bool continuous() const override { return at.empty(); }
    std::string phase() const override { return at; }
    void bind(rule_binding& b) override;
    /// Reads `lr`, `at` and `post` in that order (the factory may read the rule's own keys after).
    void read_common(param_reader& r, const rule_target& t);

protected:
    /// The step's length: dt_ms when continuous, 1 at a phase end.
    double dt(const plasticity_context& c) const { return continuous() ? c.dt_ms : 1.0; }
    /// Takes the current x and y into x_values_ and y_values_.
    void take_values(plasticity_context& c);
    /// Sizes the rule's own state once the projection is known.
    virtual void bind_state(rule_binding&) {}

    bound_signal y_, x_;
    Eigen::VectorXd y_values_, x_values_;
};

/*
 * One operator-split step of length dt of
 *   tau_w dDelta/dt = -Delta + T,   dW/dt = eta Delta,   T = e r^T
 * (Sacramento et al. 2018 low-pass filter the plasticity term with tau_w = 30 ms). With T held
 * constant over the step the solution is exact:
 *   Delta(t+dt) = T + (Delta - T) a,  W(t+dt) = W + eta (T dt + (Delta - T) tau_w (1 - a)),
 *   a = exp(-dt / tau_w); tau_w = 0 gives W += eta dt T. As dt -> 0 this converges to the
 * continuous rule at first order in dt (tests/circuits/test_plasticity.cpp). A phase-end
 * update is the same with dt = 1 and no filter: W += eta T.
 * The trace has one entry per synapse (projection::for_each_synapse's index).
 */
/// A rule's per-neuron state vector in a checkpoint (entry `name`).
void save_vector(state_writer& w, const std::string& name, const Eigen::VectorXd& v);
/// Reads it back; the checkpoint must hold as many values as v has (v is bound).
void restore_vector(const state_reader& r, const std::string& name, Eigen::VectorXd& v);

class filtered_outer_product {
public:
    void step(projection& p, const Eigen::Ref<const Eigen::VectorXd>& e,
              const Eigen::Ref<const Eigen::VectorXd>& r, double eta, double tau_w_ms, double dt_ms);
    /// Checkpoints: the filtered change (empty until the first step).
    void save_state(state_writer& w, const std::string& name) const;
    void restore_state(const state_reader& r, const std::string& name);

private:
    Eigen::MatrixXd delta_, scratch_;  ///< dense projections
    std::vector<double> delta_sparse_;
};

} // namespace cortexsim

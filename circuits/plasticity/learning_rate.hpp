#pragma once
/// The learning-rate settings every rule shares: `eta`, and an optional annealing schedule
/// over trials,
///   eta(t) = eta * max(floor, 1 / (1 + t / decay_trials))     (decay_trials > 0)
/// the 1/t schedule of stochastic approximation (Robbins & Monro 1951): early steps stay large,
/// and the trial-to-trial weight noise of online updates where the outcome is random (the
/// p = 0.5 branches of a grammar) averages out as learning settles. A floor keeps the rule
/// able to track a changing world. Locally, it needs only a slowly decaying plasticity factor
/// common to all synapses (a neuromodulatory or developmental one).

#include <cstddef>
#include <string>

namespace cortexsim {

class param_reader;

struct learning_rate {
    double eta = 0.0;
    double decay_trials = 0.0;  ///< 0: constant
    double floor = 0.0;         ///< fraction of eta the schedule never goes below

    /// The rate after `trial` completed trials.
    double at(std::size_t trial) const;
};

/// Reads `eta` (required unless `fallback` >= 0), `eta_decay_trials` and `eta_floor`.
learning_rate read_learning_rate(param_reader& r, double fallback = -1.0);

} // namespace cortexsim

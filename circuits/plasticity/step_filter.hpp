#pragma once
/// What the engine does with a rule's weight change before it lands, the same for every rule
/// (keys `momentum`, `normalize`, `normalize_tau` of any rule table). Leabra's learning uses
/// both on every projection of its deep predictive models (O'Reilly et al. 2021; the Leabra
/// "Momentum" and "DWt norm" settings): online updates from a random outcome (a p = 0.5
/// branch of a grammar) point a different way every trial, and a synapse whose neurons are
/// rarely active, or saturated, barely moves at a rate set for the busy ones.
///
///   momentum m:   v_s <- m v_s + (1 - m) dW_s,  the applied change is v_s
///                 (an exponential average of the last ~1 / (1 - m) changes; with a constant
///                 dW the applied change tends to dW, so `eta` keeps its meaning);
///   normalize:    n_s <- max(n_s (1 - 1 / tau), |dW_s|),  dW_s <- dW_s * N / n_s, with
///                 N = max_s n_s, so every synapse steps as the projection's busiest one does,
///                 whatever the scale of its own pre- and postsynaptic activity (the running
///                 max n_s forgets with time constant tau updates).
///
/// Normalisation acts first, momentum on the normalised change; the projection's sign clamp
/// (Dale's law) after both.

#include <cstddef>
#include <string>
#include <vector>

namespace cortexsim {

class param_reader;
class projection;

struct step_filter_params {
    double momentum = 0.0;        ///< [0, 1)
    bool normalize = false;
    double normalize_tau = 1000.0;  ///< updates

    bool active() const { return momentum > 0.0 || normalize; }
};

/// Reads `momentum`, `normalize` and `normalize_tau`.
step_filter_params read_step_filter(param_reader& r);

/// The filter's per-synapse state for one projection.
class step_filter {
public:
    explicit step_filter(const step_filter_params& p = {}) : p_(p) {}
    bool active() const { return p_.active(); }
    /// Weights before the rule's update, indexed as projection::for_each_synapse.
    void remember(projection& proj);
    /// Replaces the change the rule made since remember() by the filtered one. True if a
    /// weight changed.
    bool apply(projection& proj);
    /// Checkpoints: the momentum and the running maxima (empty until the first update).
    void save_state(class state_writer& w, const std::string& name) const;
    void restore_state(const class state_reader& r, const std::string& name);

private:
    step_filter_params p_;
    std::vector<double> before_, velocity_, norm_, dw_;
};

} // namespace cortexsim

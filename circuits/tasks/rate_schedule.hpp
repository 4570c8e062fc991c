#pragma once
/// Learning-rate schedules over the epochs of a training run (`[task] kind =
/// "classification"`, keys `eta_schedule`, `eta_decay`, `decay_after`, `eta_final`,
/// `eta_factors`; docs/toml_reference.md). A schedule gives the factor on every plasticity
/// rule's rate (plasticity_engine::set_rate_factor) as a function of training progress
/// t = samples seen / samples per epoch, t in [0, epochs):
///
///   step     f(t) = eta_decay ^ max(0, floor(t) - decay_after)           (docs/equations.md, W7)
///            the rate of epoch e = floor(t) + 1 falls by eta_decay per epoch after the first
///            decay_after + 1 epochs at full rate.
///   cosine   f(t) = 1 for t < decay_after, else                          (W8)
///            eta_final + (1 - eta_final) (1 + cos(pi (t - decay_after) / (epochs - decay_after))) / 2
///            annealed sample by sample (Loshchilov & Hutter 2017, SGDR, eq. 5, one cycle).
///   list     f(t) = eta_factors[floor(t)]: one factor per epoch, as written.
///
/// Locally, the factor is a slowly changing plasticity gain common to all synapses (a
/// neuromodulatory or developmental one), as learning_rate.hpp's trial schedule.

#include <cstddef>
#include <string>
#include <vector>

namespace cortexsim {

class rate_schedule {
public:
    /// Constant rate: f = 1.
    rate_schedule() = default;
    /// Throws std::invalid_argument on eta_decay <= 0 or epochs == 0.
    static rate_schedule step(double eta_decay, std::size_t decay_after, std::size_t epochs);
    /// Throws std::invalid_argument unless 0 <= eta_final <= 1 and decay_after < epochs.
    static rate_schedule cosine(double eta_final, std::size_t decay_after, std::size_t epochs);
    /// Throws std::invalid_argument unless there is one non-negative factor per epoch.
    static rate_schedule list(std::vector<double> factors, std::size_t epochs);

    /// The factor after `t` epochs of training (t >= 0; beyond the last epoch, the last
    /// epoch's value).
    double factor(double t) const;
    /// True if the factor changes within an epoch (so it is set sample by sample).
    bool varies_within_epoch() const { return kind_ == shape::cosine; }
    /// "step", "cosine" or "list".
    std::string name() const;

private:
    enum class shape { step, cosine, list };
    shape kind_ = shape::step;
    double decay_ = 1.0, final_ = 0.0;
    std::size_t after_ = 0, epochs_ = 1;
    std::vector<double> factors_;
};

} // namespace cortexsim

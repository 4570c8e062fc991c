#include "circuits/tasks/rate_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cortexsim {

namespace {
constexpr double pi = 3.14159265358979323846;

// The epoch index floor(t), kept inside 0 .. epochs-1.
std::size_t epoch_index(double t, std::size_t epochs) {
    if (!(t > 0.0)) return 0;
    return std::min(static_cast<std::size_t>(std::floor(t)), epochs - 1);
}
} // namespace

rate_schedule rate_schedule::step(double eta_decay, std::size_t decay_after, std::size_t epochs) {
    if (!(eta_decay > 0.0) || !std::isfinite(eta_decay))
        throw std::invalid_argument("rate_schedule: eta_decay must be positive");
    if (epochs == 0) throw std::invalid_argument("rate_schedule: epochs must be at least 1");
    rate_schedule s;
    s.kind_ = shape::step;
    s.decay_ = eta_decay;
    s.after_ = decay_after;
    s.epochs_ = epochs;
    return s;
}

rate_schedule rate_schedule::cosine(double eta_final, std::size_t decay_after, std::size_t epochs) {
    if (!(eta_final >= 0.0 && eta_final <= 1.0))
        throw std::invalid_argument("rate_schedule: eta_final must lie in [0, 1]");
    if (decay_after >= epochs)
        throw std::invalid_argument("rate_schedule: the cosine needs decay_after below the number of epochs");
    rate_schedule s;
    s.kind_ = shape::cosine;
    s.final_ = eta_final;
    s.after_ = decay_after;
    s.epochs_ = epochs;
    return s;
}

rate_schedule rate_schedule::list(std::vector<double> factors, std::size_t epochs) {
    if (factors.size() != epochs || epochs == 0)
        throw std::invalid_argument("rate_schedule: the list needs one factor per epoch");
    for (double f : factors)
        if (!(f >= 0.0) || !std::isfinite(f))
            throw std::invalid_argument("rate_schedule: factors must be finite and non-negative");
    rate_schedule s;
    s.kind_ = shape::list;
    s.factors_ = std::move(factors);
    s.epochs_ = epochs;
    return s;
}

double rate_schedule::factor(double t) const {
    switch (kind_) {
    case shape::step: {
        const std::size_t e = epoch_index(t, epochs_);
        return e > after_ ? std::pow(decay_, static_cast<double>(e - after_)) : 1.0;
    }
    case shape::cosine: {
        const double warm = static_cast<double>(after_);
        if (t < warm) return 1.0;
        const double p = std::min(1.0, (t - warm) / (static_cast<double>(epochs_) - warm));
        return final_ + (1.0 - final_) * 0.5 * (1.0 + std::cos(pi * p));
    }
    case shape::list:
        return factors_[epoch_index(t, epochs_)];
    }
    return 1.0;
}

std::string rate_schedule::name() const {
    switch (kind_) {
    case shape::step: return "step";
    case shape::cosine: return "cosine";
    case shape::list: return "list";
    }
    return "step";
}

} // namespace cortexsim

#include "circuits/plasticity/learning_rate.hpp"

#include <algorithm>

#include "core/param_tree.hpp"

namespace cortexsim {

double learning_rate::at(std::size_t trial) const {
    if (decay_trials <= 0.0) return eta;
    return eta * std::max(floor, 1.0 / (1.0 + static_cast<double>(trial) / decay_trials));
}

learning_rate read_learning_rate(param_reader& r, double fallback) {
    learning_rate out;
    out.eta = fallback >= 0.0 && !r.has("eta") ? r.number("eta", fallback, param_bound::non_negative)
                                               : r.required_number("eta", param_bound::non_negative);
    out.decay_trials = r.number("eta_decay_trials", 0.0, param_bound::non_negative);
    out.floor = r.number("eta_floor", 0.0, param_bound::unit_interval);
    return out;
}

} // namespace cortexsim

#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>

// The network's side of plasticity: the prediction factor the rules use and the calls into
// the plasticity engine (circuits/plasticity/engine.hpp).
namespace cortexsim {

double network::prediction_factor(std::size_t p, int slot) const {
    const dendritic_neuron_params& np = model_.populations[p].params;
    double total = np.g_lk;
    for (int d = 0; d < np.n_dendrites; ++d) total += np.dend[d].g_couple;
    return np.dend[slot].g_couple / total;
}

bool network::has_plasticity() const { return engine_->has_rules(); }

bool network::has_continuous_plasticity() const { return engine_->has_continuous(); }

bool network::apply_plasticity(double t, const double* y, double dt_ms) {
    return engine_->step(t, y, dt_ms);
}

} // namespace cortexsim

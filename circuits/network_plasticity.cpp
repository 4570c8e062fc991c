#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>

// Plasticity of the network's projections by operator splitting (circuits/plasticity.hpp):
// the rules' postsynaptic error terms and the step over all plastic projections.
namespace cortexsim {

double network::prediction_factor(std::size_t p, int slot) const {
    const dendritic_neuron_params& np = model_.populations[p].params;
    double total = np.g_lk;
    for (int d = 0; d < np.n_dendrites; ++d) total += np.dend[d].g_couple;
    return np.dend[slot].g_couple / total;
}

bool network::has_plasticity() const {
    for (const auto& pr : projections_)
        if (pr.desc().plasticity.kind != plasticity_kind::none) return true;
    return false;
}

void network::compute_post_error(const lowered_projection& d, const double* y) {
    const population_state& ps = pops_[d.target];
    const lowered_population& lp = model_.populations[d.target];
    const std::size_t n = lp.size;
    switch (d.plasticity.kind) {
    case plasticity_kind::dendritic_prediction: {
        // phi(u) - phi(k_d v_d): the soma's rate minus the rate the dendrite alone predicts.
        const double k = prediction_factor(d.target, d.slot);
        const double* u = y + ps.u_offset;
        for (std::size_t i = 0; i < n; ++i)
            post_error_[i] = lp.transfer(u[i]) - lp.transfer(k * ps.v[d.slot][i]);
        break;
    }
    case plasticity_kind::apical_silencing:
        for (std::size_t i = 0; i < n; ++i) post_error_[i] = d.plasticity.v_rest - ps.v[d.slot][i];
        break;
    case plasticity_kind::none: break;
    }
}

bool network::apply_plasticity(double t, const double* y, double dt_ms) {
    bool changed = false;
    if (!learning_) return false;
    observe(t, y);  // rates and dendritic potentials of this state
    for (std::size_t k = 0; k < projections_.size(); ++k) {
        projection& pr = projections_[k];
        const lowered_projection& d = pr.desc();
        if (d.plasticity.kind == plasticity_kind::none || d.plasticity.eta == 0.0) continue;
        if (t - last_switch_ms_ < d.plasticity.pause_ms) continue;
        compute_post_error(d, y);
        const auto n_post = static_cast<Eigen::Index>(model_.populations[d.target].size);
        const auto n_pre = static_cast<Eigen::Index>(model_.populations[d.source].size);
        Eigen::Map<const Eigen::VectorXd> e(post_error_.data(), n_post);
        Eigen::Map<const Eigen::VectorXd> r(pops_[d.source].rate.data(), n_pre);
        Eigen::MatrixXd& W = pr.dense_weights();
        plasticity_step(d.plasticity, e, r, dt_ms, traces_[k], W);
        enforce_sign(d.sign, W);
        changed = true;
    }
    return changed;
}

} // namespace cortexsim

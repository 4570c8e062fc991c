#include "circuits/plasticity/step_filter.hpp"

#include <algorithm>
#include <cmath>

#include "circuits/projection.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

step_filter_params read_step_filter(param_reader& r) {
    step_filter_params p;
    p.momentum = r.number("momentum", 0.0, param_bound::unit_interval);
    if (p.momentum >= 1.0) r.fail("momentum", "must be below 1 (1 would never apply a change), got 1.0");
    p.normalize = r.flag("normalize", false);
    p.normalize_tau = r.number("normalize_tau", 1000.0, param_bound::positive);
    if (p.normalize_tau < 1.0)
        r.fail("normalize_tau", "must be at least 1 update, got " + format_number(p.normalize_tau));
    return p;
}

void step_filter::remember(projection& proj) {
    before_.resize(proj.synapse_count());
    proj.for_each_synapse([&](std::size_t, std::size_t, double& w, std::size_t s) { before_[s] = w; });
}

bool step_filter::apply(projection& proj) {
    const std::size_t n = before_.size();
    dw_.resize(n);
    proj.for_each_synapse([&](std::size_t, std::size_t, double& w, std::size_t s) { dw_[s] = w - before_[s]; });
    if (p_.normalize) {
        if (norm_.size() != n) norm_.assign(n, 0.0);
        const double keep = 1.0 - 1.0 / p_.normalize_tau;
        double busiest = 0.0;
        for (std::size_t s = 0; s < n; ++s) {
            norm_[s] = std::max(norm_[s] * keep, std::abs(dw_[s]));
            busiest = std::max(busiest, norm_[s]);
        }
        for (std::size_t s = 0; s < n; ++s)
            if (norm_[s] > 0.0) dw_[s] *= busiest / norm_[s];
    }
    if (p_.momentum > 0.0) {
        if (velocity_.size() != n) velocity_.assign(n, 0.0);
        for (std::size_t s = 0; s < n; ++s) {
            velocity_[s] = p_.momentum * velocity_[s] + (1.0 - p_.momentum) * dw_[s];
            dw_[s] = velocity_[s];
        }
    }
    bool changed = false;
    proj.for_each_synapse([&](std::size_t, std::size_t, double& w, std::size_t s) {
        changed |= dw_[s] != 0.0;
        w = before_[s] + dw_[s];
    });
    return changed;
}

void step_filter::save_state(state_writer& w, const std::string& name) const {
    w.put(name + "/velocity", velocity_);
    w.put(name + "/norm", norm_);
}

void step_filter::restore_state(const state_reader& r, const std::string& name) {
    velocity_ = r.doubles(name + "/velocity");
    norm_ = r.doubles(name + "/norm");
}

} // namespace cortexsim

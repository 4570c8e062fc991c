#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "circuits/stimulus_schedule.hpp"

// The network's events: initial state, the schedule of discontinuities (stimulus switches and
// the noise grid) and the inputs latched for each segment between them.
namespace cortexsim {

void network::initial_state(double* y) const {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        if (ps.u_offset == no_offset) continue;
        const auto set = [&](std::size_t offset, double all, const std::vector<double>& each) {
            if (each.empty()) std::fill_n(y + offset, lp.size, all);
            else std::copy(each.begin(), each.end(), y + offset);
        };
        set(ps.u_offset, lp.u_init, lp.u_init_each);
        if (is_input(p)) continue;
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset) set(ps.v_offset[d], lp.v_init[d], lp.v_init_each[d]);
    }
}

double network::next_discontinuity_after(double t) const {
    double next = std::numeric_limits<double>::infinity();
    for (const auto& s : model_.stimuli) next = std::min(next, next_switch_after(s, t));
    for (const auto& m : model_.neuromodulators)
        for (double tm : m.times_ms)
            if (tm > t) {
                next = std::min(next, tm);
                break;
            }
    if (has_noise_) {
        // Grid times k * interval, computed exactly as enter_segment() computes them.
        const double I = model_.noise_interval_ms;
        auto k = static_cast<long>(std::floor(t / I));
        while (static_cast<double>(k) * I <= t) ++k;
        next = std::min(next, static_cast<double>(k) * I);
    }
    return next;
}

void network::enter_segment(double t, double* /*y*/) {
    // pause_ms counts from the last change of the inputs (a stimulus switch or a task's new
    // pattern), not from noise redraws, which happen every noise interval.
    bool inputs_switch = external_changed_ || t == 0.0;
    for (const auto& s : model_.stimuli)
        inputs_switch |= std::binary_search(s.times_ms.begin(), s.times_ms.end(), t) || t == s.stop_ms;
    if (inputs_switch) last_switch_ms_ = t;
    external_changed_ = false;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        std::fill(ps.input_rate.begin(), ps.input_rate.end(), 0.0);
        std::fill(ps.g_E.begin(), ps.g_E.end(), 0.0);
        std::fill(ps.g_I.begin(), ps.g_I.end(), 0.0);
        std::fill(ps.stim_soma.begin(), ps.stim_soma.end(), 0.0);
        for (auto& sd : ps.stim_dend) std::fill(sd.begin(), sd.end(), 0.0);
    }
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        for (std::size_t i = 0; i < ps.ext_rate.size(); ++i) ps.input_rate[i] += ps.ext_rate[i];
        if (!is_input(p)) {
            for (std::size_t i = 0; i < ps.ext_soma.size(); ++i) ps.stim_soma[i] += ps.ext_soma[i];
            for (int d = 0; d < model_.populations[p].params.n_dendrites; ++d)
                for (std::size_t i = 0; i < ps.ext_dend[d].size(); ++i)
                    ps.stim_dend[d][i] += ps.ext_dend[d][i];
        }
        if (ps.ext_g_som > 0.0) {
            const dendritic_neuron_params& np = model_.populations[p].params;
            const double span = np.E_E - np.E_I;
            for (std::size_t i = 0; i < ps.ext_target.size(); ++i) {
                ps.g_E[i] += ps.ext_g_som * (ps.ext_target[i] - np.E_I) / span;
                ps.g_I[i] += ps.ext_g_som * (np.E_E - ps.ext_target[i]) / span;
            }
        }
    }
    // Neuromodulator levels: a task's, else the phase's, else the schedule's.
    for (std::size_t k = 0; k < modulator_levels_.size(); ++k) {
        double level = model_.neuromodulators[k].scheduled(t);
        if (phase_ >= 0)
            for (const auto& [m, v] : model_.phases[static_cast<std::size_t>(phase_)].modulators)
                if (m == k) level = v;
        if (modulator_task_[k].first) level = modulator_task_[k].second;
        modulator_levels_[k] = level;
    }
    // Named task inputs and context rates; inputs gated by the protocol only in their phases.
    for (const input_port& in : inputs_) {
        if (phase_ >= 0 && !model_.input_active(in.name, static_cast<std::size_t>(phase_))) continue;
        population_state& ps = pops_[in.population];
        switch (in.mode) {
        case input_mode::rate:
            for (std::size_t i = 0; i < in.values.size(); ++i) ps.input_rate[i] += in.values[i];
            break;
        case input_mode::current: {
            auto& dst = in.slot == soma_slot ? ps.stim_soma : ps.stim_dend[in.slot];
            for (std::size_t i = 0; i < in.values.size(); ++i) dst[i] += in.values[i];
            break;
        }
        case input_mode::nudge: {
            const dendritic_neuron_params& np = model_.populations[in.population].params;
            const double span = np.E_E - np.E_I;
            for (std::size_t i = 0; i < in.values.size(); ++i) {
                ps.g_E[i] += in.g_som * (in.values[i] - np.E_I) / span;
                ps.g_I[i] += in.g_som * (np.E_E - in.values[i]) / span;
            }
            break;
        }
        }
    }
    for (std::size_t c = 0; c < model_.contexts.size(); ++c) {
        population_state& ps = pops_[model_.contexts[c].population];
        for (std::size_t i = 0; i < context_rates_[c].size(); ++i) ps.input_rate[i] += context_rates_[c][i];
    }
    if (has_noise_) {
        // One draw per neuron and grid interval, in a fixed order, whatever other events fall
        // between grid times: the noise depends on the seed alone (docs/equations.md, 9).
        const double I = model_.noise_interval_ms;
        while (static_cast<double>(noise_index_ + 1) * I <= t) {
            ++noise_index_;
            for (std::size_t p = 0; p < pops_.size(); ++p) {
                const double sigma = model_.populations[p].noise_sigma;
                if (sigma <= 0.0) continue;
                for (double& xi : pops_[p].noise) xi = sigma * noise_rng_.normal();
            }
        }
        for (std::size_t p = 0; p < pops_.size(); ++p)
            if (model_.populations[p].noise_sigma > 0.0)
                for (std::size_t i = 0; i < pops_[p].noise.size(); ++i)
                    pops_[p].stim_soma[i] += pops_[p].noise[i];
    }
    for (const auto& s : model_.stimuli) {
        const int row = active_row(s, t);
        if (row < 0) continue;
        if (s.gated && phase_ >= 0 && !model_.input_active(s.name, static_cast<std::size_t>(phase_))) continue;
        const std::vector<double>& values = s.rows[static_cast<std::size_t>(row)];
        population_state& ps = pops_[s.target];
        const dendritic_neuron_params& np = model_.populations[s.target].params;
        switch (s.mode) {
        case stimulus_mode::rate:
            for (std::size_t i = 0; i < values.size(); ++i) ps.input_rate[i] += values[i];
            break;
        case stimulus_mode::current: {
            auto& dst = s.slot == soma_slot ? ps.stim_soma : ps.stim_dend[s.slot];
            for (std::size_t i = 0; i < values.size(); ++i) dst[i] += values[i];
            break;
        }
        case stimulus_mode::nudge: {
            // Balanced conductances with g_E + g_I = g_som and g_E E_E + g_I E_I = g_som u_trgt,
            // so the nudging current is g_som (u_trgt - u) (Urbanczik & Senn 2014;
            // Sacramento et al. 2018, output layer).
            const double span = np.E_E - np.E_I;
            for (std::size_t i = 0; i < values.size(); ++i) {
                ps.g_E[i] += s.g_som * (values[i] - np.E_I) / span;
                ps.g_I[i] += s.g_som * (np.E_E - values[i]) / span;
            }
            break;
        }
        }
    }
    latch_input_rates();
}

void network::latch_input_rates() {
    // Unfiltered input populations: the rate is the latched input, constant until the next
    // segment, so it is copied here once rather than at every right-hand side; projections
    // holding their products from it compare it anew (projection_held.cpp).
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        if (!is_input(p) || ps.u_offset != no_offset) continue;
        std::copy(ps.input_rate.begin(), ps.input_rate.end(), ps.rate.begin());
    }
    for (projection& pr : projections_)
        if (pr.holds_products()) pr.source_may_have_changed();
}

} // namespace cortexsim

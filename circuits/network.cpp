#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>


namespace cortexsim {

namespace {
int slot_of_modulator(const neuron_model_info& m) {
    const auto it = std::find(m.dendrites.begin(), m.dendrites.end(), "modulator");
    if (it == m.dendrites.end()) throw std::logic_error("model '" + m.name + "' has no modulator");
    return static_cast<int>(it - m.dendrites.begin());
}
} // namespace

network::network(lowered_model model)
    : model_(std::move(model)), noise_rng_(model_.seed, "noise") {
    pops_.resize(model_.populations.size());
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const lowered_population& lp = model_.populations[p];
        population_state& ps = pops_[p];
        const std::size_t n = lp.size;
        ps.rate.assign(n, 0.0);
        ps.input_rate.assign(n, 0.0);
        ps.ext_rate.assign(n, 0.0);
        ps.ext_target.assign(n, 0.0);
        ps.ext_soma.assign(n, 0.0);
        for (auto& e : ps.ext_dend) e.assign(n, 0.0);
        ps.noise.assign(n, 0.0);
        if (is_input(p)) {
            if (lp.input_tau_ms > 0.0) {  // a low-pass filtered input: its rate is state
                ps.u_offset = state_size_;
                state_size_ += n;
                ps.local_k = 1;
            }
            continue;
        }
        has_noise_ |= lp.noise_sigma > 0.0;
        ps.u_offset = state_size_;
        state_size_ += n;
        ps.soma_input.assign(n, 0.0);
        ps.g_E.assign(n, 0.0);
        ps.g_I.assign(n, 0.0);
        ps.g_E_eff.assign(n, 0.0);
        ps.g_I_eff.assign(n, 0.0);
        ps.stim_soma.assign(n, 0.0);
        for (int d = 0; d < lp.params.n_dendrites; ++d) {
            ps.dend_input[d].assign(n, 0.0);
            ps.v[d].assign(n, 0.0);
            ps.stim_dend[d].assign(n, 0.0);
            if (lp.params.dend[d].dynamic) {
                ps.v_offset[d] = state_size_;
                state_size_ += n;
            }
        }
        ps.local_k = local_size(lp.params);
        ps.prec_inverse.assign(n * ps.local_k * ps.local_k, 0.0);
    }
    projections_.reserve(model_.projections.size());
    for (const auto& lp : model_.projections) {
        projections_.emplace_back(lp, model_.populations[lp.source].size,
                                  model_.populations[lp.target].size, model_.seed);
        if (lp.distribution == weight_distribution::copy) {
            const Eigen::MatrixXd& src = projections_[lp.copy_from].dense_weights();
            Eigen::MatrixXd W = lp.copy_scale * (lp.copy_transpose ? Eigen::MatrixXd(src.transpose()) : src);
            projections_.back().set_weights(W);
            projections_.back().enforce_sign();  // Dale's law holds for copies too (rectified)
        }
    }
    // Sources whose rates are constant within a segment: unfiltered input populations (their
    // rates are latched by enter_segment). Their projections hold W x (projection_held.cpp).
    if (model_.solver.hold_input_products)
        for (projection& pr : projections_) {
            const std::size_t s = pr.desc().source;
            if (is_input(s) && pops_[s].u_offset == no_offset) pr.hold_products(true);
        }
    for (const auto& lp : model_.populations) live_params_.push_back(lp.params);
    for (const auto& n : model_.neuromodulators) modulator_levels_.push_back(n.scheduled(0.0));
    modulator_task_.assign(model_.neuromodulators.size(), {false, 0.0});
    scratch_ydot_.assign(state_size_, 0.0);
    engine_ = std::make_unique<plasticity_engine>(*this);
    // Context populations read their sources' rates at a phase end, from the engine's snapshots.
    for (const lowered_context& c : model_.contexts) {
        context_rates_.emplace_back(model_.populations[c.population].size, 0.0);
        std::vector<bound_signal> sources;
        for (std::size_t q : c.from)
            sources.push_back(engine_->request(q, "rate@" + model_.phases[c.phase].name));
        context_sources_.push_back(std::move(sources));
    }
}

network::~network() = default;

void network::compute_rates(const double* y) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        if (is_input(p)) {
            // Unfiltered inputs hold their latched rates, copied by enter_segment().
            if (ps.u_offset != no_offset) std::copy(y + ps.u_offset, y + ps.u_offset + ps.rate.size(), ps.rate.begin());
        } else {
            model_.populations[p].transfer.apply(y + ps.u_offset, ps.rate.data(), ps.rate.size());
        }
    }
}

void network::compute_inputs(const double* y) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        population_state& ps = pops_[p];
        std::copy(ps.stim_soma.begin(), ps.stim_soma.end(), ps.soma_input.begin());
        std::copy(ps.g_E.begin(), ps.g_E.end(), ps.g_E_eff.begin());
        std::copy(ps.g_I.begin(), ps.g_I.end(), ps.g_I_eff.begin());
        for (int d = 0; d < model_.populations[p].params.n_dendrites; ++d)
            std::copy(ps.stim_dend[d].begin(), ps.stim_dend[d].end(), ps.dend_input[d].begin());
    }
    // Rates were computed once above; each projection is one mat-vec into its compartment.
    for (const projection& pr : projections_) {
        const lowered_projection& d = pr.desc();
        population_state& tgt = pops_[d.target];
        if (d.nudging) {
            // Balanced conductances towards the source's somatic potential (N1 with
            // u_trgt = u_source), so the current is g_som (u_source - u).
            const dendritic_neuron_params& np = model_.populations[d.target].params;
            const double span = np.E_E - np.E_I;
            const double* u_src = y + pops_[d.source].u_offset;
            const Eigen::VectorXd& g = pr.nudging_conductances();
            for (std::size_t i = 0; i < tgt.g_E_eff.size(); ++i) {
                tgt.g_E_eff[i] += g[static_cast<Eigen::Index>(i)] * (u_src[i] - np.E_I) / span;
                tgt.g_I_eff[i] += g[static_cast<Eigen::Index>(i)] * (np.E_E - u_src[i]) / span;
            }
            continue;
        }
        double* out = d.slot == soma_slot ? tgt.soma_input.data() : tgt.dend_input[d.slot].data();
        pr.accumulate(pops_[d.source].rate.data(), out);
    }
}

void network::rhs(double /*t*/, const double* y, double* ydot) {
    compute_rates(y);
    compute_inputs(y);
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        if (is_input(p)) {
            if (ps.u_offset == no_offset) continue;
            // tau dr/dt = -r + r_stimulus (Sacramento et al. 2018 filter inputs with 3 ms)
            const double inv_tau = 1.0 / model_.populations[p].input_tau_ms;
            for (std::size_t i = 0; i < ps.rate.size(); ++i)
                ydot[ps.u_offset + i] = inv_tau * (ps.input_rate[i] - y[ps.u_offset + i]);
            continue;
        }
        const dendritic_neuron_params& np = live_params_[p];
        dendritic_neuron_view view;
        view.n = model_.populations[p].size;
        view.u = y + ps.u_offset;
        view.du = ydot + ps.u_offset;
        view.soma_input = ps.soma_input.data();
        view.g_E = ps.g_E_eff.data();
        view.g_I = ps.g_I_eff.data();
        for (int d = 0; d < np.n_dendrites; ++d) {
            view.input[d] = ps.dend_input[d].data();
            view.v[d] = ps.v[d].data();
            if (np.dend[d].dynamic) {
                view.v_state[d] = y + ps.v_offset[d];
                view.dv[d] = ydot + ps.v_offset[d];
            }
        }
        dendritic_neuron_rhs(np, view);
    }
}

void network::observe(double t, const double* y) {
    rhs(t, y, scratch_ydot_.data());
}

bool network::has_variable(std::size_t p, const std::string& name) const {
    const neuron_model_info& m = *model_.populations[p].model;
    if (std::find(m.variables.begin(), m.variables.end(), name) != m.variables.end()) return true;
    for (const auto& d : m.dendrites)
        if (name == d + "_error") return true;
    return false;
}

variable_ref network::resolve_variable(std::size_t p, const std::string& name) const {
    const neuron_model_info& m = *model_.populations[p].model;
    if (name == "rate") return {variable_ref::kind::rate, 0};
    for (std::size_t d = 0; d < m.dendrites.size(); ++d)
        if (name == m.dendrites[d] + "_error") return {variable_ref::kind::dendritic_error, static_cast<int>(d)};
    if (name == "prediction_error") return {variable_ref::kind::somatic_prediction_error, slot_of_modulator(m)};
    auto slot_of = [&](const std::string& dendrite) {
        const auto it = std::find(m.dendrites.begin(), m.dendrites.end(), dendrite);
        if (it == m.dendrites.end()) throw std::logic_error("no dendrite '" + dendrite + "'");
        return static_cast<int>(it - m.dendrites.begin());
    };
    if (name == "basal_error") return {variable_ref::kind::dendritic_error, slot_of("basal")};
    if (name == "interneuron_error") return {variable_ref::kind::dendritic_error, slot_of("dendrite")};
    if (name == "apical_mismatch") return {variable_ref::kind::apical_mismatch, slot_of("apical")};
    if (name == "u_soma" && m.kind != neuron_kind::input) return {variable_ref::kind::u_soma, 0};
    for (std::size_t d = 0; d < m.dendrites.size(); ++d)
        if (name == "v_" + m.dendrites[d]) return {variable_ref::kind::v_dendrite, static_cast<int>(d)};
    throw std::logic_error("variable '" + name + "' is not lowered for population '" +
                           model_.populations[p].name + "'");
}

double network::value(std::size_t p, const variable_ref& v, std::size_t i, const double* y) const {
    const population_state& ps = pops_[p];
    switch (v.what) {
    case variable_ref::kind::u_soma: return y[ps.u_offset + i];
    case variable_ref::kind::v_dendrite: return ps.v[v.slot][i];
    case variable_ref::kind::rate: return ps.rate[i];
    case variable_ref::kind::dendritic_error: {
        const lowered_population& lp = model_.populations[p];
        return ps.rate[i] - lp.transfer(prediction_factor(p, v.slot) * ps.v[v.slot][i]);
    }
    case variable_ref::kind::apical_mismatch: return ps.v[v.slot][i];
    case variable_ref::kind::somatic_prediction_error: {
        // The soma's synaptic input is what its projections add to the latched stimuli (which
        // hold the task's currents and the noise, parts of no prediction).
        const lowered_population& lp = model_.populations[p];
        const dendritic_neuron_params& np = lp.params;
        double g_total = np.g_lk;
        for (int d = 0; d < np.n_dendrites; ++d) g_total += np.dend[d].g_couple;
        const double i_syn = ps.soma_input[i] - ps.stim_soma[i];
        return ps.rate[i] - lp.transfer(prediction_factor(p, v.slot) * ps.v[v.slot][i] + i_syn / g_total);
    }
    }
    return 0.0;
}
void network::values(std::size_t p, const variable_ref& v, const double* y, double* out) const {
    const population_state& ps = pops_[p];
    const std::size_t n = model_.populations[p].size;
    switch (v.what) {  // the plain copies in bulk; the rest neuron by neuron
    case variable_ref::kind::u_soma: std::copy(y + ps.u_offset, y + ps.u_offset + n, out); return;
    case variable_ref::kind::rate: std::copy(ps.rate.begin(), ps.rate.end(), out); return;
    case variable_ref::kind::v_dendrite:
    case variable_ref::kind::apical_mismatch: std::copy(ps.v[v.slot].begin(), ps.v[v.slot].end(), out); return;
    default: break;
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = value(p, v, i, y);
}

void network::set_external_rates(std::size_t p, const double* rates) {
    if (!is_input(p))
        throw std::invalid_argument("set_external_rates: '" + model_.populations[p].name +
                                    "' is not an input population");
    std::copy(rates, rates + model_.populations[p].size, pops_[p].ext_rate.begin());
    external_changed_ = true;
}

void network::set_external_nudge(std::size_t p, const double* u_target, double g_som) {
    if (is_input(p))
        throw std::invalid_argument("set_external_nudge: '" + model_.populations[p].name +
                                    "' is an input population");
    population_state& ps = pops_[p];
    ps.ext_g_som = g_som;
    external_changed_ = true;
    if (u_target) std::copy(u_target, u_target + model_.populations[p].size, ps.ext_target.begin());
}

void network::set_external_current(std::size_t p, int slot, const double* current) {
    if (is_input(p))
        throw std::invalid_argument("set_external_current: '" + model_.populations[p].name +
                                    "' is an input population");
    if (slot != soma_slot && (slot < 0 || slot >= model_.populations[p].params.n_dendrites))
        throw std::invalid_argument("set_external_current: no such compartment");
    auto& dst = slot == soma_slot ? pops_[p].ext_soma : pops_[p].ext_dend[slot];
    if (current) std::copy(current, current + dst.size(), dst.begin());
    else std::fill(dst.begin(), dst.end(), 0.0);
    external_changed_ = true;
}

std::size_t network::projection_index(const std::string& name) const {
    for (std::size_t k = 0; k < projections_.size(); ++k)
        if (projections_[k].desc().name == name) return k;
    throw std::invalid_argument("no projection '" + name + "'");
}

std::size_t network::add_input(const std::string& name, std::size_t p, input_mode mode, int slot, double g_som) {
    if (p >= pops_.size()) throw std::invalid_argument("add_input: no population " + std::to_string(p));
    if ((mode == input_mode::rate) != is_input(p))
        throw std::invalid_argument("add_input: '" + model_.populations[p].name + "' " +
                                    (is_input(p) ? "is an input population: it takes rates"
                                                 : "is not an input population: it takes no rates"));
    if (mode == input_mode::current && slot != soma_slot &&
        (slot < 0 || slot >= model_.populations[p].params.n_dendrites))
        throw std::invalid_argument("add_input: no such compartment");
    input_port in;
    in.name = name;
    in.population = p;
    in.mode = mode;
    in.slot = slot;
    in.g_som = g_som;
    in.values.assign(model_.populations[p].size, 0.0);
    inputs_.push_back(std::move(in));
    return inputs_.size() - 1;
}

void network::set_input(std::size_t k, const double* values) {
    input_port& in = inputs_.at(k);
    if (values) std::copy(values, values + in.values.size(), in.values.begin());
    else std::fill(in.values.begin(), in.values.end(), 0.0);
    external_changed_ = true;
}

std::size_t network::modulator_index(const std::string& name) const {
    for (std::size_t k = 0; k < model_.neuromodulators.size(); ++k)
        if (model_.neuromodulators[k].name == name) return k;
    throw std::invalid_argument("no neuromodulator '" + name + "'");
}

void network::set_modulator(std::size_t k, double level) {
    modulator_task_.at(k) = {true, level};
    external_changed_ = true;
}

void network::clear_modulator(std::size_t k) {
    modulator_task_.at(k) = {false, 0.0};
    external_changed_ = true;
}

void network::set_learning(bool on) { engine_->set_learning(on); }
bool network::learning() const { return engine_->learning(); }

void network::enter_phase(int k) {
    if (k >= static_cast<int>(model_.phases.size())) throw std::invalid_argument("enter_phase: no such phase");
    phase_ = k;
    apply_gains();
    external_changed_ = true;
}

void network::apply_gains() {
    for (auto& pr : projections_) pr.set_gain(1.0);
    for (std::size_t p = 0; p < live_params_.size(); ++p) live_params_[p] = model_.populations[p].params;
    if (phase_ < 0) return;
    const lowered_phase& ph = model_.phases[static_cast<std::size_t>(phase_)];
    for (const auto& [k, g] : ph.projection_gains) projections_[k].set_gain(g);
    for (const auto& c : ph.coupling_gains)
        live_params_[c.population].dend[c.slot].g_couple = model_.populations[c.population].params.dend[c.slot].g_couple * c.gain;
}

bool network::end_phase(std::size_t k, double t, const double* y, const std::function<void()>& before_rules) {
    return engine_->end_phase(k, t, y, before_rules);
}

void network::end_trial() {
    for (std::size_t c = 0; c < model_.contexts.size(); ++c) {
        const lowered_context& lc = model_.contexts[c];
        std::vector<double>& r = context_rates_[c];
        std::size_t i = 0;
        for (const bound_signal& s : context_sources_[c])
            for (double x : *engine_->snapshot(s)) {
                r[i] = (1.0 - lc.mix) * r[i] + lc.mix * x;
                ++i;
            }
    }
    if (!model_.contexts.empty()) external_changed_ = true;
    engine_->end_trial();
}

std::size_t network::population_index(const std::string& name) const {
    for (std::size_t p = 0; p < model_.populations.size(); ++p)
        if (model_.populations[p].name == name) return p;
    throw std::invalid_argument("no population '" + name + "'");
}

} // namespace cortexsim

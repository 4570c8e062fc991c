#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "circuits/stimulus_schedule.hpp"
#include "core/errors.hpp"

namespace cortexsim {

network::network(lowered_model model) : model_(std::move(model)) {
    pops_.resize(model_.populations.size());
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const lowered_population& lp = model_.populations[p];
        population_state& ps = pops_[p];
        const std::size_t n = lp.size;
        ps.rate.assign(n, 0.0);
        ps.input_rate.assign(n, 0.0);
        if (is_input(p)) continue;
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
    for (const auto& lp : model_.projections)
        projections_.emplace_back(lp, model_.populations[lp.source].size,
                                  model_.populations[lp.target].size, model_.seed);
    traces_.resize(projections_.size());
    std::size_t max_n = 0;
    for (const auto& lp : model_.populations) max_n = std::max(max_n, lp.size);
    post_error_.assign(max_n, 0.0);
    scratch_ydot_.assign(state_size_, 0.0);
}

void network::compute_rates(const double* y) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        if (is_input(p)) {
            std::copy(ps.input_rate.begin(), ps.input_rate.end(), ps.rate.begin());
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
        if (is_input(p)) continue;
        const dendritic_neuron_params& np = model_.populations[p].params;
        population_state& ps = pops_[p];
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

variable_ref network::resolve_variable(std::size_t p, const std::string& name) const {
    const neuron_model_info& m = *model_.populations[p].model;
    if (name == "rate") return {variable_ref::kind::rate, 0};
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
    }
    return 0.0;
}

void network::initial_state(double* y) const {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        std::fill_n(y + ps.u_offset, lp.size, lp.u_init);
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset) std::fill_n(y + ps.v_offset[d], lp.size, lp.v_init[d]);
    }
}

void network::absolute_tolerances(double fallback, const std::map<std::string, double>& per_variable,
                                  double* atol) const {
    auto tol = [&](const std::string& var) {
        auto it = per_variable.find(var);
        return it == per_variable.end() ? fallback : it->second;
    };
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        std::fill_n(atol + ps.u_offset, lp.size, tol("u_soma"));
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset)
                std::fill_n(atol + ps.v_offset[d], lp.size, tol("v_" + lp.model->dendrites[d]));
    }
}

double network::next_discontinuity_after(double t) const {
    double next = std::numeric_limits<double>::infinity();
    for (const auto& s : model_.stimuli) next = std::min(next, next_switch_after(s, t));
    return next;
}

void network::enter_segment(double t, double* /*y*/) {
    last_switch_ms_ = t;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        std::fill(ps.input_rate.begin(), ps.input_rate.end(), 0.0);
        std::fill(ps.g_E.begin(), ps.g_E.end(), 0.0);
        std::fill(ps.g_I.begin(), ps.g_I.end(), 0.0);
        std::fill(ps.stim_soma.begin(), ps.stim_soma.end(), 0.0);
        for (auto& sd : ps.stim_dend) std::fill(sd.begin(), sd.end(), 0.0);
    }
    for (const auto& s : model_.stimuli) {
        const int row = active_row(s, t);
        if (row < 0) continue;
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
}

void network::check_state(double t, const double* y) const {
    const double bound = model_.solver.max_abs_state;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        auto check = [&](std::size_t off, const std::string& var) {
            for (std::size_t i = 0; i < lp.size; ++i) {
                const double x = y[off + i];
                if (std::isfinite(x) && std::fabs(x) <= bound) continue;
                char buf[64];
                std::snprintf(buf, sizeof buf, "%g", x);
                throw numerical_error(t, "population '" + lp.name + "' neuron " +
                                             std::to_string(i) + " " + var + " = " + buf +
                                             (std::isfinite(x) ? " exceeds max_abs_state" : " is not finite"));
            }
        };
        check(ps.u_offset, "u_soma");
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset) check(ps.v_offset[d], "v_" + lp.model->dendrites[d]);
    }
}

void network::prec_setup(double /*t*/, const double* /*y*/, double gamma) {
    // Block-diagonal preconditioner: each neuron's own compartments, P_i = I - gamma J_i, with
    // the network coupling left to GMRES. The blocks are at most 3x3, inverted directly.
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        population_state& ps = pops_[p];
        const dendritic_neuron_params& np = model_.populations[p].params;
        const int k = ps.local_k;
        for (std::size_t i = 0; i < model_.populations[p].size; ++i) {
            const Eigen::Matrix3d J = local_jacobian(np, ps.g_E_eff[i], ps.g_I_eff[i]);
            const Eigen::MatrixXd P = Eigen::MatrixXd::Identity(k, k) - gamma * J.topLeftCorner(k, k);
            Eigen::Map<Eigen::MatrixXd> inv(ps.prec_inverse.data() + i * k * k, k, k);
            inv = P.inverse();
        }
    }
}

void network::prec_solve(const double* r, double* z) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        const population_state& ps = pops_[p];
        const dendritic_neuron_params& np = model_.populations[p].params;
        const int k = ps.local_k;
        std::array<std::size_t, 3> off{ps.u_offset, 0, 0};
        int m = 1;
        for (int d = 0; d < np.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset) off[m++] = ps.v_offset[d];
        for (std::size_t i = 0; i < model_.populations[p].size; ++i) {
            const double* inv = ps.prec_inverse.data() + i * k * k;  // column-major k x k
            for (int a = 0; a < k; ++a) {
                double acc = 0.0;
                for (int b = 0; b < k; ++b) acc += inv[a + b * k] * r[off[b] + i];
                z[off[a] + i] = acc;
            }
        }
    }
}

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

ode::integrator_options network::integrator_options() const {
    const lowered_solver& s = model_.solver;
    ode::integrator_options o;
    o.kind = s.kind;
    if (s.automatic) {
        // Dense LU costs O(N^3) per Jacobian update; beyond ~100 states the matrix-free Krylov
        // solver with the per-neuron preconditioner wins. Threshold to be re-measured in bench/.
        o.kind = state_size_ <= 100 ? ode::solver_kind::bdf_dense : ode::solver_kind::bdf_gmres;
    }
    if (state_size_ == 0) o.kind = ode::solver_kind::euler;  // nothing to integrate
    o.rtol = s.rtol;
    o.max_step_ms = s.max_step_ms;
    o.dt_ms = s.dt_ms;
    o.max_steps = s.max_steps;
    o.max_order = s.max_order;
    return o;
}

} // namespace cortexsim

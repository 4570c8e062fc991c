#include "circuits/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "circuits/stimulus_schedule.hpp"
#include "core/errors.hpp"

// What the integrator needs beyond the right-hand side: tolerances, sanity checks, the
// block-diagonal preconditioner and the choice of method.
namespace cortexsim {

void network::absolute_tolerances(double fallback, const std::map<std::string, double>& per_variable,
                                  double* atol) const {
    auto tol = [&](const std::string& var) {
        auto it = per_variable.find(var);
        return it == per_variable.end() ? fallback : it->second;
    };
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        if (ps.u_offset == no_offset) continue;
        std::fill_n(atol + ps.u_offset, lp.size, tol(is_input(p) ? "rate" : "u_soma"));
        if (is_input(p)) continue;
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset)
                std::fill_n(atol + ps.v_offset[d], lp.size, tol("v_" + lp.model->dendrites[d]));
    }
}

void network::check_state(double t, const double* y) const {
    const double bound = model_.solver.max_abs_state;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const lowered_population& lp = model_.populations[p];
        const population_state& ps = pops_[p];
        if (ps.u_offset == no_offset) continue;
        // The name is passed in plain pieces: this runs after every step, and only a failure
        // builds text.
        auto check = [&](std::size_t off, const char* prefix, const char* var) {
            // !(|x| <= bound) is true for NaN and infinities too: one branch-free pass over the
            // block, and the scan that names the culprit only if it failed.
            bool ok = true;
            for (std::size_t i = 0; i < lp.size; ++i) ok &= std::fabs(y[off + i]) <= bound;
            if (ok) return;
            for (std::size_t i = 0; i < lp.size; ++i) {
                const double x = y[off + i];
                if (std::isfinite(x) && std::fabs(x) <= bound) continue;
                char buf[64];
                std::snprintf(buf, sizeof buf, "%g", x);
                throw numerical_error(t, "population '" + lp.name + "' neuron " +
                                             std::to_string(i) + " " + prefix + var + " = " + buf +
                                             (std::isfinite(x) ? " exceeds max_abs_state" : " is not finite"));
            }
        };
        check(ps.u_offset, "", is_input(p) ? "rate" : "u_soma");
        if (is_input(p)) continue;
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (ps.v_offset[d] != no_offset) check(ps.v_offset[d], "v_", lp.model->dendrites[d].c_str());
    }
}

void network::prec_setup(double /*t*/, const double* /*y*/, double gamma) {
    prec_gamma_ = gamma;
    // Block-diagonal preconditioner: each neuron's own compartments, P_i = I - gamma J_i, with
    // the network coupling left to GMRES. The blocks are at most 3x3, inverted directly.
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) continue;
        population_state& ps = pops_[p];
        const dendritic_neuron_params& np = live_params_[p];
        const int k = ps.local_k;
        for (std::size_t i = 0; i < model_.populations[p].size; ++i) {
            const Eigen::Matrix3d J = local_jacobian(np, ps.g_E_eff[i], ps.g_I_eff[i]);
            // Fixed-size blocks: no heap allocation inside CVODE's callbacks.
            Eigen::Matrix3d P = Eigen::Matrix3d::Identity() - gamma * J;
            for (int a = k; a < 3; ++a) {  // pad unused slots with the identity
                P.row(a).setZero();
                P.col(a).setZero();
                P(a, a) = 1.0;
            }
            const Eigen::Matrix3d inv = P.inverse();
            for (int b = 0; b < k; ++b)
                for (int a = 0; a < k; ++a) ps.prec_inverse[i * k * k + a + b * k] = inv(a, b);
        }
    }
}

void network::prec_solve(const double* r, double* z) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const population_state& ps = pops_[p];
        if (is_input(p)) {
            if (ps.u_offset == no_offset) continue;
            // A filtered input is its own 1x1 block: (1 + gamma / tau) z = r.
            const double f = 1.0 / (1.0 + prec_gamma_ / model_.populations[p].input_tau_ms);
            for (std::size_t i = 0; i < ps.rate.size(); ++i) z[ps.u_offset + i] = f * r[ps.u_offset + i];
            continue;
        }
        const dendritic_neuron_params& np = model_.populations[p].params;
        const int k = ps.local_k;
        const std::array<std::size_t, 3> off = local_offsets(ps, np.n_dendrites);
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

std::array<std::size_t, 3> network::local_offsets(const population_state& ps, int n_dendrites) {
    std::array<std::size_t, 3> off{ps.u_offset, 0, 0};
    int m = 1;
    for (int d = 0; d < n_dendrites; ++d)
        if (ps.v_offset[d] != no_offset) off[m++] = ps.v_offset[d];
    return off;
}

void network::local_diagonal(double /*t*/, const double* /*y*/, double* d) {
    // The effective conductances g_E_eff, g_I_eff are those of the rhs() just evaluated at
    // (t, y) (the ode_system contract).
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const population_state& ps = pops_[p];
        if (ps.u_offset == no_offset) continue;
        const std::size_t n = model_.populations[p].size;
        if (is_input(p)) {
            std::fill_n(d + ps.u_offset, n, -1.0 / model_.populations[p].input_tau_ms);
            continue;
        }
        const dendritic_neuron_params& np = live_params_[p];
        for (std::size_t i = 0; i < n; ++i) {
            const Eigen::Matrix3d J = local_jacobian(np, ps.g_E_eff[i], ps.g_I_eff[i]);
            d[ps.u_offset + i] = J(0, 0);
            int k = 1;
            for (int s = 0; s < np.n_dendrites; ++s)
                if (ps.v_offset[s] != no_offset) d[ps.v_offset[s] + i] = J(k, k), ++k;
        }
    }
}

void network::local_jac_times(const double* v, double* Jv) {
    // The blocks prec_setup inverts (I - gamma J_i), applied as J_i: with them GMRES in
    // bdf-gmres sees exactly the operator its preconditioner inverts ([solver] newton_jacobian).
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const population_state& ps = pops_[p];
        if (is_input(p)) {
            if (ps.u_offset == no_offset) continue;
            const double f = -1.0 / model_.populations[p].input_tau_ms;  // a filtered input
            for (std::size_t i = 0; i < ps.rate.size(); ++i) Jv[ps.u_offset + i] = f * v[ps.u_offset + i];
            continue;
        }
        const dendritic_neuron_params& np = live_params_[p];
        const int k = ps.local_k;
        const std::array<std::size_t, 3> off = local_offsets(ps, np.n_dendrites);
        for (std::size_t i = 0; i < model_.populations[p].size; ++i) {
            const Eigen::Matrix3d J = local_jacobian(np, ps.g_E_eff[i], ps.g_I_eff[i]);
            for (int a = 0; a < k; ++a) {
                double acc = 0.0;
                for (int b = 0; b < k; ++b) acc += J(a, b) * v[off[b] + i];
                Jv[off[a] + i] = acc;
            }
        }
    }
}

double network::max_local_rate() const {
    // Largest nudging conductance any stimulus or nudging projection can add.
    std::vector<double> g_nudge(pops_.size(), 0.0);
    for (const auto& s : model_.stimuli)
        if (s.mode == stimulus_mode::nudge) g_nudge[s.target] += s.g_som;
    for (const auto& pr : projections_)
        if (pr.desc().nudging) g_nudge[pr.desc().target] += pr.nudging_conductances().maxCoeff();
    double rate = 0.0;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        if (is_input(p)) {
            if (model_.populations[p].input_tau_ms > 0.0)
                rate = std::max(rate, 1.0 / model_.populations[p].input_tau_ms);
            continue;
        }
        const dendritic_neuron_params& np = model_.populations[p].params;
        double g = np.g_lk + g_nudge[p];
        for (int d = 0; d < np.n_dendrites; ++d) {
            g += np.dend[d].g_couple;
            if (np.dend[d].dynamic) rate = std::max(rate, (1.0 + np.dend[d].g_back) / np.dend[d].tau_ms);
        }
        rate = std::max(rate, g / np.C);
    }
    return rate;
}

double network::mean_segment_ms() const {
    const double T = model_.duration_ms;
    if (!(T > 0.0)) return 0.0;
    double restarts = 0.0;  // coinciding restarts are counted twice: an estimate suffices
    for (const auto& s : model_.stimuli)
        for (double t = next_switch_after(s, 0.0); t < T; t = next_switch_after(s, t)) restarts += 1.0;
    if (has_noise_) restarts += std::floor(T / model_.noise_interval_ms);
    if (has_continuous_plasticity()) restarts += std::floor(T / model_.plasticity_interval_ms);
    // Every phase boundary of the protocol restarts the integrator too.
    double trial_ms = 0.0;
    for (const auto& ph : model_.phases) trial_ms += ph.duration_ms;
    if (trial_ms > 0.0) restarts += std::floor(T / trial_ms) * static_cast<double>(model_.phases.size());
    return T / (1.0 + restarts);
}

/*
 * `auto`, measured (bench_scaling; docs/dev/performance_log.md, "What auto picks"):
 * - Stiff models (fastest local rate above 20/ms) need BDF (Adams was 30-45x slower on the
 *   stiff benchmark variant): dense LU up to 20 states (1.4x faster than GMRES at 8 states),
 *   matrix-free GMRES with the per-neuron preconditioner beyond (1.7x faster at 28 states, 7x
 *   at 84, 29x at 280). The block preconditioner is exact for stiffness within a neuron, as in
 *   that variant; stiffness from strong network coupling would favour dense LU longer (not
 *   measured).
 * - Rate networks with the papers' values are not stiff (about 2/ms). After every restart
 *   (stimulus switch, plasticity step, a task's new pattern) both methods climb from order 1
 *   with tiny steps; in long quiet stretches Adams' fixed-point iteration keeps its steps
 *   small (h ~ 1/rate) while BDF with Newton-GMRES takes long ones. So the product of the
 *   mean segment length and the fastest local rate decides: with segments of 10-50 ms
 *   (L x rate 19-95) Adams was 1.0-2.1x faster, with 100 ms segments (190) BDF-GMRES was
 *   1.2-1.7x faster at every size from 84 to 28,000 states; learning runs (plasticity every
 *   1 ms) were 1.9x faster with Adams. The switch is placed at 150, where the two are within
 *   about 20% of each other.
 */
ode::integrator_options network::integrator_options(bool task_driven) const {
    const lowered_solver& s = model_.solver;
    ode::integrator_options o;
    o.kind = s.kind;
    if (s.automatic) {
        constexpr double stiff_rate_per_ms = 20.0;
        constexpr std::size_t max_dense_states = 20;
        constexpr double bdf_segment_times_rate = 150.0;
        const double rate = max_local_rate();
        if (rate > stiff_rate_per_ms)
            o.kind = state_size_ <= max_dense_states ? ode::solver_kind::bdf_dense
                                                     : ode::solver_kind::bdf_gmres;
        else if (!task_driven && mean_segment_ms() * rate >= bdf_segment_times_rate)
            o.kind = ode::solver_kind::bdf_gmres;
        else
            o.kind = ode::solver_kind::adams;
    }
    if (state_size_ == 0) o.kind = ode::solver_kind::euler;  // nothing to integrate
    o.rtol = s.rtol;
    o.max_step_ms = s.max_step_ms;
    o.dt_ms = s.dt_ms;
    o.max_steps = s.max_steps;
    o.max_order = s.max_order;
    o.jacobian = s.newton_jacobian;
    return o;
}

} // namespace cortexsim

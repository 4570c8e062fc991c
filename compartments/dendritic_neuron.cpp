#include "compartments/dendritic_neuron.hpp"

namespace cortexsim {

void dendritic_potentials(const dendritic_neuron_params& p, const dendritic_neuron_view& s) {
    for (int d = 0; d < p.n_dendrites; ++d) {
        const double* src = p.dend[d].dynamic ? s.v_state[d] : s.input[d];
        double* v = s.v[d];
        for (std::size_t i = 0; i < s.n; ++i) v[i] = src[i];
    }
}

void dendritic_neuron_rhs(const dendritic_neuron_params& p, const dendritic_neuron_view& s) {
    dendritic_potentials(p, s);
    const double inv_C = 1.0 / p.C;
    const std::size_t n = s.n;
    // Leak and nudging first, then one pass per dendrite: each loop is a simple stream over
    // contiguous arrays. Parameters and pointers are local copies (restrict-qualified): a
    // store through du could otherwise alias a parameter or another array, and the compiler
    // would reload it every iteration instead of vectorising (same operations, same bits).
    const double g_lk = p.g_lk, E_E = p.E_E, E_I = p.E_I;
    double* __restrict du = s.du;
    const double* __restrict u = s.u;
    const double* __restrict soma_input = s.soma_input;
    const double* __restrict g_E = s.g_E;
    const double* __restrict g_I = s.g_I;
    for (std::size_t i = 0; i < n; ++i) {
        const double ui = u[i];
        du[i] = -g_lk * ui + soma_input[i] + g_E[i] * (E_E - ui) + g_I[i] * (E_I - ui);
    }
    for (int d = 0; d < p.n_dendrites; ++d) {
        const dendrite_params& dp = p.dend[d];
        const double g_couple = dp.g_couple;
        const double* __restrict v = s.v[d];
        for (std::size_t i = 0; i < n; ++i) du[i] += g_couple * (v[i] - u[i]);
        if (dp.dynamic) {
            const double inv_tau = 1.0 / dp.tau_ms, g_back = dp.g_back;
            const double* __restrict in = s.input[d];
            double* __restrict dv = s.dv[d];
            for (std::size_t i = 0; i < n; ++i)
                dv[i] = inv_tau * (-v[i] + in[i] + g_back * (u[i] - v[i]));
        }
    }
    for (std::size_t i = 0; i < n; ++i) du[i] *= inv_C;
}

int local_size(const dendritic_neuron_params& p) {
    int k = 1;
    for (int d = 0; d < p.n_dendrites; ++d)
        if (p.dend[d].dynamic) ++k;
    return k;
}

Eigen::Matrix3d local_jacobian(const dendritic_neuron_params& p, double g_E, double g_I) {
    Eigen::Matrix3d J = Eigen::Matrix3d::Zero();
    double duu = -(p.g_lk + g_E + g_I);
    int k = 1;
    for (int d = 0; d < p.n_dendrites; ++d) {
        const dendrite_params& dp = p.dend[d];
        duu -= dp.g_couple;
        if (!dp.dynamic) continue;  // v_d = I_d depends on other neurons only
        J(0, k) = dp.g_couple / p.C;
        J(k, 0) = dp.g_back / dp.tau_ms;
        J(k, k) = -(1.0 + dp.g_back) / dp.tau_ms;
        ++k;
    }
    J(0, 0) = duu / p.C;
    return J;
}

} // namespace cortexsim

#pragma once
/// The kernel shared by pyramidal neurons and interneurons: a soma coupled to up to two
/// dendrites, each either instantaneous (algebraic) or dynamic (its own ODE).
///
/// Soma (Sacramento et al. 2018, eq. 1 and 2; nudging as in Urbanczik & Senn 2014):
///   C du/dt = -g_lk u + sum_d g_d (v_d - u) + I_soma + g_E (E_E - u) + g_I (E_I - u)
/// Instantaneous dendrite (eq. 3-5):  v_d = I_d, the weighted sum of its synaptic inputs.
/// Dynamic dendrite:  tau_d dv_d/dt = -v_d + I_d + b_d (u - v_d)
/// so its steady state with b_d = 0 equals the instantaneous value; b_d > 0 adds a
/// back-propagating coupling from the soma. Runs over n neurons of one population.

#include <array>
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace cortexsim {

constexpr int max_dendrites = 2;

struct dendrite_params {
    double g_couple = 0.0;  ///< dendrite-to-soma conductance (g_B, g_A or g_D)
    double tau_ms = 3.0;    ///< dynamic only
    double g_back = 0.0;    ///< dynamic only
    bool dynamic = false;
};

struct dendritic_neuron_params {
    double C = 1.0;
    double g_lk = 0.1;
    double E_E = 14.0 / 3.0;
    double E_I = -1.0 / 3.0;
    int n_dendrites = 0;
    std::array<dendrite_params, max_dendrites> dend{};
};

/// Pointers into one population's slices; all arrays have n entries. For an instantaneous
/// dendrite d, v_state[d] and dv[d] are null and v[d] receives I_d.
struct dendritic_neuron_view {
    std::size_t n = 0;
    const double* u = nullptr;
    double* du = nullptr;
    std::array<const double*, max_dendrites> v_state{};
    std::array<double*, max_dendrites> dv{};
    std::array<const double*, max_dendrites> input{};  ///< I_d: synaptic + injected
    std::array<double*, max_dendrites> v{};            ///< out: dendritic potential used
    const double* soma_input = nullptr;                ///< I_soma
    const double* g_E = nullptr;                       ///< nudging conductances
    const double* g_I = nullptr;
};

/// Writes du (and dv of dynamic dendrites) and the dendritic potentials v.
void dendritic_neuron_rhs(const dendritic_neuron_params& p, const dendritic_neuron_view& s);

/// Only the dendritic potentials (for recording): v_d from state or from I_d.
void dendritic_potentials(const dendritic_neuron_params& p, const dendritic_neuron_view& s);

/// Number of dynamic variables per neuron (1 + dynamic dendrites).
int local_size(const dendritic_neuron_params& p);

/// Jacobian of one neuron's own variables [u, dynamic dendrites...] with respect to each
/// other, network input held fixed: the block used by the block-diagonal preconditioner.
Eigen::Matrix3d local_jacobian(const dendritic_neuron_params& p, double g_E, double g_I);

} // namespace cortexsim

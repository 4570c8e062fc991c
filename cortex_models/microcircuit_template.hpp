#pragma once
/// The layered dendritic error microcircuit of Sacramento et al. 2018 (Fig. 1), expanded into
/// plain populations and projections so that everything downstream sees an ordinary model:
///   input -> P1.basal -> P2.basal ... -> PL.basal          (bottom-up, eq. 3)
///   P(k+1) -> Pk.apical                                     (top-down, eq. 4)
///   Pk -> Ik.dendrite, Ik -> Pk.apical                      (lateral interneurons, eq. 4-5)
///   P(k+1) => Ik.soma                                       (one-to-one nudging, g_som)
/// Interneuron layer k has as many neurons as pyramidal layer k+1 (one-to-one nudging partners).
/// Plasticity (eq. 7-9): forward P->P basal weights and P->I weights learn by dendritic
/// prediction, I->P apical weights by apical silencing; top-down weights stay fixed (the
/// feedback-alignment regime). A learning rate of 0 leaves a pathway fixed.
/// The output layer PL has no apical input (g_A = 0).

#include <string>
#include <vector>

#include "core/model_desc.hpp"

namespace cortexsim {

struct microcircuit_spec {
    std::string prefix;                ///< prepended to every population name
    std::size_t n_input = 0;
    std::vector<std::size_t> layers;   ///< pyramidal layer sizes; the last is the output layer
    double g_lk = 0.1, g_B = 1.0, g_A = 0.8, g_D = 1.0;
    double weight_scale = 0.5;         ///< initial weights uniform(-scale, scale)
    /// Input weights uniform(-w_input, w_input); < 0: weight_scale. A wide input (784 pixels)
    /// needs smaller weights than the other pathways to keep the first layer out of saturation.
    double w_input = -1.0;
    std::string transfer = "soft_relu";
    param_table transfer_params;       ///< e.g. gamma, beta, theta; empty: the defaults
    std::string dendrites = "instantaneous";
    double g_som = 0.8;                ///< interneuron nudging by the next layer's somata
    double eta_PP = 0.0;               ///< forward weights (dendritic_prediction)
    /// Per-layer forward learning rates (entry k-1 for the weights into layer k); overrides
    /// eta_PP when not empty. Sacramento et al. 2018 use a larger rate for the hidden layer.
    std::vector<double> eta_PP_per_layer;
    double eta_IP = 0.0;               ///< pyramidal -> interneuron (dendritic_prediction)
    double eta_PI = 0.0;               ///< interneuron -> apical (apical_silencing)
    double tau_w_ms = 30.0;            ///< plasticity low-pass filter
    double pause_ms = 0.0;             ///< no learning right after a stimulus switch
    /// L2 decay of the forward pyramidal weights, dW/dt = eta (e r^T - weight_decay W)
    /// (dendritic_prediction's `weight_decay`); the interneurons' weights follow by learning.
    double weight_decay = 0.0;
    /// Start the interneuron weights in the self-predicting state (Sacramento et al. 2018):
    /// W_IP = g_B (g_lk + g_D) / (g_D (g_lk + g_B + g_A')) W_PP (g_A' of the layer above, 0 for
    /// the output) and W_PI = -W_top-down, as weight copies of those projections.
    bool self_predicting_init = false;
};

/// Name of the forward projection into pyramidal layer k (k >= 2) and of the top-down
/// projection from layer k+1, for weight copies and inspection.
std::string microcircuit_forward(const microcircuit_spec& s, std::size_t k);
std::string microcircuit_top_down(const microcircuit_spec& s, std::size_t k);

/// Names used by the template, so tasks and tests can address the parts.
std::string microcircuit_input(const microcircuit_spec& s);
std::string microcircuit_pyramidal(const microcircuit_spec& s, std::size_t layer);   ///< 1-based
std::string microcircuit_interneuron(const microcircuit_spec& s, std::size_t layer); ///< 1-based

/// Appends the microcircuit to `model`. Throws std::invalid_argument for an empty layer list or
/// a zero size (a C++ caller's bug; TOML input is validated by lowering).
void add_microcircuit(model_desc& model, const microcircuit_spec& spec);

} // namespace cortexsim

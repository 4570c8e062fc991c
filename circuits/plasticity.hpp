#pragma once
/// Weight updates by operator splitting (DESIGN.md "Integration"): the network state is held
/// fixed over one plasticity interval dt while the weights take one exact step of
///   tau_w dDelta/dt = -Delta + T,   dW/dt = eta Delta,   T = e r_pre^T
/// (Sacramento et al. 2018: plasticity terms low-pass filtered with tau_w = 30 ms), where e is
/// the rule's postsynaptic error (circuits/network.cpp computes it) and r_pre the presynaptic
/// rates. With T constant over the step the solution is exact:
///   Delta(t+dt) = T + (Delta - T) a,   W(t+dt) = W + eta (T dt + (Delta - T) tau_w (1 - a)),
///   a = exp(-dt / tau_w);  tau_w = 0 gives W += eta dt T.
/// As dt -> 0 this converges to the continuous rule at first order in dt.

#include <Eigen/Dense>

#include "circuits/lowered_model.hpp"

namespace cortexsim {

/// The learning state of one plastic projection, sized like its weight matrix.
struct plasticity_trace {
    Eigen::MatrixXd delta;    ///< low-pass filtered update term
    Eigen::MatrixXd scratch;  ///< holds T during a step; kept to avoid allocation per step
};

/// One operator-split step of length dt_ms; `W` is target x source.
void plasticity_step(const lowered_plasticity& rule, const Eigen::Ref<const Eigen::VectorXd>& post_error,
                     const Eigen::Ref<const Eigen::VectorXd>& pre_rate, double dt_ms,
                     plasticity_trace& trace, Eigen::MatrixXd& W);

/// Clamps weights to the projection's sign (Dale's law) after an update.
void enforce_sign(sign_constraint sign, Eigen::MatrixXd& W);

} // namespace cortexsim

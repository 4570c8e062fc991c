#include "circuits/plasticity.hpp"

#include <cmath>

namespace cortexsim {

void plasticity_step(const lowered_plasticity& rule, const Eigen::Ref<const Eigen::VectorXd>& e,
                     const Eigen::Ref<const Eigen::VectorXd>& r, double dt, plasticity_trace& tr,
                     Eigen::MatrixXd& W) {
    if (rule.tau_w_ms <= 0.0) {
        W.noalias() += (rule.eta * dt) * e * r.transpose();
        return;
    }
    if (tr.delta.rows() != W.rows() || tr.delta.cols() != W.cols()) {
        tr.delta = Eigen::MatrixXd::Zero(W.rows(), W.cols());
        tr.scratch.resize(W.rows(), W.cols());
    }
    const double a = std::exp(-dt / rule.tau_w_ms);
    tr.scratch.noalias() = e * r.transpose();  // T
    tr.delta -= tr.scratch;                     // Delta - T
    W += rule.eta * dt * tr.scratch + (rule.eta * rule.tau_w_ms * (1.0 - a)) * tr.delta;
    tr.delta = tr.scratch + a * tr.delta;
}

void enforce_sign(sign_constraint sign, Eigen::MatrixXd& W) {
    if (sign == sign_constraint::excitatory) W = W.cwiseMax(0.0);
    else if (sign == sign_constraint::inhibitory) W = W.cwiseMin(0.0);
}

} // namespace cortexsim

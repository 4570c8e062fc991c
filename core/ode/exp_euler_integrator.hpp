#pragma once
/// Fixed-step exponential Euler with the system's local (per-neuron) Jacobian diagonal:
/// each state component's own decay is integrated exactly, its coupling to the others
/// explicitly. Stable for the local decay at any step; same fixed points as the ODE.

#include <utility>
#include <vector>

#include "core/ode/integrator.hpp"

namespace cortexsim::ode {

/// y_{k+1} = y_k + h phi1(h d) f(t_k, y_k), phi1(z) = (e^z - 1)/z, with d the diagonal of the
/// system's local Jacobian (ode_system::local_diagonal), read at the first step after each
/// reset(), the factors recomputed only when it changed. Steps are laid
/// on the grid of euler_integrator (options.dt_ms, the last step of each advance() landing on
/// t_out). Needs ode_system::has_local_diagonal(); no heap allocation per step.
class exp_euler_integrator final : public integrator {
public:
    /// Throws std::invalid_argument unless options.dt_ms is positive and finite and the system
    /// provides its local diagonal.
    exp_euler_integrator(ode_system& system, const integrator_options& options);

    void reset(double t0, const double* y0) override;
    void advance(double t_out, double t_stop, double* y_out) override;
    double time() const override { return t_; }
    integrator_stats stats() const override { return stats_; }
    solver_kind kind() const override { return solver_kind::exp_euler; }
    void set_step_check(step_check check) override { step_check_ = std::move(check); }

private:
    /// factor[i] = h phi1(h d[i]).
    void step_factors(double h, std::vector<double>& factor) const;

    ode_system& system_;
    double dt_;
    std::vector<double> y_;
    std::vector<double> dydt_;
    std::vector<double> diagonal_;      ///< the diagonal factor_dt_ was computed from
    std::vector<double> new_diagonal_;  ///< scratch: the diagonal read after a reset()
    std::vector<double> factor_dt_;     ///< step_factors(dt_), valid since the last reset()
    std::vector<double> factor_short_;  ///< step_factors(h) of the last shortened step
    double short_h_ = -1.0;             ///< the h of factor_short_; < 0: none
    bool factors_valid_ = false;
    bool diagonal_due_ = true;  ///< read the diagonal at the next step (set by reset())
    double t_ = 0.0;
    bool initialised_ = false;
    integrator_stats stats_;
    step_check step_check_;
};

} // namespace cortexsim::ode

#pragma once
/// Fixed-step forward Euler, the reference scheme of the published rate and compartment models.

#include <utility>
#include <vector>

#include "core/ode/integrator.hpp"

namespace cortexsim::ode {

/// y_{k+1} = y_k + h f(t_k, y_k) with h = options.dt_ms, except that the last step of each
/// advance() is shortened (or stretched by at most a rounding error) to land exactly on t_out.
/// No SUNDIALS involved; no heap allocation per step.
class euler_integrator final : public integrator {
public:
    /// Throws std::invalid_argument unless options.dt_ms is positive and finite.
    euler_integrator(ode_system& system, const integrator_options& options);

    void reset(double t0, const double* y0) override;
    void advance(double t_out, double t_stop, double* y_out) override;
    /// The time of the current state: t0 after reset(), t_out after advance().
    double time() const override { return t_; }
    integrator_stats stats() const override { return stats_; }
    solver_kind kind() const override { return solver_kind::euler; }
    void set_step_check(step_check check) override { step_check_ = std::move(check); }

private:
    ode_system& system_;
    double dt_;
    std::vector<double> y_;     ///< state at t_
    std::vector<double> dydt_;  ///< derivative scratch, sized once so steps never allocate
    double t_ = 0.0;
    bool initialised_ = false;
    integrator_stats stats_;
    step_check step_check_;
};

} // namespace cortexsim::ode

#include "core/ode/exp_euler_integrator.hpp"
#include "core/ode/fixed_step_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace cortexsim::ode {

exp_euler_integrator::exp_euler_integrator(ode_system& system, const integrator_options& options)
    : system_(system), dt_(options.dt_ms), y_(system.size()), dydt_(system.size()),
      diagonal_(system.size()), new_diagonal_(system.size()), factor_dt_(system.size()), factor_short_(system.size()) {
    if (!(dt_ > 0.0) || !std::isfinite(dt_))
        throw std::invalid_argument("exp-euler: dt_ms must be positive and finite, got " +
                                    std::to_string(dt_));
    if (!system.has_local_diagonal())
        throw std::invalid_argument("exp-euler: the system provides no local Jacobian diagonal");
}

void exp_euler_integrator::reset(double t0, const double* y0) {
    std::copy(y0, y0 + y_.size(), y_.begin());
    t_ = t0;
    if (initialised_) ++stats_.reinits;
    initialised_ = true;
    // The diagonal depends on the segment's latched conductances, which a restart may change;
    // it is read at the first step, and the factors are recomputed only if it changed (a
    // learning run restarts at every plasticity step with the same conductances).
    diagonal_due_ = true;
}

/*
 * Exponential Euler (exponential Rosenbrock-Euler with the Jacobian replaced by its local
 * diagonal D; Hochbruck & Ostermann 2010, Acta Numerica 19:209-286, Sec. 2, with the linear part taken
 * as a diagonal; docs/equations.md, "Exponential Euler", X1):
 *   y_{k+1} = y_k + h phi1(h D) f(t_k, y_k),   phi1(z) = (e^z - 1) / z,   phi1(0) = 1.
 * For a component whose derivative is d (y - y_inf) with y_inf fixed over the step this is
 * the exact solution y_inf + (y_k - y_inf) e^{h d}; the coupling through y_inf (other neurons'
 * rates) is taken at t_k, so the method is first order like forward Euler, but a component
 * with a fast own decay is stable at any h (the factor h phi1(h d) stays below 1/|d|) and
 * f(y) = 0 is a fixed point for every h, as for Euler. D is taken once per reset(): within a
 * segment the conductances that set it are constant (latched stimuli and nudging), so it is
 * exact there; where they are not, another D only changes the error constant, not the order
 * or the fixed points.
 */
void exp_euler_integrator::step_factors(double h, std::vector<double>& factor) const {
    for (std::size_t i = 0; i < diagonal_.size(); ++i) {
        const double z = h * diagonal_[i];
        factor[i] = z == 0.0 ? h : h * (std::expm1(z) / z);
    }
}

void exp_euler_integrator::advance(double t_out, double t_stop, double* y_out) {
    if (!initialised_) throw std::logic_error("exp-euler: advance() called before reset()");
    const std::size_t n = y_.size();
    advance_on_grid("exp-euler", t_, t_out, t_stop, dt_, [&](double t, double t_next) {
        const double h = t_next - t;
        system_.rhs(t, y_.data(), dydt_.data());
        if (diagonal_due_) {
            system_.local_diagonal(t, y_.data(), new_diagonal_.data());
            ++stats_.jac_evals;
            diagonal_due_ = false;
            if (!factors_valid_ || new_diagonal_ != diagonal_) {
                diagonal_.swap(new_diagonal_);
                step_factors(dt_, factor_dt_);
                factors_valid_ = true;
                short_h_ = -1.0;
            }
        }
        const double* factor = factor_dt_.data();
        if (h != dt_) {
            if (h != short_h_) {
                step_factors(h, factor_short_);
                short_h_ = h;
            }
            factor = factor_short_.data();
        }
        for (std::size_t i = 0; i < n; ++i) y_[i] += factor[i] * dydt_[i];
        ++stats_.steps;
        ++stats_.rhs_evals;
        if (step_check_) step_check_(t_next, y_.data());
    });
    std::copy(y_.begin(), y_.end(), y_out);
}

} // namespace cortexsim::ode

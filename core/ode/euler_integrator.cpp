#include "core/ode/euler_integrator.hpp"
#include "core/ode/fixed_step_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace cortexsim::ode {

euler_integrator::euler_integrator(ode_system& system, const integrator_options& options)
    : system_(system), dt_(options.dt_ms), y_(system.size()), dydt_(system.size()) {
    if (!(dt_ > 0.0) || !std::isfinite(dt_))
        throw std::invalid_argument("euler: dt_ms must be positive and finite, got " +
                                    std::to_string(dt_));
}

void euler_integrator::reset(double t0, const double* y0) {
    std::copy(y0, y0 + y_.size(), y_.begin());
    t_ = t0;
    if (initialised_) ++stats_.reinits;
    initialised_ = true;
}

void euler_integrator::advance(double t_out, double t_stop, double* y_out) {
    if (!initialised_) throw std::logic_error("euler: advance() called before reset()");
    const std::size_t n = y_.size();
    advance_on_grid("euler", t_, t_out, t_stop, dt_, [&](double t, double t_next) {
        const double h = t_next - t;
        system_.rhs(t, y_.data(), dydt_.data());
        for (std::size_t i = 0; i < n; ++i) y_[i] += h * dydt_[i];
        ++stats_.steps;
        ++stats_.rhs_evals;
        if (step_check_) step_check_(t_next, y_.data());
    });
    std::copy(y_.begin(), y_.end(), y_out);
}

} // namespace cortexsim::ode

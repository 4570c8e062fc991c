#include "core/ode/euler_integrator.hpp"

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

/*
 * Step times are laid on a grid t_k = t_begin + k*dt anchored at the time the call starts, and
 * computed by multiplication rather than by summing dt, so rounding does not accumulate. The
 * step that would reach or pass t_out (allowing a relative slack of 1e-9 of dt, far below any
 * meaningful step size) instead ends exactly at t_out. Hence every output time is hit exactly,
 * no step is longer than dt by more than that slack, none is a rounding-error sliver, and the
 * right-hand side is never evaluated beyond t_out <= t_stop.
 */
void euler_integrator::advance(double t_out, double t_stop, double* y_out) {
    if (!initialised_) throw std::logic_error("euler: advance() called before reset()");
    if (t_out < t_ || t_out > t_stop)
        throw std::invalid_argument("euler: advance needs time <= t_out <= t_stop, got time " +
                                    std::to_string(t_) + ", t_out " + std::to_string(t_out) +
                                    ", t_stop " + std::to_string(t_stop));
    const std::size_t n = y_.size();
    const double t_begin = t_;
    const double slack = 1e-9 * dt_;
    for (long k = 1; t_ < t_out; ++k) {
        const double grid = t_begin + static_cast<double>(k) * dt_;
        const double t_next = (grid >= t_out - slack) ? t_out : grid;
        const double h = t_next - t_;
        system_.rhs(t_, y_.data(), dydt_.data());
        for (std::size_t i = 0; i < n; ++i) y_[i] += h * dydt_[i];
        t_ = t_next;
        ++stats_.steps;
        ++stats_.rhs_evals;
        if (step_check_) step_check_(t_, y_.data());
    }
    std::copy(y_.begin(), y_.end(), y_out);
}

} // namespace cortexsim::ode

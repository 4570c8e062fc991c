#pragma once
/// The step grid of the fixed-step methods (euler, exp-euler), in one place.
///
/// Step times are laid on a grid t_k = t_begin + k*dt anchored at the time the call starts, and
/// computed by multiplication rather than by summing dt, so rounding does not accumulate. The
/// step that would reach or pass t_out (allowing a relative slack of 1e-9 of dt, far below any
/// meaningful step size) instead ends exactly at t_out. Hence every output time is hit exactly,
/// no step is longer than dt by more than that slack, none is a rounding-error sliver, and the
/// right-hand side is never evaluated beyond t_out <= t_stop.

#include <stdexcept>
#include <string>

namespace cortexsim::ode {

/// Advances `t` to t_out, calling step(t_prev, t_next) for every step of the grid, with `t`
/// already at t_next (so a check inside the step that throws leaves the clock where the
/// state is). Throws std::invalid_argument naming `method` unless t <= t_out <= t_stop.
template <class Step>
void advance_on_grid(const char* method, double& t, double t_out, double t_stop, double dt, Step&& step) {
    if (t_out < t || t_out > t_stop)
        throw std::invalid_argument(std::string(method) + ": advance needs time <= t_out <= t_stop, got time " +
                                    std::to_string(t) + ", t_out " + std::to_string(t_out) + ", t_stop " +
                                    std::to_string(t_stop));
    const double t_begin = t;
    const double slack = 1e-9 * dt;
    for (long k = 1; t < t_out; ++k) {
        const double grid = t_begin + static_cast<double>(k) * dt;
        const double t_next = (grid >= t_out - slack) ? t_out : grid;
        const double t_prev = t;
        t = t_next;
        step(t_prev, t_next);
    }
}

} // namespace cortexsim::ode

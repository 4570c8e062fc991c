#pragma once
/// What the simulation clock needs from a model: an ODE right-hand side plus the schedule of
/// its discontinuities. The network (circuits/) implements it; core/ never sees neurons.

#include <map>
#include <string>

#include "core/ode/integrator.hpp"

namespace cortexsim {

class dynamical_system : public ode::ode_system {
public:
    /// Writes the initial state (size() values).
    virtual void initial_state(double* y) const = 0;
    /// Fills one absolute tolerance per state component: `per_variable` (keyed by variable name,
    /// e.g. "u_soma") overrides `fallback`.
    virtual void absolute_tolerances(double fallback,
                                     const std::map<std::string, double>& per_variable,
                                     double* atol) const = 0;
    /// The first scheduled discontinuity strictly after t; +infinity if none.
    virtual double next_discontinuity_after(double t) const = 0;
    /// Latch the piecewise-constant inputs valid on [t, next discontinuity). Inputs are
    /// right-continuous: at a switch time the new value already holds. May change y (a jump).
    virtual void enter_segment(double t, double* y) = 0;
    /// A resumed run (checkpoint) latches the inputs of the segment it stopped in: as
    /// enter_segment, but it is no new segment, so nothing that counts switches may change.
    virtual void resume_segment(double t, double* y) { enter_segment(t, y); }
    /// Throws numerical_error naming population, neuron and variable if y is non-finite or
    /// beyond the configured bound.
    virtual void check_state(double t, const double* y) const = 0;
};

} // namespace cortexsim

#pragma once
/// Time logic of piecewise-constant stimuli: which row holds at t (right-continuous, so at a
/// switch time the new row already applies) and where the next switch lies.

#include "circuits/lowered_model.hpp"

namespace cortexsim {

/// Index of the row holding at t, or -1 if the stimulus is off (before its first time or at
/// or after stop_ms).
int active_row(const lowered_stimulus& s, double t_ms);

/// First time strictly after t at which the stimulus changes; +infinity if none.
double next_switch_after(const lowered_stimulus& s, double t_ms);

} // namespace cortexsim

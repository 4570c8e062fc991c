#include "circuits/stimulus_schedule.hpp"

#include <algorithm>
#include <limits>

namespace cortexsim {

int active_row(const lowered_stimulus& s, double t_ms) {
    if (s.stop_ms >= 0 && t_ms >= s.stop_ms) return -1;
    // upper_bound: the first time > t; the row before it is the one holding at t.
    auto it = std::upper_bound(s.times_ms.begin(), s.times_ms.end(), t_ms);
    if (it == s.times_ms.begin()) return -1;
    return static_cast<int>(it - s.times_ms.begin()) - 1;
}

double next_switch_after(const lowered_stimulus& s, double t_ms) {
    double next = std::numeric_limits<double>::infinity();
    auto it = std::upper_bound(s.times_ms.begin(), s.times_ms.end(), t_ms);
    if (it != s.times_ms.end()) next = *it;
    if (s.stop_ms >= 0 && s.stop_ms > t_ms) next = std::min(next, s.stop_ms);
    return next;
}

} // namespace cortexsim

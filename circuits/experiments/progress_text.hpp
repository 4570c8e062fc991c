#pragma once
/// The tail of a task's progress line: the wall time so far and, from the rate so far, the
/// time left, "(12.3 s, ~45 s left)". `at_most`: the task may end early (a criterion), so the
/// estimate is an upper bound, "(12.3 s, <= 45 s left)".

#include <cstdio>
#include <string>

namespace cortexsim {

inline std::string elapsed_and_left(double elapsed_s, double done, double total, bool at_most = false) {
    char buf[96];
    if (done <= 0.0 || done >= total) {
        std::snprintf(buf, sizeof buf, "(%.1f s)", elapsed_s);
        return buf;
    }
    const double left = elapsed_s * (total - done) / done;
    if (left < 120.0)
        std::snprintf(buf, sizeof buf, "(%.1f s, %s%.0f s left)", elapsed_s, at_most ? "<= " : "~", left);
    else
        std::snprintf(buf, sizeof buf, "(%.1f s, %s%.1f min left)", elapsed_s, at_most ? "<= " : "~", left / 60.0);
    return buf;
}

} // namespace cortexsim

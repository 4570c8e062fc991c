#pragma once
/// Progress of a long run: a redrawn bar on a terminal, a plain line every 10% otherwise.
/// Silent for runs shorter than a second, so quick runs and test logs stay clean.

#include <chrono>
#include <ostream>

namespace cortexsim {

class progress_reporter {
public:
    progress_reporter(std::ostream& out, bool terminal, double t_end_ms);
    void update(double t_ms);
    /// Completes the bar line (terminal) if anything was drawn.
    void finish();

private:
    using clock = std::chrono::steady_clock;
    double elapsed_s() const;

    std::ostream& out_;
    bool terminal_;
    double t_end_ms_;
    clock::time_point start_;
    clock::time_point last_draw_;
    int last_decile_ = 0;
    bool drawn_ = false;
};

} // namespace cortexsim

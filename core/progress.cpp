#include "core/progress.hpp"

#include <cstdio>
#include <string>

namespace cortexsim {

progress_reporter::progress_reporter(std::ostream& out, bool terminal, double t_end_ms)
    : out_(out), terminal_(terminal), t_end_ms_(t_end_ms), start_(clock::now()),
      last_draw_(start_) {}

double progress_reporter::elapsed_s() const {
    return std::chrono::duration<double>(clock::now() - start_).count();
}

void progress_reporter::update(double t_ms) {
    const double elapsed = elapsed_s();
    if (elapsed < 1.0) return;
    const double frac = t_end_ms_ > 0 ? std::min(1.0, t_ms / t_end_ms_) : 1.0;
    char buf[160];
    if (terminal_) {
        if (drawn_ && clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
        constexpr int width = 30;
        const int filled = static_cast<int>(frac * width);
        const double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
        std::snprintf(buf, sizeof buf, "\r[%s%s] %5.1f%%  t = %.0f / %.0f ms  %.1f s, ~%.0f s left ",
                      std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                      100.0 * frac, t_ms, t_end_ms_, elapsed, eta);
        out_ << buf << std::flush;
        last_draw_ = clock::now();
        drawn_ = true;
    } else {
        const int decile = static_cast<int>(frac * 10.0);
        if (decile <= last_decile_) return;
        last_decile_ = decile;
        std::snprintf(buf, sizeof buf, "progress: %3d%%  t = %.0f / %.0f ms  %.1f s elapsed\n",
                      decile * 10, t_ms, t_end_ms_, elapsed);
        out_ << buf << std::flush;
    }
}

void progress_reporter::finish() {
    if (terminal_ && drawn_) out_ << "\n";
}

} // namespace cortexsim

#include "circuits/budget.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"

namespace cortexsim {

const budget_part* budget_estimate::largest() const {
    const budget_part* out = nullptr;
    for (const budget_part& p : parts)
        if (!out || p.bytes > out->bytes) out = &p;
    return out;
}

namespace {
/// MemAvailable of /proc/meminfo in bytes, 0 if unknown.
double available_memory_bytes() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream fields(line.substr(13));
        double kib = 0.0;
        if (fields >> kib) return kib * 1024.0;
    }
    return 0.0;
}
} // namespace

budget_limit memory_limit(const budget_limits& limits) {
    if (limits.memory_bytes > 0.0) return {limits.memory_bytes, "--max-memory " + format_bytes(limits.memory_bytes)};
    if (const char* mb = std::getenv("CORTEXSIM_MEMORY_LIMIT_MB")) {
        char* end = nullptr;
        const double v = std::strtod(mb, &end);
        if (end != mb && *end == '\0' && v > 0.0)
            return {v * 1024.0 * 1024.0, "the CORTEXSIM_MEMORY_LIMIT_MB=" + std::string(mb) + " allowed"};
    }
    if (const double available = available_memory_bytes(); available > 0.0)
        return {available, "this machine's available memory"};
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return {};  // unknown: no check
    return {static_cast<double>(pages) * static_cast<double>(page), "this machine's memory"};
}

budget_limit output_limit(const budget_limits& limits, const std::string& run_dir) {
    if (limits.output_bytes > 0.0) return {limits.output_bytes, "--max-output " + format_bytes(limits.output_bytes)};
    // The run folder may not exist yet: ask its nearest existing parent.
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path at = fs::absolute(run_dir.empty() ? fs::path(".") : fs::path(run_dir), ec);
    while (!at.empty() && !fs::exists(at, ec) && at != at.parent_path()) at = at.parent_path();
    struct statvfs st {};
    if (at.empty() || ::statvfs(at.c_str(), &st) != 0) return {};
    return {static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize),
            "the free space at " + at.string()};
}

std::string format_bytes(double b) {
    char buf[64];
    if (b >= 1e12) std::snprintf(buf, sizeof buf, "%.3g TB", b / 1e12);
    else if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.3g GB", b / 1e9);
    else if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.3g MB", b / 1e6);
    else std::snprintf(buf, sizeof buf, "%.3g kB", b / 1e3);
    return buf;
}

void check_budget(const budget_estimate& e, const budget_limit& limit, const std::string& kind,
                  const std::string& hint) {
    const budget_part* largest = e.largest();
    if (!largest || limit.bytes <= 0.0 || e.bytes <= limit.bytes) return;
    const bool alone = largest->bytes > limit.bytes;
    throw model_error(largest->where,
                      "the model needs at least " + format_bytes(e.bytes) + " of " + kind + ", more than " +
                          limit.what + " (" + format_bytes(limit.bytes) + "); " + (alone ? "" : "the largest part, ") +
                          format_bytes(largest->bytes) + (alone ? " of it alone for " : ", is ") + largest->what +
                          hint);
}

} // namespace cortexsim

#include "circuits/experiments/run_types.hpp"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>


namespace cortexsim {

namespace fs = std::filesystem;

std::string to_string(report_format f) {
    switch (f) {
    case report_format::hdf5: return "hdf5";
    case report_format::csv: return "csv";
    case report_format::both: break;
    }
    return "both";
}

report_format parse_report_format(const std::string& s) {
    if (s == "both") return report_format::both;
    if (s == "hdf5") return report_format::hdf5;
    if (s == "csv") return report_format::csv;
    throw std::invalid_argument("unknown output format '" + s +
                                "'; expected 'hdf5', 'csv' or 'both'");
}

void set_checkpoint_interval(const std::string& text, run_options& o) {
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(text.c_str(), &end);
    const std::string unit = end ? end : "";
    const bool ok = end != text.c_str() && errno != ERANGE && x > 0.0 && std::isfinite(x);
    if (ok && unit == "ms") o.checkpoint_every_ms = x;
    else if (ok && unit == "s") o.checkpoint_every_s = x;
    else if (ok && unit == "min") o.checkpoint_every_s = 60.0 * x;
    else if (ok && unit == "h") o.checkpoint_every_s = 3600.0 * x;
    else
        throw std::invalid_argument("a checkpoint interval is a positive time with its unit: model time in ms "
                                    "(500ms) or wall time in s, min or h (30s, 10min, 2h), got '" + text + "'");
}

run_interrupted::run_interrupted(int signal, double t_ms)
    : std::runtime_error("interrupted by " + signal_name(signal)), signal_(signal), t_ms_(t_ms) {}

std::string signal_name(int signal) {
    if (signal == SIGINT) return "SIGINT";
    if (signal == SIGTERM) return "SIGTERM";
    return "signal " + std::to_string(signal);
}

std::string format_summary(const model_desc& desc, const run_result& r) {
    char stopped[160] = "";
    if (r.stop_signal != 0)
        std::snprintf(stopped, sizeof stopped,
                      "stopped early by %s at t = %g of %g ms; the files hold every sample up to "
                      "then\n",
                      signal_name(r.stop_signal).c_str(), r.stopped_at_ms, r.duration_ms);
    char buf[1024];
    const auto& s = r.stats;
    std::snprintf(buf, sizeof buf,
                  "model '%s': %g ms simulated in %.3f s wall (seed %llu)\n%s"
                  "solver %s: %ld steps, %ld RHS evaluations, %ld nonlinear iterations "
                  "(%ld convergence failures), %ld linear iterations, %ld error-test failures, "
                  "%ld Jacobian evaluations, %ld preconditioner setups / %ld solves, "
                  "%ld re-initialisations\n"
                  "%zu samples recorded\nrun folder: %s\n",
                  desc.simulation.name.value.c_str(),
                  r.stop_signal != 0 ? r.stopped_at_ms : r.duration_ms, r.wall_s,
                  static_cast<unsigned long long>(desc.simulation.seed.value), stopped,
                  ode::to_string(r.solver).c_str(), s.steps, s.rhs_evals, s.nonlin_iters,
                  s.nonlin_conv_fails, s.lin_iters, s.err_test_fails, s.jac_evals, s.prec_evals,
                  s.prec_solves, s.reinits, r.samples, r.run_dir.c_str());
    std::string out = buf + r.task_summary;
    return r.learning_table.empty() ? out : out + "\n" + r.learning_table;
}

} // namespace cortexsim

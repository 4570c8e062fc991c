#include "circuits/trial_runner.hpp"

#include <algorithm>
#include <stdexcept>

namespace cortexsim {

trial_runner::trial_runner(network& net, simulation& sim) : net_(net), sim_(sim) {
    if (net.model().phases.empty())
        throw std::invalid_argument("trial_runner: the model declares no [[phase]]");
}

double trial_runner::trial_ms() const {
    double total = 0.0;
    for (const auto& p : net_.model().phases) total += p.duration_ms;
    return total;
}

bool trial_runner::run_phase(std::size_t k, double t_stop) {
    const lowered_phase& ph = net_.model().phases[k];
    net_.enter_phase(static_cast<int>(k));
    sim_.restart();  // the phase's gains and inputs are a discontinuity
    const double t_end = sim_.time() + ph.duration_ms;
    sim_.run(std::min(t_end, t_stop));
    if (sim_.time() < t_end) return false;
    const double* y = sim_.state().data();
    const double t = sim_.time();
    net_.end_phase(k, t, y, [&] {
        for (auto& fn : listeners_) fn(k, t, y);
    });
    return true;
}

void trial_runner::run_trial() {
    const std::size_t n = net_.model().phases.size();
    for (std::size_t k = 0; k < n; ++k) run_phase(k, sim_.time() + 1e300);
    net_.end_trial();
    ++trials_;
}

void trial_runner::run_phases(std::size_t n) {
    n = std::min(n, net_.model().phases.size());
    for (std::size_t k = 0; k < n; ++k) run_phase(k, sim_.time() + 1e300);
}

void trial_runner::run_until(double t_end_ms) {
    const std::size_t n = net_.model().phases.size();
    while (sim_.time() < t_end_ms) {
        for (std::size_t k = 0; k < n; ++k)
            if (!run_phase(k, t_end_ms)) return;
        net_.end_trial();
        ++trials_;
        if (trial_end_) trial_end_(sim_.time());
    }
}

} // namespace cortexsim

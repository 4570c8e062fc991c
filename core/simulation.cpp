#include "core/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

simulation::simulation(dynamical_system& system, ode::integrator_options options,
                       double atol_fallback, const std::map<std::string, double>& atol_per_variable)
    : system_(system), y_(system.size(), 0.0) {
    if (options.atol.empty()) {
        options.atol.assign(system.size(), atol_fallback);
        system.absolute_tolerances(atol_fallback, atol_per_variable, options.atol.data());
    }
    integrator_ = ode::make_integrator(system_, options);
    integrator_->set_step_check(
        [this](double t, const double* y) {
            system_.check_state(t, y);
            if (step_poll_ && ++steps_since_poll_ >= poll_steps) {
                steps_since_poll_ = 0;
                step_poll_(t);
            }
        });
}

double simulation::first_sample_ms(double interval_ms, double start_ms) {
    // The smallest k with k * interval_ms >= start_ms, as the sampler computes its times.
    auto k = static_cast<long>(std::ceil(start_ms / interval_ms));
    while (k > 0 && static_cast<double>(k - 1) * interval_ms >= start_ms) --k;
    while (static_cast<double>(k) * interval_ms < start_ms) ++k;
    return static_cast<double>(k) * interval_ms;
}

void simulation::add_sampler(double interval_ms, sample_fn fn, double start_ms, double stop_ms) {
    if (!(interval_ms > 0.0)) throw std::invalid_argument("sampling interval must be positive");
    if (!(start_ms >= 0.0) || !(stop_ms >= start_ms)) throw std::invalid_argument("bad sampling window");
    if (started_) throw std::logic_error("samplers must be added before the first run()");
    const long first = static_cast<long>(std::llround(first_sample_ms(interval_ms, start_ms) / interval_ms));
    samplers_.push_back({interval_ms, first, std::move(fn), stop_ms});
}

void simulation::add_periodic_update(double interval_ms, update_fn fn) {
    if (!(interval_ms > 0.0)) throw std::invalid_argument("update interval must be positive");
    if (started_) throw std::logic_error("updates must be added before the first run()");
    updaters_.push_back({interval_ms, 1, std::move(fn)});
}

void simulation::set_start_time(double t_ms) {
    if (started_) throw std::logic_error("set_start_time must come before the first run()");
    if (!(t_ms >= 0.0) || !std::isfinite(t_ms)) throw std::invalid_argument("start time must be >= 0");
    t_ms_ = t_ms;
}

void simulation::start() {
    for (auto& u : updaters_)
        while (u.next_time() < t_ms_) ++u.next_index;
    system_.initial_state(y_.data());
    system_.enter_segment(t_ms_, y_.data());
    system_.check_state(t_ms_, y_.data());
    reset_integrator();
    next_discontinuity_ms_ = system_.next_discontinuity_after(t_ms_);
    started_ = true;
    fire_due_samplers();
    // Only a run that starts later than 0 has updates due at its start (the first is at one
    // interval): those of the run it continues.
    if (fire_due_updates()) reset_integrator();
}

void simulation::reset_integrator() {
    integrator_->reset(t_ms_, y_.data());
    fresh_ = true;
}

void simulation::save_state(state_writer& w) const {
    if (!started_) throw std::logic_error("simulation::save_state before the first run()");
    w.put("sim/t_ms", t_ms_);
    w.put("sim/y", y_);
    std::vector<std::uint64_t> next;
    for (const auto& s : samplers_) next.push_back(static_cast<std::uint64_t>(s.next_index));
    w.put_u64("sim/sampler_next", next);
    next.clear();
    for (const auto& u : updaters_) next.push_back(static_cast<std::uint64_t>(u.next_index));
    w.put_u64("sim/update_next", next);
}

void simulation::restore_state(const state_reader& r) {
    if (started_) throw std::logic_error("simulation::restore_state after the first run()");
    t_ms_ = r.number("sim/t_ms");
    r.doubles_into("sim/y", y_.data(), y_.size());
    const auto& s_next = r.u64s("sim/sampler_next", samplers_.size());
    for (std::size_t k = 0; k < samplers_.size(); ++k) samplers_[k].next_index = static_cast<long>(s_next[k]);
    const auto& u_next = r.u64s("sim/update_next", updaters_.size());
    for (std::size_t k = 0; k < updaters_.size(); ++k) updaters_[k].next_index = static_cast<long>(u_next[k]);
    // The segment's inputs latched again (the system keeps its own switch times), the
    // integrator restarted: at a checkpoint it had just restarted, or keeps no history.
    system_.resume_segment(t_ms_, y_.data());
    reset_integrator();
    last_reset_ms_ = t_ms_;
    next_discontinuity_ms_ = system_.next_discontinuity_after(t_ms_);
    started_ = true;
}

bool simulation::fire_due_updates() {
    bool changed = false;
    for (auto& u : updaters_) {
        if (u.next_time() != t_ms_) continue;
        changed |= u.fn(t_ms_, y_.data());
        ++u.next_index;
    }
    return changed;
}

void simulation::fire_due_samplers() {
    for (auto& s : samplers_) {
        while (s.next_time() <= t_ms_) {
            if (s.next_time() == t_ms_) s.fn(t_ms_, y_.data());
            ++s.next_index;
        }
    }
}

void simulation::restart() {
    if (!started_) {
        start();
        return;
    }
    system_.enter_segment(t_ms_, y_.data());
    reset_integrator();
    last_reset_ms_ = t_ms_;
}

void simulation::run(double t_end_ms) {
    if (!started_) start();
    if (t_end_ms < t_ms_) throw std::invalid_argument("run(): end time lies in the past");
    while (t_ms_ < t_end_ms) {
        double seg_end = std::min(next_discontinuity_ms_, t_end_ms);
        for (const auto& u : updaters_) seg_end = std::min(seg_end, u.next_time());
        double t_out = seg_end;
        for (const auto& s : samplers_) t_out = std::min(t_out, s.next_time());
        integrator_->advance(t_out, seg_end, y_.data());
        t_ms_ = t_out;
        fresh_ = false;
        if (t_ms_ == next_discontinuity_ms_) {
            // Right-continuous inputs: switch first, so samples at t see the new segment.
            system_.enter_segment(t_ms_, y_.data());
            reset_integrator();
            last_reset_ms_ = t_ms_;
            next_discontinuity_ms_ = system_.next_discontinuity_after(t_ms_);
        }
        fire_due_samplers();
        const bool changed = fire_due_updates();
        // Already restarted if t was also a discontinuity; a second reset would be harmless
        // but would count twice in the statistics.
        if (changed && t_ms_ != last_reset_ms_) reset_integrator();
        if (progress_) progress_(t_ms_);
        if (checkpoint_ && (fresh_ || integrator_->kind() == ode::solver_kind::euler)) checkpoint_(t_ms_);
    }
}

} // namespace cortexsim

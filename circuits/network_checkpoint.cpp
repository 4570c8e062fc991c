// The network's part of a checkpoint (core/checkpoint/state_archive.hpp, docs/checkpoints.md).
#include "circuits/network.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

std::string pop_key(std::size_t p, const char* what) { return "net/pop/" + std::to_string(p) + "/" + what; }

/// A vector whose length the task chose (empty when never set): saved and restored as is.
void restore_vector(const state_reader& r, const std::string& name, std::vector<double>& v) { v = r.doubles(name); }

} // namespace

void network::save_state(state_writer& w) const {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        const population_state& ps = pops_[p];
        w.put(pop_key(p, "ext_rate"), ps.ext_rate);
        w.put(pop_key(p, "ext_target"), ps.ext_target);
        w.put(pop_key(p, "ext_soma"), ps.ext_soma);
        for (std::size_t d = 0; d < ps.ext_dend.size(); ++d)
            w.put(pop_key(p, "ext_dend") + std::to_string(d), ps.ext_dend[d]);
        w.put(pop_key(p, "ext_g_som"), ps.ext_g_som);
        w.put(pop_key(p, "noise"), ps.noise);
    }
    for (std::size_t k = 0; k < inputs_.size(); ++k) w.put("net/input/" + std::to_string(k), inputs_[k].values);
    for (std::size_t c = 0; c < context_rates_.size(); ++c) w.put("net/context/" + std::to_string(c), context_rates_[c]);
    std::vector<double> task_levels;
    std::vector<std::uint64_t> task_set;
    for (const auto& [set, level] : modulator_task_) {
        task_set.push_back(set ? 1u : 0u);
        task_levels.push_back(level);
    }
    w.put_u64("net/modulator_task_set", task_set);
    w.put("net/modulator_task_level", task_levels);
    w.put_u64("net/phase", static_cast<std::uint64_t>(static_cast<std::int64_t>(phase_)));
    w.put_rng("net/noise_rng", noise_rng_);
    w.put_u64("net/noise_index", static_cast<std::uint64_t>(static_cast<std::int64_t>(noise_index_)));
    w.put("net/last_switch_ms", last_switch_ms_);
    w.put_u64("net/external_changed", external_changed_ ? 1u : 0u);
    for (std::size_t k = 0; k < projections_.size(); ++k)
        projections_[k].save_state(w, "proj/" + std::to_string(k) + "/");
    engine_->save_state(w);
}

void network::restore_state(const state_reader& r) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
        population_state& ps = pops_[p];
        restore_vector(r, pop_key(p, "ext_rate"), ps.ext_rate);
        restore_vector(r, pop_key(p, "ext_target"), ps.ext_target);
        restore_vector(r, pop_key(p, "ext_soma"), ps.ext_soma);
        for (std::size_t d = 0; d < ps.ext_dend.size(); ++d)
            restore_vector(r, pop_key(p, "ext_dend") + std::to_string(d), ps.ext_dend[d]);
        ps.ext_g_som = r.number(pop_key(p, "ext_g_som"));
        r.doubles_into(pop_key(p, "noise"), ps.noise.data(), ps.noise.size());
    }
    for (std::size_t k = 0; k < inputs_.size(); ++k)
        r.doubles_into("net/input/" + std::to_string(k), inputs_[k].values.data(), inputs_[k].values.size());
    for (std::size_t c = 0; c < context_rates_.size(); ++c)
        r.doubles_into("net/context/" + std::to_string(c), context_rates_[c].data(), context_rates_[c].size());
    const auto& task_set = r.u64s("net/modulator_task_set", modulator_task_.size());
    const auto& task_levels = r.doubles("net/modulator_task_level", modulator_task_.size());
    for (std::size_t k = 0; k < modulator_task_.size(); ++k) modulator_task_[k] = {task_set[k] != 0, task_levels[k]};
    const auto phase = static_cast<std::int64_t>(r.u64("net/phase"));
    if (phase < -1 || phase >= static_cast<std::int64_t>(model_.phases.size()))
        throw std::runtime_error("checkpoint '" + r.path() + "': phase " + std::to_string(phase) +
                                 " does not exist in this model");
    phase_ = static_cast<int>(phase);
    r.rng_into("net/noise_rng", noise_rng_);
    noise_index_ = static_cast<long>(static_cast<std::int64_t>(r.u64("net/noise_index")));
    last_switch_ms_ = r.number("net/last_switch_ms");
    external_changed_ = r.u64("net/external_changed") != 0;
    // The phase's gains on neurons and projections; the projections' saved gains below are
    // the same numbers (a task may also have set them).
    apply_gains();
    for (std::size_t k = 0; k < projections_.size(); ++k)
        projections_[k].restore_state(r, "proj/" + std::to_string(k) + "/");
    engine_->restore_state(r);
}

void network::resume_segment(double t, double* y) {
    // The inputs of the segment the checkpoint was taken in, latched anew; the switch time
    // and the pending-change flag stay as saved (enter_segment would count a new segment).
    const double last_switch = last_switch_ms_;
    const bool changed = external_changed_;
    enter_segment(t, y);
    last_switch_ms_ = last_switch;
    external_changed_ = changed;
}

} // namespace cortexsim

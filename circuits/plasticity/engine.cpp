#include "circuits/plasticity/engine.hpp"

#include <algorithm>
#include <stdexcept>

#include "circuits/network.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

class plasticity_engine::binding final : public rule_binding {
public:
    binding(plasticity_engine& e, std::size_t k) : e_(e), d_(e.net_.model().projections[k]) {}
    std::size_t source() const override { return d_.source; }
    std::size_t target() const override { return d_.target; }
    int slot() const override { return d_.slot; }
    std::size_t source_size() const override { return e_.net_.model().populations[d_.source].size; }
    std::size_t target_size() const override { return e_.net_.model().populations[d_.target].size; }
    bound_signal signal(std::size_t p, const std::string& name) override { return e_.request(p, name); }
    double prediction_factor(int slot) const override { return e_.net_.prediction_factor(d_.target, slot); }
    const network& net() const override { return e_.net_; }
    std::size_t neuromodulator(const std::string& name) const override { return e_.net_.modulator_index(name); }

private:
    plasticity_engine& e_;
    const lowered_projection& d_;
};

class plasticity_engine::context final : public plasticity_context {
public:
    context(plasticity_engine& e, std::size_t k, const double* y) : e_(e), k_(k), y_(y) {}
    Eigen::Map<const Eigen::VectorXd> values(const bound_signal& s) override {
        signal_slot& sl = e_.signals_.at(static_cast<std::size_t>(s.id));
        const auto n = static_cast<Eigen::Index>(sl.population < e_.net_.model().populations.size()
                                                     ? e_.net_.model().populations[sl.population].size
                                                     : 0);
        if (sl.phase >= 0) return Eigen::Map<const Eigen::VectorXd>(sl.snapshot.data(), n);
        e_.current_values(s, y_, sl.scratch.data());
        return Eigen::Map<const Eigen::VectorXd>(sl.scratch.data(), n);
    }
    projection& proj() override { return e_.net_.projection_at(k_); }
    double modulator(std::size_t k) const override { return e_.net_.modulator(k); }

private:
    plasticity_engine& e_;
    std::size_t k_;
    const double* y_;
};

plasticity_engine::plasticity_engine(network& net) : net_(net) {
    const lowered_model& m = net.model();
    followers_.resize(m.projections.size());
    for (std::size_t k = 0; k < m.projections.size(); ++k)
        if (m.projections[k].distribution == weight_distribution::copy && m.projections[k].copy_tied)
            followers_[m.projections[k].copy_from].push_back(k);
    for (std::size_t k = 0; k < m.projections.size(); ++k) {
        const auto& proto = m.projections[k].rule;
        if (!proto) continue;
        bound_rule b;
        b.projection = k;
        b.rule = proto->clone();
        b.filter = step_filter(m.projections[k].step);
        // Phase-end rules act at the end of their phase; a continuous rule that names a phase is
        // also called there (dt_ms = 0), e.g. to change weights once per trial from state it
        // integrates continuously (xcal).
        const std::string phase = b.rule->phase();
        if (!b.rule->continuous() || !phase.empty()) {
            for (std::size_t i = 0; i < m.phases.size(); ++i)
                if (m.phases[i].name == phase) b.phase = static_cast<int>(i);
            if (b.phase < 0)
                throw std::logic_error("rule on '" + m.projections[k].name + "' acts at the end of "
                                       "phase '" + phase + "', which lowering should have checked");
        }
        binding bind(*this, k);
        b.rule->bind(bind);
        ++n_rules_;
        if (b.rule->continuous()) ++n_continuous_;
        rules_.push_back(std::move(b));
    }
}

plasticity_engine::~plasticity_engine() = default;

bound_signal plasticity_engine::request(std::size_t p, const std::string& name) {
    for (std::size_t i = 0; i < signals_.size(); ++i)
        if (signals_[i].population == p && signals_[i].name == name)
            return {p, static_cast<int>(i)};
    const lowered_model& m = net_.model();
    if (p >= m.populations.size()) throw std::invalid_argument("signal of an unknown population");
    signal_slot s;
    s.population = p;
    s.name = name;
    std::string var = name;
    if (const auto at = name.find('@'); at != std::string::npos) {
        var = name.substr(0, at);
        const std::string phase = name.substr(at + 1);
        for (std::size_t i = 0; i < m.phases.size(); ++i)
            if (m.phases[i].name == phase) s.phase = static_cast<int>(i);
        if (s.phase < 0)
            throw std::invalid_argument("signal '" + name + "': no phase '" + phase + "'");
    }
    if (!net_.has_variable(p, var))
        throw std::invalid_argument("population '" + m.populations[p].name + "' has no signal '" + var + "'");
    s.var = net_.resolve_variable(p, var);
    const std::size_t n = m.populations[p].size;
    if (s.phase >= 0) s.snapshot.assign(n, 0.0);
    s.scratch.assign(n, 0.0);
    signals_.push_back(std::move(s));
    return {p, static_cast<int>(signals_.size() - 1)};
}

const std::vector<double>* plasticity_engine::snapshot(const bound_signal& s) const {
    const signal_slot& sl = signals_.at(static_cast<std::size_t>(s.id));
    return sl.phase >= 0 ? &sl.snapshot : nullptr;
}

void plasticity_engine::current_values(const bound_signal& s, const double* y, double* out) const {
    const signal_slot& sl = signals_.at(static_cast<std::size_t>(s.id));
    net_.values(sl.population, sl.var, y, out);
}

bool plasticity_engine::step(double t, const double* y, double dt_ms) {
    if (!learning_ || n_continuous_ == 0) return false;
    // Skip the network evaluation when no continuous rule would act (all within their pause).
    bool any_active = false;
    for (bound_rule& b : rules_) {
        if (!b.rule->continuous() || any_active) continue;
        context c(*this, b.projection, y);
        fill(c, t, dt_ms);
        any_active = !b.rule->idle(c);
    }
    if (!any_active) return false;
    net_.observe(t, y);
    bool changed = false;
    for (bound_rule& b : rules_)
        if (b.rule->continuous()) changed |= update(b, t, y, dt_ms);
    return changed;
}

void plasticity_engine::fill(plasticity_context& c, double t, double dt_ms) const {
    c.t_ms = t;
    c.dt_ms = dt_ms;
    c.since_switch_ms = t - net_.last_switch_ms();
    c.trial = trials_;
    c.rate_factor = rate_factor_;
}

bool plasticity_engine::update(bound_rule& b, double t, const double* y, double dt_ms) {
    context c(*this, b.projection, y);
    fill(c, t, dt_ms);
    projection& proj = net_.projection_at(b.projection);
    if (b.filter.active()) b.filter.remember(proj);
    if (!b.rule->update(c)) return false;
    if (b.filter.active() && !b.filter.apply(proj)) return false;
    proj.enforce_sign();  // Dale's law after every update
    follow(b.projection);
    return true;
}

void plasticity_engine::follow(std::size_t k) {
    // Nothing to copy: leave the weights untouched. Copies are all-to-all (lowering), so a
    // sparse plastic projection has none and no dense matrix to read; reading a held
    // projection's weights would apply its deferred update at every step (projection_held.cpp).
    if (followers_[k].empty()) return;
    const Eigen::MatrixXd& W = net_.projection_at(k).dense_weights();
    for (std::size_t q : followers_[k]) {
        const lowered_projection& d = net_.model().projections[q];
        projection& copy = net_.projection_at(q);
        if (d.copy_transpose) copy.dense_weights().noalias() = d.copy_scale * W.transpose();
        else copy.dense_weights().noalias() = d.copy_scale * W;
        copy.enforce_sign();  // a tied copy keeps its own sign, like the initial copy
        follow(q);            // a copy of a tied copy follows too
    }
}

bool plasticity_engine::end_phase(std::size_t k, double t, const double* y,
                                  const std::function<void()>& before_rules) {
    net_.observe(t, y);
    for (signal_slot& s : signals_)
        if (s.phase == static_cast<int>(k)) current_values({s.population, static_cast<int>(&s - signals_.data())}, y, s.snapshot.data());
    if (before_rules) before_rules();
    if (!learning_) return false;
    bool changed = false;
    for (bound_rule& b : rules_)
        if (b.phase == static_cast<int>(k)) changed |= update(b, t, y, 0.0);
    return changed;
}

void plasticity_engine::save_state(state_writer& w) const {
    for (std::size_t k = 0; k < signals_.size(); ++k)
        if (signals_[k].phase >= 0) w.put("engine/snapshot/" + std::to_string(k), signals_[k].snapshot);
    for (const bound_rule& b : rules_) {
        const std::string prefix = "rule/" + std::to_string(b.projection) + "/";
        b.rule->save_state(w, prefix);
        b.filter.save_state(w, prefix + "step_filter");
    }
    w.put_u64("engine/trials", static_cast<std::uint64_t>(trials_));
    w.put_u64("engine/learning", learning_ ? 1u : 0u);
    w.put("engine/rate_factor", rate_factor_);
}

void plasticity_engine::restore_state(const state_reader& r) {
    for (std::size_t k = 0; k < signals_.size(); ++k)
        if (signals_[k].phase >= 0)
            r.doubles_into("engine/snapshot/" + std::to_string(k), signals_[k].snapshot.data(),
                           signals_[k].snapshot.size());
    for (bound_rule& b : rules_) {
        const std::string prefix = "rule/" + std::to_string(b.projection) + "/";
        b.rule->restore_state(r, prefix);
        b.filter.restore_state(r, prefix + "step_filter");
    }
    trials_ = static_cast<std::size_t>(r.u64("engine/trials"));
    learning_ = r.u64("engine/learning") != 0;
    rate_factor_ = r.number("engine/rate_factor");
}

} // namespace cortexsim

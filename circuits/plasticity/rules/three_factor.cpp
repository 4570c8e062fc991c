/*
 * three_factor: neuromodulator-gated Hebbian learning through an eligibility trace
 * (Izhikevich 2007, Cereb. Cortex 17:2443, eqs. 1-2 with a rate-based Hebbian term;
 * Fremaux & Gerstner 2016, Front. Neural Circuits 9:85, the three-factor form):
 *   tau_e de/dt = -e + y x^T,        dW/dt = eta M(t) e,
 * x the source's signal `pre`, y the target's `post` (both their rates by default), M the level
 * of the declared [[neuromodulator]] `modulator`. The trace e (one value per synapse, the
 * rule's own state) records which synapses were co-active over the last tau_e; nothing changes
 * while M = 0, and a later M (a reward, a dopamine burst) turns the trace into a weight change.
 *
 * Continuous (operator splitting): every plasticity interval dt, with x, y and M held (M at
 * the interval's start), the trace and the weights take the exact step of the two ODEs
 * (rule_support.hpp, filtered_outer_product with rate eta M and tau_w = tau_e).
 */
#include <algorithm>

#include "circuits/lowered_model.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class three_factor final : public plasticity_rule {
public:
    learning_rate lr;
    std::string modulator, pre = "rate", post = "rate";
    double tau_e_ms = 1000.0;

    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<three_factor>();
        c->lr = lr;
        c->modulator = modulator;
        c->pre = pre;
        c->post = post;
        c->tau_e_ms = tau_e_ms;
        return c;
    }
    bool continuous() const override { return true; }
    void bind(rule_binding& b) override {
        y_ = b.signal(b.target(), post);
        x_ = b.signal(b.source(), pre);
        k_ = b.neuromodulator(modulator);
    }
    bool update(plasticity_context& c) override {
        // The step covers (t - dt, t]: it takes the level the modulator had at its start (the
        // one the previous step saw). A level switches at a step boundary (a schedule time, a
        // phase or a trial), and from then on: read at t, the new level would leak one step
        // back into the interval before the switch.
        const double now = c.modulator(k_);
        const double level = has_level_ ? level_ : now;
        level_ = now;
        has_level_ = true;
        const double rate = lr.at(c.trial) * c.rate_factor * level;
        // The trace integrates whatever the modulator does; the weights move only with it.
        trace_.step(c.proj(), c.values(y_), c.values(x_), rate, tau_e_ms, c.dt_ms);
        return rate != 0.0;
    }

private:
    bound_signal y_, x_;
    std::size_t k_ = 0;
    double level_ = 0.0;
    bool has_level_ = false;
    filtered_outer_product trace_;

public:
    void save_state(state_writer& w, const std::string& prefix) const override {
        w.put(prefix + "level", level_);
        w.put_u64(prefix + "has_level", has_level_ ? 1u : 0u);
        trace_.save_state(w, prefix + "eligibility");
    }
    void restore_state(const state_reader& r, const std::string& prefix) override {
        level_ = r.number(prefix + "level");
        has_level_ = r.u64(prefix + "has_level") != 0;
        trace_.restore_state(r, prefix + "eligibility");
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<three_factor>();
    rule->lr = read_learning_rate(r);
    rule->modulator = r.required_string("modulator");
    if (std::find(t.neuromodulators.begin(), t.neuromodulators.end(), rule->modulator) == t.neuromodulators.end()) {
        if (t.neuromodulators.empty())
            r.fail("modulator", "unknown neuromodulator '" + rule->modulator +
                                    "'; the model declares none (add a [[neuromodulator]])");
        r.fail("modulator", "unknown neuromodulator '" + rule->modulator + "'; the model declares " +
                                one_of(t.neuromodulators) + did_you_mean(rule->modulator, t.neuromodulators));
    }
    rule->tau_e_ms = r.number("tau_e_ms", 1000.0, param_bound::positive);
    const std::string why = "a continuous rule reads the signal's current value";
    rule->pre = read_signal_name(r, "pre", "rate", *t.source, t, why);
    rule->post = read_signal_name(r, "post", "rate", *t.target, t, why);
    return rule;
}

} // namespace

rule_kind three_factor_rule() {
    return {"three_factor",
            "dW/dt = eta M(t) e, tau_e de/dt = -e + y x^T: Hebbian eligibility gated by a "
            "neuromodulator (Izhikevich 2007)",
            make};
}

} // namespace cortexsim

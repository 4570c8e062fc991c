/*
 * dendritic_prediction: dendritic prediction of somatic activity (Urbanczik & Senn 2014;
 * Sacramento et al. 2018, eq. 7-8; REFERENCES.md sections 1-2):
 *   dW/dt = eta (phi(u) - phi(k_d v_d)) r_pre^T,   k_d = g_d / (g_lk + sum of couplings),
 * the soma's rate minus the rate the target dendrite alone predicts, times the presynaptic
 * rate. The term is low-pass filtered with tau_w_ms (30 ms in the paper) and applied every
 * plasticity interval (operator splitting, rule_support.hpp), except within pause_ms of an
 * input switch (the settling transient). With `at = "<phase>"` it acts once at the end of that
 * phase instead, dW = eta e r^T, from the values there (e.g. the pulvinar's prediction error
 * at the end of the outcome phase); `pre` names the presynaptic signal ("rate", or
 * "rate@<phase>" for the rate at another phase's end) and `error` the postsynaptic one (default
 * "<target dendrite>_error"; "prediction_error" for the relay's soma against its modulator and
 * somatic input together).
 *
 * Weight decay (`decay` = lambda >= 0, as generec's; docs/equations.md, W9): an L2 penalty on the
 * weights, part of the local rule,
 *   dW/dt = eta (e r^T - lambda W),
 * so a synapse the error does not sustain shrinks towards 0 at rate eta lambda (Krogh & Hertz
 * 1992). By operator splitting the decay is a step of its own, W *= exp(-lambda Int eta dt),
 * exact for the decay alone. It is applied once per input segment, at the rule's first update
 * in the next segment, for all the learning time of the previous one: scaling all weights at
 * every plasticity step would cost the full O(n_target n_source) pass that held input
 * products avoid (projection_held.cpp), and within a 10 ms presentation eta lambda t is
 * ~1e-5, so deferring it changes nothing measurable. A phase-end update (`at`) applies
 * W *= exp(-eta lambda) with its step.
 */
#include <cmath>

#include "circuits/network.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class dendritic_prediction final : public plasticity_rule {
public:
    learning_rate lr;
    double tau_w_ms = 30.0, pause_ms = 0.0, weight_decay = 0.0;
    std::string at, pre = "rate", error;

    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<dendritic_prediction>();
        c->lr = lr;
        c->tau_w_ms = tau_w_ms;
        c->pause_ms = pause_ms;
        c->at = at;
        c->pre = pre;
        c->error = error;
        c->weight_decay = weight_decay;
        return c;
    }
    bool continuous() const override { return at.empty(); }
    std::string phase() const override { return at; }
    void bind(rule_binding& b) override {
        const auto& target = b.net().model().populations[b.target()];
        const std::string e = error.empty() ? dendritic_error_signal(target, b.slot()) : error;
        error_ = b.signal(b.target(), at.empty() ? e : e + "@" + at);
        rate_ = b.signal(b.source(), pre);
    }
    bool idle(const plasticity_context& c) const override {
        return continuous() && (c.since_switch_ms < pause_ms || lr.at(c.trial) * c.rate_factor == 0.0);
    }
    bool update(plasticity_context& c) override {
        const double eta = lr.at(c.trial) * c.rate_factor;
        if (eta == 0.0) return false;
        if (continuous() && c.since_switch_ms < pause_ms) return false;
        const double h = continuous() ? c.dt_ms : 1.0;
        if (weight_decay > 0.0) {
            // A new segment began since the last update (the time since the switch fell back):
            // the previous segment's decay is due.
            if (continuous() && c.since_switch_ms < last_since_switch_ms_) apply_decay(c.proj());
            last_since_switch_ms_ = c.since_switch_ms;
            decay_exponent_ += weight_decay * eta * h;
            if (!continuous()) apply_decay(c.proj());
        }
        step_.step(c.proj(), c.values(error_), c.values(rate_), eta, continuous() ? tau_w_ms : 0.0, h);
        return true;
    }

private:
    void apply_decay(projection& p) {
        if (decay_exponent_ > 0.0) p.scale_weights(std::exp(-decay_exponent_));
        decay_exponent_ = 0.0;
    }

    double decay_exponent_ = 0.0;        ///< lambda Int eta dt not yet applied
    double last_since_switch_ms_ = 0.0;
    bound_signal error_, rate_;
    filtered_outer_product step_;

public:
    void save_state(state_writer& w, const std::string& prefix) const override {
        step_.save_state(w, prefix + "filtered");
        w.put(prefix + "decay", {decay_exponent_, last_since_switch_ms_});
    }
    void restore_state(const state_reader& r, const std::string& prefix) override {
        step_.restore_state(r, prefix + "filtered");
        const auto& decay = r.doubles(prefix + "decay", 2);
        decay_exponent_ = decay[0];
        last_since_switch_ms_ = decay[1];
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<dendritic_prediction>();
    rule->lr = read_learning_rate(r);
    rule->at = read_rule_phase(r, t);
    // A phase-end update has no interval to filter over.
    rule->tau_w_ms = r.number("tau_w_ms", rule->at.empty() ? 30.0 : 0.0, param_bound::non_negative);
    if (!rule->at.empty() && rule->tau_w_ms > 0.0)
        r.fail("tau_w_ms", "tau_w_ms filters continuous updates; a rule acting at the end of a "
                           "phase ('at') takes none");
    rule->pause_ms = r.number("pause_ms", 0.0, param_bound::non_negative);
    if (!rule->at.empty() && rule->pause_ms > 0.0)
        r.fail("pause_ms", "pause_ms delays continuous updates after an input switch; a rule acting at "
                           "the end of a phase ('at') takes none");
    rule->weight_decay = r.number("decay", 0.0, param_bound::non_negative);
    rule->pre = r.string("pre", "rate");
    check_signal(*t.source, rule->pre, t.phases, r.loc_of("pre"));
    if (t.slot < 0)
        throw model_error(t.rule_loc, "rule 'dendritic_prediction' compares a dendritic potential with "
                                      "the soma, so it needs a dendritic target compartment, got 'soma'");
    rule->error = r.string("error", dendritic_error_signal(*t.target, t.slot));
    if (rule->error.find('@') != std::string::npos)
        r.fail("error", "the error is read when the rule acts ('at'); give it without '@'");
    check_signal(*t.target, rule->error, t.phases, r.loc_of("error"));
    return rule;
}

} // namespace

rule_kind dendritic_prediction_rule() {
    return {"dendritic_prediction",
            "dW = eta ((phi(u) - phi(k_d v_d)) r_pre^T - lambda W) (Urbanczik & Senn 2014; Sacramento et al. 2018)",
            make};
}

} // namespace cortexsim

/*
 * apical_silencing: interneuron-to-apical weights learn to cancel the top-down input
 * (Sacramento et al. 2018, eq. 9; REFERENCES.md section 1):
 *   dW/dt = eta (v_rest - v_d) r_pre^T,
 * driving the target dendrite's potential to v_rest (0: the self-predicting state, where the
 * apical compartment carries only the error). Low-pass filtered with tau_w_ms and paused for
 * pause_ms after every input switch, like dendritic_prediction.
 */
#include "circuits/network.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class apical_silencing final : public plasticity_rule {
public:
    learning_rate lr;
    double tau_w_ms = 30.0, pause_ms = 0.0, v_rest = 0.0;

    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<apical_silencing>();
        c->lr = lr;
        c->tau_w_ms = tau_w_ms;
        c->pause_ms = pause_ms;
        c->v_rest = v_rest;
        return c;
    }
    bool continuous() const override { return true; }
    void bind(rule_binding& b) override {
        const auto& target = b.net().model().populations[b.target()];
        v_ = b.signal(b.target(), "v_" + target.model->dendrites.at(static_cast<std::size_t>(b.slot())));
        rate_ = b.signal(b.source(), "rate");
        e_.resize(static_cast<Eigen::Index>(b.target_size()));
    }
    bool idle(const plasticity_context& c) const override {
        return c.since_switch_ms < pause_ms || lr.at(c.trial) * c.rate_factor == 0.0;
    }
    bool update(plasticity_context& c) override {
        const double eta = lr.at(c.trial) * c.rate_factor;
        if (eta == 0.0 || c.since_switch_ms < pause_ms) return false;
        e_ = (v_rest - c.values(v_).array()).matrix();
        step_.step(c.proj(), e_, c.values(rate_), eta, tau_w_ms, c.dt_ms);
        return true;
    }

private:
    bound_signal v_, rate_;
    Eigen::VectorXd e_;
    filtered_outer_product step_;

public:
    void save_state(state_writer& w, const std::string& prefix) const override { step_.save_state(w, prefix + "filtered"); }
    void restore_state(const state_reader& r, const std::string& prefix) override {
        step_.restore_state(r, prefix + "filtered");
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<apical_silencing>();
    rule->lr = read_learning_rate(r);
    rule->tau_w_ms = r.number("tau_w_ms", 30.0, param_bound::non_negative);
    rule->pause_ms = r.number("pause_ms", 0.0, param_bound::non_negative);
    rule->v_rest = r.number("v_rest", 0.0);
    if (t.slot < 0)
        throw model_error(t.rule_loc, "rule 'apical_silencing' drives a dendritic potential to v_rest, "
                                     "so it needs a dendritic target compartment, got 'soma'");
    return rule;
}

} // namespace

rule_kind apical_silencing_rule() {
    return {"apical_silencing", "dW = eta (v_rest - v_d) r_pre^T (Sacramento et al. 2018, eq. 9)", make};
}

} // namespace cortexsim

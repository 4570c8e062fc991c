/*
 * bcm: the Bienenstock-Cooper-Munro rule (Bienenstock, Cooper & Munro 1982, J. Neurosci. 2:32)
 * with the sliding threshold of Intrator & Cooper (1992, Neural Networks 5:3), theta = E[y^2]:
 *   dW = eta y (y - theta) x^T,        tau_theta dtheta/dt = y^2 - theta,
 * x the source's rate, y the target's `post` signal (its rate by default). Activity above
 * theta potentiates the active synapses, activity below depresses them; theta, a running
 * average of y^2, grows faster than y, which makes the fixed points stable and selective: the
 * neuron comes to respond to one pattern of its environment (BCM 1982, section 3).
 *
 * theta is the rule's own state, one value per target neuron, starting at theta_init.
 * Continuous by default (operator splitting): every plasticity interval dt, with the state held
 * fixed, the weights take one explicit step with the current theta,
 *   W += eta dt y (y - theta) x^T,
 * then theta takes the exact step of its ODE with y held over the interval,
 *   theta <- y^2 + (theta - y^2) exp(-dt / tau_theta_ms).
 * With `at = "<phase>"` both act once per trial at the end of that phase, from the values
 * there: W += eta y (y - theta) x^T, then theta <- y^2 + (theta - y^2) exp(-1 / tau_theta_trials),
 * a running average over trials.
 */
#include <cmath>

#include "circuits/lowered_model.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {

class bcm final : public rate_pair_rule {
public:
    double tau_theta = 100.0; ///< ms (continuous) or trials (`at`)
    double theta_init = 0.0;

    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<bcm>();
        c->lr = lr;
        c->at = at;
        c->post = post;
        c->tau_theta = tau_theta;
        c->theta_init = theta_init;
        return c;
    }
    void bind_state(rule_binding& b) override {
        theta_ = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(b.target_size()), theta_init);
    }
    bool update(plasticity_context& c) override {
        const double h = dt(c);
        const double step = lr.at(c.trial) * c.rate_factor * h;
        take_values(c);
        e_ = (y_values_.array() * (y_values_.array() - theta_.array())).matrix();
        const Eigen::ArrayXd y2 = y_values_.array().square();
        theta_ = (y2 + (theta_.array() - y2) * std::exp(-h / tau_theta)).matrix();
        if (step == 0.0)
            return false;
        projection& p = c.proj();
        if (p.is_dense()) {
            p.dense_weights().noalias() += step * e_ * x_values_.transpose();
            return true;
        }
        p.for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
            w += step * e_[static_cast<Eigen::Index>(i)] * x_values_[static_cast<Eigen::Index>(j)];
        });
        return true;
    }

private:
    Eigen::VectorXd theta_, e_;

public:
    void save_state(state_writer& w, const std::string& prefix) const override { save_vector(w, prefix + "theta", theta_); }
    void restore_state(const state_reader& r, const std::string& prefix) override {
        restore_vector(r, prefix + "theta", theta_);
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<bcm>();
    // The keys in this order (the resolved model's): eta..., at, theta's time constant, theta_init, post.
    rule->lr = read_learning_rate(r);
    rule->at = read_rule_phase(r, t);
    if (rule->at.empty()) {
        if (r.has("tau_theta_trials"))
            r.fail("tau_theta_trials",
                   "theta averages over trials only when the rule acts once per trial "
                   "('at'); a continuous rule takes tau_theta_ms");
        rule->tau_theta = r.number("tau_theta_ms", 100.0, param_bound::positive);
    } else {
        if (r.has("tau_theta_ms"))
            r.fail("tau_theta_ms",
                   "a rule acting at the end of a phase ('at') averages theta over trials: "
                   "give tau_theta_trials");
        rule->tau_theta = r.number("tau_theta_trials", 10.0, param_bound::positive);
    }
    rule->theta_init = r.number("theta_init", 0.0, param_bound::non_negative);
    rule->post = read_signal_name(r, "post", "rate", *t.target, t, "the signal is read when the rule acts ('at')");
    return rule;
}

} // namespace

rule_kind bcm_rule() {
    return {"bcm",
            "dW = eta y (y - theta) x^T, theta a running average of y^2 (Bienenstock, Cooper & "
            "Munro 1982)",
            make};
}

} // namespace cortexsim

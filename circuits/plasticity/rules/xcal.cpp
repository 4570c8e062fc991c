/*
 * xcal: Leabra's temporally eXtended Contrastive Attractor Learning (O'Reilly, Munakata, Frank,
 * Hazy et al., Computational Cognitive Neuroscience, ch. 4; emergent's leabra; REFERENCES.md
 * section 4). Each neuron's rate r feeds a cascade of running averages, integrated continuously
 * as the rule's own state,
 *   tau_ss d<r>_ss/dt = r - <r>_ss,   tau_s d<r>_s/dt = <r>_ss - <r>_s,   tau_m d<r>_m/dt = <r>_s -
 * <r>_m (2, 2 and 10 ms): <r>_s follows the latest activity (the outcome at a trial's end), <r>_m a
 * longer stretch (mostly the expectation). Once per trial, at the end of phase `at` (the
 * protocol's last phase by default), every synapse from x to y changes by
 *   dW = eta [ xcal(<y>_s <x>_s, <y>_m <x>_m) + lrn_L xcal(<y>_s <x>_s, <y>_l) ]
 * with the check-mark function xcal (xcal.hpp): the first term is error-driven (outcome
 * against expectation, like GeneRec's plus minus minus), the second a BCM-like Hebbian term
 * against the receiver's long-term average <y>_l, which moves once per trial,
 *   <y>_l <- max(l_min, <y>_l + (l_gain <y>_m - <y>_l) / l_tau_trials),
 * after the weights changed (gain 2.5, min 0.2, 10 trials). lrn_L grows linearly with <y>_l,
 * from lrn_l_min at l_min to lrn_l_max at l_gain (Leabra's AvgLLrn: busy neurons sharpen their
 * weights more). Both default to 0.0004, a fixed lrn_L: Leabra's adaptive defaults (0.0001 to
 * 0.5) are meant to be scaled down by its error modulation (ErrMod, left out here), and its
 * documentation gives 0.0004 as the single fixed value without it; at 0.5 the Hebbian term
 * swamps the error-driven one for any unit active on many trials. Learning rate 0.04.
 *
 * The cascade takes the exact step of its linear ODEs every plasticity interval with the rate
 * at the step's time held over the interval (Leabra steps it by forward Euler every 1 ms
 * cycle). Rates are those of the model's transfer functions; Leabra's activations lie in
 * [0, 1], which the check-mark's threshold d_thr and the <y>_l bounds assume. Left out of
 * Leabra: the 10% of <r>_m that Leabra mixes into <r>_s for learning (LrnM), the error
 * modulation of lrn_L by the layer's plus/minus cosine (ErrMod), soft weight bounding and the
 * sigmoidal weight contrast; Dale's law (`sign`) clamps instead.
 */
#include "circuits/plasticity/rules/xcal.hpp"

#include <cmath>

#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

double xcal_checkmark(double x, double th, double d_thr, double d_rev) {
    if (x < d_thr)
        return 0.0;
    if (x > d_rev * th)
        return x - th;
    return -x * (1.0 - d_rev) / d_rev;
}

namespace {

/// exp(M) of a small matrix by scaling and squaring of its Taylor series (|M| / 2^s <= 1/2,
/// 18 terms: the truncation error lies below double rounding).
Eigen::Matrix3d matrix_exp(const Eigen::Matrix3d& M) {
    int s = 0;
    double norm = M.cwiseAbs().rowwise().sum().maxCoeff();
    while (norm > 0.5) {
        norm /= 2.0;
        ++s;
    }
    const Eigen::Matrix3d A = M / std::ldexp(1.0, s);
    Eigen::Matrix3d term = Eigen::Matrix3d::Identity(), sum = Eigen::Matrix3d::Identity();
    for (int k = 1; k <= 18; ++k) {
        term = term * A / static_cast<double>(k);
        sum += term;
    }
    for (int k = 0; k < s; ++k)
        sum = sum * sum;
    return sum;
}

/// The three running averages of n neurons.
struct cascade {
    Eigen::VectorXd ss, s, m;
    void reset(Eigen::Index n, double v) {
        ss = Eigen::VectorXd::Constant(n, v);
        s = ss;
        m = ss;
    }
    /// Exact step with r held: (ss, s, m) - r relaxes by E = exp(A dt).
    void step(const Eigen::Ref<const Eigen::VectorXd>& r, const Eigen::Matrix3d& E) {
        for (Eigen::Index i = 0; i < r.size(); ++i) {
            const Eigen::Vector3d z(ss[i] - r[i], s[i] - r[i], m[i] - r[i]);
            const Eigen::Vector3d next = E * z;
            ss[i] = r[i] + next[0];
            s[i] = r[i] + next[1];
            m[i] = r[i] + next[2];
        }
    }
};

class xcal final : public plasticity_rule {
public:
    learning_rate lr;
    std::string at;
    double tau_ss = 2.0, tau_s = 2.0, tau_m = 10.0, avg_init = 0.15;
    double l_init = 0.4, l_gain = 2.5, l_min = 0.2, l_tau = 10.0, lrn_max = 0.0004,
           lrn_min = 0.0004;
    double d_thr = 0.0001, d_rev = 0.1;

    std::unique_ptr<plasticity_rule> clone() const override {
        auto c = std::make_unique<xcal>(*this);
        c->cached_dt_ = -1.0;
        return c;
    }
    bool continuous() const override { return true; }
    std::string phase() const override { return at; } // weights change at its end
    void bind(rule_binding& b) override {
        x_ = b.signal(b.source(), "rate");
        y_ = b.signal(b.target(), "rate");
        pre_.reset(static_cast<Eigen::Index>(b.source_size()), avg_init);
        post_.reset(static_cast<Eigen::Index>(b.target_size()), avg_init);
        avg_l_ = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(b.target_size()), l_init);
    }
    bool update(plasticity_context& c) override {
        if (c.dt_ms > 0.0) { // a continuous step: the averages only
            if (c.dt_ms != cached_dt_) {
                Eigen::Matrix3d A;
                A << -1.0 / tau_ss, 0.0, 0.0, 1.0 / tau_s, -1.0 / tau_s, 0.0, 0.0, 1.0 / tau_m,
                    -1.0 / tau_m;
                step_ = matrix_exp(A * c.dt_ms);
                cached_dt_ = c.dt_ms;
            }
            pre_.step(c.values(x_), step_);
            post_.step(c.values(y_), step_);
            return false;
        }
        // The end of phase `at`: the trial's weight change, then the long-term average moves.
        const double eta = lr.at(c.trial) * c.rate_factor;
        bool changed = false;
        if (eta != 0.0) {
            c.proj().for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
                const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
                const double srs = post_.s[a] * pre_.s[b], srm = post_.m[a] * pre_.m[b];
                const double lrn =
                    lrn_min + (lrn_max - lrn_min) * (avg_l_[a] - l_min) / (l_gain - l_min);
                w += eta * (xcal_checkmark(srs, srm, d_thr, d_rev) +
                            lrn * xcal_checkmark(srs, avg_l_[a], d_thr, d_rev));
            });
            changed = true;
        }
        avg_l_ = (avg_l_ + (l_gain * post_.m - avg_l_) / l_tau).cwiseMax(l_min);
        return changed;
    }

private:
    bound_signal x_, y_;
    cascade pre_, post_;
    Eigen::VectorXd avg_l_;
    Eigen::Matrix3d step_ = Eigen::Matrix3d::Identity();
    double cached_dt_ = -1.0;

public:
    void save_state(state_writer& w, const std::string& prefix) const override {
        for (const auto& [name, c] : {std::pair{"pre", &pre_}, std::pair{"post", &post_}}) {
            save_vector(w, prefix + name + "/ss", c->ss);
            save_vector(w, prefix + name + "/s", c->s);
            save_vector(w, prefix + name + "/m", c->m);
        }
        save_vector(w, prefix + "avg_l", avg_l_);
    }
    void restore_state(const state_reader& r, const std::string& prefix) override {
        for (const auto& [name, c] : {std::pair{"pre", &pre_}, std::pair{"post", &post_}}) {
            restore_vector(r, prefix + name + "/ss", c->ss);
            restore_vector(r, prefix + name + "/s", c->s);
            restore_vector(r, prefix + name + "/m", c->m);
        }
        restore_vector(r, prefix + "avg_l", avg_l_);
    }
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<xcal>();
    rule->lr = read_learning_rate(r, 0.04);
    if (t.phases.empty())
        throw model_error(t.rule_loc,
                          "rule 'xcal' changes the weights once per trial, at the end of a "
                          "phase ('at'), but the model declares no [[phase]]");
    rule->at = r.string("at", t.phases.back());
    check_phase(rule->at, t.phases, r.loc_of("at"));
    rule->tau_ss = r.number("tau_ss_ms", 2.0, param_bound::positive);
    rule->tau_s = r.number("tau_s_ms", 2.0, param_bound::positive);
    rule->tau_m = r.number("tau_m_ms", 10.0, param_bound::positive);
    rule->avg_init = r.number("avg_init", 0.15, param_bound::non_negative);
    rule->l_init = r.number("l_init", 0.4, param_bound::non_negative);
    rule->l_gain = r.number("l_gain", 2.5, param_bound::positive);
    rule->l_min = r.number("l_min", 0.2, param_bound::non_negative);
    if (rule->l_min >= rule->l_gain)
        r.fail("l_min", "must lie below l_gain (" + format_number(rule->l_gain) + ")");
    rule->l_tau = r.number("l_tau_trials", 10.0, param_bound::positive);
    if (rule->l_tau < 1.0)
        r.fail("l_tau_trials", "must be at least 1 (one trial), got " + format_number(rule->l_tau));
    rule->lrn_max = r.number("lrn_l_max", 0.0004, param_bound::non_negative);
    rule->lrn_min = r.number("lrn_l_min", 0.0004, param_bound::non_negative);
    if (rule->lrn_min > rule->lrn_max)
        r.fail("lrn_l_min", "must not exceed lrn_l_max (" + format_number(rule->lrn_max) + ")");
    rule->d_thr = r.number("d_thr", 0.0001, param_bound::non_negative);
    rule->d_rev = r.number("d_rev", 0.1, param_bound::positive);
    if (rule->d_rev >= 1.0)
        r.fail("d_rev", "must lie in (0, 1), got " + format_number(rule->d_rev));
    return rule;
}

} // namespace

rule_kind xcal_rule() {
    return {"xcal",
            "dW = eta [xcal(<xy>_s, <xy>_m) + lrn_L xcal(<xy>_s, <y>_l)] once per trial (Leabra's "
            "XCAL)",
            make};
}

} // namespace cortexsim

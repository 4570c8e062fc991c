#pragma once
/*
 * The update shared by feedback_alignment (Lillicrap et al. 2016, Nat. Commun. 7:13276) and
 * direct_feedback_alignment (Nokland 2016, NIPS; REFERENCES.md section 4) in a rate network
 * without interneurons. Backprop's hidden error is delta_k = phi'(a_k) * (W_{k+1}^T delta_{k+1});
 * feedback alignment replaces the transported W^T by a fixed random B,
 *   FA:   delta_k = phi'(a_k) * (B_k delta_{k+1})   (the error through the layer above)
 *   DFA:  delta_k = phi'(a_k) * (B_k e)             (the output error, straight to every layer)
 * and learns dW_k = eta delta_k r_{k-1}^T.
 *
 * Mapping onto the compartments. The error arrives in a dendrite of the hidden neuron (the
 * apical one by default, `feedback`), through a projection with fixed random weights B from the
 * population that carries it: the layer above (FA) or the output (DFA). A trial has a free
 * phase (`minus`: the output runs free) and a nudged one (`plus`: the output is nudged towards
 * its target, docs/equations.md section 3). The output's rates change between the phases by
 * its error, r+ - r- = phi'(u) * g_som / (g_lk + g_B + g_som) (u_target - u-) at steady state
 * (exactly proportional to u_target - u- for a linear output); the feedback dendrite is linear,
 * so the difference of its potentials is the error delivered through B,
 *   v_f+ - v_f- = B (r_above+ - r_above-),
 * with everything the top-down input carries in both phases cancelled by the difference: the
 * part that the interneurons of Sacramento et al. 2018 cancel continuously. The rule is
 *   dW = eta (phi'(u-) * (v_f+ - v_f-)) x-^T,
 * phi' the target's transfer derivative at its free somatic potential u-, x- the source's
 * free rate, acting once per trial at the end of the later of the two phases.
 *
 * For the forward pass to be the feedforward network, the feedback dendrite should not drive
 * the soma: its coupling 0 (`g_A = 0`, the segregated dendrite of Guerguiev et al. 2017) or
 * gated off by the phases' gains. With one hidden layer FA and DFA coincide (the layer above is
 * the output). Below the top hidden layer, FA needs the layer above to carry its own error
 * delta_{k+1} as a rate change between the phases, i.e. the layer above's feedback dendrite
 * coupled to its soma in the nudged phase only and carrying only that layer's error: without
 * interneurons its top-down input then also shifts the soma by B r+ (the whole plus-phase
 * rate, not a difference), so deep FA needs interneurons or a projection that carries a
 * signal other than the source's rate (reported in docs/rules/feedback_alignment.md).
 *
 * Checks: at lowering, the phases and the feedback dendrite; when the rule binds to a built
 * network (the whole wiring is known only then), that the feedback dendrite receives at least
 * one projection, that every such projection is fixed (no rule), and for FA that each comes
 * from a population the target projects to (the layer above). Errors point at `rule = ...`.
 */
#include <algorithm>
#include <string>

#include "circuits/network.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim::apical_feedback {

class rule final : public plasticity_rule {
public:
    std::string name; ///< the registered name, for messages
    bool direct = false;
    learning_rate lr;
    std::string minus = "minus", plus = "plus", feedback = "apical", acts_at;
    int feedback_slot = -1;
    source_loc loc;

    std::unique_ptr<plasticity_rule> clone() const override {
        return std::make_unique<rule>(*this);
    }
    bool continuous() const override { return false; }
    std::string phase() const override { return acts_at; }

    void bind(rule_binding& b) override {
        check_wiring(b);
        v_plus_ = b.signal(b.target(), "v_" + feedback + "@" + plus);
        v_minus_ = b.signal(b.target(), "v_" + feedback + "@" + minus);
        u_minus_ = b.signal(b.target(), "u_soma@" + minus);
        x_ = b.signal(b.source(), "rate@" + minus);
        phi_ = b.net().model().populations[b.target()].transfer;
        e_.resize(static_cast<Eigen::Index>(b.target_size()));
    }

    bool update(plasticity_context& c) override {
        const double eta = lr.at(c.trial) * c.rate_factor;
        if (eta == 0.0)
            return false;
        const Eigen::Map<const Eigen::VectorXd> vp = c.values(v_plus_), vm = c.values(v_minus_);
        const Eigen::Map<const Eigen::VectorXd> u = c.values(u_minus_);
        for (Eigen::Index i = 0; i < e_.size(); ++i)
            e_[i] = phi_.derivative(u[i]) * (vp[i] - vm[i]);
        x_values_ = c.values(x_);
        c.proj().add_outer_product(eta, e_, x_values_);
        return true;
    }

private:
    void check_wiring(const rule_binding& b) const {
        const lowered_model& m = b.net().model();
        const std::string& target = m.populations[b.target()].name;
        const std::string reads = "rule '" + name + "' reads the error that fixed random feedback "
                                  "delivers to the '" + feedback + "' dendrite of '" + target + "'";
        bool any = false;
        for (const lowered_projection& p : m.projections) {
            if (p.target != b.target() || p.slot != feedback_slot || p.nudging) continue;
            any = true;
            if (p.rule)
                throw model_error(loc, reads + ", but '" + p.name + "' onto it is plastic (rule '" +
                                           p.rule_name + "'); feedback weights must stay fixed");
            if (direct) continue;
            const auto from_target = [&](const lowered_projection& q) {
                return q.source == b.target() && q.target == p.source && !q.nudging;
            };
            if (std::none_of(m.projections.begin(), m.projections.end(), from_target))
                throw model_error(loc, "rule '" + name + "' delivers the error through the layer "
                                       "above, but '" + m.populations[p.source].name +
                                       "' (feedback '" + p.name + "') receives no projection "
                                       "from '" + target + "'; for feedback straight from the "
                                       "output use 'direct_feedback_alignment'");
        }
        if (!any) throw model_error(loc, reads + ", but no projection targets it");
    }

    bound_signal v_plus_, v_minus_, u_minus_, x_;
    transfer_fn phi_;
    Eigen::VectorXd e_, x_values_;
};

/// The factory of both rules: `direct` selects DFA's wiring check.
inline std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t,
                                             const std::string& name, bool direct) {
    auto out = std::make_unique<rule>();
    out->name = name;
    out->direct = direct;
    out->loc = t.rule_loc;
    out->lr = read_learning_rate(r);
    out->minus = r.string("minus", "minus");
    check_phase(out->minus, t.phases, r.loc_of("minus"));
    out->plus = r.string("plus", "plus");
    check_phase(out->plus, t.phases, r.loc_of("plus"));
    if (out->plus == out->minus)
        r.fail("plus", "the plus and minus phases must differ");
    out->acts_at = latest_phase(t.phases, {out->plus, out->minus});
    out->feedback = r.string("feedback", "apical");
    const std::vector<std::string>& dendrites = t.target->model->dendrites;
    const auto it = std::find(dendrites.begin(), dendrites.end(), out->feedback);
    if (it == dendrites.end())
        r.fail("feedback",
               "population '" + t.target->name + "' (model '" + t.target->model->name +
                   "') has no dendrite '" + out->feedback + "'" +
                   (dendrites.empty() ? std::string() : "; it has " + one_of(dendrites)) +
                   did_you_mean(out->feedback, dendrites));
    out->feedback_slot = static_cast<int>(it - dendrites.begin());
    if (t.slot == out->feedback_slot)
        throw model_error(t.rule_loc, "rule '" + name + "' learns the weights onto '" +
                                          t.target->name + "' from the error in its '" +
                                          out->feedback +
                                          "' dendrite, so the "
                                          "projection must target another compartment, got '" +
                                          t.compartment + "'");
    return out;
}

} // namespace cortexsim::apical_feedback

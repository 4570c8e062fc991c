/*
 * generec: GeneRec (O'Reilly 1996; REFERENCES.md section 4), the two-phase rule of Leabra and
 * DeepLeabra:
 *   dW = eta (y+ - y-) x-^T
 * with y the target's rates at the ends of the `plus` (outcome) and `minus` (prediction)
 * phases and x the source's rate at the end of the `pre` phase (the minus phase by default).
 * It acts once per trial, at the end of whichever of the two phases comes later. `decay`
 * adds weight decay, dW -= eta decay W, which bounds the weights where the outcome is random
 * (the p = 0.5 branches of a grammar push them back and forth).
 *
 * `form` selects among O'Reilly's (1996, section 2.3) variants; the last two read the source at
 * both phases:
 *   "asymmetric" (default)  dW = eta (y+ - y-) x-^T                       (the basic rule above)
 *   "symmetric"             dW = eta [ (y+ - y-) ((x+ + x-)/2)^T + ((y+ + y-)/2) (x+ - x-)^T ]
 *                           the symmetry-preserving form with the midpoint method: the sum of
 *                           the GeneRec updates of both directions of the connection, each with
 *                           the sending activity at the midpoint of its two phases;
 *   "chl"                   dW = eta (y+ x+^T - y- x-^T)            contrastive Hebbian learning.
 * Expanding the symmetric midpoint form gives the CHL form term by term (O'Reilly 1996: CHL is
 * GeneRec made symmetric with the midpoint method); both are computed as written, so a test can
 * compare them.
 */
#include <algorithm>

#include "circuits/network.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

namespace {

class generec final : public plasticity_rule {
public:
    learning_rate lr;
    std::string minus = "minus", plus = "plus", pre, acts_at, form = "asymmetric";
    double decay = 0.0;

    std::unique_ptr<plasticity_rule> clone() const override { return std::make_unique<generec>(*this); }
    bool continuous() const override { return false; }
    std::string phase() const override { return acts_at; }
    void bind(rule_binding& b) override {
        y_plus_ = b.signal(b.target(), "rate@" + plus);
        y_minus_ = b.signal(b.target(), "rate@" + minus);
        x_ = b.signal(b.source(), "rate@" + pre);
        if (form != "asymmetric") {
            x_plus_ = b.signal(b.source(), "rate@" + plus);
            x_minus_ = b.signal(b.source(), "rate@" + minus);
        }
    }
    bool update(plasticity_context& c) override {
        const double eta = lr.at(c.trial) * c.rate_factor;
        if (eta == 0.0) return false;
        projection& p = c.proj();
        if (decay > 0.0) p.for_each_synapse([&](std::size_t, std::size_t, double& w, std::size_t) { w -= eta * decay * w; });
        if (form == "asymmetric") {
            dy_ = c.values(y_plus_) - c.values(y_minus_);
            x_values_ = c.values(x_);
            p.add_outer_product(eta, dy_, x_values_);
            return true;
        }
        const Eigen::Map<const Eigen::VectorXd> yp = c.values(y_plus_), ym = c.values(y_minus_);
        const Eigen::Map<const Eigen::VectorXd> xp = c.values(x_plus_), xm = c.values(x_minus_);
        // One pass over the synapses, so Dale's law clamps the whole update, not each term.
        if (form == "symmetric")
            p.for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
                const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
                w += eta * ((yp[a] - ym[a]) * ((xp[b] + xm[b]) / 2.0) +
                            ((yp[a] + ym[a]) / 2.0) * (xp[b] - xm[b]));
            });
        else
            p.for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
                const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
                w += eta * (yp[a] * xp[b] - ym[a] * xm[b]);
            });
        return true;
    }

private:
    bound_signal y_plus_, y_minus_, x_, x_plus_, x_minus_;
    Eigen::VectorXd dy_, x_values_;
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<generec>();
    rule->lr = read_learning_rate(r);
    rule->minus = r.string("minus", "minus");
    check_phase(rule->minus, t.phases, r.loc_of("minus"));
    rule->plus = r.string("plus", "plus");
    check_phase(rule->plus, t.phases, r.loc_of("plus"));
    if (rule->plus == rule->minus) r.fail("plus", "the plus and minus phases must differ");
    rule->form = r.choice("form", "asymmetric", {"asymmetric", "symmetric", "chl"});
    if (rule->form != "asymmetric" && r.has("pre"))
        r.fail("pre", "form '" + rule->form + "' reads the source at both phases; 'pre' chooses the "
                      "phase of the asymmetric form only");
    rule->pre = rule->form == "asymmetric" ? r.string("pre", rule->minus) : rule->minus;
    check_phase(rule->pre, t.phases, r.loc_of("pre"));
    rule->decay = r.number("decay", 0.0, param_bound::non_negative);
    // Acts when both phases are over: at the end of the later one.
    rule->acts_at = latest_phase(t.phases, {rule->plus, rule->minus, rule->pre});
    return rule;
}

} // namespace

rule_kind generec_rule() {
    return {"generec",
            "dW = eta (y+ - y-) x-^T, or its symmetric midpoint form = CHL, at the end of the "
            "trial's phases (O'Reilly 1996)",
            make};
}

} // namespace cortexsim

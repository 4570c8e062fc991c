/*
 * equilibrium_propagation: equilibrium propagation (Scellier & Bengio 2017, Front. Comput.
 * Neurosci. 11:24, eq. 7 and Theorem 1; REFERENCES.md section 4):
 *   dW = (eta / beta) (y^beta x^beta^T - y^0 x^0^T)
 * with x and y the source's and the target's rates at the end of the free phase (`free`, the
 * network settled with the output unclamped: y^0, x^0) and of the weakly nudged phase
 * (`nudged`, the output pulled towards its target with strength beta: y^beta, x^beta). As
 * beta -> 0 this is -eta dL/dW, L the cost at the free equilibrium.
 *
 * Why the network's equilibria are those of an energy. With instantaneous dendrites and
 * g_A = 0 (or an apical dendrite that receives nothing), neuron i settles at
 *   (g_lk + g_B) u_i = g_B (W r)_i          (+ g_som (T_i - u_i) when nudged),
 * which is the stationarity condition dF/dr_i = 0 of
 *   E(r) = sum_i (g_lk + g_B)/g_B G(r_i) - 1/2 r^T W r,   G' = phi^-1,
 *   F = E + beta C,   C = 1/2 |u_out - T|^2 (linear output),   beta = g_som / g_B,
 * when W is symmetric: the connection h -> y and its reverse y -> h hold transposed weights
 * (the Hopfield 1984 energy of the leaky rate network; Scellier & Bengio's eq. 1 with the
 * network's own leak). dE/dW_ij = -r_i r_j, so Theorem 1 gives the rule above. beta is the
 * rule's parameter: declare the nudge of the plus phase with g_som = beta g_B (the task's
 * g_som) to follow the gradient with learning rate eta. For a nonlinear output the cost is
 * C = sum_out int_{phi(T)}^{r} (phi^-1(s) - T) ds, which has the same minimum.
 *
 * Checks: at lowering, the phases and beta; when the rule binds to a built network, that a
 * projection between two non-input populations has its reverse, learning by this rule with the
 * same settings and holding the transposed weights (declare it with weights = { distribution =
 * "copy", of = "...", transpose = true }): the two then receive the same update and stay
 * symmetric. Errors point at `rule = ...`.
 */
#include <algorithm>
#include <string>

#include "circuits/network.hpp"
#include "circuits/plasticity/learning_rate.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/projection.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

namespace {

class equilibrium_propagation final : public plasticity_rule {
public:
    learning_rate lr;
    double beta = 0.0;
    std::string free = "minus", nudged = "plus", acts_at;
    source_loc loc;

    std::unique_ptr<plasticity_rule> clone() const override {
        return std::make_unique<equilibrium_propagation>(*this);
    }
    bool continuous() const override { return false; }
    std::string phase() const override { return acts_at; }

    void bind(rule_binding& b) override {
        check_symmetric(b);
        y_nudged_ = b.signal(b.target(), "rate@" + nudged);
        y_free_ = b.signal(b.target(), "rate@" + free);
        x_nudged_ = b.signal(b.source(), "rate@" + nudged);
        x_free_ = b.signal(b.source(), "rate@" + free);
    }

    bool update(plasticity_context& c) override {
        const double eta = lr.at(c.trial) * c.rate_factor;
        if (eta == 0.0) return false;
        const Eigen::Map<const Eigen::VectorXd> yb = c.values(y_nudged_), y0 = c.values(y_free_);
        const Eigen::Map<const Eigen::VectorXd> xb = c.values(x_nudged_), x0 = c.values(x_free_);
        const double scale = eta / beta;
        // One pass over the synapses: the same arithmetic for W and for its transposed reverse,
        // so the two stay equal to the last bit (a*b == b*a in floating point).
        c.proj().for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
            const auto a = static_cast<Eigen::Index>(i), s = static_cast<Eigen::Index>(j);
            w += scale * (yb[a] * xb[s] - y0[a] * x0[s]);
        });
        return true;
    }

private:
    void check_symmetric(const rule_binding& b) const {
        const network& net = b.net();
        const lowered_model& m = net.model();
        const auto input = [&](std::size_t p) { return m.populations[p].model->kind == neuron_kind::input; };
        if (input(b.source()) || input(b.target())) return;  // a clamped end needs no reverse
        const auto named = [&](std::size_t p) { return "'" + m.populations[p].name + "'"; };
        const std::string what = "rule 'equilibrium_propagation' needs symmetric connections "
                                 "between " + named(b.source()) + " and " + named(b.target());
        std::string near;
        for (std::size_t f = 0; f < m.projections.size(); ++f) {
            const lowered_projection& fwd = m.projections[f];
            if (fwd.source != b.source() || fwd.target != b.target() || fwd.slot != b.slot() ||
                fwd.rule_name != "equilibrium_propagation")
                continue;
            for (std::size_t r = 0; r < m.projections.size(); ++r) {
                const lowered_projection& rev = m.projections[r];
                if (rev.source != b.target() || rev.target != b.source() || rev.nudging) continue;
                if (rev.rule_name != "equilibrium_propagation") {
                    near = "'" + rev.name + "' runs back but does not learn by this rule";
                    continue;
                }
                if (!same_values(rev.rule_params, fwd.rule_params)) {
                    near = "'" + rev.name + "' runs back with other rule settings";
                    continue;
                }
                if (rev.sign != fwd.sign) {
                    near = "'" + rev.name + "' runs back with another sign";
                    continue;
                }
                if (net.projections()[r].weights() != net.projections()[f].weights().transpose()) {
                    near = "'" + rev.name + "' runs back but its weights are not the transpose of '" +
                           fwd.name + "' (declare weights = { distribution = \"copy\", of = \"" +
                           fwd.name + "\", transpose = true })";
                    continue;
                }
                return;
            }
        }
        throw model_error(loc, what + ": " +
                                   (near.empty() ? "no projection runs from " + named(b.target()) + " back to " +
                                                       named(b.source()) +
                                                       "; declare one with weights = { distribution = \"copy\", "
                                                       "of = \"<this projection>\", transpose = true } and this rule"
                                                 : near));
    }

    bound_signal y_nudged_, y_free_, x_nudged_, x_free_;
};

std::unique_ptr<plasticity_rule> make(param_reader& r, const rule_target& t) {
    auto rule = std::make_unique<equilibrium_propagation>();
    rule->loc = t.rule_loc;
    rule->lr = read_learning_rate(r);
    rule->beta = r.required_number("beta", param_bound::positive);
    rule->free = r.string("free", "minus");
    check_phase(rule->free, t.phases, r.loc_of("free"));
    rule->nudged = r.string("nudged", "plus");
    check_phase(rule->nudged, t.phases, r.loc_of("nudged"));
    if (rule->free == rule->nudged) r.fail("nudged", "the free and the nudged phase must differ");
    if (latest_phase(t.phases, {rule->free, rule->nudged}) != rule->nudged)
        r.fail("nudged", "the nudged phase '" + rule->nudged + "' must come after the free phase '" + rule->free +
                             "' (it starts from the free equilibrium)");
    rule->acts_at = rule->nudged;
    return rule;
}

} // namespace

rule_kind equilibrium_propagation_rule() {
    return {"equilibrium_propagation",
            "dW = (eta/beta) (y^b x^b^T - y^0 x^0^T) from the free and the weakly nudged "
            "equilibria (Scellier & Bengio 2017)",
            make};
}

} // namespace cortexsim

/*
 * feedback_alignment: feedback alignment (Lillicrap, Cownden, Tweed & Akerman 2016, Nat.
 * Commun. 7:13276; REFERENCES.md section 4) in a two-phase rate network without interneurons:
 *   dW = eta (phi'(u-) * (v_A+ - v_A-)) x-^T,
 * the hidden error B delta_above delivered to the apical dendrite by fixed random feedback from
 * the layer above, read as the difference of the apical potential between the nudged (`plus`)
 * and the free (`minus`) phase. The mapping, its assumptions and its limits are in
 * apical_feedback.hpp (shared with direct_feedback_alignment); the feedback must come from a
 * population the target projects to. Acts once per trial, at the end of the later phase.
 */
#include "circuits/plasticity/rules/apical_feedback.hpp"

namespace cortexsim {

rule_kind feedback_alignment_rule() {
    return {"feedback_alignment",
            "dW = eta (phi'(u-) * (v_A+ - v_A-)) x-^T, the error B e through the layer above "
            "(Lillicrap et al. 2016)",
            [](param_reader& r, const rule_target& t) {
                return apical_feedback::make(r, t, "feedback_alignment", false);
            }};
}

} // namespace cortexsim

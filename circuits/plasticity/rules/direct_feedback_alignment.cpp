/*
 * direct_feedback_alignment: direct feedback alignment (Nokland 2016, NIPS; REFERENCES.md
 * section 4) in a two-phase rate network without interneurons:
 *   dW = eta (phi'(u-) * (v_A+ - v_A-)) x-^T,
 * every hidden layer k receiving B_k e in its apical dendrite straight from the output (a
 * fixed random projection output -> layer k apical), read as the difference of the apical
 * potential between the nudged (`plus`) and the free (`minus`) phase. The layers' apical
 * dendrites need not drive their somata, so the free phase is the feedforward network at every
 * depth. Mapping and assumptions: apical_feedback.hpp (shared with feedback_alignment). Acts
 * once per trial, at the end of the later phase.
 */
#include "circuits/plasticity/rules/apical_feedback.hpp"

namespace cortexsim {

rule_kind direct_feedback_alignment_rule() {
    return {"direct_feedback_alignment",
            "dW = eta (phi'(u-) * (v_A+ - v_A-)) x-^T, the output error B_k e to every hidden "
            "layer (Nokland 2016)",
            [](param_reader& r, const rule_target& t) {
                return apical_feedback::make(r, t, "direct_feedback_alignment", true);
            }};
}

} // namespace cortexsim

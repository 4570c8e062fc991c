#include "circuits/plasticity/rule.hpp"

namespace cortexsim {

// One line per rule; each rule's factory lives in rules/<name>.cpp.
rule_kind dendritic_prediction_rule();
rule_kind apical_silencing_rule();
rule_kind generec_rule();
rule_kind oja_rule();
rule_kind sanger_rule();
rule_kind bcm_rule();
rule_kind feedback_alignment_rule();
rule_kind direct_feedback_alignment_rule();
rule_kind xcal_rule();
rule_kind three_factor_rule();
rule_kind equilibrium_propagation_rule();

rule_registry& default_rules() {
    static rule_registry kinds = [] {
        rule_registry r("plasticity rule");
        r.add(dendritic_prediction_rule());
        r.add(apical_silencing_rule());
        r.add(generec_rule());
        r.add(oja_rule());
        r.add(sanger_rule());
        r.add(bcm_rule());
        r.add(feedback_alignment_rule());
        r.add(direct_feedback_alignment_rule());
        r.add(xcal_rule());
        r.add(three_factor_rule());
        r.add(equilibrium_propagation_rule());
        return r;
    }();
    return kinds;
}

} // namespace cortexsim

#include <stdexcept>

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

void rule_registry::add(rule_kind kind) {
    if (kind.name == "none" || find(kind.name))
        throw std::logic_error("plasticity rule '" + kind.name + "' registered twice (or reserved)");
    kinds_.push_back(std::move(kind));
}

const rule_kind* rule_registry::find(const std::string& name) const {
    for (const auto& k : kinds_)
        if (k.name == name) return &k;
    return nullptr;
}

std::vector<std::string> rule_registry::names() const {
    std::vector<std::string> out;
    for (const auto& k : kinds_) out.push_back(k.name);
    return out;
}

rule_registry& default_rules() {
    static rule_registry registry = [] {
        rule_registry r;
        r.add(dendritic_prediction_rule());
        r.add(apical_silencing_rule());
        r.add(generec_rule());
        r.add(oja_rule());
        r.add(sanger_rule());
        r.add(bcm_rule());
        r.add(feedback_alignment_rule());
        r.add(direct_feedback_alignment_rule());
        r.add(xcal_rule());
        return r;
    }();
    return registry;
}

} // namespace cortexsim

// Lowering of projection types and plasticity rules: which rule applies to which compartment,
// and each rule's parameters with their defaults (docs/toml_reference.md, docs/equations.md).
#include <algorithm>
#include <cmath>
#include <map>

#include "circuits/lowered_model.hpp"
#include "core/errors.hpp"
#include "core/param_tree.hpp"

namespace cortexsim {

void lower_projection_type(const projection_desc& p, const std::vector<lowered_population>& pops,
                           lowered_projection& out) {
    if (p.type.value == "synaptic") return;
    if (p.type.value != "nudging")
        throw model_error(p.type.loc, "must be 'synaptic' or 'nudging', got '" + p.type.value + "'");
    out.nudging = true;
    const lowered_population& src = pops[out.source];
    if (src.model->kind == neuron_kind::input)
        throw model_error(p.source.loc, "a nudging projection reads the source's somatic potential, "
                                        "but '" + src.name + "' is an input population");
    if (out.slot != soma_slot)
        throw model_error(p.compartment.loc, "a nudging projection acts on the soma, got compartment '" +
                                                 out.compartment + "'");
    if (out.connectivity != connectivity_kind::one_to_one)
        throw model_error(p.connectivity.loc, "a nudging projection must be one_to_one, got '" +
                                                  p.connectivity.value + "'");
    if (out.distribution != weight_distribution::constant || out.w_a < 0)
        throw model_error(p.weights.loc, "a nudging projection's weight is its conductance g_som: "
                                         "give a constant >= 0");
}

/// The projection's rule from the registry: its factory reads and checks the parameters, and
/// every parameter it did not read is an error.
void lower_plasticity(const model_desc& desc, const projection_desc& p,
                      const std::vector<lowered_population>& pops, lowered_projection& proj) {
    const plasticity_desc& d = p.plasticity;
    if (d.rule.value == "none") {
        if (!d.params.entries.empty())
            throw model_error(d.params.entries.front().value.loc, "rule 'none' takes no parameters");
        return;
    }
    const rule_registry& rules = default_rules();
    const rule_kind* kind = rules.find(d.rule.value);
    if (!kind) {
        std::vector<std::string> names = rules.names();
        names.insert(names.begin(), "none");
        throw model_error(d.rule.loc, "unknown plasticity rule '" + d.rule.value + "'; expected " +
                                          one_of(names) + did_you_mean(d.rule.value, names));
    }
    if (proj.nudging) throw model_error(d.rule.loc, "nudging projections are not plastic");
    rule_target t;
    t.projection = proj.name;
    t.source = &pops[proj.source];
    t.target = &pops[proj.target];
    t.slot = proj.slot;
    t.compartment = proj.compartment;
    t.dense = proj.connectivity == connectivity_kind::all_to_all;
    for (const phase_desc& ph : desc.phases) t.phases.push_back(ph.name.value);
    t.plasticity_interval_ms = desc.simulation.plasticity_interval_ms.value;
    t.rule_loc = d.rule.loc;
    for (const neuromodulator_desc& n : desc.neuromodulators) t.neuromodulators.push_back(n.name.value);
    param_value params = d.params;
    if (params.loc.path.empty()) params.loc = d.loc;
    param_reader r(params, "rule '" + kind->name + "'");
    std::unique_ptr<plasticity_rule> rule = kind->make(r, t);
    proj.step = read_step_filter(r);
    r.finish();
    proj.rule = std::move(rule);
    proj.rule_name = kind->name;
    proj.rule_params = r.resolved();
}

model_desc with_resolved_rules(const model_desc& desc, const lowered_model& lowered) {
    model_desc out = desc;
    for (std::size_t k = 0; k < out.projections.size() && k < lowered.projections.size(); ++k)
        if (lowered.projections[k].rule) out.projections[k].plasticity.params = lowered.projections[k].rule_params;
    return out;
}

} // namespace cortexsim

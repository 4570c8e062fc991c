// Lowering of projection types and plasticity rules: which rule applies to which compartment,
// and each rule's parameters with their defaults (docs/toml_reference.md, docs/equations.md).
#include <algorithm>
#include <cmath>
#include <map>

#include "circuits/lowered_model.hpp"
#include "core/errors.hpp"

namespace cortexsim {

namespace {

struct rule_info {
    plasticity_kind kind;
    std::map<std::string, double> defaults;  ///< NaN: required
};

const std::map<std::string, rule_info>& rule_catalogue() {
    // tau_w_ms 30: Sacramento et al. 2018 low-pass filter the plasticity term with 30 ms.
    static const std::map<std::string, rule_info> rules = {
        {"dendritic_prediction",
         {plasticity_kind::dendritic_prediction, {{"eta", NAN}, {"tau_w_ms", 30.0}, {"pause_ms", 0.0}}}},
        {"apical_silencing",
         {plasticity_kind::apical_silencing,
          {{"eta", NAN}, {"tau_w_ms", 30.0}, {"pause_ms", 0.0}, {"v_rest", 0.0}}}},
    };
    return rules;
}
} // namespace

std::map<std::string, double> plasticity_rule_defaults(const std::string& rule) {
    std::map<std::string, double> out;
    auto it = rule_catalogue().find(rule);
    if (it == rule_catalogue().end()) return out;
    for (const auto& [k, v] : it->second.defaults)
        if (!std::isnan(v)) out[k] = v;  // required settings (eta) have no default
    return out;
}

std::vector<std::string> plasticity_rule_names() {
    std::vector<std::string> names = {"none"};
    for (const auto& [name, _] : rule_catalogue()) names.push_back(name);
    return names;
}

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

lowered_plasticity lower_plasticity(const projection_desc& p,
                                    const std::vector<lowered_population>& pops,
                                    const lowered_projection& proj) {
    lowered_plasticity out;
    const plasticity_desc& d = p.plasticity;
    if (d.rule.value == "none") {
        if (!d.params.empty())
            throw model_error(d.params.begin()->second.loc, "rule 'none' takes no parameters");
        return out;
    }
    const auto& rules = rule_catalogue();
    auto it = rules.find(d.rule.value);
    if (it == rules.end())
        throw model_error(d.rule.loc, "unknown plasticity rule '" + d.rule.value + "'; expected " +
                                          one_of(plasticity_rule_names()) +
                                          did_you_mean(d.rule.value, plasticity_rule_names()));
    out.kind = it->second.kind;
    std::map<std::string, double> values = it->second.defaults;
    std::vector<std::string> keys;
    for (const auto& [k, _] : values) keys.push_back(k);
    for (const auto& [k, v] : d.params) {
        if (!values.count(k))
            throw model_error(v.loc, "unknown parameter '" + k + "' of rule '" + it->first +
                                         "'; it has " + one_of(keys) + did_you_mean(k, keys));
        if (!std::isfinite(v.value)) throw model_error(v.loc, "must be finite, got " + format_value(v.value));
        if (k != "v_rest" && v.value < 0)
            throw model_error(v.loc, "must be non-negative, got " + format_value(v.value));
        values[k] = v.value;
    }
    for (const auto& [k, v] : values)
        if (std::isnan(v))
            throw model_error(d.loc, "rule '" + it->first + "' needs '" + k + "'");
    out.eta = values["eta"];
    out.tau_w_ms = values["tau_w_ms"];
    out.pause_ms = values["pause_ms"];
    if (values.count("v_rest")) out.v_rest = values["v_rest"];

    if (proj.nudging)
        throw model_error(d.rule.loc, "nudging projections are not plastic");
    if (proj.slot == soma_slot)
        throw model_error(d.rule.loc, "rule '" + it->first + "' compares a dendritic potential with "
                                      "the soma, so it needs a dendritic target compartment, got 'soma'");
    if (proj.connectivity != connectivity_kind::all_to_all)
        throw model_error(d.rule.loc, "plastic projections need connectivity = 'all_to_all' for now "
                                      "(sparse plastic projections are not supported yet)");
    (void)pops;
    return out;
}

} // namespace cortexsim

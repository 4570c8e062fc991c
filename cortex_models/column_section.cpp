// [[column]] and [[column_link]]: their sections' keys (docs/toml_reference.md) into a
// column_spec / column_link_spec, then the expansion of six_layer_column.cpp.
#include <cmath>

#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "cortex_models/six_layer_column.hpp"
#include "cortex_models/template_registry.hpp"
#include "cortex_models/template_support.hpp"

namespace cortexsim {

namespace {
/// `plasticity = { "<pathway>" = { rule = "...", ... }, ... }`, or "none" for no learning at
/// all (every default rule removed).
std::map<std::string, plasticity_desc> read_pathway_rules(param_reader& r,
                                                          const std::vector<std::string>& defaults) {
    std::map<std::string, plasticity_desc> out;
    const param_value* v = r.take("plasticity");
    if (!v) {
        r.note("plasticity", param_value::make_table(r.loc_of("plasticity")));
        return out;
    }
    if (v->kind == param_value::type::string) {
        if (v->string != "none")
            throw model_error(v->loc, "must be a table { \"<pathway>\" = { rule = ... } } or \"none\", got '" +
                                          v->string + "'");
        for (const auto& key : defaults) {
            plasticity_desc none;
            none.rule = located<std::string>("none", v->loc);
            out[key] = none;
        }
        r.note("plasticity", *v);
        return out;
    }
    if (v->kind != param_value::type::table)
        throw model_error(v->loc, "must be a table { \"<pathway>\" = { rule = ... } } or \"none\", got " +
                                      type_name(*v));
    for (const param_entry& e : v->entries) {
        if (e.value.kind != param_value::type::table)
            throw model_error(e.value.loc, "must be a table { rule = \"...\", ... }, got " + type_name(e.value));
        const param_value* rule = e.value.find("rule");
        if (!rule) throw model_error(e.value.loc, "missing required key 'rule'");
        if (rule->kind != param_value::type::string)
            throw model_error(rule->loc, "must be a string, got " + type_name(*rule));
        plasticity_desc d;
        d.rule = located<std::string>(rule->string, rule->loc);
        d.params = e.value;
        d.params.erase("rule");
        if (d.rule.value == "none" && !d.params.entries.empty())
            throw model_error(d.params.entries.front().value.loc, "rule 'none' takes no parameters");
        d.loc = e.value.loc;
        out[e.key] = d;
    }
    r.note("plasticity", *v);
    return out;
}

/// `strengths = { "<pathway>" = g, ... }`, each pathway one of `known`'s keys.
std::map<std::string, double> read_strengths(param_reader& r, const std::map<std::string, double>& known,
                                             const char* where) {
    std::vector<std::string> names;
    for (const auto& [k, g] : known) names.push_back(k);
    std::map<std::string, double> out;
    for (const auto& [k, v] : r.number_table("strengths", param_bound::non_negative)) {
        if (!known.count(k))
            throw model_error(v.loc, "unknown pathway '" + k + "'; " + where + " has " + one_of(names) +
                                         did_you_mean(k, names));
        out[k] = v.value;
    }
    return out;
}
} // namespace

void expand_column_section(model_desc& model, const section_desc& section, template_exports& exports) {
    param_reader r(section.params, "[[column]]");
    column_spec s;
    s.name = r.required_string("name");
    if (s.name.empty() || s.name.find('.') != std::string::npos)
        throw model_error(r.loc_of("name"), "a column name must be non-empty and contain no '.', got '" +
                                                s.name + "'");
    if (exports.find("column", s.name))
        throw model_error(r.loc_of("name"), "duplicate column name '" + s.name + "'");
    const auto& types = column_cell_types();
    for (const auto& [type, n] : r.number_table("sizes")) {
        if (std::find(types.begin(), types.end(), type) == types.end())
            throw model_error(n.loc, "unknown cell type '" + type + "'; a column has " + one_of(types) +
                                         did_you_mean(type, types));
        if (n.value != std::floor(n.value) || n.value < 1 || n.value > 1e8)
            throw model_error(n.loc, "must be a whole number of neurons from 1 to 100000000, got " +
                                         format_number(n.value));
        s.sizes[type] = static_cast<long>(n.value);
    }
    s.p_connect = r.number("p_connect", s.p_connect, param_bound::unit_interval);
    if (!(s.p_connect > 0.0)) throw model_error(r.loc_of("p_connect"), "must be above 0, got 0.0");
    s.w_excitatory = r.number("w_excitatory", s.w_excitatory, param_bound::non_negative);
    s.w_inhibitory = r.number("w_inhibitory", s.w_inhibitory, param_bound::non_negative);
    located<std::string> transfer(s.transfer, r.loc_of("transfer"));
    read_transfer(r, "transfer", transfer, s.transfer_params);
    s.transfer = transfer.value;
    s.dendrites = r.choice("dendrites", s.dendrites, {"instantaneous", "dynamic"});
    s.strengths = read_strengths(r, column_pathway_strengths(), "a column");
    for (const auto& [k, v] : r.number_table("spread", param_bound::non_negative)) {
        if (!column_pathway_strengths().count(k)) {
            std::vector<std::string> known;
            for (const auto& [name, g] : column_pathway_strengths()) known.push_back(name);
            throw model_error(v.loc, "unknown pathway '" + k + "'; a column has " + one_of(known) +
                                         did_you_mean(k, known));
        }
        s.spread[k] = v.value;
    }
    s.pulvinar_beta = r.number("pulvinar_beta", s.pulvinar_beta, param_bound::positive);
    s.l6_theta = r.number("l6_theta", s.l6_theta);
    s.ct_self_context = r.flag("ct_self_context", s.ct_self_context);
    s.dale = r.flag("dale", s.dale);
    s.prediction_phase = r.string("prediction_phase", s.prediction_phase);
    s.outcome_phase = r.string("outcome_phase", s.outcome_phase);
    s.context_phase = r.string("context_phase", s.outcome_phase);
    s.context_mix = r.number("context_mix", s.context_mix, param_bound::unit_interval);
    if (!(s.context_mix > 0.0)) throw model_error(r.loc_of("context_mix"), "must be above 0, got 0.0");
    s.pulvinar_gating = r.choice("pulvinar_gating", s.pulvinar_gating, {"coupling", "projection"});
    std::vector<std::string> defaults;
    for (const auto& [k, rule] : column_default_plasticity(s)) defaults.push_back(k);
    s.plasticity = read_pathway_rules(r, defaults);
    for (const auto& [key, rule] : s.plasticity)
        if (!column_pathway_strengths().count(key)) {
            std::vector<std::string> known;
            for (const auto& [k, v] : column_pathway_strengths()) known.push_back(k);
            throw model_error(r.loc_of("plasticity"), "unknown pathway '" + key + "'; a column has " +
                                                          one_of(known) + did_you_mean(key, known));
        }
    r.finish();

    const std::size_t first_pop = model.populations.size();
    add_six_layer_column(model, s, section.loc);
    for (std::size_t i = first_pop; i < model.populations.size(); ++i) {
        population_desc& p = model.populations[i];
        p.transfer.loc = transfer.loc;
        p.dendrites.loc = r.loc_of("dendrites");
    }
    exports.put("column", s.name, s);
}

void expand_column_link_section(model_desc& model, const section_desc& section, template_exports& exports) {
    param_reader r(section.params, "[[column_link]]");
    const std::string lower = r.required_string("lower");
    const std::string upper = r.required_string("upper");
    const std::vector<std::string> names = exports.names("column");
    for (const std::string* end : {&lower, &upper})
        if (!exports.find("column", *end))
            throw model_error(r.loc_of(end == &lower ? "lower" : "upper"),
                              "unknown column '" + *end + "'" +
                                  (names.empty() ? std::string(" (a link must follow the [[column]]s it joins)")
                                                 : did_you_mean(*end, names)));
    if (lower == upper) throw model_error(r.loc_of("upper"), "a column cannot link to itself");
    column_link_spec link;
    link.strengths = read_strengths(r, column_link_pathway_strengths(), "a column link");
    link.plasticity = read_pathway_rules(r, {"L6->pulvinar"});
    r.finish();
    const auto& lo = std::any_cast<const column_spec&>(*exports.find("column", lower));
    const auto& up = std::any_cast<const column_spec&>(*exports.find("column", upper));
    add_column_link(model, lo, up, link, section.loc);
}

} // namespace cortexsim

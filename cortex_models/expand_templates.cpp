#include "cortex_models/expand_templates.hpp"

#include "core/errors.hpp"
#include "cortex_models/microcircuit_template.hpp"
#include "cortex_models/six_layer_column.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cortexsim {

namespace {
void expand_microcircuit(model_desc& model, const microcircuit_desc& m) {
    microcircuit_spec s;
    s.prefix = m.prefix.value;
    s.n_input = static_cast<std::size_t>(m.n_input.value);
    for (const auto& l : m.layers) s.layers.push_back(static_cast<std::size_t>(l.value));
    s.transfer = m.transfer.value;
    s.transfer_params = m.transfer_params;
    s.dendrites = m.dendrites.value;
    auto num = [&](const char* key, double& field) {
        if (m.params.count(key)) field = m.params.at(key).value;
    };
    num("g_lk", s.g_lk);
    num("g_B", s.g_B);
    num("g_A", s.g_A);
    num("g_D", s.g_D);
    num("g_som", s.g_som);
    num("weight_scale", s.weight_scale);
    num("eta_IP", s.eta_IP);
    num("eta_PI", s.eta_PI);
    num("tau_w_ms", s.tau_w_ms);
    num("pause_ms", s.pause_ms);
    if (m.eta_PP.size() == 1) {
        s.eta_PP = m.eta_PP[0].value;
    } else if (!m.eta_PP.empty()) {
        if (m.eta_PP.size() != m.layers.size())
            throw model_error(m.eta_PP[0].loc, "eta_PP has " + std::to_string(m.eta_PP.size()) +
                                                   " rates for " + std::to_string(m.layers.size()) +
                                                   " layers: give one rate, or one per layer");
        for (const auto& e : m.eta_PP) s.eta_PP_per_layer.push_back(e.value);
    }
    s.self_predicting_init = m.self_predicting_init.value;
    if (s.self_predicting_init && !(s.g_D > 0.0))
        throw model_error(m.params.count("g_D") ? m.params.at("g_D").loc : m.self_predicting_init.loc,
                          "self_predicting_init needs g_D > 0 (the interneuron weights scale with "
                          "(g_lk + g_D) / g_D)");

    const std::size_t first_pop = model.populations.size(), first_proj = model.projections.size();
    add_microcircuit(model, s);
    // Point every generated value at the template, so a bad transfer or parameter is
    // reported where the user wrote it.
    for (std::size_t i = first_pop; i < model.populations.size(); ++i) {
        population_desc& p = model.populations[i];
        p.loc = m.loc;
        p.name.loc = m.loc;
        p.model.loc = m.loc;
        p.size.loc = m.layers.empty() ? m.loc : m.layers.front().loc;
        if (p.model.value == "input") {
            p.size.loc = m.n_input.loc;
            p.transfer_params.clear();
            p.transfer.loc = source_loc{m.loc.file, 0, 0, m.loc.path, true};
            p.dendrites.loc = p.transfer.loc;
            continue;
        }
        p.transfer.loc = m.transfer.loc;
        p.transfer_params = m.transfer_params;
        p.dendrites.loc = m.dendrites.loc;
        for (auto& [key, v] : p.params)
            v.loc = m.params.count(key) ? m.params.at(key).loc : m.loc;
    }
    for (std::size_t i = first_proj; i < model.projections.size(); ++i) {
        projection_desc& p = model.projections[i];
        p.loc = m.loc;
        p.source.loc = p.target.loc = p.compartment.loc = p.connectivity.loc = m.loc;
        p.weights.loc = m.loc;
        p.plasticity.loc = p.plasticity.rule.loc = m.loc;
        for (auto& [key, v] : p.plasticity.params) v.loc = m.loc;
    }
}
column_spec column_from(const column_desc& c) {
    column_spec s;
    s.name = c.name.value;
    const auto& types = column_cell_types();
    for (const auto& [type, n] : c.sizes) {
        if (std::find(types.begin(), types.end(), type) == types.end())
            throw model_error(n.loc, "unknown cell type '" + type + "'; a column has " +
                                         one_of(types) + did_you_mean(type, types));
        if (n.value != std::floor(n.value))
        {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", n.value);
            throw model_error(n.loc, std::string("must be a whole number of neurons, got ") + buf);
        }
        s.sizes[type] = static_cast<long>(n.value);
    }
    s.p_connect = c.p_connect.value;
    s.w_excitatory = c.w_excitatory.value;
    s.w_inhibitory = c.w_inhibitory.value;
    s.transfer = c.transfer.value;
    s.transfer_params = c.transfer_params;
    s.dendrites = c.dendrites.value;
    for (const auto& [key, g] : c.strengths) {
        if (!column_pathway_strengths().count(key)) {
            std::vector<std::string> known;
            for (const auto& [k, v] : column_pathway_strengths()) known.push_back(k);
            throw model_error(g.loc, "unknown pathway '" + key + "'; a column has " + one_of(known) +
                                         did_you_mean(key, known));
        }
        s.strengths[key] = g.value;
    }
    s.pulvinar_beta = c.pulvinar_beta.value;
    s.l6_theta = c.l6_theta.value;
    s.ct_self_context = c.ct_self_context.value;
    s.dale = c.dale.value;
    return s;
}

void expand_columns(model_desc& model) {
    std::map<std::string, column_spec> specs;
    for (const column_desc& c : model.columns) {
        if (c.name.value.empty() || c.name.value.find('.') != std::string::npos)
            throw model_error(c.name.loc, "a column name must be non-empty and contain no '.', got '" +
                                              c.name.value + "'");
        if (specs.count(c.name.value))
            throw model_error(c.name.loc, "duplicate column name '" + c.name.value + "'");
        const column_spec s = column_from(c);
        specs[s.name] = s;
        const std::size_t first_pop = model.populations.size();
        add_six_layer_column(model, s, c.loc);
        for (std::size_t i = first_pop; i < model.populations.size(); ++i) {
            population_desc& p = model.populations[i];
            p.transfer.loc = c.transfer.loc;
            p.dendrites.loc = c.dendrites.loc;
        }
    }
    std::vector<std::string> names;
    for (const auto& [n, _] : specs) names.push_back(n);
    for (const column_link_desc& l : model.column_links) {
        for (const located<std::string>* end : {&l.lower, &l.upper})
            if (!specs.count(end->value))
                throw model_error(end->loc, "unknown column '" + end->value + "'" +
                                                did_you_mean(end->value, names));
        if (l.lower.value == l.upper.value)
            throw model_error(l.upper.loc, "a column cannot link to itself");
        const std::size_t first = model.projections.size();
        add_column_link(model, l.lower.value, l.upper.value, specs.at(l.lower.value),
                        specs.at(l.upper.value));
        for (std::size_t i = first; i < model.projections.size(); ++i) model.projections[i].loc = l.loc;
    }
}
} // namespace

void expand_templates(model_desc& model) {
    for (const microcircuit_desc& m : model.microcircuits) expand_microcircuit(model, m);
    model.microcircuits.clear();
    expand_columns(model);
    model.columns.clear();
    model.column_links.clear();
}

} // namespace cortexsim

#include "cortex_models/expand_templates.hpp"

#include "core/errors.hpp"
#include "cortex_models/microcircuit_template.hpp"

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
} // namespace

void expand_templates(model_desc& model) {
    for (const microcircuit_desc& m : model.microcircuits) expand_microcircuit(model, m);
    model.microcircuits.clear();
}

} // namespace cortexsim

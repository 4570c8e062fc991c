#include "cortex_models/microcircuit_template.hpp"

#include <cmath>
#include <stdexcept>

#include "core/errors.hpp"
#include "core/param_tree.hpp"
#include "cortex_models/template_registry.hpp"
#include "cortex_models/template_support.hpp"

namespace cortexsim {

std::string microcircuit_input(const microcircuit_spec& s) { return s.prefix + "input"; }
std::string microcircuit_pyramidal(const microcircuit_spec& s, std::size_t k) {
    return s.prefix + "P" + std::to_string(k);
}
std::string microcircuit_interneuron(const microcircuit_spec& s, std::size_t k) {
    return s.prefix + "I" + std::to_string(k);
}
std::string microcircuit_forward(const microcircuit_spec& s, std::size_t k) {
    return microcircuit_pyramidal(s, k - 1) + "->" + microcircuit_pyramidal(s, k) + ".basal";
}
std::string microcircuit_top_down(const microcircuit_spec& s, std::size_t k) {
    return microcircuit_pyramidal(s, k + 1) + "->" + microcircuit_pyramidal(s, k) + ".apical(top-down)";
}

namespace {
plasticity_desc rule(const std::string& name, double eta, const microcircuit_spec& s) {
    plasticity_desc p;
    if (eta <= 0.0) return p;
    p.rule = name;
    p.params.set("eta", param_value::of(eta));
    p.params.set("tau_w_ms", param_value::of(s.tau_w_ms));
    p.params.set("pause_ms", param_value::of(s.pause_ms));
    return p;
}

/// The forward pyramidal weights' rule, with the template's weight decay.
plasticity_desc forward_rule(double eta, const microcircuit_spec& s) {
    plasticity_desc p = rule("dendritic_prediction", eta, s);
    if (p.rule.value != "none" && s.weight_decay > 0.0) p.params.set("decay", param_value::of(s.weight_decay));
    return p;
}

projection_desc connect(const std::string& src, const std::string& tgt, const std::string& comp,
                        double scale) {
    projection_desc p;
    p.source = src;
    p.target = tgt;
    p.compartment = comp;
    p.connectivity = std::string("all_to_all");
    p.weights.distribution = std::string("uniform");
    p.weights.params["low"] = -scale;
    p.weights.params["high"] = scale;
    return p;
}
} // namespace

void add_microcircuit(model_desc& model, const microcircuit_spec& s) {
    if (s.layers.empty() || s.n_input == 0)
        throw std::invalid_argument("microcircuit needs an input size and at least one layer");
    for (std::size_t n : s.layers)
        if (n == 0) throw std::invalid_argument("microcircuit layer sizes must be positive");
    const std::size_t L = s.layers.size();

    population_desc in;
    in.name = microcircuit_input(s);
    in.model = std::string("input");
    in.size = static_cast<long>(s.n_input);
    model.populations.push_back(in);

    for (std::size_t k = 1; k <= L; ++k) {
        population_desc p;
        p.name = microcircuit_pyramidal(s, k);
        p.model = std::string("pyramidal");
        p.size = static_cast<long>(s.layers[k - 1]);
        p.dendrites = s.dendrites;
        p.transfer = s.transfer;
        p.transfer_params = s.transfer_params;
        p.params["g_lk"] = s.g_lk;
        p.params["g_B"] = s.g_B;
        p.params["g_A"] = k == L ? 0.0 : s.g_A;  // output layer: no apical compartment in use
        model.populations.push_back(p);
        if (k == L) continue;
        population_desc i;
        i.name = microcircuit_interneuron(s, k);
        i.model = std::string("interneuron");
        i.size = static_cast<long>(s.layers[k]);
        i.dendrites = s.dendrites;
        i.transfer = s.transfer;
        i.transfer_params = s.transfer_params;
        i.params["g_lk"] = s.g_lk;
        i.params["g_D"] = s.g_D;
        model.populations.push_back(i);
    }

    model.projections.push_back(connect(microcircuit_input(s), microcircuit_pyramidal(s, 1), "basal",
                                        s.w_input < 0.0 ? s.weight_scale : s.w_input));
    auto eta_into = [&](std::size_t layer) {
        if (s.eta_PP_per_layer.empty()) return s.eta_PP;
        if (s.eta_PP_per_layer.size() != L)
            throw std::invalid_argument("eta_PP_per_layer needs one rate per pyramidal layer");
        return s.eta_PP_per_layer[layer - 1];
    };
    model.projections.back().plasticity = forward_rule(eta_into(1), s);
    for (std::size_t k = 1; k < L; ++k) {
        const std::string pk = microcircuit_pyramidal(s, k), pk1 = microcircuit_pyramidal(s, k + 1);
        const std::string ik = microcircuit_interneuron(s, k);
        model.projections.push_back(connect(pk, pk1, "basal", s.weight_scale));
        model.projections.back().name = microcircuit_forward(s, k + 1);
        model.projections.back().plasticity = forward_rule(eta_into(k + 1), s);
        model.projections.push_back(connect(pk1, pk, "apical", s.weight_scale));
        model.projections.back().name = microcircuit_top_down(s, k);
        model.projections.push_back(connect(pk, ik, "dendrite", s.weight_scale));
        model.projections.back().plasticity = rule("dendritic_prediction", s.eta_IP, s);
        if (s.self_predicting_init) {
            const double g_A_above = k + 1 == L ? 0.0 : s.g_A;
            auto& w = model.projections.back().weights;
            w.distribution = std::string("copy");
            w.params.clear();
            w.params["scale"] = s.g_B * (s.g_lk + s.g_D) / (s.g_D * (s.g_lk + s.g_B + g_A_above));
            w.copy_of = microcircuit_forward(s, k + 1);
        }
        model.projections.push_back(connect(ik, pk, "apical", s.weight_scale));
        model.projections.back().plasticity = rule("apical_silencing", s.eta_PI, s);
        if (s.self_predicting_init) {
            auto& w = model.projections.back().weights;
            w.distribution = std::string("copy");
            w.params.clear();
            w.params["scale"] = -1.0;
            w.copy_of = microcircuit_top_down(s, k);
        }
        projection_desc nudge;
        nudge.source = pk1;
        nudge.target = ik;
        nudge.compartment = std::string("soma");
        nudge.connectivity = std::string("one_to_one");
        nudge.type = std::string("nudging");
        nudge.weights.params["value"] = s.g_som;
        model.projections.push_back(nudge);
    }
}

/*
 * [[microcircuit]]: the section's keys (docs/toml_reference.md) into a microcircuit_spec, then
 * the expansion above. Every generated value points at the key it came from (or the section),
 * so a bad transfer function or parameter is reported where the user wrote it.
 */
void expand_microcircuit_section(model_desc& model, const section_desc& section, template_exports&) {
    param_reader r(section.params, "[[microcircuit]]");
    microcircuit_spec s;
    s.prefix = r.string("prefix", "");
    s.n_input = static_cast<std::size_t>(r.required_count("n_input", 1, 100000000));
    std::vector<located<long>> layers;
    {
        const param_value* v = &r.required("layers");
        if (v->kind != param_value::type::array || v->items.empty())
            throw model_error(v->loc, "must be a non-empty array of layer sizes, got " +
                                          (v->kind == param_value::type::array ? std::string("an empty array")
                                                                               : type_name(*v)));
        param_value resolved = *v;
        for (const param_value& item : v->items) {
            // Whole numbers only, as every count: 8 or 8.0, never 8.5.
            const double x = item.is_number() ? item.as_double() : 0.0;
            if (!item.is_number() || x != std::floor(x) || x < 1 || x > 100000000)
                throw model_error(item.loc, "must be an integer from 1 to 100000000 (a layer size), got " +
                                                (item.kind == param_value::type::integer ? std::to_string(item.integer)
                                                 : item.is_number() ? format_number(x)
                                                                    : type_name(item)));
            layers.emplace_back(static_cast<long>(x), item.loc);
            s.layers.push_back(static_cast<std::size_t>(x));
        }
        r.note("layers", resolved);
    }
    located<std::string> transfer(s.transfer, r.loc_of("transfer"));
    read_transfer(r, "transfer", transfer, s.transfer_params);
    s.transfer = transfer.value;
    s.dendrites = r.choice("dendrites", s.dendrites, {"instantaneous", "dynamic"});
    std::vector<located<double>> eta_PP = r.numbers("eta_PP", param_bound::non_negative);
    s.self_predicting_init = r.flag("self_predicting_init", false);
    s.g_lk = r.number("g_lk", s.g_lk, param_bound::non_negative);
    s.g_B = r.number("g_B", s.g_B, param_bound::non_negative);
    s.g_A = r.number("g_A", s.g_A, param_bound::non_negative);
    s.g_D = r.number("g_D", s.g_D, param_bound::non_negative);
    s.g_som = r.number("g_som", s.g_som, param_bound::non_negative);
    s.weight_scale = r.number("weight_scale", s.weight_scale, param_bound::non_negative);
    s.w_input = r.number("w_input", s.weight_scale, param_bound::non_negative);
    s.eta_IP = r.number("eta_IP", s.eta_IP, param_bound::non_negative);
    s.eta_PI = r.number("eta_PI", s.eta_PI, param_bound::non_negative);
    s.tau_w_ms = r.number("tau_w_ms", s.tau_w_ms, param_bound::non_negative);
    s.pause_ms = r.number("pause_ms", s.pause_ms, param_bound::non_negative);
    s.weight_decay = r.number("weight_decay", s.weight_decay, param_bound::non_negative);
    r.finish();
    if (eta_PP.empty() && r.has("eta_PP"))
        throw model_error(r.loc_of("eta_PP"), "eta_PP is empty: give one rate, or one per layer (" +
                                                  std::to_string(s.layers.size()) + ")");
    if (eta_PP.size() == 1) {
        s.eta_PP = eta_PP[0].value;
    } else if (!eta_PP.empty()) {
        if (eta_PP.size() != s.layers.size())
            throw model_error(eta_PP[0].loc, "eta_PP has " + std::to_string(eta_PP.size()) +
                                                 " rates for " + std::to_string(s.layers.size()) +
                                                 " layers: give one rate, or one per layer");
        for (const auto& e : eta_PP) s.eta_PP_per_layer.push_back(e.value);
    }
    if (s.self_predicting_init && !(s.g_D > 0.0))
        throw model_error(r.has("g_D") ? r.loc_of("g_D") : r.loc_of("self_predicting_init"),
                          "self_predicting_init needs g_D > 0 (the interneuron weights scale with "
                          "(g_lk + g_D) / g_D)");

    const std::size_t first_pop = model.populations.size(), first_proj = model.projections.size();
    add_microcircuit(model, s);
    const source_loc& loc = section.loc;
    for (std::size_t i = first_pop; i < model.populations.size(); ++i) {
        population_desc& p = model.populations[i];
        p.loc = loc;
        p.name.loc = loc;
        p.model.loc = loc;
        p.size.loc = layers.front().loc;
        if (p.model.value == "input") {
            p.size.loc = r.loc_of("n_input");
            p.transfer_params.clear();
            p.transfer.loc = source_loc{loc.file, 0, 0, loc.path, true};
            p.dendrites.loc = p.transfer.loc;
            continue;
        }
        p.transfer.loc = transfer.loc;
        p.dendrites.loc = r.loc_of("dendrites");
        for (auto& [key, v] : p.params) v.loc = r.has(key) ? r.loc_of(key) : loc;
    }
    for (std::size_t i = first_proj; i < model.projections.size(); ++i) {
        projection_desc& p = model.projections[i];
        p.loc = loc;
        p.source.loc = p.target.loc = p.compartment.loc = p.connectivity.loc = loc;
        p.weights.loc = loc;
        p.plasticity.loc = p.plasticity.rule.loc = loc;
        for (param_entry& e : p.plasticity.params.entries) e.value.loc = loc;
    }
}

} // namespace cortexsim

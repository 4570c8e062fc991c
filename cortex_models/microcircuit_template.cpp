#include "cortex_models/microcircuit_template.hpp"

#include <stdexcept>

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
    p.params["eta"] = eta;
    p.params["tau_w_ms"] = s.tau_w_ms;
    p.params["pause_ms"] = s.pause_ms;
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

    model.projections.push_back(
        connect(microcircuit_input(s), microcircuit_pyramidal(s, 1), "basal", s.weight_scale));
    auto eta_into = [&](std::size_t layer) {
        if (s.eta_PP_per_layer.empty()) return s.eta_PP;
        if (s.eta_PP_per_layer.size() != L)
            throw std::invalid_argument("eta_PP_per_layer needs one rate per pyramidal layer");
        return s.eta_PP_per_layer[layer - 1];
    };
    model.projections.back().plasticity = rule("dendritic_prediction", eta_into(1), s);
    for (std::size_t k = 1; k < L; ++k) {
        const std::string pk = microcircuit_pyramidal(s, k), pk1 = microcircuit_pyramidal(s, k + 1);
        const std::string ik = microcircuit_interneuron(s, k);
        model.projections.push_back(connect(pk, pk1, "basal", s.weight_scale));
        model.projections.back().name = microcircuit_forward(s, k + 1);
        model.projections.back().plasticity = rule("dendritic_prediction", eta_into(k + 1), s);
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

} // namespace cortexsim

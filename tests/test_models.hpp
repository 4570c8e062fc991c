#pragma once
// Small C++-built model descriptions shared by the tests (no TOML needed).
#include <functional>
#include <string>
#include <vector>

#include "circuits/network.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"
#include "core/model_desc.hpp"
#include "core/simulation.hpp"

namespace cortexsim::testing {

inline population_desc population(const std::string& name, const std::string& model, long size,
                                  const std::string& dendrites = "instantaneous") {
    population_desc p;
    p.name = name;
    p.model = model;
    p.size = size;
    p.dendrites = dendrites;
    return p;
}

inline projection_desc proj_desc(const std::string& src, const std::string& tgt,
                                  const std::string& comp, double low, double high) {
    projection_desc p;
    p.source = src;
    p.target = tgt;
    p.compartment = comp;
    p.weights.distribution = std::string("uniform");
    p.weights.params["low"] = low;
    p.weights.params["high"] = high;
    return p;
}

/// A fixed in-degree projection: each target neuron gets k sources, weights uniform on [low, high].
inline projection_desc sparse_proj_desc(const std::string& src, const std::string& tgt,
                                        const std::string& comp, long k, double low, double high) {
    projection_desc p = proj_desc(src, tgt, comp, low, high);
    p.connectivity = std::string("fixed_indegree");
    p.indegree = k;
    return p;
}

/// One-to-one somatic nudging of `tgt` towards `src` with conductance g_som.
inline projection_desc nudging_proj_desc(const std::string& src, const std::string& tgt, double g_som) {
    projection_desc p;
    p.source = src;
    p.target = tgt;
    p.compartment = std::string("soma");
    p.connectivity = std::string("one_to_one");
    p.type = std::string("nudging");
    p.weights.params["value"] = g_som;
    return p;
}

/// A plasticity rule with numeric settings, e.g. rule("dendritic_prediction", {{"eta", 0.5}}).
inline plasticity_desc rule(const std::string& name,
                            const std::vector<std::pair<std::string, double>>& settings = {}) {
    plasticity_desc p;
    p.rule = name;
    for (const auto& [k, v] : settings) p.params.set(k, param_value::of(v));
    return p;
}

inline stimulus_desc stimulus(const std::string& target, const std::string& mode,
                              std::vector<double> times, std::vector<std::vector<double>> rows,
                              const std::string& compartment = "soma") {
    stimulus_desc s;
    s.target = target;
    s.mode = mode;
    s.compartment = compartment;
    s.kind = std::string("sequence");
    s.times_ms = std::move(times);
    s.values = std::move(rows);
    return s;
}

/// A rate stimulus on `target` stepping every step_ms: first, first + increment, ... (`steps` rows).
inline stimulus_desc stepped_rates(const std::string& target, int steps, double step_ms, double first,
                                   double increment) {
    std::vector<double> times;
    std::vector<std::vector<double>> rows;
    for (int k = 0; k < steps; ++k) {
        times.push_back(step_ms * k);
        rows.push_back({first + increment * k});
    }
    return stimulus(target, "rate", times, rows);
}

inline model_desc base_model(double duration_ms, const std::string& method = "bdf-dense",
                             double rtol = 1e-9, double atol = 1e-14) {
    model_desc m;
    m.simulation.duration_ms = duration_ms;
    m.solver.method = method;
    m.solver.rtol = rtol;
    m.solver.atol = atol;
    return m;
}

/// A recurrent microcircuit with inputs switching every 20 ms: input(5) -> P1(8) -> P2(4),
/// P2 -> P1 apical, P1 -> I1(4) -> P1 apical, and a nudged output.
inline model_desc recurrent_model(const std::string& method, const std::string& dendrites,
                                  double duration_ms = 100.0) {
    model_desc m = base_model(duration_ms, method, 1e-9, 1e-12);
    m.populations = {population("in", "input", 5), population("P1", "pyramidal", 8, dendrites),
                     population("P2", "pyramidal", 4, dendrites),
                     population("I1", "interneuron", 4, dendrites)};
    m.populations[1].params["g_back_basal"] = 0.2;
    m.projections = {proj_desc("in", "P1", "basal", -1.0, 1.5),
                     proj_desc("P1", "P2", "basal", -1.0, 1.5),
                     proj_desc("P2", "P1", "apical", -1.0, 1.0),
                     proj_desc("P1", "I1", "dendrite", -1.0, 1.5),
                     proj_desc("I1", "P1", "apical", -1.0, 0.5)};
    m.stimuli = {stimulus("in", "rate", {0, 20, 40, 60, 80},
                          {{0.1, 0.9, 0.4, 0.0, 0.7}, {0.8, 0.2, 0.1, 0.5, 0.3}, {0.4},
                           {0.9, 0.9, 0.0, 0.0, 0.2}, {0.0, 0.3, 0.6, 0.9, 1.2}}),
                 stimulus("P2", "nudge", {30, 70}, {{1.0, -0.5, 2.0, 0.0}, {0.5}})};
    return m;
}

/// Runs `m` and returns u_soma (all populations, state order) sampled every interval_ms.
inline std::vector<std::vector<double>> run_states(const model_desc& m, double interval_ms,
                                                   ode::integrator_options* opts_override = nullptr) {
    network net(lower(m));
    ode::integrator_options o = net.integrator_options();
    if (opts_override) o = *opts_override;
    simulation sim(net, o, net.model().solver.atol);
    std::vector<std::vector<double>> out;
    sim.add_sampler(interval_ms, [&](double, const double* y) { out.emplace_back(y, y + net.size()); });
    sim.run(net.model().duration_ms);
    return out;
}

/// The message of the first error that parsing, expanding or lowering `text` raises (as
/// "model.toml"), or "<no error>".
inline std::string model_error_of(const std::string& text) {
    try {
        model_desc m = config::parse_model(text, "model.toml", "");
        expand_templates(m);
        network net(lower(m));
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

} // namespace cortexsim::testing

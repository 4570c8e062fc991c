#include "cortex_models/six_layer_column.hpp"

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"

namespace cortexsim {

const std::vector<std::string>& column_cell_types() {
    static const std::vector<std::string> types = {"relay", "L4", "L23",      "SST", "PV", "VIP",
                                                   "L5",    "L6", "pulvinar", "TRN", "ctx"};
    return types;
}

std::string column_population(const std::string& column, const std::string& cell_type) {
    return column + "." + cell_type;
}

namespace {

const char* model_of(const std::string& type) {
    if (type == "relay" || type == "pulvinar") return "relay";
    if (type == "SST" || type == "PV" || type == "VIP" || type == "TRN") return "interneuron";
    if (type == "ctx") return "input";
    return "pyramidal";
}

struct pathway {
    const char* source;
    const char* target;
    const char* compartment;
    bool inhibitory;
    double strength;  ///< default g_P (see one_hot_source)
};

/// The relay and the pulvinar carry one-hot codes of a symbol: one active neuron, whatever the
/// alphabet's size. Their pathways' strength is therefore the largest single initial weight
/// (uniform on [0, g]), not a summed weight spread over the alphabet.
bool one_hot_source(const std::string& type) { return type == "relay" || type == "pulvinar"; }

// One row per pathway of the column (header comment and docs/column_anatomy.md).
const std::vector<pathway>& column_pathways() {
    // Strengths were tuned on the Reber task (bench/sequence_learning.cpp, docs/column_anatomy.md):
    // strong, selective sensory and pulvinar drive (one active presynaptic neuron of a one-hot
    // code must move its targets), moderate feedforward drive between layers, weak L5 -> pulvinar
    // drive so the pulvinar's outcome phase shows the symbol rather than L5's dense code.
    static const std::vector<pathway> p = {
        {"relay", "L4", "basal", false, 2.0},          // first-order thalamus drives layer 4
        {"L4", "L23", "basal", false, 6.0},            // bottom-up onto basal dendrites
        {"L23", "L5", "basal", false, 6.0},
        {"ctx", "L6", "basal", false, 2.4},            // CT neurons read the previous step's outcome
        {"L23", "SST", "dendrite", false, 24.0},
        {"SST", "L23", "apical", true, 1.0},           // SST targets apical dendrites
        {"L23", "PV", "dendrite", false, 24.0},
        {"PV", "L23", "soma", true, 1.0},              // PV targets somata
        {"pulvinar", "VIP", "dendrite", false, 1.0},   // VIP driven from L1 (matrix thalamus)
        {"VIP", "SST", "soma", true, 0.5},             // VIP disinhibits L2/3 apical tufts
        {"SST", "L5", "apical", true, 1.0},
        {"L5", "pulvinar", "driver", false, 1.2},      // L5 drives the pulvinar (outcome)
        {"L6", "pulvinar", "modulator", false, 24.0},  // L6 CT predicts the pulvinar
        {"L6", "TRN", "dendrite", false, 24.0},
        {"TRN", "relay", "soma", true, 1.0},
        {"TRN", "pulvinar", "soma", true, 1.0},
        {"pulvinar", "L23", "apical", false, 1.0},     // the pulvinar's plus/minus signal in L1
        {"pulvinar", "L5", "apical", false, 3.0},
        {"pulvinar", "L6", "apical", false, 1.0},
    };

    return p;
}

projection_desc make_projection(const std::string& src, const std::string& tgt, const std::string& comp,
                                bool inhibitory, double p_connect, double strength, long n_source) {
    projection_desc d;
    d.source = src;
    d.target = tgt;
    d.compartment = comp;
    if (p_connect < 1.0) {
        d.connectivity = std::string("fixed_probability");
        d.probability = p_connect;
    }
    // Mean summed weight `strength` over the expected p n presynaptic partners (n = 0: the
    // strength is the largest single weight, for one-hot sources).
    const double w_max =
        n_source == 0 ? strength : 2.0 * strength / (p_connect * static_cast<double>(n_source));
    d.weights.distribution = std::string("uniform");
    d.weights.params["low"] = inhibitory ? -w_max : 0.0;
    d.weights.params["high"] = inhibitory ? 0.0 : w_max;
    d.sign = std::string(inhibitory ? "inhibitory" : "excitatory");
    return d;
}

std::string pathway_key(const std::string& source, const std::string& target) {
    return source + "->" + target;
}

} // namespace

const std::map<std::string, double>& column_pathway_strengths() {
    static const std::map<std::string, double> m = [] {
        std::map<std::string, double> out;
        for (const pathway& w : column_pathways()) out[pathway_key(w.source, w.target)] = w.strength;
        return out;
    }();
    return m;
}

static long column_size(const column_spec& s, const std::string& type) {
    auto it = s.sizes.find(type);
    if (it != s.sizes.end()) return it->second;
    // ctx holds a copy of L5's rates (and L6's, with the self-context) unless given.
    if (type == "ctx")
        return column_size(s, "L5") + (s.ct_self_context ? column_size(s, "L6") : 0);
    return column_spec{}.sizes.at(type);
}

void add_six_layer_column(model_desc& model, const column_spec& s, const source_loc& where) {
    const auto& types = column_cell_types();
    for (const auto& [type, n] : s.sizes) {
        if (std::find(types.begin(), types.end(), type) == types.end())
            throw model_error(where, "unknown cell type '" + type + "' in the sizes of column '" +
                                         s.name + "'; the column has " + one_of(types) +
                                         did_you_mean(type, types));
        if (n <= 0)
            throw model_error(where, "size of '" + type + "' in column '" + s.name +
                                         "' must be positive, got " + std::to_string(n));
    }
    std::vector<std::string> pathway_names;
    for (const auto& [key, g] : column_pathway_strengths()) pathway_names.push_back(key);
    for (const auto& [key, g] : s.strengths) {
        if (!column_pathway_strengths().count(key))
            throw model_error(where, "unknown pathway '" + key + "' in the strengths of column '" +
                                         s.name + "'; the column has " + one_of(pathway_names) +
                                         did_you_mean(key, pathway_names));
        if (!(g >= 0.0) || !std::isfinite(g))
            throw model_error(where, "strength of '" + key + "' in column '" + s.name +
                                         "' must be a finite number >= 0");
    }
    for (const auto& type : types) {
        population_desc p;
        p.name = column_population(s.name, type);
        p.model = std::string(model_of(type));
        p.size = column_size(s, type);
        // In the pulvinar the CT input carries the prediction (O'Reilly et al. 2021), so it
        // couples as strongly as the driver, unlike the weak modulators of first-order relays.
        if (type == "pulvinar") p.params["g_mod"] = 1.0;
        if (type != "ctx") {  // the context population is an input: rates set by the task
            p.transfer = s.transfer;
            p.transfer_params = s.transfer_params;
            if (s.transfer == "logistic" && s.transfer_params.empty()) {
                p.transfer_params["beta"] = 4.0;
                p.transfer_params["theta"] = 1.0;
            }
            if (type == "pulvinar" && s.transfer == "logistic")
                p.transfer_params["beta"] = s.pulvinar_beta;
            if (type == "L6" && s.transfer == "logistic") p.transfer_params["theta"] = s.l6_theta;
            p.dendrites = s.dendrites;
        }
        p.loc = where;
        model.populations.push_back(p);
    }
    for (const pathway& w : column_pathways()) {
        const std::string key = pathway_key(w.source, w.target);
        auto it = s.strengths.find(key);
        const double g = it != s.strengths.end() ? it->second
                                                 : w.strength * (w.inhibitory ? s.w_inhibitory : s.w_excitatory);
        projection_desc d = make_projection(column_population(s.name, w.source),
                                            column_population(s.name, w.target), w.compartment,
                                            w.inhibitory, s.p_connect, g,
                                            one_hot_source(w.source) ? 0 : column_size(s, w.source));
        // The learned CT pathways may change sign unless Dale's law is asked for.
        if (!s.dale && (key == "ctx->L6" || key == "L6->pulvinar")) d.sign = std::string("free");
        d.loc = where;
        model.projections.push_back(d);
    }
}

void add_column_link(model_desc& model, const std::string& lower, const std::string& upper,
                     const column_spec& lo, const column_spec& up) {
    // Between areas: the same drive as the column's own feedforward pathway (6) for the
    // feedforward link, and a weaker summed drive (3.5) for feedback into L1.
    auto link = [&](const std::string& sc, const column_spec& src_spec, const char* st,
                    const std::string& tc, const char* tt, const char* comp, double strength,
                    const column_spec& spec) {
        model.projections.push_back(make_projection(
            column_population(sc, st), column_population(tc, tt), comp, false, spec.p_connect,
            strength * spec.w_excitatory, column_size(src_spec, st)));
    };
    link(lower, lo, "L23", upper, "L4", "basal", 6.0, up);   // feedforward: superficial to input layer
    link(upper, up, "L5", lower, "L23", "apical", 3.5, lo);  // feedback into L1 apical tufts
    link(upper, up, "L6", lower, "L5", "apical", 3.5, lo);
}

} // namespace cortexsim

#include "cortex_models/six_layer_column.hpp"

#include <algorithm>

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
};

// One row per pathway of the column (header comment and docs/column_anatomy.md).
const std::vector<pathway>& column_pathways() {
    static const std::vector<pathway> p = {
        {"relay", "L4", "basal", false},          // first-order thalamus drives layer 4
        {"L4", "L23", "basal", false},            // bottom-up onto basal dendrites
        {"L23", "L5", "basal", false},
        {"ctx", "L6", "basal", false},            // CT neurons read the previous step's outcome
        {"L23", "SST", "dendrite", false},
        {"SST", "L23", "apical", true},           // SST targets apical dendrites
        {"L23", "PV", "dendrite", false},
        {"PV", "L23", "soma", true},              // PV targets somata
        {"pulvinar", "VIP", "dendrite", false},   // VIP driven from L1 (matrix thalamus)
        {"VIP", "SST", "soma", true},             // VIP disinhibits L2/3 apical tufts
        {"SST", "L5", "apical", true},
        {"L5", "pulvinar", "driver", false},      // L5 drives the pulvinar (outcome)
        {"L6", "pulvinar", "modulator", false},   // L6 CT predicts the pulvinar
        {"L6", "TRN", "dendrite", false},
        {"TRN", "relay", "soma", true},
        {"TRN", "pulvinar", "soma", true},
        {"pulvinar", "L23", "apical", false},     // the pulvinar's plus/minus signal in L1
        {"pulvinar", "L5", "apical", false},
        {"pulvinar", "L6", "apical", false},
    };
    return p;
}

projection_desc make_projection(const std::string& src, const std::string& tgt, const std::string& comp,
                                bool inhibitory, double p_connect, double w_exc, double w_inh) {
    projection_desc d;
    d.source = src;
    d.target = tgt;
    d.compartment = comp;
    if (p_connect < 1.0) {
        d.connectivity = std::string("fixed_probability");
        d.probability = p_connect;
    }
    d.weights.distribution = std::string("uniform");
    d.weights.params["low"] = inhibitory ? -w_inh : 0.0;
    d.weights.params["high"] = inhibitory ? 0.0 : w_exc;
    d.sign = std::string(inhibitory ? "inhibitory" : "excitatory");
    return d;
}

} // namespace

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
    for (const auto& type : types) {
        population_desc p;
        p.name = column_population(s.name, type);
        p.model = std::string(model_of(type));
        auto size_of = [&](const std::string& t) {
            auto it = s.sizes.find(t);
            return it == s.sizes.end() ? column_spec{}.sizes.at(t) : it->second;
        };
        // ctx holds a copy of L5's rates (and L6's, with the self-context) unless given.
        if (type == "ctx" && !s.sizes.count("ctx"))
            p.size = size_of("L5") + (s.ct_self_context ? size_of("L6") : 0);
        else
            p.size = size_of(type);
        // In the pulvinar the CT input carries the prediction (O'Reilly et al. 2021), so it
        // couples as strongly as the driver, unlike the weak modulators of first-order relays.
        if (type == "pulvinar") p.params["g_mod"] = 1.0;
        if (type != "ctx") {  // the context population is an input: rates set by the task
            p.transfer = s.transfer;
            p.transfer_params = s.transfer_params;
            p.dendrites = s.dendrites;
        }
        p.loc = where;
        model.populations.push_back(p);
    }
    for (const pathway& w : column_pathways()) {
        projection_desc d = make_projection(column_population(s.name, w.source),
                                            column_population(s.name, w.target), w.compartment,
                                            w.inhibitory, s.p_connect, s.w_excitatory, s.w_inhibitory);
        d.loc = where;
        model.projections.push_back(d);
    }
}

void add_column_link(model_desc& model, const std::string& lower, const std::string& upper,
                     const column_spec& lo, const column_spec& up) {
    auto link = [&](const std::string& sc, const char* st, const std::string& tc, const char* tt,
                    const char* comp, const column_spec& spec) {
        model.projections.push_back(make_projection(column_population(sc, st),
                                                    column_population(tc, tt), comp, false,
                                                    spec.p_connect, spec.w_excitatory, spec.w_inhibitory));
    };
    link(lower, "L23", upper, "L4", "basal", up);   // feedforward: superficial to input layer
    link(upper, "L5", lower, "L23", "apical", lo);  // feedback into L1 apical tufts
    link(upper, "L6", lower, "L5", "apical", lo);
}

} // namespace cortexsim

#include "cortex_models/six_layer_column.hpp"

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"
#include "core/param_tree.hpp"

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

/*
 * A pathway's spread: the standard deviation s of a neuron's summed initial weight over its n
 * presynaptic partners. Weights uniform on [m - a, m + a], m = g / n, have a summed weight of
 * mean g and standard deviation a sqrt(n / 3), so a = s sqrt(3 / n). The default ([0, 2 g / n])
 * has a = m: every neuron gets nearly the same input, s = g / sqrt(3 n). A wider spread gives
 * the neurons different mixtures of their inputs (a random feature expansion), which is what
 * the CT layer's context needs to tell grammar states apart; it changes the weights' sign, so
 * it applies only to pathways of free sign.
 */
void apply_spread(projection_desc& d, double strength, double spread, double n_partners,
                  const std::string& key, const std::string& column, const source_loc& where) {
    if (d.sign.value != "free")
        throw model_error(where, "spread of '" + key + "' in column '" + column +
                                     "': only pathways of free sign take a spread (the learned CT "
                                     "pathways, without dale = true)");
    const double mean = strength / n_partners, half = spread * std::sqrt(3.0 / n_partners);
    d.weights.params["low"] = mean - half;
    d.weights.params["high"] = mean + half;
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

namespace {
plasticity_desc generec(double eta, const column_spec& s) {
    plasticity_desc p;
    p.rule = std::string("generec");
    p.params.set("eta", param_value::of(eta));
    p.params.set("minus", param_value::of(s.prediction_phase));
    p.params.set("plus", param_value::of(s.outcome_phase));
    return p;
}

long column_size(const column_spec& s, const std::string& type) {
    auto it = s.sizes.find(type);
    if (it != s.sizes.end()) return it->second;
    // ctx holds a copy of L5's rates (and L6's, with the self-context) unless given.
    if (type == "ctx")
        return column_size(s, "L5") + (s.ct_self_context ? column_size(s, "L6") : 0);
    return column_spec{}.sizes.at(type);
}

phase_desc* find_phase(model_desc& model, const std::string& name) {
    for (phase_desc& p : model.phases)
        if (p.name.value == name) return &p;
    return nullptr;
}

/// Adds gain `g` for `key` to phase `name`, unless the phase sets that key already (the
/// user's own gate wins).
void gate(model_desc& model, const std::string& phase, const std::string& key, double g,
          const source_loc& where) {
    phase_desc* p = find_phase(model, phase);
    if (!p) throw std::logic_error("gate: phase '" + phase + "' checked before");
    for (const auto& [k, v] : p->gains)
        if (k == key) return;
    p->gains.emplace_back(key, located<double>(g, where));
}

void require_phase(const model_desc& model, const std::string& name, const std::string& role,
                   const std::string& column, const source_loc& where) {
    std::vector<std::string> names;
    for (const phase_desc& p : model.phases) {
        if (p.name.value == name) return;
        names.push_back(p.name.value);
    }
    throw model_error(where, "column '" + column + "' needs its " + role + " phase '" + name +
                                 "', but the model declares " +
                                 (names.empty() ? std::string("no [[phase]]")
                                                : "only the phases " + one_of(names)) +
                                 "; declare the alpha cycle, e.g. [[phase]] name = \"minus\" "
                                 "duration_ms = 75.0 and [[phase]] name = \"plus\" duration_ms "
                                 "= 25.0 with the task's inputs (docs/column_anatomy.md)");
}
} // namespace

std::map<std::string, plasticity_desc> column_default_plasticity(const column_spec& s) {
    // GeneRec on the CT pathways (O'Reilly 1996; O'Reilly et al. 2021): the readout learns from
    // the pulvinar's plus/minus difference, the context pathway from L6's. Rates tuned on the
    // Reber task (bench/sequence_learning.cpp).
    return {{"L6->pulvinar", generec(0.03, s)}, {"ctx->L6", generec(0.6, s)}};
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
    auto check_pathway = [&](const std::string& key, const char* what) {
        if (!column_pathway_strengths().count(key))
            throw model_error(where, "unknown pathway '" + key + "' in the " + what + " of column '" +
                                         s.name + "'; the column has " + one_of(pathway_names) +
                                         did_you_mean(key, pathway_names));
    };
    for (const auto& [key, g] : s.strengths) {
        check_pathway(key, "strengths");
        if (!(g >= 0.0) || !std::isfinite(g))
            throw model_error(where, "strength of '" + key + "' in column '" + s.name +
                                         "' must be a finite number >= 0");
    }
    for (const auto& [key, rule] : s.plasticity) check_pathway(key, "plasticity");
    for (const auto& [key, sp] : s.spread) {
        check_pathway(key, "spread");
        if (!(sp >= 0.0) || !std::isfinite(sp))
            throw model_error(where, "spread of '" + key + "' in column '" + s.name + "' must be a finite number >= 0");
    }
    const std::string context_phase = s.context_phase.empty() ? s.outcome_phase : s.context_phase;
    require_phase(model, s.prediction_phase, "prediction", s.name, where);
    require_phase(model, s.outcome_phase, "outcome", s.name, where);
    if (context_phase != s.outcome_phase && context_phase != s.prediction_phase)
        require_phase(model, context_phase, "context", s.name, where);
    if (s.pulvinar_gating != "coupling" && s.pulvinar_gating != "projection")
        throw model_error(where, "pulvinar_gating must be 'coupling' or 'projection', got '" +
                                     s.pulvinar_gating + "'");

    for (const auto& type : types) {
        population_desc p;
        p.name = column_population(s.name, type);
        p.model = std::string(model_of(type));
        p.size = column_size(s, type);
        // In the pulvinar the CT input carries the prediction (O'Reilly et al. 2021), so it
        // couples as strongly as the driver, unlike the weak modulators of first-order relays.
        if (type == "pulvinar") p.params["g_mod"] = 1.0;
        if (type != "ctx") {
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
        } else {
            // The CT context: L5's (and L6's) rates at the end of the outcome phase, applied at
            // the end of every trial and held through the next.
            p.context.from.emplace_back(column_population(s.name, "L5"), where);
            if (s.ct_self_context) p.context.from.emplace_back(column_population(s.name, "L6"), where);
            p.context.at = located<std::string>(context_phase, where);
            p.context.mix = located<double>(s.context_mix, where);
            p.context.loc = where;
        }
        p.loc = where;
        model.populations.push_back(p);
    }
    std::map<std::string, plasticity_desc> rules = column_default_plasticity(s);
    for (const auto& [key, rule] : s.plasticity) rules[key] = rule;
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
        if (auto sp = s.spread.find(key); sp != s.spread.end()) {
            if (one_hot_source(w.source))
                throw model_error(where, "spread of '" + key + "': a one-hot source's pathway takes none");
            apply_spread(d, g, sp->second, s.p_connect * static_cast<double>(column_size(s, w.source)), key,
                         s.name, where);
        }
        if (auto r = rules.find(key); r != rules.end() && r->second.rule.value != "none")
            d.plasticity = r->second;
        d.loc = where;
        model.projections.push_back(d);
    }
    // The thalamic loop's phases: the pulvinar predicts in one, sees the outcome in the other.
    const std::string pulvinar = column_population(s.name, "pulvinar");
    gate(model, s.prediction_phase, column_population(s.name, "L5") + "->" + pulvinar + ".driver", 0.0, where);
    if (s.pulvinar_gating == "coupling")
        gate(model, s.outcome_phase, pulvinar + ".modulator", 0.0, where);
    else
        gate(model, s.outcome_phase, column_population(s.name, "L6") + "->" + pulvinar + ".modulator", 0.0, where);
}

namespace {
struct link_pathway {
    const char* key;
    bool from_upper;       ///< source in the upper column, target in the lower
    const char* source;
    const char* target;
    const char* compartment;
    double strength;
};

// Between areas: the same drive as the column's own feedforward pathway (6) for the
// feedforward link, a weaker summed drive (3.5) for feedback into L1; the lower pulvinar's
// plus/minus signal reaches the upper CT layer's apical tuft (one-hot, 1). The upper CT layer's
// prediction of the lower pulvinar starts at 0 and is learned: an untrained upper column
// predicting at the lower's own strength (24) doubled the modulator's drive and slowed the
// hierarchy to 1.3-2.5x the single column's trials on the cycle ABCD (seeds 1-5); from 0 it
// needs 1.0-1.2x (docs/column_anatomy.md).
const std::vector<link_pathway>& link_pathways() {
    static const std::vector<link_pathway> p = {
        {"L23->L4", false, "L23", "L4", "basal", 6.0},
        {"L5->L23", true, "L5", "L23", "apical", 3.5},
        {"L6->L5", true, "L6", "L5", "apical", 3.5},
        {"L6->pulvinar", true, "L6", "pulvinar", "modulator", 0.0},
        {"pulvinar->L6", false, "pulvinar", "L6", "apical", 1.0},
    };
    return p;
}
} // namespace

const std::map<std::string, double>& column_link_pathway_strengths() {
    static const std::map<std::string, double> m = [] {
        std::map<std::string, double> out;
        for (const auto& p : link_pathways()) out[p.key] = p.strength;
        return out;
    }();
    return m;
}

void add_column_link(model_desc& model, const column_spec& lo, const column_spec& up,
                     const column_link_spec& link, const source_loc& where) {
    std::vector<std::string> known;
    for (const auto& [k, g] : column_link_pathway_strengths()) known.push_back(k);
    for (const auto* table : {&link.strengths})
        for (const auto& [k, g] : *table)
            if (!column_link_pathway_strengths().count(k))
                throw model_error(where, "unknown link pathway '" + k + "'; a column link has " +
                                             one_of(known) + did_you_mean(k, known));
    for (const auto& [k, rule] : link.plasticity)
        if (!column_link_pathway_strengths().count(k))
            throw model_error(where, "unknown link pathway '" + k + "'; a column link has " +
                                         one_of(known) + did_you_mean(k, known));
    for (const link_pathway& w : link_pathways()) {
        const column_spec& src = w.from_upper ? up : lo;
        const column_spec& tgt = w.from_upper ? lo : up;
        auto it = link.strengths.find(w.key);
        const double g = it != link.strengths.end() ? it->second : w.strength * tgt.w_excitatory;
        projection_desc d = make_projection(column_population(src.name, w.source),
                                            column_population(tgt.name, w.target), w.compartment,
                                            false, tgt.p_connect, g,
                                            one_hot_source(w.source) ? 0 : column_size(src, w.source));
        if (std::string(w.key) == "L6->pulvinar") {
            // The upper CT layer learns to predict the lower pulvinar as the lower's does.
            if (!lo.dale) d.sign = std::string("free");
            const auto lower_rules = column_default_plasticity(lo);
            d.plasticity = lower_rules.at("L6->pulvinar");
            if (auto own = lo.plasticity.find("L6->pulvinar"); own != lo.plasticity.end())
                d.plasticity = own->second;
        }
        if (auto r = link.plasticity.find(w.key); r != link.plasticity.end())
            d.plasticity = r->second.rule.value == "none" ? plasticity_desc{} : r->second;
        d.loc = where;
        const std::string name = d.source.value + "->" + d.target.value + "." + d.compartment.value;
        model.projections.push_back(d);
        // With projection gating the upper CT prediction is silenced in the outcome phase too.
        if (std::string(w.key) == "L6->pulvinar" && lo.pulvinar_gating == "projection")
            gate(model, lo.outcome_phase, name, 0.0, where);
    }
}

std::vector<phase_desc> alpha_cycle_phases(const std::vector<std::string>& outcome_inputs,
                                           const std::string& prediction, const std::string& outcome) {
    phase_desc minus, plus;
    minus.name = prediction;
    minus.duration_ms = 75.0;
    plus.name = outcome;
    plus.duration_ms = 25.0;
    for (const auto& in : outcome_inputs) plus.inputs.emplace_back(in);
    return {minus, plus};
}

} // namespace cortexsim

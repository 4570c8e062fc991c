// Lowering of the trial protocol: [[phase]]s (names, durations, the inputs they switch on and
// the gains they set) and context populations (docs/toml_reference.md, "[[phase]]").
#include <algorithm>
#include <cmath>
#include <set>

#include "circuits/lowered_model.hpp"
#include "core/errors.hpp"

namespace cortexsim {

std::size_t find_population_index(const model_desc& desc, const located<std::string>& name);

bool lowered_model::input_active(const std::string& name, std::size_t phase) const {
    bool named = false;
    for (std::size_t k = 0; k < phases.size(); ++k) {
        const auto& in = phases[k].inputs;
        if (std::find(in.begin(), in.end(), name) == in.end()) continue;
        if (k == phase) return true;
        named = true;
    }
    return !named;
}

namespace {

/// A gain's key: a projection's name, or "<population>.<compartment>" for a dendrite's
/// coupling to the soma.
void lower_gain(const std::string& key, const located<double>& g, const lowered_model& m,
                lowered_phase& out) {
    if (!std::isfinite(g.value) || g.value < 0)
        throw model_error(g.loc, "a gain must be a finite number >= 0, got " + format_value(g.value));
    for (std::size_t k = 0; k < m.projections.size(); ++k)
        if (m.projections[k].name == key) {
            out.projection_gains.emplace_back(k, g.value);
            return;
        }
    const auto dot = key.rfind('.');
    if (dot != std::string::npos)
        for (std::size_t p = 0; p < m.populations.size(); ++p) {
            if (m.populations[p].name != key.substr(0, dot)) continue;
            const auto& dendrites = m.populations[p].model->dendrites;
            const std::string comp = key.substr(dot + 1);
            const auto it = std::find(dendrites.begin(), dendrites.end(), comp);
            if (it == dendrites.end())
                throw model_error(g.loc, "population '" + m.populations[p].name + "' has no dendrite '" +
                                             comp + "' whose coupling a gain could scale" +
                                             (dendrites.empty() ? std::string()
                                                                : "; it has " + one_of(dendrites)) +
                                             did_you_mean(comp, dendrites));
            out.coupling_gains.push_back({p, static_cast<int>(it - dendrites.begin()), g.value});
            return;
        }
    std::vector<std::string> names;
    for (const auto& pr : m.projections) names.push_back(pr.name);
    throw model_error(g.loc, "'" + key + "' is neither a projection nor a '<population>.<dendrite>' "
                                         "coupling" + did_you_mean(key, names));
}

} // namespace

double lowered_neuromodulator::scheduled(double t) const {
    double level = value;
    for (std::size_t i = 0; i < times_ms.size() && times_ms[i] <= t; ++i) level = values[i];
    return level;
}

/// Neuromodulators: unique names usable in signal names (no '@', '.', ':' or space).
void lower_neuromodulators(const model_desc& desc, lowered_model& out) {
    std::set<std::string> seen;
    for (const neuromodulator_desc& n : desc.neuromodulators) {
        const std::string& name = n.name.value;
        if (name.empty() || name.find_first_of("@.: ") != std::string::npos)
            throw model_error(n.name.loc, "a neuromodulator name must be non-empty and contain no '@', '.', ':' "
                                          "or space, got '" + name + "'");
        if (!seen.insert(name).second) throw model_error(n.name.loc, "duplicate neuromodulator name '" + name + "'");
        lowered_neuromodulator m;
        m.name = name;
        m.value = n.value.value;
        for (const auto& t : n.times_ms) m.times_ms.push_back(t.value);
        for (const auto& v : n.values) m.values.push_back(v.value);
        out.neuromodulators.push_back(std::move(m));
    }
}

void check_phase_names(const model_desc& desc) {
    std::set<std::string> seen;
    for (const phase_desc& p : desc.phases) {
        const std::string& name = p.name.value;
        if (name.empty() || name.find_first_of("@. ") != std::string::npos)
            throw model_error(p.name.loc, "a phase name must be non-empty and contain no '@', '.' or "
                                          "space, got '" + name + "'");
        if (!seen.insert(name).second) throw model_error(p.name.loc, "duplicate phase name '" + name + "'");
    }
}

void lower_protocol(const model_desc& desc, lowered_model& out) {
    for (const phase_desc& p : desc.phases) {
        lowered_phase ph;
        ph.name = p.name.value;
        if (!(p.duration_ms.value > 0) || !std::isfinite(p.duration_ms.value))
            throw model_error(p.duration_ms.loc, "must be a positive number, got " +
                                                     format_value(p.duration_ms.value));
        ph.duration_ms = p.duration_ms.value;
        for (const auto& in : p.inputs) {
            if (std::find(ph.inputs.begin(), ph.inputs.end(), in.value) != ph.inputs.end())
                throw model_error(in.loc, "input '" + in.value + "' is listed twice");
            ph.inputs.push_back(in.value);
        }
        for (const auto& [key, g] : p.gains) lower_gain(key, g, out, ph);
        for (const auto& [key, level] : p.modulators) {
            std::vector<std::string> names;
            for (const auto& n : out.neuromodulators) names.push_back(n.name);
            const auto it = std::find(names.begin(), names.end(), key);
            if (it == names.end())
                throw model_error(level.loc, "unknown neuromodulator '" + key + "'" +
                                                 (names.empty() ? std::string("; the model declares no [[neuromodulator]]")
                                                                : did_you_mean(key, names)));
            ph.modulators.emplace_back(static_cast<std::size_t>(it - names.begin()), level.value);
        }
        out.phases.push_back(std::move(ph));
    }
    // Stimuli named by a phase are on only in the phases naming them.
    for (lowered_stimulus& s : out.stimuli)
        for (const auto& ph : out.phases)
            if (std::find(ph.inputs.begin(), ph.inputs.end(), s.name) != ph.inputs.end()) s.gated = true;

    for (std::size_t p = 0; p < desc.populations.size(); ++p) {
        const auto& c = desc.populations[p].context;
        if (c.from.empty()) continue;
        const lowered_population& pop = out.populations[p];
        if (pop.model->kind != neuron_kind::input)
            throw model_error(c.loc, "a context population must have model 'input' (its rates are "
                                     "set at trial ends), '" + pop.name + "' is '" + pop.model->name + "'");
        if (pop.input_tau_ms > 0)
            throw model_error(c.loc, "a context population takes no tau_ms: its rates jump at trial ends");
        lowered_context lc;
        lc.population = p;
        std::size_t total = 0;
        for (const auto& f : c.from) {
            const std::size_t q = find_population_index(desc, f);
            if (q == p) throw model_error(f.loc, "a context cannot copy itself");
            lc.from.push_back(q);
            total += out.populations[q].size;
        }
        if (total != pop.size)
            throw model_error(c.loc, "context population '" + pop.name + "' has " + std::to_string(pop.size) +
                                         " neurons, but its sources have " + std::to_string(total) +
                                         " together");
        std::vector<std::string> names;
        for (const auto& ph : out.phases) names.push_back(ph.name);
        const auto it = std::find(names.begin(), names.end(), c.at.value);
        if (it == names.end())
            throw model_error(c.at.loc, names.empty() ? "a context is taken at the end of a phase, "
                                                        "but the model declares no [[phase]]"
                                                      : "unknown phase '" + c.at.value + "'; the protocol has " +
                                                            one_of(names) + did_you_mean(c.at.value, names));
        lc.phase = static_cast<std::size_t>(it - names.begin());
        if (!(c.mix.value > 0.0 && c.mix.value <= 1.0))
            throw model_error(c.mix.loc, "must be in (0, 1], got " + format_value(c.mix.value));
        lc.mix = c.mix.value;
        out.contexts.push_back(std::move(lc));
    }
}

} // namespace cortexsim

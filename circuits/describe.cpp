#include "circuits/describe.hpp"

#include "circuits/value_files.hpp"

#include <cstdio>
#include <sstream>

namespace cortexsim {

namespace {
std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out.empty() ? "-" : out;
}
const char* connectivity_name(connectivity_kind k) {
    switch (k) {
    case connectivity_kind::all_to_all: return "all_to_all";
    case connectivity_kind::one_to_one: return "one_to_one";
    case connectivity_kind::fixed_probability: return "fixed_probability";
    case connectivity_kind::fixed_indegree: return "fixed_indegree";
    case connectivity_kind::from_file: return "synapses from file";
    }
    return "?";
}
} // namespace

std::string describe(const network& net) {
    const lowered_model& m = net.model();
    std::ostringstream os;
    char buf[256];
    os << "model '" << m.name << "': " << m.populations.size() << " populations, "
       << m.projections.size() << " projections, " << m.stimuli.size() << " stimuli, "
       << m.records.size() << " records\n";
    os << "duration " << m.duration_ms << " ms";
    if (m.start_ms > 0.0) os << " from t = " << m.start_ms << " ms (continuing a run)";
    os << " (a task sets its own length), seed " << m.seed
       << ", state size " << net.size()
       << ", solver " << ode::to_string(net.integrator_options().kind)
       << (m.solver.automatic ? " (auto)" : "") << "\n\npopulations:\n";
    std::size_t neurons = 0;
    for (std::size_t p = 0; p < m.populations.size(); ++p) {
        const auto& lp = m.populations[p];
        neurons += lp.size;
        std::vector<std::string> state;
        if (lp.model->kind != neuron_kind::input) state.push_back("u_soma");
        else if (lp.input_tau_ms > 0.0) state.push_back("rate (filtered)");
        for (int d = 0; d < lp.params.n_dendrites; ++d)
            if (lp.params.dend[d].dynamic) state.push_back("v_" + lp.model->dendrites[d]);
        std::snprintf(buf, sizeof buf, "  %-16s %-12s %7zu neurons  compartments: %s; state: %s\n",
                      lp.name.c_str(), lp.model->name.c_str(), lp.size,
                      join(lp.model->compartments).c_str(), join(state).c_str());
        os << buf;
    }
    std::size_t synapses = 0;
    os << "\nprojections:\n";
    for (const auto& pr : net.projections()) {
        const auto& d = pr.desc();
        synapses += pr.synapse_count();
        std::snprintf(buf, sizeof buf, "  %-28s %s -> %s.%s  %s, %zu synapses (%s)%s%s\n", d.name.c_str(),
                      m.populations[d.source].name.c_str(), m.populations[d.target].name.c_str(),
                      d.compartment.c_str(), connectivity_name(d.connectivity), pr.synapse_count(),
                      pr.is_dense() ? "dense" : "sparse", d.rule ? ", rule " : "", d.rule ? d.rule_name.c_str() : "");
        os << buf;
        if (d.file_weights) os << "    weights from " << d.file_weights->origin << "\n";
    }
    if (!m.stimuli.empty()) os << "\nstimuli:\n";
    for (const auto& s : m.stimuli) {
        const char* mode = s.mode == stimulus_mode::rate ? "rate" : s.mode == stimulus_mode::current ? "current" : "nudge";
        std::snprintf(buf, sizeof buf, "  %-28s %s on '%s', %zu step%s from %g ms\n", s.name.c_str(), mode,
                      m.populations[s.target].name.c_str(), s.rows.size(), s.rows.size() == 1 ? "" : "s",
                      s.times_ms.front());
        os << buf;
    }
    if (!m.phases.empty()) {
        os << "\nprotocol (one trial):\n";
        for (const auto& ph : m.phases) {
            std::snprintf(buf, sizeof buf, "  %-10s %8g ms", ph.name.c_str(), ph.duration_ms);
            os << buf;
            if (!ph.inputs.empty()) os << "  inputs on: " << join(ph.inputs);
            for (const auto& [k, g] : ph.projection_gains) os << "; gain " << g << " on " << m.projections[k].name;
            for (const auto& [k, level] : ph.modulators) os << "; " << m.neuromodulators[k].name << " " << level;
            for (const auto& c : ph.coupling_gains)
                os << "; coupling " << c.gain << " of " << m.populations[c.population].name << "."
                   << m.populations[c.population].model->dendrites[static_cast<std::size_t>(c.slot)];
            os << "\n";
        }
    }
    for (const auto& n : m.neuromodulators) {
        os << "  neuromodulator " << n.name << ": " << n.value;
        for (std::size_t i = 0; i < n.times_ms.size(); ++i) os << ", " << n.values[i] << " from " << n.times_ms[i] << " ms";
        os << "\n";
    }
    for (const auto& c : m.contexts) {
        std::vector<std::string> from;
        for (std::size_t q : c.from) from.push_back(m.populations[q].name);
        os << "  context " << m.populations[c.population].name << " <- [" << join(from) << "] at the end of '"
           << m.phases[c.phase].name << "', mix " << c.mix << "\n";
    }
    os << "\ntotal: " << neurons << " neurons, " << synapses << " synapses, " << net.size()
       << " state variables\n";
    return os.str();
}

} // namespace cortexsim

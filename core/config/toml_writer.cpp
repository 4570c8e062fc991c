/// The resolved model as TOML, for run folders: every value is written, defaults included, so
/// a run can be reproduced from its folder alone even after defaults change. The text is
/// emitted by hand rather than through a toml::table because TOML++ sorts keys by name; here
/// they follow the description's order, which is how people read a model.

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/config/keys.hpp"
#include "core/config/table_reader.hpp"
#include "core/config/toml_loader.hpp"

namespace cortexsim::config {
namespace {

/// A TOML basic string with the escapes the spec requires.
std::string quote(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

/// A key, bare when TOML allows it (A-Z a-z 0-9 _ -), quoted otherwise.
std::string key_text(const std::string& k) {
    const bool bare = !k.empty() && k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                        "abcdefghijklmnopqrstuvwxyz"
                                                        "0123456789_-") == std::string::npos;
    return bare ? k : quote(k);
}

std::string text(double v) {
    return format_number(v);
}
std::string text(long v) {
    return std::to_string(v);
}
std::string text(std::uint64_t v) {
    return std::to_string(v);
}
std::string text(bool v) {
    return v ? "true" : "false";
}
std::string text(const std::string& v) {
    return quote(v);
}

template <class T> std::string array_text(const std::vector<T>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i > 0 ? ", " : "") + text(values[i]);
    return out + "]";
}

template <class T> std::string array_text(const std::vector<located<T>>& values) {
    std::vector<T> plain;
    for (const located<T>& v : values)
        plain.push_back(v.value);
    return array_text(plain);
}

/// Writes `key = value` lines for one section.
class section_writer {
  public:
    explicit section_writer(std::ostringstream& out) : out_(out) {}
    template <class T> void put(std::string_view key, const located<T>& v) {
        line(key, text(v.value));
    }
    void line(std::string_view key, const std::string& value) {
        out_ << key_text(std::string(key)) << " = " << value << "\n";
    }
    /// `{ a = 1.0, b = 2.0 }`, with `first` written before the table's own entries.
    std::string inline_table(const param_table& params, const std::string& first = "") {
        std::string out = "{ " + first;
        for (const auto& [name, v] : params)
            out += (out.size() > 2 ? ", " : "") + key_text(name) + " = " + text(v.value);
        return out + (out.size() > 2 ? " }" : "}");
    }
    void header(const std::string& h) { out_ << "\n" << h << "\n"; }
    void comment(const std::string& c) { out_ << "# " << c << "\n"; }

  private:
    std::ostringstream& out_;
};

void write_solver(section_writer& w, const solver_desc& s) {
    namespace key = keys::solver;
    w.header("[" + std::string(keys::root::solver) + "]");
    w.put(key::method, s.method);
    w.put(key::rtol, s.rtol);
    if (s.atol_per_variable.empty()) {
        w.put(key::atol, s.atol);
    } else {
        w.line(key::atol, w.inline_table(s.atol_per_variable, std::string(key::atol_default) +
                                                                  " = " + text(s.atol.value)));
    }
    w.put(key::max_step_ms, s.max_step_ms);
    w.put(key::dt_ms, s.dt_ms);
    w.put(key::max_steps, s.max_steps);
    w.put(key::max_order, s.max_order);
    w.put(key::max_abs_state, s.max_abs_state);
    w.put(key::hold_input_products, s.hold_input_products);
    w.put(key::newton_jacobian, s.newton_jacobian);
}

/// `file = "...", record = "...", ...`: the entries of a value_file_desc that were given.
std::string value_file_text(const value_file_desc& f) {
    namespace key = keys::value_file;
    std::string out = std::string(key::file) + " = " + quote(f.file.value);
    if (!f.record.value.empty()) out += ", " + std::string(key::record) + " = " + quote(f.record.value);
    if (!std::isnan(f.time_ms.value)) out += ", " + std::string(key::time_ms) + " = " + text(f.time_ms.value);
    if (!f.edges.value.empty()) out += ", " + std::string(key::edges) + " = " + quote(f.edges.value);
    if (!f.column.value.empty()) out += ", " + std::string(key::column) + " = " + quote(f.column.value);
    return out;
}

/// `initial = { u_soma = 0.1, v_basal = [0.1, 0.2], v_apical = { file = "..." } }`
std::string initial_text(section_writer& w, const population_desc& p) {
    std::string out = w.inline_table(p.initial);
    if (p.initial_per_neuron.empty())
        return out;
    out = out.substr(0, out.size() - (p.initial.empty() ? 1 : 2)); // reopen "{ ...}" / "{}"
    if (out.size() < 2) out = "{ ";
    for (const auto& [name, v] : p.initial_per_neuron)
        out += (out.size() > 2 ? ", " : "") + key_text(name) + " = " +
               (v.from.file.value.empty() ? array_text(v.values) : "{ " + value_file_text(v.from) + " }");
    return out + " }";
}

void write_population(section_writer& w, const population_desc& p) {
    namespace key = keys::population;
    w.header("[[" + std::string(keys::root::population) + "]]");
    w.put(key::name, p.name);
    w.put(key::model, p.model);
    w.put(key::size, p.size);
    const bool input = p.model.value == "input";  // no dendrites, no transfer function
    if (!input)
        w.put(key::dendrites, p.dendrites);
    if (input) {
    } else if (p.transfer_params.empty()) {
        w.put(key::transfer, p.transfer);
    } else {
        w.line(key::transfer,
               w.inline_table(p.transfer_params,
                              std::string(key::transfer_kind) + " = " + quote(p.transfer.value)));
    }
    w.line(key::params, w.inline_table(p.params));
    w.line(key::initial, initial_text(w, p));
    if (!p.context.from.empty())
        w.line(key::context, "{ " + std::string(key::context_from) + " = " + array_text(p.context.from) +
                                 ", " + std::string(key::context_at) + " = " + quote(p.context.at.value) +
                                 ", " + std::string(key::context_mix) + " = " +
                                 text(p.context.mix.value) + " }");
}

void write_projection(section_writer& w, const projection_desc& p) {
    namespace key = keys::projection;
    w.header("[[" + std::string(keys::root::projection) + "]]");
    w.put(key::name, p.name);
    w.put(key::source, p.source);
    w.put(key::target, p.target);
    w.put(key::compartment, p.compartment);
    w.put(key::connectivity, p.connectivity);
    if (p.connectivity.value == "fixed_probability")
        w.put(key::probability, p.probability);
    if (p.connectivity.value == "fixed_indegree")
        w.put(key::indegree, p.indegree);
    w.put(key::allow_autapses, p.allow_autapses);
    std::string weights_head = std::string(key::distribution) + " = " +
                               quote(p.weights.distribution.value);
    if (p.weights.distribution.value == "copy")
        weights_head += ", " + std::string(key::copy_of) + " = " + quote(p.weights.copy_of.value) +
                        ", " + std::string(key::transpose) + " = " +
                        (p.weights.transpose.value ? "true" : "false") +
                        (p.weights.tied.value ? ", " + std::string(key::tied) + " = true" : std::string());
    if (p.weights.distribution.value == "file")
        weights_head += ", " + value_file_text(p.weights.from);
    w.line(key::weights, w.inline_table(p.weights.params, weights_head));
    w.put(key::sign, p.sign);
    w.put(key::type, p.type);
    if (p.plasticity.rule.value != "none") {
        param_value table = param_value::make_table();
        table.set(std::string(key::rule), param_value::of(p.plasticity.rule.value));
        for (const param_entry& e : p.plasticity.params.entries) table.set(e.key, e.value);
        w.line(key::plasticity, param_text(table));
    }
}

void write_stimulus(section_writer& w, const stimulus_desc& s) {
    namespace key = keys::stimulus;
    w.header("[[" + std::string(keys::root::stimulus) + "]]");
    w.put(key::name, s.name);
    w.put(key::target, s.target);
    w.put(key::mode, s.mode);
    // Keys that do not apply to this stimulus are left out: reading them back is an error.
    if (s.mode.value != "rate")
        w.put(key::compartment, s.compartment);
    // A constant is one row at start_ms; anything else, file stimuli included, is written out
    // as the sequence of rows it resolved to, so the run folder does not depend on the CSV.
    const bool constant = s.kind.value == keys::allowed::kind_constant && s.values.size() == 1 &&
                          s.times_ms.size() == 1 && s.times_ms[0] == s.start_ms.value;
    if (!s.file_path.empty())
        w.comment("rows read from " + quote(s.file_path));
    if (s.kind.value == keys::allowed::kind_random) {
        // Drawn in lowering from (seed, stimulus name): the seed in [simulation] reproduces it.
        w.line(key::kind, quote(std::string(keys::allowed::kind_random)));
        w.put(key::count, s.count);
        w.put(key::step_ms, s.step_ms);
        w.put(key::low, s.low);
        w.put(key::high, s.high);
        w.put(key::start_ms, s.start_ms);
    } else if (constant) {
        w.line(key::kind, quote(std::string(keys::allowed::kind_constant)));
        w.line(key::values, array_text(s.values[0]));
        w.put(key::start_ms, s.start_ms);
    } else {
        w.line(key::kind, quote(std::string(keys::allowed::kind_sequence)));
        w.line(key::times_ms, array_text(s.times_ms));
        std::string rows = "[";
        for (std::size_t i = 0; i < s.values.size(); ++i)
            rows += (i > 0 ? ",\n  " : "\n  ") + array_text(s.values[i]);
        w.line(key::values, rows + (s.values.empty() ? "]" : ",\n]"));
    }
    w.put(key::stop_ms, s.stop_ms);
    if (s.mode.value == "nudge")
        w.put(key::g_som, s.g_som);
}

void write_record(section_writer& w, const record_desc& r) {
    namespace key = keys::record;
    w.header("[[" + std::string(keys::root::record) + "]]");
    if (!r.neuromodulator.value.empty()) {
        w.put(key::neuromodulator, r.neuromodulator);
        if (r.at.value.empty()) w.put(key::interval_ms, r.interval_ms);
        else w.put(key::at, r.at);
        return;
    }
    if (!r.projection.value.empty()) {
        w.put(key::projection, r.projection);
        w.put(key::what, r.what);
        w.put(key::interval_ms, r.interval_ms);
        w.put(key::start_ms, r.start_ms);
        w.put(key::stop_ms, r.stop_ms);
        return;
    }
    w.put(key::population, r.population);
    w.line(key::variables, array_text(r.variables));
    if (r.at.value.empty()) {  // `at` samples per trial
        w.put(key::interval_ms, r.interval_ms);
        w.put(key::start_ms, r.start_ms);
        w.put(key::stop_ms, r.stop_ms);
    }
    // A sample is drawn again from the seed, which the resolved model holds.
    if (r.sample.value > 0) w.put(key::sample, r.sample);
    else w.line(key::neurons, array_text(r.neurons));
    if (!r.at.value.empty()) {
        w.put(key::at, r.at);
        w.put(key::every_trials, r.every_trials);
    }
}

void write_phase(section_writer& w, const phase_desc& p) {
    namespace key = keys::phase;
    w.header("[[" + std::string(keys::root::phase) + "]]");
    w.put(key::name, p.name);
    w.put(key::duration_ms, p.duration_ms);
    w.line(key::inputs, array_text(p.inputs));
    std::string gains = "{ ";
    for (std::size_t i = 0; i < p.gains.size(); ++i)
        gains += (i ? ", " : "") + key_text(p.gains[i].first) + " = " + text(p.gains[i].second.value);
    w.line(key::gains, p.gains.empty() ? "{}" : gains + " }");
    if (!p.modulators.empty()) {
        std::string m = "{ ";
        for (std::size_t i = 0; i < p.modulators.size(); ++i)
            m += (i ? ", " : "") + key_text(p.modulators[i].first) + " = " + text(p.modulators[i].second.value);
        w.line(key::modulators, m + " }");
    }
}

void write_neuromodulator(section_writer& w, const neuromodulator_desc& n) {
    namespace key = keys::neuromodulator;
    w.header("[[" + std::string(keys::root::neuromodulator) + "]]");
    w.put(key::name, n.name);
    w.put(key::value, n.value);
    if (!n.times_ms.empty()) {
        w.line(key::times_ms, array_text(n.times_ms));
        w.line(key::values, array_text(n.values));
    }
}

} // namespace

std::string param_text(const param_value& v) {
    switch (v.kind) {
    case param_value::type::integer: return std::to_string(v.integer);
    case param_value::type::number: return text(v.number);
    case param_value::type::boolean: return text(v.boolean);
    case param_value::type::string: return quote(v.string);
    case param_value::type::array: {
        std::string out = "[";
        for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + param_text(v.items[i]);
        return out + "]";
    }
    case param_value::type::table: {
        if (v.entries.empty()) return "{}";
        std::string out = "{ ";
        for (std::size_t i = 0; i < v.entries.size(); ++i)
            out += (i ? ", " : "") + key_text(v.entries[i].key) + " = " + param_text(v.entries[i].value);
        return out + " }";
    }
    }
    return "";
}

std::string write_model_toml(const model_desc& model,
                             const std::map<std::string, std::string>& provenance) {
    std::ostringstream out;
    section_writer w(out);
    out << "# Fully resolved cortexsim model: every value is written, defaults included.\n";
    w.header("[" + std::string(keys::root::provenance) + "]");
    for (const auto& [name, value] : provenance)
        w.line(name, quote(value));

    namespace sim = keys::simulation;
    w.header("[" + std::string(keys::root::simulation) + "]");
    w.put(sim::name, model.simulation.name);
    w.put(sim::duration_ms, model.simulation.duration_ms);
    if (model.simulation.start_ms.value != 0.0) w.put(sim::start_ms, model.simulation.start_ms);
    w.put(sim::seed, model.simulation.seed);
    w.put(sim::output, model.simulation.output);
    w.put(sim::plasticity_interval_ms, model.simulation.plasticity_interval_ms);
    w.put(sim::noise_interval_ms, model.simulation.noise_interval_ms);
    w.put(sim::summary_interval_ms, model.simulation.summary_interval_ms);

    write_solver(w, model.solver);
    for (const population_desc& p : model.populations)
        write_population(w, p);
    for (const projection_desc& p : model.projections)
        write_projection(w, p);
    for (const stimulus_desc& s : model.stimuli)
        write_stimulus(w, s);
    for (const record_desc& r : model.records)
        write_record(w, r);
    for (const phase_desc& p : model.phases)
        write_phase(w, p);
    for (const neuromodulator_desc& n : model.neuromodulators)
        write_neuromodulator(w, n);
    for (const section_desc& t : model.templates) {
        w.header("[[" + key_text(t.kind.value) + "]]");
        for (const param_entry& e : t.params.entries) w.line(e.key, param_text(e.value));
    }
    if (model.task.kind.value != "none") {
        w.header("[" + std::string(keys::root::task) + "]");
        w.line(keys::task::kind, quote(model.task.kind.value));
        for (const param_entry& e : model.task.params.entries) w.line(e.key, param_text(e.value));
    }
    return out.str();
}

} // namespace cortexsim::config

#include "circuits/lowered_model.hpp"
#include "circuits/value_files.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/errors.hpp"

namespace cortexsim {

namespace {


template <class T> [[noreturn]] void fail(const located<T>& v, const std::string& what) {
    throw model_error(v.loc, what);
}

std::vector<std::string> keys_of(const std::map<std::string, double>& m) {
    std::vector<std::string> k;
    for (const auto& [name, _] : m) k.push_back(name);
    return k;
}

std::size_t find_population(const model_desc& desc, const located<std::string>& name) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < desc.populations.size(); ++i) {
        if (desc.populations[i].name.value == name.value) return i;
        names.push_back(desc.populations[i].name.value);
    }
    fail(name, "unknown population '" + name.value + "'" + did_you_mean(name.value, names));
}

/// Compartment name -> slot for `model`, or a model_error listing what the model has.
int find_slot(const neuron_model_info& model, const located<std::string>& comp,
              const std::string& population) {
    if (model.compartments.empty())
        fail(comp, "population '" + population + "' is an input population and has no "
                   "compartments");
    if (comp.value == "soma") return soma_slot;
    for (std::size_t d = 0; d < model.dendrites.size(); ++d)
        if (model.dendrites[d] == comp.value) return static_cast<int>(d);
    fail(comp, "model '" + model.name + "' of population '" + population +
                   "' has no compartment '" + comp.value + "'; it has " +
                   one_of(model.compartments) + did_you_mean(comp.value, model.compartments));
}

transfer_fn lower_transfer(const population_desc& p) {
    const transfer_info* info = find_transfer(p.transfer.value);
    if (!info) {
        std::vector<std::string> names;
        for (const auto& t : transfer_catalogue()) names.push_back(t.name);
        fail(p.transfer, "unknown transfer function '" + p.transfer.value + "'; expected " +
                             one_of(names) + did_you_mean(p.transfer.value, names));
    }
    std::map<std::string, double> values = info->defaults;
    for (const auto& [key, v] : p.transfer_params) {
        if (!info->defaults.count(key))
            fail(v, "unknown parameter '" + key + "' of transfer function '" + info->name +
                        "'; it has " + one_of(keys_of(info->defaults)) +
                        did_you_mean(key, keys_of(info->defaults)));
        values[key] = v.value;
    }
    transfer_fn f;
    f.kind = info->kind;
    f.gamma = values.count("gamma") ? values["gamma"] : 1.0;
    f.beta = values.count("beta") ? values["beta"] : 1.0;
    f.theta = values.count("theta") ? values["theta"] : 0.0;
    return f;
}

lowered_population lower_population(const population_desc& p) {
    lowered_population out;
    out.name = p.name.value;
    out.model = find_neuron_model(p.model.value);
    if (!out.model)
        fail(p.model, "unknown neuron model '" + p.model.value + "'; expected " +
                          one_of(neuron_model_names()) +
                          did_you_mean(p.model.value, neuron_model_names()));
    if (p.size.value <= 0) fail(p.size, "must be a positive integer, got " + std::to_string(p.size.value));
    out.size = static_cast<std::size_t>(p.size.value);
    const neuron_model_info& m = *out.model;

    std::map<std::string, double> values;
    std::vector<std::string> names;
    for (const auto& pi : m.params) {
        values[pi.name] = pi.default_value;
        names.push_back(pi.name);
    }
    for (const auto& [key, v] : p.params) {
        // An init-capture: C++17 does not let a lambda capture a structured binding (clang 14,
        // the fuzz build's compiler, rejects it).
        auto it = std::find_if(m.params.begin(), m.params.end(),
                               [&name = key](const param_info& pi) { return pi.name == name; });
        if (it == m.params.end())
            fail(v, m.params.empty()
                        ? "model '" + m.name + "' has no parameters"
                        : "unknown parameter '" + key + "' of model '" + m.name + "'" +
                              did_you_mean(key, names));
        if (!std::isfinite(v.value)) fail(v, "must be finite, got " + format_value(v.value));
        if (it->positive && !(v.value > 0)) fail(v, "must be positive, got " + format_value(v.value));
        if (!it->positive && !it->any_sign && v.value < 0)
            fail(v, "must be non-negative, got " + format_value(v.value));
        values[key] = v.value;
    }

    const bool dynamic = p.dendrites.value == "dynamic";
    if (m.kind == neuron_kind::input) out.input_tau_ms = values.at("tau_ms");
    else out.noise_sigma = values.at("noise_sigma");
    if (p.dendrites.value != "dynamic" && p.dendrites.value != "instantaneous")
        fail(p.dendrites, "must be 'instantaneous' or 'dynamic', got '" + p.dendrites.value + "'");
    if (m.kind != neuron_kind::input) {
        auto& np = out.params;
        np.C = values.at("C");
        np.g_lk = values.at("g_lk");
        np.E_E = values.at("E_E");
        np.E_I = values.at("E_I");
        if (!(np.E_E > np.E_I))
            throw model_error(p.params.count("E_E")   ? p.params.at("E_E").loc
                              : p.params.count("E_I") ? p.params.at("E_I").loc
                                                      : p.model.loc,
                              "E_E must be above E_I (nudging needs E_I < E_E)");
        if (m.dendrites.size() > max_dendrites || m.couplings.size() != m.dendrites.size())
            throw std::logic_error("neuron model '" + m.name + "': catalogue entry does not fit "
                                   "the dendritic kernel");
        np.n_dendrites = static_cast<int>(m.dendrites.size());
        for (int d = 0; d < np.n_dendrites; ++d) {
            const std::string& dn = m.dendrites[d];
            np.dend[d].g_couple = values.at(m.couplings[d]);  // at(): a catalogue typo is a bug
            np.dend[d].tau_ms = values.at("tau_" + dn + "_ms");
            np.dend[d].g_back = values.at("g_back_" + dn);
            np.dend[d].dynamic = dynamic;
        }
        out.transfer = lower_transfer(p);
    } else {
        if (!p.transfer_params.empty() || (p.transfer.loc.line > 0 && !p.transfer.loc.defaulted))
            fail(p.transfer, "input populations take their rates from stimuli and have no "
                             "transfer function");
        if (p.dendrites.loc.line > 0 && !p.dendrites.loc.defaulted)
            fail(p.dendrites, "input populations have no dendrites");
    }

    // Where an initial value of `var` goes: the scalar for every neuron and the per-neuron list.
    struct init_slot { double* all; std::vector<double>* each; };
    const auto slot_of = [&](const std::string& var, const source_loc& loc) -> init_slot {
        if (var == "u_soma" && m.kind != neuron_kind::input) return {&out.u_init, &out.u_init_each};
        if (var == "rate" && m.kind == neuron_kind::input && out.input_tau_ms > 0)
            return {&out.u_init, &out.u_init_each};  // a filtered input's rate is its state
        for (std::size_t d = 0; d < m.dendrites.size(); ++d) {
            if (var != "v_" + m.dendrites[d]) continue;
            if (!dynamic)
                throw model_error(loc, "'" + var + "' is not a state variable with dendrites = "
                                       "'instantaneous' (it equals its input); set dendrites = "
                                       "'dynamic' to give it an initial value");
            return {&out.v_init[d], &out.v_init_each[d]};
        }
        std::vector<std::string> state;
        for (const auto& name : m.variables)
            if (name.rfind("u_", 0) == 0 || name.rfind("v_", 0) == 0) state.push_back(name);
        throw model_error(loc, "unknown state variable '" + var + "' of model '" + m.name + "'" +
                                   (state.empty() ? std::string(" (it has none)")
                                                  : "; it has " + one_of(state) + did_you_mean(var, state)));
    };
    for (const auto& [var, v] : p.initial) {
        if (!std::isfinite(v.value)) fail(v, "must be finite, got " + format_value(v.value));
        *slot_of(var, v.loc).all = v.value;
    }
    for (const auto& [var, v] : p.initial_per_neuron) {
        std::vector<double>& each = *slot_of(var, v.loc).each;
        each = v.from.file.value.empty() ? v.values : read_neuron_values(v.from, out.size, var);
        if (each.size() != out.size)
            throw model_error(v.loc, "needs one value per neuron: " + std::to_string(out.size) +
                                         ", got " + std::to_string(each.size()));
        for (std::size_t i = 0; i < each.size(); ++i)
            if (!std::isfinite(each[i]))
                throw model_error(v.loc, "value " + std::to_string(i) + " must be finite, got " +
                                             format_value(each[i]));
    }
    return out;
}

void lower_weights(const weight_desc& w, const source_loc& proj_loc, lowered_projection& out) {
    struct spec { weight_distribution d; std::vector<std::string> keys; };
    const std::map<std::string, spec> dists = {
        {"copy", {weight_distribution::copy, {"scale"}}},
        {"constant", {weight_distribution::constant, {"value"}}},
        {"uniform", {weight_distribution::uniform, {"low", "high"}}},
        {"normal", {weight_distribution::normal, {"mean", "std"}}},
        {"file", {weight_distribution::file, {}}},
    };
    auto it = dists.find(w.distribution.value);
    if (it == dists.end())
        fail(w.distribution, "unknown distribution '" + w.distribution.value +
                                 "'; expected 'constant', 'uniform', 'normal', 'copy' or 'file'");
    out.distribution = it->second.d;
    const auto written = [](const source_loc& l) { return l.line > 0 && !l.defaulted; };
    if (out.distribution != weight_distribution::copy &&
        (written(w.copy_of.loc) || written(w.transpose.loc) || written(w.tied.loc)))
        throw model_error(written(w.copy_of.loc) ? w.copy_of.loc : written(w.transpose.loc) ? w.transpose.loc : w.tied.loc,
                          "'of', 'transpose' and 'tied' apply to distribution = 'copy' only");
    if (out.distribution != weight_distribution::file && !w.from.file.value.empty())
        throw model_error(w.from.file.loc, "'file' gives the weights, so it does not go with "
                                           "distribution = '" + w.distribution.value + "'");
    if (out.distribution == weight_distribution::file) {
        if (w.from.file.value.empty())
            throw model_error(w.loc, "distribution 'file' needs 'file', a .npy, .csv or .h5 file");
        for (const auto& [key, v] : w.params)
            fail(v, "unknown parameter '" + key + "' of weights read from a file; it has 'file', "
                    "'record', 'time_ms', 'edges' and 'column'");
        return;  // read by lower_projection, which knows the sizes
    }
    if (out.distribution == weight_distribution::copy) {
        for (const auto& [key, v] : w.params)
            if (key != "scale")
                fail(v, "unknown parameter '" + key + "' of distribution 'copy'; it has 'scale'");
        out.copy_scale = w.params.count("scale") ? w.params.at("scale").value : 1.0;
        out.copy_transpose = w.transpose.value;
        out.copy_tied = w.tied.value;
        return;  // the source projection is resolved by lower_projection
    }
    const auto& keys = it->second.keys;
    for (const auto& [key, v] : w.params) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            fail(v, "unknown parameter '" + key + "' of distribution '" + it->first +
                        "'; it has " + one_of(keys) + did_you_mean(key, keys));
        if (!std::isfinite(v.value)) fail(v, "must be finite, got " + format_value(v.value));
    }
    if (w.params.empty() && w.loc.defaulted)
        throw model_error(proj_loc, "missing required key 'weights' (a number, or a table such as "
                                    "{ distribution = 'uniform', low = -1.0, high = 1.0 })");
    for (const auto& key : keys)
        if (!w.params.count(key))
            throw model_error(w.loc, "distribution '" + it->first + "' needs '" + key + "'");
    out.w_a = w.params.at(keys[0]).value;
    out.w_b = keys.size() > 1 ? w.params.at(keys[1]).value : 0.0;
    if (out.distribution == weight_distribution::uniform && out.w_b < out.w_a)
        fail(w.params.at("high"), "high (" + format_value(out.w_b) + ") must not be below low (" +
                                      format_value(out.w_a) + ")");
    if (out.distribution == weight_distribution::normal && out.w_b < 0)
        fail(w.params.at("std"), "must be non-negative, got " + format_value(out.w_b));

    // Dale's law: a distribution that can only produce wrong-signed weights is a user error;
    // a normal distribution is rectified at the sign boundary instead (docs/equations.md).
    const double lo = out.distribution == weight_distribution::constant ? out.w_a
                      : out.distribution == weight_distribution::uniform ? out.w_a
                                                                          : -INFINITY;
    const double hi = out.distribution == weight_distribution::uniform ? out.w_b
                      : out.distribution == weight_distribution::constant ? out.w_a
                                                                          : INFINITY;
    if (out.sign == sign_constraint::excitatory && lo < 0 && std::isfinite(lo))
        throw model_error(w.loc, "weights can be negative (down to " + format_value(lo) +
                                     ") but sign = 'excitatory'");
    if (out.sign == sign_constraint::inhibitory && hi > 0 && std::isfinite(hi))
        throw model_error(w.loc, "weights can be positive (up to " + format_value(hi) +
                                     ") but sign = 'inhibitory'");
}

/// Weights from a file: the file's matrix (and, for SONATA edges or a record of a sparse
/// projection, its synapses) replaces the drawn connectivity and weights, so `connectivity`
/// may only keep its default; every weight must have the projection's sign.
void lower_weight_file(const projection_desc& p, std::size_t n_tgt, std::size_t n_src,
                       lowered_projection& out) {
    if (p.connectivity.loc.line > 0 && !p.connectivity.loc.defaulted &&
        p.connectivity.value != "all_to_all")
        fail(p.connectivity, "the weights file gives the synapses; leave 'connectivity' out (or "
                             "'all_to_all') with weights = { file = ... }");
    auto table = std::make_shared<weight_table>(read_weight_table(p.weights.from, n_tgt, n_src));
    if (!table->connected.empty()) out.connectivity = connectivity_kind::from_file;
    for (std::size_t k = 0; k < table->values.size(); ++k) {
        const double w = table->values[k];
        if (!(out.sign == sign_constraint::excitatory ? w < 0 : out.sign == sign_constraint::inhibitory && w > 0))
            continue;
        throw model_error(p.weights.from.file.loc,
                          table->origin + ": the weight from source " + std::to_string(k % n_src) +
                              " to target " + std::to_string(k / n_src) + " is " + format_value(w) +
                              " but sign = '" + p.sign.value + "'");
    }
    if (!out.allow_autapses && out.source == out.target)
        for (std::size_t i = 0; i < n_tgt; ++i)
            if (table->connected.empty() || table->connected[i * n_src + i])
                fail(p.allow_autapses, "the weights file connects neuron " + std::to_string(i) +
                                           " to itself but allow_autapses = false");
    out.file_weights = std::move(table);
}

} // namespace

void lower_projection_type(const projection_desc& p, const std::vector<lowered_population>& pops,
                           lowered_projection& out);
void lower_plasticity(const model_desc& desc, const projection_desc& p,
                      const std::vector<lowered_population>& pops, lowered_projection& proj);

namespace {

lowered_projection lower_projection(const model_desc& desc, const projection_desc& p,
                                    const std::vector<lowered_population>& pops,
                                    const std::vector<lowered_projection>& earlier) {
    lowered_projection out;
    out.source = find_population(desc, p.source);
    out.target = find_population(desc, p.target);
    const lowered_population& tgt = pops[out.target];
    out.slot = find_slot(*tgt.model, p.compartment, tgt.name);
    out.compartment = p.compartment.value;
    out.name = p.name.value.empty() ? p.source.value + "->" + p.target.value + "." + out.compartment
                                    : p.name.value;
    const std::size_t n_src = pops[out.source].size, n_tgt = tgt.size;
    out.allow_autapses = p.allow_autapses.value;
    const bool same = out.source == out.target;
    const std::size_t available = n_src - ((same && !out.allow_autapses) ? 1 : 0);

    const std::string& c = p.connectivity.value;
    // A key of another connectivity would be silently ignored; reject it instead.
    if (c != "fixed_probability" && p.probability.loc.line > 0 && !p.probability.loc.defaulted)
        fail(p.probability, "'probability' applies to connectivity = 'fixed_probability' only");
    if (c != "fixed_indegree" && p.indegree.loc.line > 0 && !p.indegree.loc.defaulted)
        fail(p.indegree, "'indegree' applies to connectivity = 'fixed_indegree' only");
    if (c == "all_to_all") {
        out.connectivity = connectivity_kind::all_to_all;
    } else if (c == "one_to_one") {
        out.connectivity = connectivity_kind::one_to_one;
        if (n_src != n_tgt)
            fail(p.connectivity, "one_to_one needs equal sizes, but '" + p.source.value + "' has " +
                                     std::to_string(n_src) + " neurons and '" + p.target.value +
                                     "' has " + std::to_string(n_tgt));
        if (same && !out.allow_autapses)
            fail(p.connectivity, "one_to_one onto the same population with allow_autapses = false "
                                 "connects nothing");
    } else if (c == "fixed_probability") {
        out.connectivity = connectivity_kind::fixed_probability;
        if (p.probability.loc.defaulted)
            fail(p.connectivity, "fixed_probability needs a 'probability' in (0, 1]");
        if (!(p.probability.value > 0.0 && p.probability.value <= 1.0))
            fail(p.probability, "fixed_probability needs probability in (0, 1], got " +
                                    format_value(p.probability.value));
        out.probability = p.probability.value;
    } else if (c == "fixed_indegree") {
        out.connectivity = connectivity_kind::fixed_indegree;
        if (p.indegree.loc.defaulted)
            fail(p.connectivity, "fixed_indegree needs an 'indegree' >= 1");
        if (p.indegree.value < 1)
            fail(p.indegree, "fixed_indegree needs indegree >= 1, got " +
                                 std::to_string(p.indegree.value));
        if (static_cast<std::size_t>(p.indegree.value) > available)
            fail(p.indegree, "indegree " + std::to_string(p.indegree.value) + " exceeds the " +
                                 std::to_string(available) + " available sources in '" +
                                 p.source.value + "'");
        out.indegree = static_cast<std::size_t>(p.indegree.value);
    } else {
        const std::vector<std::string> kinds = {"all_to_all", "one_to_one", "fixed_probability",
                                                "fixed_indegree"};
        fail(p.connectivity, "unknown connectivity '" + c + "'; expected " + one_of(kinds) +
                                 did_you_mean(c, kinds));
    }

    if (p.sign.value == "free") out.sign = sign_constraint::free;
    else if (p.sign.value == "excitatory") out.sign = sign_constraint::excitatory;
    else if (p.sign.value == "inhibitory") out.sign = sign_constraint::inhibitory;
    else fail(p.sign, "must be 'free', 'excitatory' or 'inhibitory', got '" + p.sign.value + "'");
    lower_weights(p.weights, p.loc, out);
    if (out.distribution == weight_distribution::copy) {
        const located<std::string>& of = p.weights.copy_of;
        std::vector<std::string> names;
        for (const auto& e : earlier) names.push_back(e.name);
        auto it = std::find(names.begin(), names.end(), of.value);
        if (of.value.empty())
            throw model_error(p.weights.loc, "distribution 'copy' needs 'of', the name of an "
                                             "earlier projection");
        if (it == names.end())
            fail(of, "unknown projection '" + of.value + "' (a copy must name an earlier "
                     "projection)" + did_you_mean(of.value, names));
        out.copy_from = static_cast<std::size_t>(it - names.begin());
        const lowered_projection& src = earlier[out.copy_from];
        std::size_t rows = pops[src.target].size, cols = pops[src.source].size;
        if (out.copy_transpose) std::swap(rows, cols);
        if (rows != n_tgt || cols != n_src)
            fail(of, "cannot copy the " + std::to_string(rows) + "x" + std::to_string(cols) +
                         " weights of '" + of.value + "'" + (out.copy_transpose ? " (transposed)" : "") +
                         " into a " + std::to_string(n_tgt) + "x" + std::to_string(n_src) + " projection");
        if (out.connectivity != connectivity_kind::all_to_all || src.connectivity != connectivity_kind::all_to_all)
            fail(of, "weight copies need connectivity = 'all_to_all' on both projections");
    }
    if (out.distribution == weight_distribution::file) lower_weight_file(p, n_tgt, n_src, out);
    lower_projection_type(p, pops, out);
    lower_plasticity(desc, p, pops, out);
    if (out.copy_tied && out.rule)
        fail(p.weights.tied, "a tied copy follows the weights of '" + p.weights.copy_of.value +
                                 "', so it cannot learn by a rule of its own ('" + out.rule_name + "')");
    return out;
}

} // namespace

void check_memory(const model_desc& desc, const lowered_model& model, const budget_limits& limits);
lowered_stimulus lower_stimulus(const model_desc& desc, const stimulus_desc& s, std::size_t index,
                                const std::vector<lowered_population>& pops);
lowered_record lower_record(const model_desc& desc, const record_desc& r,
                            const std::vector<lowered_population>& pops);
void lower_records(const model_desc& desc, lowered_model& out);
void lower_protocol(const model_desc& desc, lowered_model& out);
void check_phase_names(const model_desc& desc);
void lower_neuromodulators(const model_desc& desc, lowered_model& out);
lowered_solver lower_solver(const solver_desc& s);
std::size_t find_population_index(const model_desc& desc, const located<std::string>& name) {
    return find_population(desc, name);
}

model_desc fill_defaults(const model_desc& desc) {
    model_desc out = desc;
    for (population_desc& p : out.populations) {
        const neuron_model_info* m = find_neuron_model(p.model.value);
        if (!m) continue;
        for (const auto& pi : m->params)
            if (!p.params.count(pi.name)) p.params[pi.name] = located<double>(pi.default_value, p.loc);
        if (m->kind == neuron_kind::input) continue;
        if (const transfer_info* t = find_transfer(p.transfer.value))
            for (const auto& [k, v] : t->defaults)
                if (!p.transfer_params.count(k)) p.transfer_params[k] = located<double>(v, p.loc);
    }
    return out;
}

lowered_model lower(const model_desc& desc, const budget_limits& limits) {
    lowered_model out;
    out.name = desc.simulation.name.value;
    out.duration_ms = desc.simulation.duration_ms.value;
    if (desc.task.kind.value == "none" && (!(out.duration_ms > 0) || !std::isfinite(out.duration_ms)))
        fail(desc.simulation.duration_ms, "must be a positive number, got " + format_value(out.duration_ms));
    out.start_ms = desc.simulation.start_ms.value;
    if (!(out.start_ms >= 0) || !std::isfinite(out.start_ms))
        fail(desc.simulation.start_ms, "must be a non-negative number, got " + format_value(out.start_ms));
    if (out.start_ms > 0 && (desc.task.kind.value != "none" || !desc.phases.empty()))
        fail(desc.simulation.start_ms, "a run with a [task] or [[phase]]s starts at 0 (its trials "
                                       "begin there); start_ms continues a plain run");
    out.seed = desc.simulation.seed.value;
    out.output = desc.simulation.output.value;
    out.plasticity_interval_ms = desc.simulation.plasticity_interval_ms.value;
    out.noise_interval_ms = desc.simulation.noise_interval_ms.value;
    out.summary_interval_ms = desc.simulation.summary_interval_ms.value;
    if (!(out.summary_interval_ms > 0) || !std::isfinite(out.summary_interval_ms))
        fail(desc.simulation.summary_interval_ms,
             "must be a positive number, got " + format_value(out.summary_interval_ms));
    if (!(out.noise_interval_ms > 0) || !std::isfinite(out.noise_interval_ms))
        fail(desc.simulation.noise_interval_ms, "must be a positive number, got " + format_value(out.noise_interval_ms));
    if (!(out.plasticity_interval_ms > 0) || !std::isfinite(out.plasticity_interval_ms))
        fail(desc.simulation.plasticity_interval_ms,
             "must be a positive number, got " + format_value(out.plasticity_interval_ms));
    out.solver = lower_solver(desc.solver);

    if (desc.populations.empty())
        // Nothing was written to point at: the message points at the file's start.
        throw model_error(source_loc{desc.source_file, 1, 1, "population"},
                          "the model has no populations; add a [[population]], or a template that "
                          "makes some ([[column]], [[microcircuit]])");
    std::set<std::string> seen;
    for (const auto& p : desc.populations) {
        if (!seen.insert(p.name.value).second)
            fail(p.name, "duplicate population name '" + p.name.value + "'");
        out.populations.push_back(lower_population(p));
    }
    check_phase_names(desc);  // rules and gains refer to them
    lower_neuromodulators(desc, out);
    seen.clear();
    for (const auto& p : desc.projections) {
        out.projections.push_back(lower_projection(desc, p, out.populations, out.projections));
        if (!seen.insert(out.projections.back().name).second)
            fail(p.name.loc.line > 0 && !p.name.loc.defaulted ? p.name : p.source,
                 "duplicate projection name '" + out.projections.back().name + "'");
    }
    // Before the random stimuli draw their rows and long before the network allocates.
    check_memory(desc, out, limits);
    for (std::size_t k = 0; k < desc.stimuli.size(); ++k)
        out.stimuli.push_back(lower_stimulus(desc, desc.stimuli[k], k, out.populations));
    lower_protocol(desc, out);
    lower_records(desc, out);
    // A run that starts later samples from its start on: its records' time mappings begin there.
    for (lowered_record& r : out.records)
        if (r.at_phase < 0) r.start_ms = std::max(r.start_ms, out.start_ms);
    for (lowered_weight_record& r : out.weight_records) r.start_ms = std::max(r.start_ms, out.start_ms);
    return out;
}

} // namespace cortexsim

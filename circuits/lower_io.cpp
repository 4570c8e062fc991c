// Lowering of stimuli, recordings and solver settings (the populations and projections are in
// lower.cpp): names resolved, sizes checked against the target populations.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "circuits/lowered_model.hpp"
#include "core/errors.hpp"
#include "core/random.hpp"

namespace cortexsim {

std::size_t find_population_index(const model_desc& desc, const located<std::string>& name);

lowered_stimulus lower_stimulus(const model_desc& desc, const stimulus_desc& s, std::size_t index,
                                const std::vector<lowered_population>& pops) {
    lowered_stimulus out;
    out.target = find_population_index(desc, s.target);
    const lowered_population& pop = pops[out.target];
    out.name = s.name.value.empty() ? s.mode.value + "->" + pop.name : s.name.value;
    const bool is_input = pop.model->kind == neuron_kind::input;

    auto given = [](const source_loc& l) { return l.line > 0 && !l.defaulted; };
    if (s.mode.value != "nudge" && given(s.g_som.loc))
        throw model_error(s.g_som.loc, "'g_som' applies to mode = 'nudge' only");
    if (s.mode.value == "rate" && given(s.compartment.loc))
        throw model_error(s.compartment.loc, "mode 'rate' sets rates of input neurons and takes no "
                                             "compartment");
    if (s.mode.value == "rate") {
        out.mode = stimulus_mode::rate;
        if (!is_input)
            throw model_error(s.mode.loc, "mode 'rate' sets the rates of input populations, but '" +
                                              pop.name + "' is a '" + pop.model->name +
                                              "' population; use 'current' or 'nudge'");
    } else if (s.mode.value == "current" || s.mode.value == "nudge") {
        out.mode = s.mode.value == "current" ? stimulus_mode::current : stimulus_mode::nudge;
        if (is_input)
            throw model_error(s.mode.loc, "'" + pop.name + "' is an input population: only mode "
                                          "'rate' applies to it");
        if (out.mode == stimulus_mode::current) {
            const auto& m = *pop.model;
            if (s.compartment.value == "soma") {
                out.slot = soma_slot;
            } else {
                auto it = std::find(m.dendrites.begin(), m.dendrites.end(), s.compartment.value);
                if (it == m.dendrites.end())
                    throw model_error(s.compartment.loc,
                                      "model '" + m.name + "' of population '" + pop.name +
                                          "' has no compartment '" + s.compartment.value +
                                          "'; it has " + one_of(m.compartments) +
                                          did_you_mean(s.compartment.value, m.compartments));
                out.slot = static_cast<int>(it - m.dendrites.begin());
            }
        } else if (s.compartment.value != "soma") {
            throw model_error(s.compartment.loc, "nudging acts on the soma, got compartment '" +
                                                     s.compartment.value + "'");
        }
        if (out.mode == stimulus_mode::nudge && !(s.g_som.value >= 0 && std::isfinite(s.g_som.value)))
            throw model_error(s.g_som.loc, "must be non-negative, got " + format_value(s.g_som.value));
    } else {
        throw model_error(s.mode.loc, "unknown mode '" + s.mode.value +
                                          "'; expected 'rate', 'current' or 'nudge'");
    }

    std::vector<double> times = s.times_ms;
    std::vector<std::vector<double>> values = s.values;
    if (s.kind.value == "random") {
        // Rows drawn from the stream (seed, stimulus name): reproducible from the seed, and
        // independent of every other random draw in the model.
        // An unnamed stimulus is keyed by its position, so two unnamed ones differ.
        rng gen(desc.simulation.seed.value,
                "stimulus:" + (s.name.value.empty() ? "[" + std::to_string(index) + "]" : s.name.value));
        for (long k = 0; k < s.count.value; ++k) {
            times.push_back(s.start_ms.value + static_cast<double>(k) * s.step_ms.value);
            std::vector<double> row(pop.size);
            for (double& v : row) v = gen.uniform(s.low.value, s.high.value);
            values.push_back(std::move(row));
        }
    }
    if (values.empty() || values.size() != times.size())
        throw model_error(s.values_loc, "needs one row of values per time, got " +
                                            std::to_string(values.size()) + " rows and " +
                                            std::to_string(times.size()) + " times");
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& row = values[i];
        if (row.size() != 1 && row.size() != pop.size)
            throw model_error(s.values_loc, "row " + std::to_string(i) + " has " +
                                                std::to_string(row.size()) + " values but '" +
                                                pop.name + "' has " + std::to_string(pop.size) +
                                                " neurons (give 1 value or one per neuron)");
        for (double v : row)
            if (!std::isfinite(v))
                throw model_error(s.values_loc, "row " + std::to_string(i) +
                                                    " holds a non-finite value " + format_value(v));
        out.rows.push_back(row.size() == 1 ? std::vector<double>(pop.size, row[0]) : row);
        if (i > 0 && !(times[i] > times[i - 1]))
            throw model_error(s.values_loc, "times must increase, but time " + std::to_string(i) +
                                                " (" + format_value(times[i]) + " ms) follows " +
                                                format_value(times[i - 1]) + " ms");
    }
    out.times_ms = std::move(times);
    out.stop_ms = s.stop_ms.value;
    if (out.stop_ms >= 0 && out.stop_ms <= out.times_ms.front())
        throw model_error(s.stop_ms.loc, "stop_ms (" + format_value(out.stop_ms) +
                                             ") must lie after the stimulus starts (" +
                                             format_value(out.times_ms.front()) + " ms)");
    out.g_som = s.g_som.value;
    return out;
}

/// The window of an interval record: [start_ms, stop_ms], stop_ms < 0 meaning the run's end.
static std::pair<double, double> record_window(const record_desc& r) {
    if (!std::isfinite(r.stop_ms.value))
        throw model_error(r.stop_ms.loc, "must be a finite number of ms (or -1: to the end), got " +
                                             format_value(r.stop_ms.value));
    if (r.stop_ms.value < 0) {
        if (r.stop_ms.value != -1.0)
            throw model_error(r.stop_ms.loc, "must be -1 (to the end of the run) or a time >= start_ms, got " +
                                                 format_value(r.stop_ms.value));
        return {r.start_ms.value, std::numeric_limits<double>::infinity()};
    }
    if (r.stop_ms.value < r.start_ms.value)
        throw model_error(r.stop_ms.loc, "must not come before start_ms (" + format_value(r.start_ms.value) +
                                             "), got " + format_value(r.stop_ms.value));
    return {r.start_ms.value, r.stop_ms.value};
}

lowered_record lower_record(const model_desc& desc, const record_desc& r,
                            const std::vector<lowered_population>& pops) {
    lowered_record out;
    out.population = find_population_index(desc, r.population);
    const lowered_population& pop = pops[out.population];
    // The model's recordable variables and each dendrite's prediction error: the names the
    // plasticity rules read too.
    std::vector<std::string> vars = pop.model->variables;
    for (const auto& d : pop.model->dendrites)
        if (std::find(vars.begin(), vars.end(), d + "_error") == vars.end()) vars.push_back(d + "_error");
    if (r.variables.empty()) throw model_error(r.loc, "'variables' must name at least one variable");
    for (const auto& v : r.variables) {
        if (std::find(vars.begin(), vars.end(), v.value) == vars.end())
            throw model_error(v.loc, "model '" + pop.model->name + "' of population '" + pop.name +
                                         "' has no variable '" + v.value + "'; it has " +
                                         one_of(vars) + did_you_mean(v.value, vars));
        if (std::find(out.variables.begin(), out.variables.end(), v.value) != out.variables.end())
            throw model_error(v.loc, "variable '" + v.value + "' is listed twice");
        out.variables.push_back(v.value);
    }
    if (!(r.interval_ms.value > 0) || !std::isfinite(r.interval_ms.value))
        throw model_error(r.interval_ms.loc, "must be a positive number, got " +
                                                 format_value(r.interval_ms.value));
    out.interval_ms = r.interval_ms.value;
    std::tie(out.start_ms, out.stop_ms) = record_window(r);
    out.every_trials = static_cast<std::size_t>(r.every_trials.value);
    if (r.neurons.empty()) {
        for (std::size_t i = 0; i < pop.size; ++i) out.neurons.push_back(i);
    } else {
        for (const auto& n : r.neurons) {
            if (n.value < 0 || static_cast<std::size_t>(n.value) >= pop.size)
                throw model_error(n.loc, "neuron " + std::to_string(n.value) + " is out of range: '" +
                                             pop.name + "' has neurons 0.." +
                                             std::to_string(pop.size - 1));
            if (std::find(out.neurons.begin(), out.neurons.end(), static_cast<std::size_t>(n.value)) !=
                out.neurons.end())
                throw model_error(n.loc, "neuron " + std::to_string(n.value) + " is listed twice");
            out.neurons.push_back(static_cast<std::size_t>(n.value));
        }
    }
    return out;
}

namespace {

/// A projection name as a file name: "->" becomes "_to_", and every character outside
/// [A-Za-z0-9_.-] becomes '_' ("P1->I1.dendrite" -> "P1_to_I1.dendrite").
std::string file_stem(const std::string& projection) {
    std::string out;
    for (std::size_t i = 0; i < projection.size(); ++i) {
        const char c = projection[i];
        if (c == '-' && i + 1 < projection.size() && projection[i + 1] == '>') {
            out += "_to_";
            ++i;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '.' || c == '-') {
            out += c;
        } else {
            out += '_';
        }
    }
    // "." and ".." are not valid HDF5 link names; neither is "" (not a valid projection name).
    return out.find_first_not_of('.') == std::string::npos ? "_" + out : out;
}

/// `count` distinct neurons of 0..size-1, drawn by a partial Fisher-Yates shuffle from `gen`
/// and sorted, so the record's columns follow the population's order.
std::vector<std::size_t> draw_sample(rng& gen, std::size_t count, std::size_t size) {
    std::vector<std::size_t> all(size);
    for (std::size_t i = 0; i < size; ++i) all[i] = i;
    for (std::size_t k = 0; k < count; ++k) std::swap(all[k], all[k + gen.below(size - k)]);
    all.resize(count);
    std::sort(all.begin(), all.end());
    return all;
}

lowered_weight_record lower_weight_record(const record_desc& r,
                                          const std::vector<lowered_projection>& projections) {
    std::vector<std::string> names;
    for (const auto& p : projections) names.push_back(p.name);
    const auto it = std::find(names.begin(), names.end(), r.projection.value);
    if (it == names.end())
        throw model_error(r.projection.loc,
                          "unknown projection '" + r.projection.value + "'" +
                              (names.empty() ? "; the model has no projections"
                                             : did_you_mean(r.projection.value, names)));
    lowered_weight_record out;
    out.projection = static_cast<std::size_t>(it - names.begin());
    if (r.what.value == "weights") out.kind = weight_record_kind::weights;
    else if (r.what.value == "weight_stats") out.kind = weight_record_kind::stats;
    else
        throw model_error(r.what.loc, "must be 'weights' or 'weight_stats', got '" +
                                          r.what.value + "'");
    if (!(r.interval_ms.value > 0) || !std::isfinite(r.interval_ms.value))
        throw model_error(r.interval_ms.loc, "must be a positive number, got " +
                                                 format_value(r.interval_ms.value));
    out.interval_ms = r.interval_ms.value;
    std::tie(out.start_ms, out.stop_ms) = record_window(r);
    return out;
}

} // namespace

/*
 * Every [[record]] in file order. Population records are named <population>, then
 * <population>_<k>; weight records <stem>, then <stem>_<k> per kind (file_stem). A `sample`
 * is drawn from the stream (seed, "record:<name>"), so it depends on the seed and the
 * record's name only, as projections' weights depend on theirs.
 */
namespace {
/// Where a record's output size is set: its interval_ms if given (in the file or by --set),
/// else the record.
source_loc record_where(const record_desc& r) {
    return r.interval_ms.loc.defaulted || r.interval_ms.loc.path.empty() ? r.loc : r.interval_ms.loc;
}
} // namespace

void lower_records(const model_desc& desc, lowered_model& out) {
    std::map<std::size_t, int> per_population;
    std::map<std::pair<weight_record_kind, std::string>, int> per_stem;
    std::vector<std::string> phase_names;
    for (const auto& ph : out.phases) phase_names.push_back(ph.name);
    auto phase_of = [&](const record_desc& r) {
        if (r.at.value.empty()) return -1;
        const auto it = std::find(phase_names.begin(), phase_names.end(), r.at.value);
        if (it == phase_names.end())
            throw model_error(r.at.loc, phase_names.empty()
                                            ? "samples at the end of phase '" + r.at.value +
                                                  "', but the model declares no [[phase]]"
                                            : "unknown phase '" + r.at.value + "'; the protocol has " +
                                                  one_of(phase_names) + did_you_mean(r.at.value, phase_names));
        if (!r.interval_ms.loc.defaulted && r.interval_ms.loc.line > 0)
            throw model_error(r.interval_ms.loc, "a record sampled at a phase end ('at') takes no "
                                                 "interval_ms: it samples once per trial");
        return static_cast<int>(it - phase_names.begin());
    };
    for (const auto& r : desc.records) {
        if (!r.neuromodulator.value.empty()) {
            std::vector<std::string> names;
            for (const auto& n : out.neuromodulators) names.push_back(n.name);
            const auto it = std::find(names.begin(), names.end(), r.neuromodulator.value);
            if (it == names.end())
                throw model_error(r.neuromodulator.loc,
                                  "unknown neuromodulator '" + r.neuromodulator.value + "'" +
                                      (names.empty() ? std::string("; the model declares no [[neuromodulator]]")
                                                     : did_you_mean(r.neuromodulator.value, names)));
            lowered_modulator_record m;
            m.neuromodulator = static_cast<std::size_t>(it - names.begin());
            m.name = "neuromodulator_" + names[m.neuromodulator];
            for (const auto& earlier : out.modulator_records)
                if (earlier.name == m.name)
                    throw model_error(r.neuromodulator.loc, "neuromodulator '" + r.neuromodulator.value +
                                                                "' is recorded twice");
            if (!(r.interval_ms.value > 0) || !std::isfinite(r.interval_ms.value))
                throw model_error(r.interval_ms.loc, "must be a positive number, got " + format_value(r.interval_ms.value));
            m.interval_ms = r.interval_ms.value;
            m.at_phase = phase_of(r);
            m.where = record_where(r);
            out.modulator_records.push_back(m);
            continue;
        }
        if (!r.projection.value.empty()) {
            lowered_weight_record w = lower_weight_record(r, out.projections);
            const std::string stem = file_stem(out.projections[w.projection].name);
            const int k = per_stem[{w.kind, stem}]++;
            w.name = k == 0 ? stem : stem + "_" + std::to_string(k);
            w.where = record_where(r);
            out.weight_records.push_back(std::move(w));
            continue;
        }
        lowered_record rec = lower_record(desc, r, out.populations);
        rec.at_phase = phase_of(r);
        rec.where = record_where(r);
        const lowered_population& pop = out.populations[rec.population];
        const int k = per_population[rec.population]++;
        rec.name = k == 0 ? pop.name : pop.name + "_" + std::to_string(k);
        if (r.sample.value > 0) {
            if (!r.neurons.empty())
                throw model_error(r.sample.loc, "'sample' and 'neurons' exclude each other");
            if (static_cast<std::size_t>(r.sample.value) > pop.size)
                throw model_error(r.sample.loc, "cannot sample " + std::to_string(r.sample.value) +
                                                    " neurons: '" + pop.name + "' has " +
                                                    std::to_string(pop.size));
            rng gen(desc.simulation.seed.value, "record:" + rec.name);
            rec.neurons = draw_sample(gen, static_cast<std::size_t>(r.sample.value), pop.size);
        } else if (r.sample.value < 0) {
            throw model_error(r.sample.loc, "must be a positive integer, got " +
                                                std::to_string(r.sample.value));
        }
        out.records.push_back(std::move(rec));
    }
}

lowered_solver lower_solver(const solver_desc& s) {
    lowered_solver out;
    const std::vector<std::string> methods = {"auto", "adams", "bdf-dense", "bdf-gmres", "euler", "exp-euler"};
    if (s.method.value == "auto") {
        out.automatic = true;
    } else if (std::find(methods.begin(), methods.end(), s.method.value) != methods.end()) {
        out.automatic = false;
        out.kind = ode::parse_solver_kind(s.method.value);
    } else {
        throw model_error(s.method.loc, "unknown method '" + s.method.value + "'; expected " +
                                            one_of(methods) + did_you_mean(s.method.value, methods));
    }
    auto positive = [](const located<double>& v) {
        if (!(v.value > 0) || !std::isfinite(v.value))
            throw model_error(v.loc, "must be a positive number, got " + format_value(v.value));
        return v.value;
    };
    out.rtol = positive(s.rtol);
    out.atol = positive(s.atol);
    std::vector<std::string> state_vars;
    for (const auto& m : neuron_catalogue())
        for (const auto& v : m.variables)
            if ((v.rfind("u_", 0) == 0 || v.rfind("v_", 0) == 0) &&
                std::find(state_vars.begin(), state_vars.end(), v) == state_vars.end())
                state_vars.push_back(v);
    state_vars.push_back("rate");  // the state of low-pass filtered inputs
    for (const auto& [name, v] : s.atol_per_variable) {
        if (std::find(state_vars.begin(), state_vars.end(), name) == state_vars.end())
            throw model_error(v.loc, "unknown state variable '" + name + "'; expected " +
                                         one_of(state_vars) + did_you_mean(name, state_vars));
        out.atol_per_variable[name] = positive(v);
    }
    out.dt_ms = positive(s.dt_ms);
    if (s.max_step_ms.value < 0 || !std::isfinite(s.max_step_ms.value))
        throw model_error(s.max_step_ms.loc, "must be >= 0 (0: no limit), got " +
                                                 format_value(s.max_step_ms.value));
    out.max_step_ms = s.max_step_ms.value;
    if (s.max_steps.value < 1)
        throw model_error(s.max_steps.loc, "must be a positive integer, got " +
                                               std::to_string(s.max_steps.value));
    out.max_steps = s.max_steps.value;
    // CVODE's limits: 12 for Adams, 5 for BDF; `auto` may pick either, so it takes BDF's.
    const long max_allowed = s.method.value == "adams" ? 12 : 5;
    if (s.max_order.value < 0 || s.max_order.value > max_allowed)
        throw model_error(s.max_order.loc, "must be between 0 (solver default) and " +
                                               std::to_string(max_allowed) + " for method '" +
                                               s.method.value + "', got " +
                                               std::to_string(s.max_order.value));
    out.max_order = static_cast<int>(s.max_order.value);
    out.max_abs_state = positive(s.max_abs_state);
    out.hold_input_products = s.hold_input_products.value;
    try {
        out.newton_jacobian = ode::parse_newton_jacobian(s.newton_jacobian.value);
    } catch (const std::invalid_argument& e) {
        // The loader accepts only the allowed names; a description built in C++ may not.
        throw model_error(s.newton_jacobian.loc, e.what());
    }
    return out;
}

} // namespace cortexsim

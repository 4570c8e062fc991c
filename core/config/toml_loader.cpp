#include "core/config/toml_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <toml++/toml.h>

#include "core/config/keys.hpp"
#include "core/config/table_reader.hpp"
#include "core/csv_rows.hpp"
#include "core/errors.hpp"
#include "core/input_file.hpp"

namespace cortexsim::config {
namespace {

namespace allowed = keys::allowed;

/// A section that may be absent reads from an empty table, so that defaults still get their
/// key paths ("solver.rtol", line 0) through the same code as written values.
table_reader section_or_empty(table_reader& root, std::string_view key,
                              std::vector<std::string> known, const toml::table& empty) {
    std::optional<table_reader> t = root.optional_table(key, known);
    return t ? std::move(*t) : table_reader(empty, root.loc_of(key), std::move(known));
}

/// Keys with two forms (`transfer = "tanh"` or a table) fail with both forms named.
[[noreturn]] void fail_two_forms(const table_reader& t, std::string_view key,
                                 const std::string& forms, const toml::node& got) {
    t.fail(key, "must be " + forms + ", got " + type_name(got));
}

} // namespace

param_value to_param_value(const toml::node& node, const std::string& file, const std::string& path) {
    param_value v;
    v.loc = node_loc(node, file, path);
    if (const auto* i = node.as_integer()) {
        v.kind = param_value::type::integer;
        v.integer = i->get();
    } else if (const auto* f = node.as_floating_point()) {
        v.kind = param_value::type::number;
        v.number = f->get();
    } else if (const auto* b = node.as_boolean()) {
        v.kind = param_value::type::boolean;
        v.boolean = b->get();
    } else if (const auto* s = node.as_string()) {
        v.kind = param_value::type::string;
        v.string = s->get();
    } else if (const auto* a = node.as_array()) {
        v.kind = param_value::type::array;
        for (std::size_t k = 0; k < a->size(); ++k)
            v.items.push_back(to_param_value((*a)[k], file, path + "[" + std::to_string(k) + "]"));
    } else if (const auto* t = node.as_table()) {
        v.kind = param_value::type::table;
        // TOML++ sorts a table's keys; the tree keeps them in the order written.
        std::vector<std::pair<const toml::key*, const toml::node*>> order;
        for (const auto& [key, child] : *t) order.emplace_back(&key, &child);
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            const auto& pa = a.first->source().begin;
            const auto& pb = b.first->source().begin;
            return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
        });
        for (const auto& [key, child] : order) {
            const std::string name(key->str());
            v.entries.push_back({name, to_param_value(*child, file, path.empty() ? name : path + "." + name)});
        }
    } else {
        throw model_error(v.loc, "dates and times are not model values, got " + type_name(node));
    }
    return v;
}

namespace {

simulation_desc read_simulation(table_reader& root) {
    namespace key = keys::simulation;
    if (!root.has(keys::root::simulation))
        root.fail(keys::root::simulation, "missing required section [simulation]");
    table_reader t = root.required_table(keys::root::simulation, names(key::all));
    t.check_keys();
    simulation_desc d;
    d.loc = t.where();
    d.name = t.optional<std::string>(key::name, d.name.value);
    // A [task] sets its own length (pattern by pattern), so duration_ms is optional there.
    d.duration_ms = root.has(keys::root::task)
                        ? t.optional<double>(key::duration_ms, d.duration_ms.value, bound::positive)
                        : t.required<double>(key::duration_ms, bound::positive);
    d.start_ms = t.optional<double>(key::start_ms, d.start_ms.value, bound::non_negative);
    d.seed = t.optional<std::uint64_t>(key::seed, d.seed.value, bound::non_negative);
    d.output = t.optional<std::string>(key::output, d.output.value);
    d.plasticity_interval_ms =
        t.optional<double>(key::plasticity_interval_ms, d.plasticity_interval_ms.value, bound::positive);
    d.noise_interval_ms =
        t.optional<double>(key::noise_interval_ms, d.noise_interval_ms.value, bound::positive);
    d.summary_interval_ms =
        t.optional<double>(key::summary_interval_ms, d.summary_interval_ms.value, bound::positive);
    t.finish();
    return d;
}

solver_desc read_solver(table_reader& root) {
    namespace key = keys::solver;
    const toml::table empty;
    table_reader t = section_or_empty(root, keys::root::solver, names(key::all), empty);
    t.check_keys();
    solver_desc d;
    d.loc = t.where();
    d.method = t.choice(key::method, d.method.value, names(allowed::method));
    d.rtol = t.optional<double>(key::rtol, d.rtol.value, bound::positive);
    const toml::node* atol = t.take(key::atol);
    if (atol && atol->is_table()) {
        // Per-variable form; `default` keeps the tolerance of the variables not listed.
        table_reader a(*atol->as_table(), t.loc_of(key::atol),
                       names(std::array{key::atol_default}));
        d.atol = a.optional<double>(key::atol_default, d.atol.value, bound::positive);
        d.atol_per_variable = a.remaining_numbers(bound::positive);
    } else if (atol && !atol->is_number()) {
        fail_two_forms(t, key::atol, "a number or a table of numbers", *atol);
    } else {
        d.atol = t.optional<double>(key::atol, d.atol.value, bound::positive);
    }
    d.max_step_ms = t.optional<double>(key::max_step_ms, d.max_step_ms.value, bound::non_negative);
    d.dt_ms = t.optional<double>(key::dt_ms, d.dt_ms.value, bound::positive);
    d.max_steps = t.optional<long>(key::max_steps, d.max_steps.value, bound::positive);
    d.max_order = t.optional<long>(key::max_order, d.max_order.value, bound::non_negative);
    d.max_abs_state = t.optional<double>(key::max_abs_state, d.max_abs_state.value, bound::positive);
    d.hold_input_products = t.optional<bool>(key::hold_input_products, d.hold_input_products.value);
    d.newton_jacobian =
        t.choice(key::newton_jacobian, d.newton_jacobian.value, names(allowed::newton_jacobian));
    t.finish();
    return d;
}

/// `transfer = "name"` or `transfer = { kind = "name", numeric parameters... }`.
void read_transfer(table_reader& t, std::string_view k, located<std::string>& kind,
                   param_table& params) {
    const toml::node* transfer = t.take(k);
    if (transfer && transfer->is_table()) {
        table_reader f(*transfer->as_table(), t.loc_of(k),
                       names(std::array{keys::population::transfer_kind}));
        kind = f.required<std::string>(keys::population::transfer_kind);
        params = f.remaining_numbers();
    } else if (transfer && !transfer->is_string()) {
        fail_two_forms(t, k, "a string or a table", *transfer);
    } else {
        kind = t.optional<std::string>(k, kind.value);
    }
}

std::string resolve_path(const std::string& base_dir, const std::string& file);
std::vector<double> read_row(const toml::node& n, const source_loc& loc);

/// `{ file = "...", record = "...", time_ms = ..., edges = "...", column = "..." }`: where values
/// come from. The path is made absolute against the model's folder, so the resolved model in
/// the run folder names the same file.
value_file_desc read_value_file(table_reader& x, const std::string& base_dir) {
    namespace key = keys::value_file;
    value_file_desc f;
    f.loc = x.where();
    f.file = x.required<std::string>(key::file);
    if (f.file.value.empty())
        x.fail(key::file, "must name a file, got an empty string");
    f.file.value = std::filesystem::absolute(resolve_path(base_dir, f.file.value))
                       .lexically_normal()
                       .string();
    f.record = x.optional<std::string>(key::record, "");
    f.time_ms = x.optional<double>(key::time_ms, f.time_ms.value);
    f.edges = x.optional<std::string>(key::edges, "");
    f.column = x.optional<std::string>(key::column, "");
    return f;
}

/// `initial`: a number per variable (the same for every neuron), or one per neuron as an
/// array or from a file.
void read_initial(table_reader& t, population_desc& d, const std::string& base_dir) {
    namespace key = keys::population;
    std::optional<table_reader> init = t.optional_table(key::initial, {});
    if (!init)
        return;
    for (const auto& [name, node] : init->take_arrays_and_tables()) {
        initial_values_desc v;
        v.loc = node_loc(*node, init->where().file, init->path_of(name));
        if (node->is_array()) {
            v.values = read_row(*node, v.loc);
        } else {
            table_reader x(*node->as_table(), v.loc, keys::value_file::all);
            x.check_keys();
            v.from = read_value_file(x, base_dir);
            x.finish();
        }
        d.initial_per_neuron.emplace(name, std::move(v));
    }
    d.initial = init->remaining_numbers();
}

population_desc read_population(table_reader& t, const std::string& base_dir) {
    namespace key = keys::population;
    t.check_keys();
    population_desc d;
    d.loc = t.where();
    d.name = t.required<std::string>(key::name);
    d.model = t.required<std::string>(key::model);
    d.size = t.required<long>(key::size, bound::positive);
    d.dendrites = t.choice(key::dendrites, d.dendrites.value, names(allowed::dendrites));
    read_transfer(t, key::transfer, d.transfer, d.transfer_params);
    d.params = t.number_table(key::params);
    read_initial(t, d, base_dir);
    if (auto c = t.optional_table(key::context, names(std::array{key::context_from, key::context_at,
                                                                 key::context_mix}))) {
        c->check_keys();
        d.context.loc = c->where();
        d.context.from = c->required_array<std::string>(key::context_from);
        d.context.at = c->required<std::string>(key::context_at);
        d.context.mix = c->optional<double>(key::context_mix, 1.0, bound::unit_interval);
        c->finish();
    }
    t.finish();
    return d;
}

weight_desc read_weights(table_reader& t, const std::string& base_dir) {
    namespace key = keys::projection;
    weight_desc w;
    w.loc = t.loc_of(key::weights);
    w.distribution.loc = t.loc_of(key::weights);
    w.distribution.loc.path += "." + std::string(key::distribution);
    const toml::node* n = t.take(key::weights);
    if (!n)
        return w;
    if (n->is_table()) {
        std::vector<std::string> known =
            names(std::array{key::distribution, key::copy_of, key::transpose, key::tied});
        for (std::string_view k : keys::value_file::all) known.emplace_back(k);
        table_reader x(*n->as_table(), w.loc, known);
        // `file` makes the distribution "file" unless another one is written (then lowering
        // says they do not go together).
        const bool from_file = x.has(keys::value_file::file);
        w.distribution = x.choice(key::distribution, from_file ? "file" : w.distribution.value,
                                  names(allowed::distribution));
        if (from_file) {
            w.from = read_value_file(x, base_dir);
        } else {
            for (std::string_view k : keys::value_file::all)
                if (x.has(k))
                    x.fail(k, "'" + std::string(k) + "' goes with 'file' (weights read from a "
                              "file), which is not given");
        }
        w.copy_of = x.optional<std::string>(key::copy_of, w.copy_of.value);
        w.transpose = x.optional<bool>(key::transpose, w.transpose.value);
        w.tied = x.optional<bool>(key::tied, w.tied.value);
        w.params = x.remaining_numbers();
    } else if (n->is_number()) {
        // `weights = 0.5` is shorthand for {distribution = "constant", value = 0.5}.
        w.distribution.loc.line = w.loc.line;
        w.distribution.loc.column = w.loc.column;
        w.params.emplace(std::string(key::constant_value),
                         located<double>(convert<double>(*n, w.loc), w.loc));
    } else {
        fail_two_forms(t, key::weights, "a number or a table", *n);
    }
    return w;
}

/// `plasticity = { rule = "name", numeric parameters... }`; the rule's parameters are checked
/// in lowering, which knows each rule.
plasticity_desc read_plasticity(table_reader& t) {
    namespace key = keys::projection;
    plasticity_desc p;
    p.loc = t.loc_of(key::plasticity);
    p.rule.loc = p.loc;
    p.rule.loc.path += "." + std::string(key::rule);
    const toml::node* n = t.take(key::plasticity);
    if (!n)
        return p;
    if (!n->is_table())
        fail_two_forms(t, key::plasticity, "a table { rule = \"...\", ... }", *n);
    param_value tree = to_param_value(*n, p.loc.file, p.loc.path);
    const param_value* rule = tree.find(std::string(key::rule));
    if (!rule) throw model_error(p.loc, "missing required key 'rule'");
    if (rule->kind != param_value::type::string)
        throw model_error(rule->loc, "must be a string, got " + type_name(*rule));
    p.rule = located<std::string>(rule->string, rule->loc);
    tree.erase(std::string(key::rule));
    p.params = std::move(tree);
    return p;
}

projection_desc read_projection(table_reader& t, const std::string& base_dir) {
    namespace key = keys::projection;
    t.check_keys();
    projection_desc d;
    d.loc = t.where();
    d.name = t.optional<std::string>(key::name, d.name.value);
    d.source = t.required<std::string>(key::source);
    d.target = t.required<std::string>(key::target);
    d.compartment = t.required<std::string>(key::compartment);
    d.connectivity =
        t.choice(key::connectivity, d.connectivity.value, names(allowed::connectivity));
    d.probability = t.optional<double>(key::probability, d.probability.value, bound::unit_interval);
    // 0 is the "not set" default, so a written-out model must read back; lowering requires
    // indegree > 0 for fixed_indegree.
    d.indegree = t.optional<long>(key::indegree, d.indegree.value, bound::non_negative);
    d.allow_autapses = t.optional<bool>(key::allow_autapses, d.allow_autapses.value);
    d.weights = read_weights(t, base_dir);
    d.sign = t.choice(key::sign, d.sign.value, names(allowed::sign));
    d.type = t.choice(key::type, d.type.value, names(allowed::projection_type));
    d.plasticity = read_plasticity(t);
    t.finish();
    return d;
}

/// One row of stimulus values: a number (one value) or a non-empty array of numbers.
std::vector<double> read_row(const toml::node& n, const source_loc& loc) {
    if (n.is_number())
        return {convert<double>(n, loc)};
    const auto* arr = n.as_array();
    if (!arr)
        throw model_error(loc, "must be a number or an array of numbers, got " + type_name(n));
    if (arr->empty())
        throw model_error(loc, "must not be empty");
    std::vector<double> row;
    for (std::size_t i = 0; i < arr->size(); ++i)
        row.push_back(convert<double>(
            (*arr)[i], node_loc((*arr)[i], loc.file, loc.path + "[" + std::to_string(i) + "]")));
    return row;
}

std::string resolve_path(const std::string& base_dir, const std::string& file) {
    const std::filesystem::path p(file);
    if (p.is_absolute() || base_dir.empty())
        return file;
    return (std::filesystem::path(base_dir) / p).string();
}

/// The kind-specific part of a stimulus: `values` (constant), `times_ms` + `values`
/// (sequence) or `file` + `step_ms` (file), all turned into piecewise-constant rows.
void read_stimulus_rows(table_reader& t, stimulus_desc& d, const std::string& base_dir) {
    namespace key = keys::stimulus;
    const std::string& kind = d.kind.value;
    const bool is_file = kind == allowed::kind_file;
    // A key of another kind would be silently ignored; that is never what the user meant.
    const bool is_random = kind == allowed::kind_random;
    for (std::string_view k : {key::values, key::times_ms, key::file, key::step_ms, key::start_ms,
                               key::count, key::low, key::high}) {
        const bool used = (k == key::values && !is_file && !is_random) ||
                          (k == key::times_ms && kind == allowed::kind_sequence) ||
                          (k == key::file && is_file) ||
                          (k == key::step_ms && (is_file || is_random)) ||
                          (k == key::start_ms && kind != allowed::kind_sequence) ||
                          ((k == key::count || k == key::low || k == key::high) && is_random);
        if (!used && t.has(k))
            t.fail(k, "not used by kind '" + kind + "'");
    }
    if (is_random) {
        d.count = t.required<long>(key::count, bound::positive);
        d.step_ms = t.required<double>(key::step_ms, bound::positive);
        d.low = t.optional<double>(key::low, d.low.value);
        d.high = t.optional<double>(key::high, d.high.value);
        if (d.high.value < d.low.value)
            throw model_error(d.high.loc, "high (" + format_number(d.high.value) +
                                              ") must not be below low (" +
                                              format_number(d.low.value) + ")");
        d.values_loc = d.count.loc;
        return;
    }
    if (is_file) {
        const located<std::string> file = t.required<std::string>(key::file);
        const located<double> step = t.required<double>(key::step_ms, bound::positive);
        d.values_loc = file.loc;
        d.file_path = resolve_path(base_dir, file.value);
        d.values = read_csv_rows(d.file_path, file.loc, "stimulus file");
        for (std::size_t i = 0; i < d.values.size(); ++i)
            d.times_ms.push_back(d.start_ms.value + static_cast<double>(i) * step.value);
        return;
    }
    std::vector<located<double>> times;
    if (kind == allowed::kind_sequence) {
        times = t.required_array<double>(key::times_ms);
        for (std::size_t i = 1; i < times.size(); ++i)
            if (times[i].value <= times[i - 1].value)
                throw model_error(times[i].loc, "must be strictly increasing, got " +
                                                    format_number(times[i].value) + " after " +
                                                    format_number(times[i - 1].value));
    }
    const toml::node* values = t.take(key::values);
    if (!values)
        t.fail(key::values, "missing required key '" + std::string(key::values) + "'");
    d.values_loc = t.loc_of(key::values);
    if (kind == allowed::kind_constant) {
        d.values.push_back(read_row(*values, d.values_loc));
        d.times_ms.push_back(d.start_ms.value);
        return;
    }
    const auto* rows = values->as_array();
    if (!rows)
        throw model_error(d.values_loc, "must be an array, got " + type_name(*values));
    if (rows->empty())
        throw model_error(d.values_loc, "must not be empty");
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const toml::node& row = (*rows)[i];
        d.values.push_back(
            read_row(row, node_loc(row, d.values_loc.file,
                                   d.values_loc.path + "[" + std::to_string(i) + "]")));
    }
    if (d.values.size() != times.size())
        throw model_error(d.values_loc, "has " + std::to_string(d.values.size()) +
                                            " rows but times_ms has " +
                                            std::to_string(times.size()) + " entries");
    for (const located<double>& time : times)
        d.times_ms.push_back(time.value);
}

stimulus_desc read_stimulus(table_reader& t, const std::string& base_dir) {
    namespace key = keys::stimulus;
    t.check_keys();
    stimulus_desc d;
    d.loc = t.where();
    d.name = t.optional<std::string>(key::name, d.name.value);
    d.target = t.required<std::string>(key::target);
    d.mode = t.choice(key::mode, d.mode.value, names(allowed::mode));
    d.compartment = t.optional<std::string>(key::compartment, d.compartment.value);
    d.kind = t.choice(key::kind, d.kind.value, names(allowed::stimulus_kind));
    d.start_ms = t.optional<double>(key::start_ms, d.start_ms.value, bound::non_negative);
    d.stop_ms = t.optional<double>(key::stop_ms, d.stop_ms.value);
    d.g_som = t.optional<double>(key::g_som, d.g_som.value, bound::non_negative);
    read_stimulus_rows(t, d, base_dir);
    t.finish();
    return d;
}

phase_desc read_phase(table_reader& t) {
    namespace key = keys::phase;
    t.check_keys();
    phase_desc d;
    d.loc = t.where();
    d.name = t.required<std::string>(key::name);
    d.duration_ms = t.required<double>(key::duration_ms, bound::positive);
    d.inputs = t.optional_array<std::string>(key::inputs);
    // number_table is keyed by name; keep the file's order for the resolved model.
    auto in_file_order = [](std::vector<std::pair<std::string, located<double>>>& v) {
        std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
            return a.second.loc.line != b.second.loc.line ? a.second.loc.line < b.second.loc.line
                                                          : a.second.loc.column < b.second.loc.column;
        });
    };
    for (auto& [name, v] : t.number_table(key::gains, bound::non_negative)) d.gains.emplace_back(name, v);
    in_file_order(d.gains);
    for (auto& [name, v] : t.number_table(key::modulators)) d.modulators.emplace_back(name, v);
    in_file_order(d.modulators);
    t.finish();
    return d;
}

neuromodulator_desc read_neuromodulator(table_reader& t) {
    namespace key = keys::neuromodulator;
    t.check_keys();
    neuromodulator_desc d;
    d.loc = t.where();
    d.name = t.required<std::string>(key::name);
    d.value = t.optional<double>(key::value, d.value.value);
    d.times_ms = t.optional_array<double>(key::times_ms, bound::non_negative);
    d.values = t.optional_array<double>(key::values);
    if (d.times_ms.size() != d.values.size())
        t.fail(d.values.empty() ? key::times_ms : key::values,
               "times_ms and values must have the same length (one level from each time on), got " +
                   std::to_string(d.times_ms.size()) + " and " + std::to_string(d.values.size()));
    for (std::size_t i = 1; i < d.times_ms.size(); ++i)
        if (d.times_ms[i].value <= d.times_ms[i - 1].value)
            throw model_error(d.times_ms[i].loc, "must be strictly increasing, got " +
                                                     format_number(d.times_ms[i].value) + " after " +
                                                     format_number(d.times_ms[i - 1].value));
    t.finish();
    return d;
}

/// `start_ms` and `stop_ms` of a record sampled every interval_ms (lowering checks their order).
void read_record_window(table_reader& t, record_desc& d) {
    namespace key = keys::record;
    d.start_ms = t.optional<double>(key::start_ms, d.start_ms.value, bound::non_negative);
    d.stop_ms = t.optional<double>(key::stop_ms, d.stop_ms.value);
}

/// A projection record: `projection`, `what` and `interval_ms`, nothing about neurons.
void read_weight_record(table_reader& t, record_desc& d) {
    namespace key = keys::record;
    if (t.has(key::population))
        t.fail(key::population, "a record names a 'population' or a 'projection', not both");
    for (std::string_view k : {key::variables, key::neurons, key::sample, key::at, key::neuromodulator,
                               key::every_trials})
        if (t.has(k))
            t.fail(k, "'" + std::string(k) + "' applies to population records; a projection "
                      "record takes 'what', 'interval_ms', 'start_ms' and 'stop_ms'");
    d.projection = t.required<std::string>(key::projection);
    if (!t.has(key::what))
        t.fail(key::what, "a projection record needs 'what': 'weights' (snapshots of the "
                          "matrix) or 'weight_stats' (mean, std, min, max, mean |w|)");
    d.what = t.choice(key::what, "", names(allowed::record_what));
    // Snapshots can be large: their interval is the user's choice, not a default.
    if (!t.has(key::interval_ms))
        t.fail(key::interval_ms, "a projection record needs 'interval_ms', the time between "
                                 "two samples of the weights");
    d.interval_ms = t.required<double>(key::interval_ms, bound::positive);
    read_record_window(t, d);
}

record_desc read_record(table_reader& t) {
    namespace key = keys::record;
    t.check_keys();
    record_desc d;
    d.loc = t.where();
    if (t.has(key::projection)) {
        read_weight_record(t, d);
        t.finish();
        return d;
    }
    if (t.has(key::what))
        t.fail(key::what, "'what' applies to projection records (with 'projection = ...') only");
    if (t.has(key::neuromodulator)) {
        for (std::string_view k : {key::population, key::variables, key::neurons, key::sample, key::start_ms,
                                   key::stop_ms, key::every_trials})
            if (t.has(k))
                t.fail(k, "a neuromodulator record takes 'interval_ms' or 'at', not '" + std::string(k) + "'");
        d.neuromodulator = t.required<std::string>(key::neuromodulator);
        d.interval_ms = t.optional<double>(key::interval_ms, d.interval_ms.value, bound::positive);
        d.at = t.optional<std::string>(key::at, d.at.value);
        t.finish();
        return d;
    }
    if (!t.has(key::population))
        t.fail(key::population, "missing required key 'population' (or 'projection', to record "
                                "a projection's weights, or 'neuromodulator')");
    d.population = t.required<std::string>(key::population);
    d.variables = t.required_array<std::string>(key::variables);
    d.interval_ms = t.optional<double>(key::interval_ms, d.interval_ms.value, bound::positive);
    d.neurons = t.optional_array<long>(key::neurons, bound::non_negative);
    d.sample = t.optional<long>(key::sample, d.sample.value, bound::positive);
    d.at = t.optional<std::string>(key::at, d.at.value);
    if (d.at.value.empty()) {
        if (t.has(key::every_trials))
            t.fail(key::every_trials, "'every_trials' applies to records sampled at a phase end (with 'at'); "
                                      "a record sampled every interval_ms takes 'start_ms' and 'stop_ms'");
        read_record_window(t, d);
    } else {
        for (std::string_view k : {key::start_ms, key::stop_ms})
            if (t.has(k))
                t.fail(k, "a record sampled at a phase end (with 'at') takes 'every_trials', not '" + std::string(k) + "'");
        d.every_trials = t.optional<long>(key::every_trials, d.every_trials.value, bound::positive);
    }
    if (t.has(key::sample) && t.has(key::neurons))
        t.fail(key::sample, "'sample' and 'neurons' exclude each other: list the neurons, or "
                            "give how many to draw at random");
    t.finish();
    return d;
}

void check_unique_names(const std::vector<population_desc>& pops) {
    for (std::size_t i = 0; i < pops.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (pops[i].name.value == pops[j].name.value)
                throw model_error(pops[i].name.loc, "duplicate population name '" +
                                                        pops[i].name.value +
                                                        "', first defined at line " +
                                                        std::to_string(pops[j].name.loc.line));
}

} // namespace

namespace {
/// The document's unknown top-level sections as templates, in the order written. `kinds`
/// non-empty: only these are templates, anything else is reported like any unknown key.
std::vector<section_desc> read_templates(const toml::table& doc, const std::string& file,
                                         const std::vector<std::string>& kinds) {
    std::vector<std::string> known = names(keys::root::all);
    std::vector<std::pair<const toml::key*, const toml::node*>> unknown;
    for (const auto& [key, node] : doc)
        if (std::find(known.begin(), known.end(), key.str()) == known.end())
            unknown.emplace_back(&key, &node);
    std::sort(unknown.begin(), unknown.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.first->source().begin;
        const auto& pb = b.first->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    std::vector<std::string> hints = known;
    hints.insert(hints.end(), kinds.begin(), kinds.end());
    std::vector<std::pair<std::size_t, section_desc>> out;  // (line, section) for file order
    for (const auto& [key, node] : unknown) {
        const std::string name(key->str());
        const source_loc loc{file, static_cast<int>(key->source().begin.line),
                             static_cast<int>(key->source().begin.column), name};
        const bool listed = std::find(kinds.begin(), kinds.end(), name) != kinds.end();
        if (!node->is_array_of_tables() || (!kinds.empty() && !listed)) {
            const std::string noun = node->is_table() || node->is_array_of_tables()
                                         ? "top-level section" : "top-level key";
            if (listed)
                throw model_error(loc, "must be an array of tables ([[" + name + "]]), got " +
                                           type_name(*node));
            throw model_error(loc, "unknown " + noun + " '" + name + "'" + did_you_mean(name, hints));
        }
        const auto& arr = *node->as_array();
        for (std::size_t i = 0; i < arr.size(); ++i) {
            section_desc t;
            t.params = to_param_value(arr[i], file, name + "[" + std::to_string(i) + "]");
            t.loc = t.params.loc;
            t.kind = located<std::string>(name, t.loc);
            out.emplace_back(static_cast<std::size_t>(t.loc.line), std::move(t));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<section_desc> sections;
    for (auto& [line, t] : out) sections.push_back(std::move(t));
    return sections;
}
} // namespace

override_setting parse_override(const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw model_error(source_loc{"--set " + assignment, 0, 0, ""},
                          "an override is key.path=value, e.g. task.trials=5000");
    return {assignment.substr(0, eq), assignment.substr(eq + 1)};
}

namespace {
/// The path's segments: names, with an index for `name[i]`.
struct path_segment {
    std::string name;
    long index = -1;
};

std::vector<path_segment> split_path(const std::string& path, const source_loc& where) {
    std::vector<path_segment> out;
    std::size_t i = 0;
    while (i < path.size()) {
        path_segment seg;
        if (path[i] == '"') {
            const auto close = path.find('"', i + 1);
            if (close == std::string::npos) throw model_error(where, "unterminated quote in the key path");
            seg.name = path.substr(i + 1, close - i - 1);
            i = close + 1;
        } else {
            const auto end = path.find_first_of(".[", i);
            seg.name = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
            i = end == std::string::npos ? path.size() : end;
        }
        if (seg.name.empty()) throw model_error(where, "empty key in the key path");
        if (i < path.size() && path[i] == '[') {
            const auto close = path.find(']', i);
            if (close == std::string::npos) throw model_error(where, "unterminated '[' in the key path");
            const std::string digits = path.substr(i + 1, close - i - 1);
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
                throw model_error(where, "an index must be a non-negative integer, got '" + digits + "'");
            seg.index = std::stol(digits);
            i = close + 1;
        }
        out.push_back(seg);
        if (i < path.size()) {
            if (path[i] != '.') throw model_error(where, "expected '.' after ']' in the key path");
            ++i;
            if (i == path.size()) throw model_error(where, "the key path ends with '.'");
        }
    }
    if (out.empty()) throw model_error(where, "empty key path");
    return out;
}

void apply_override(toml::table& doc, const override_setting& o) {
    const std::string source = "--set " + o.path;
    const source_loc where{source, 0, 0, o.path};
    toml::table value_doc;
    try {
        value_doc = toml::parse("value = " + o.value, std::string_view(source));
    } catch (const toml::parse_error& e) {
        throw model_error(where, "the value '" + o.value + "' is not TOML: " + std::string(e.description()) +
                                     " (strings need quotes: key=\"text\")");
    }
    const std::vector<path_segment> segments = split_path(o.path, where);
    toml::table* table = &doc;
    std::string walked;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        const path_segment& seg = segments[k];
        walked += (walked.empty() ? "" : ".") + seg.name;
        const bool last = k + 1 == segments.size();
        if (seg.index >= 0) {
            toml::array* arr = (*table)[seg.name].as_array();
            if (!arr || static_cast<std::size_t>(seg.index) >= arr->size())
                throw model_error(where, "'" + walked + "' has no element " + std::to_string(seg.index) +
                                             (arr ? " (it has " + std::to_string(arr->size()) + ")" : ""));
            walked += "[" + std::to_string(seg.index) + "]";
            if (last) {
                arr->replace(arr->cbegin() + seg.index, *value_doc.get("value"));
                return;
            }
            toml::node& element = (*arr)[static_cast<std::size_t>(seg.index)];
            table = element.as_table();
            if (!table) throw model_error(where, "'" + walked + "' is not a table");
            continue;
        }
        if (last) {
            table->insert_or_assign(seg.name, *value_doc.get("value"));
            return;
        }
        toml::node* next = table->get(seg.name);
        if (!next) next = &table->insert_or_assign(seg.name, toml::table{}).first->second;
        if (toml::array* arr = next->as_array(); arr && segments[k + 1].index < 0) {
            // population.hid.params...: an element of an array of tables by its `name`, as
            // the model's own cross-references name populations, projections and phases.
            const path_segment& element_name = segments[++k];
            std::vector<std::string> names;
            std::size_t found = arr->size();
            for (std::size_t e = 0; e < arr->size(); ++e) {
                const toml::table* t = (*arr)[e].as_table();
                const toml::value<std::string>* n = t ? t->get_as<std::string>("name") : nullptr;
                if (!n) continue;
                if (n->get() == element_name.name && found == arr->size()) found = e;
                names.push_back(n->get());
            }
            if (found == arr->size())
                throw model_error(where, "'" + walked + "' has no element named '" + element_name.name + "'" +
                                             (names.empty() ? std::string(" (its elements have no names)")
                                                            : "; it has " + one_of(names)) +
                                             did_you_mean(element_name.name, names));
            walked += "[" + std::to_string(found) + "]";
            if (k + 1 == segments.size()) {
                arr->replace(arr->cbegin() + static_cast<long>(found), *value_doc.get("value"));
                return;
            }
            table = (*arr)[found].as_table();
            continue;
        }
        table = next->as_table();
        if (!table) throw model_error(where, "'" + walked + "' is not a table");
    }
}
} // namespace

model_desc parse_model(const std::string& text, const std::string& file_name,
                       const std::string& base_dir, const std::vector<std::string>& template_kinds,
                       const std::vector<override_setting>& overrides) {
    toml::table doc;
    try {
        doc = toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& e) {
        const toml::source_position& at = e.source().begin;
        throw model_error(
            source_loc{file_name, static_cast<int>(at.line), static_cast<int>(at.column), ""},
            std::string(e.description()));
    }
    for (const override_setting& o : overrides) apply_override(doc, o);
    // Unknown sections first: a misspelt [simulaton] is better reported as such than as a
    // missing [simulation]. Template sections are every other array of tables.
    std::vector<section_desc> templates = read_templates(doc, file_name, template_kinds);
    std::vector<std::string> root_keys = names(keys::root::all);
    for (const section_desc& t : templates)
        if (std::find(root_keys.begin(), root_keys.end(), t.kind.value) == root_keys.end())
            root_keys.push_back(t.kind.value);
    table_reader root(doc, node_loc(doc, file_name, ""), root_keys);
    model_desc m;
    m.source_file = file_name;
    m.simulation = read_simulation(root);
    m.solver = read_solver(root);
    for (table_reader& t : root.table_array(keys::root::population, names(keys::population::all)))
        m.populations.push_back(read_population(t, base_dir));
    check_unique_names(m.populations);
    for (table_reader& t : root.table_array(keys::root::projection, names(keys::projection::all)))
        m.projections.push_back(read_projection(t, base_dir));
    for (table_reader& t : root.table_array(keys::root::stimulus, names(keys::stimulus::all)))
        m.stimuli.push_back(read_stimulus(t, base_dir));
    for (table_reader& t : root.table_array(keys::root::record, names(keys::record::all)))
        m.records.push_back(read_record(t));
    for (table_reader& t : root.table_array(keys::root::phase, names(keys::phase::all)))
        m.phases.push_back(read_phase(t));
    for (table_reader& t : root.table_array(keys::root::neuromodulator, names(keys::neuromodulator::all)))
        m.neuromodulators.push_back(read_neuromodulator(t));
    for (const section_desc& t : templates) root.take(t.kind.value);
    m.templates = std::move(templates);
    if (const toml::node* task = root.take(keys::root::task)) {
        const source_loc loc = root.loc_of(keys::root::task);
        if (!task->is_table())
            throw model_error(loc, "must be a table ([task]), got " + type_name(*task));
        m.task.params = to_param_value(*task, file_name, std::string(keys::root::task));
        m.task.loc = m.task.params.loc;
        const param_value* kind = m.task.params.find(std::string(keys::task::kind));
        if (!kind) throw model_error(m.task.loc, "missing required key 'kind'");
        if (kind->kind != param_value::type::string)
            throw model_error(kind->loc, "must be a string, got " + type_name(*kind));
        m.task.kind = located<std::string>(kind->string, kind->loc);
        m.task.params.erase(std::string(keys::task::kind));
    } else {
        m.task.kind.loc = source_loc{file_name, 0, 0, "task.kind", true};
    }
    // [provenance] is informational (written by write_model_toml) and never interpreted.
    root.optional_table(keys::root::provenance, {});
    root.finish();
    return m;
}

param_value parse_param_table(const std::string& text, const std::string& file_name) {
    toml::table doc;
    try {
        doc = toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& e) {
        const toml::source_position& at = e.source().begin;
        throw model_error(
            source_loc{file_name, static_cast<int>(at.line), static_cast<int>(at.column), ""},
            std::string(e.description()));
    }
    return to_param_value(doc, file_name, "");
}

model_desc load_model_file(const std::string& path, const std::vector<std::string>& template_kinds,
                           const std::vector<override_setting>& overrides) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw model_error(source_loc{path, 0, 0, ""}, "cannot open model file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_model(text.str(), path, std::filesystem::path(path).parent_path().string(),
                       template_kinds, overrides);
}

} // namespace cortexsim::config

#pragma once
/// Every TOML key and every enumerated value the model format knows, defined once.
/// The loader reads through these names, rejects everything else with a "did you mean" hint
/// built from the `all` lists, and the writer emits the same names, so the two cannot drift.

#include <array>
#include <string_view>

namespace cortexsim::config::keys {

/// Top-level sections core reads itself. Every other `[[<kind>]]` array of tables is a
/// template instance (its kinds are registered in cortex_models/) and `[task]` a task (registered
/// in circuits/experiments/): the loader keeps both as parameter trees (core/param_tree.hpp).
namespace root {
inline constexpr std::string_view simulation = "simulation";
inline constexpr std::string_view solver = "solver";
inline constexpr std::string_view population = "population";
inline constexpr std::string_view projection = "projection";
inline constexpr std::string_view stimulus = "stimulus";
inline constexpr std::string_view record = "record";
inline constexpr std::string_view phase = "phase";
inline constexpr std::string_view neuromodulator = "neuromodulator";
inline constexpr std::string_view provenance = "provenance"; ///< free-form strings, ignored
inline constexpr std::string_view task = "task";
inline constexpr std::array all{simulation, solver, population, projection,     stimulus,
                                record,     phase,  neuromodulator, provenance, task};
} // namespace root

/// [[phase]]
namespace phase {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view duration_ms = "duration_ms";
inline constexpr std::string_view inputs = "inputs";
inline constexpr std::string_view gains = "gains";
inline constexpr std::string_view modulators = "modulators";
inline constexpr std::array all{name, duration_ms, inputs, gains, modulators};
} // namespace phase

/// [[neuromodulator]]
namespace neuromodulator {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view value = "value";
inline constexpr std::string_view times_ms = "times_ms";
inline constexpr std::string_view values = "values";
inline constexpr std::array all{name, value, times_ms, values};
} // namespace neuromodulator

/// [task]: `kind`; every other key belongs to the task kind, which reads it.
namespace task {
inline constexpr std::string_view kind = "kind";
} // namespace task

/// [simulation]
namespace simulation {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view duration_ms = "duration_ms";
inline constexpr std::string_view start_ms = "start_ms";
inline constexpr std::string_view seed = "seed";
inline constexpr std::string_view output = "output";
inline constexpr std::string_view plasticity_interval_ms = "plasticity_interval_ms";
inline constexpr std::string_view noise_interval_ms = "noise_interval_ms";
inline constexpr std::string_view summary_interval_ms = "summary_interval_ms";
inline constexpr std::array all{name,           duration_ms,       start_ms,
                                seed,           output,            plasticity_interval_ms,
                                noise_interval_ms, summary_interval_ms};
} // namespace simulation

/// [solver]; `atol` is a number or a table of per-variable numbers in which the reserved key
/// `default` sets the tolerance of every other variable.
namespace solver {
inline constexpr std::string_view method = "method";
inline constexpr std::string_view rtol = "rtol";
inline constexpr std::string_view atol = "atol";
inline constexpr std::string_view atol_default = "default";
inline constexpr std::string_view max_step_ms = "max_step_ms";
inline constexpr std::string_view dt_ms = "dt_ms";
inline constexpr std::string_view max_steps = "max_steps";
inline constexpr std::string_view max_order = "max_order";
inline constexpr std::string_view max_abs_state = "max_abs_state";
inline constexpr std::string_view hold_input_products = "hold_input_products";
inline constexpr std::string_view newton_jacobian = "newton_jacobian";
inline constexpr std::array all{method,        rtol,          atol,
                                max_step_ms,   dt_ms,         max_steps,
                                max_order,     max_abs_state, hold_input_products,
                                newton_jacobian};
} // namespace solver

/// [[population]]; `transfer` is a name or a table {kind = "...", numeric parameters}.
namespace population {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view model = "model";
inline constexpr std::string_view size = "size";
inline constexpr std::string_view dendrites = "dendrites";
inline constexpr std::string_view transfer = "transfer";
inline constexpr std::string_view transfer_kind = "kind";
inline constexpr std::string_view params = "params";
inline constexpr std::string_view initial = "initial";
inline constexpr std::string_view context = "context";
inline constexpr std::string_view context_from = "from";   ///< inside `context = { ... }`
inline constexpr std::string_view context_at = "at";
inline constexpr std::string_view context_mix = "mix";
inline constexpr std::array all{name, model, size, dendrites, transfer, params, initial, context};
} // namespace population

/// Values read from a file: `weights = { file = ... }` and `initial = { u_soma = { file = ... } }`.
namespace value_file {
inline constexpr std::string_view file = "file";
inline constexpr std::string_view record = "record";    ///< report.h5: a record's name
inline constexpr std::string_view time_ms = "time_ms";  ///< report.h5: which sample
inline constexpr std::string_view edges = "edges";      ///< SONATA edges: the edge population
inline constexpr std::string_view column = "column";    ///< SONATA edges: the weight column
inline constexpr std::array all{file, record, time_ms, edges, column};
} // namespace value_file

/// [[projection]]; `weights` is a number or a table {distribution = "...", numeric parameters}.
namespace projection {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view source = "source";
inline constexpr std::string_view target = "target";
inline constexpr std::string_view compartment = "compartment";
inline constexpr std::string_view connectivity = "connectivity";
inline constexpr std::string_view probability = "probability";
inline constexpr std::string_view indegree = "indegree";
inline constexpr std::string_view allow_autapses = "allow_autapses";
inline constexpr std::string_view weights = "weights";
inline constexpr std::string_view distribution = "distribution";
inline constexpr std::string_view constant_value = "value"; ///< parameter of `weights = 0.5`
inline constexpr std::string_view copy_of = "of";             ///< distribution = "copy"
inline constexpr std::string_view transpose = "transpose";    ///< distribution = "copy"
inline constexpr std::string_view tied = "tied";              ///< distribution = "copy"
inline constexpr std::string_view sign = "sign";
inline constexpr std::string_view type = "type";
inline constexpr std::string_view plasticity = "plasticity";
inline constexpr std::string_view rule = "rule";  ///< inside `plasticity = { rule = ..., ... }`
inline constexpr std::array all{name,     source,         target,  compartment, connectivity,
                                probability, indegree, allow_autapses, weights, sign,
                                type,     plasticity};
} // namespace projection

/// [[stimulus]]
namespace stimulus {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view target = "target";
inline constexpr std::string_view mode = "mode";
inline constexpr std::string_view compartment = "compartment";
inline constexpr std::string_view kind = "kind";
inline constexpr std::string_view values = "values";
inline constexpr std::string_view times_ms = "times_ms";
inline constexpr std::string_view file = "file";
inline constexpr std::string_view step_ms = "step_ms";
inline constexpr std::string_view start_ms = "start_ms";
inline constexpr std::string_view stop_ms = "stop_ms";
inline constexpr std::string_view g_som = "g_som";
inline constexpr std::string_view count = "count";
inline constexpr std::string_view low = "low";
inline constexpr std::string_view high = "high";
inline constexpr std::array all{name,     target, mode,    compartment, kind,    values, times_ms,
                                file,     step_ms, start_ms, stop_ms,  g_som,   count,  low,
                                high};
} // namespace stimulus

/// [[record]]
namespace record {
inline constexpr std::string_view population = "population";
inline constexpr std::string_view variables = "variables";
inline constexpr std::string_view interval_ms = "interval_ms";
inline constexpr std::string_view neurons = "neurons";
inline constexpr std::string_view sample = "sample";          ///< population records
inline constexpr std::string_view projection = "projection";  ///< weight records
inline constexpr std::string_view what = "what";              ///< weight records
inline constexpr std::string_view at = "at";                  ///< phase-end sampling
inline constexpr std::string_view neuromodulator = "neuromodulator";
inline constexpr std::string_view start_ms = "start_ms";          ///< interval records: window
inline constexpr std::string_view stop_ms = "stop_ms";
inline constexpr std::string_view every_trials = "every_trials";  ///< phase-end records
inline constexpr std::array all{population, variables, interval_ms, neurons,  sample,  projection,
                                what,       at,        neuromodulator, start_ms, stop_ms, every_trials};
} // namespace record

/// Allowed values of the enumerated string keys (the loader checks them; lowering checks the
/// ones that depend on neuron models, such as `model`, `compartment` and `transfer`).
namespace allowed {
inline constexpr std::array method{std::string_view{"auto"}, std::string_view{"adams"},
                                   std::string_view{"bdf-dense"}, std::string_view{"bdf-gmres"},
                                   std::string_view{"euler"}, std::string_view{"exp-euler"}};
inline constexpr std::array newton_jacobian{std::string_view{"full"},
                                            std::string_view{"neuron_blocks"}};
inline constexpr std::array dendrites{std::string_view{"instantaneous"},
                                      std::string_view{"dynamic"}};
inline constexpr std::array connectivity{
    std::string_view{"all_to_all"}, std::string_view{"one_to_one"},
    std::string_view{"fixed_probability"}, std::string_view{"fixed_indegree"}};
inline constexpr std::array distribution{std::string_view{"constant"}, std::string_view{"uniform"},
                                         std::string_view{"normal"}, std::string_view{"copy"},
                                         std::string_view{"file"}};
inline constexpr std::array sign{std::string_view{"free"}, std::string_view{"excitatory"},
                                 std::string_view{"inhibitory"}};
inline constexpr std::array mode{std::string_view{"rate"}, std::string_view{"current"},
                                 std::string_view{"nudge"}};
inline constexpr std::array projection_type{std::string_view{"synaptic"},
                                            std::string_view{"nudging"}};
inline constexpr std::string_view kind_constant = "constant";
inline constexpr std::string_view kind_sequence = "sequence";
inline constexpr std::string_view kind_file = "file";
inline constexpr std::string_view kind_random = "random";
inline constexpr std::array stimulus_kind{kind_constant, kind_sequence, kind_file, kind_random};
/// `what` of a projection record: full weight snapshots or their statistics.
inline constexpr std::array record_what{std::string_view{"weights"},
                                        std::string_view{"weight_stats"}};
} // namespace allowed

} // namespace cortexsim::config::keys

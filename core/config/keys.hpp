#pragma once
/// Every TOML key and every enumerated value the model format knows, defined once.
/// The loader reads through these names, rejects everything else with a "did you mean" hint
/// built from the `all` lists, and the writer emits the same names, so the two cannot drift.

#include <array>
#include <string_view>

namespace cortexsim::config::keys {

/// Top-level sections.
namespace root {
inline constexpr std::string_view simulation = "simulation";
inline constexpr std::string_view solver = "solver";
inline constexpr std::string_view population = "population";
inline constexpr std::string_view projection = "projection";
inline constexpr std::string_view stimulus = "stimulus";
inline constexpr std::string_view record = "record";
inline constexpr std::string_view provenance = "provenance"; ///< free-form strings, ignored
inline constexpr std::string_view microcircuit = "microcircuit";
inline constexpr std::string_view task = "task";
inline constexpr std::string_view column = "column";
inline constexpr std::string_view column_link = "column_link";
inline constexpr std::array all{simulation, solver,       population, projection,
                                stimulus,   record,       provenance, microcircuit,
                                task,       column,       column_link};
} // namespace root

/// [[microcircuit]] (the layered dendritic microcircuit template)
namespace microcircuit {
inline constexpr std::string_view prefix = "prefix";
inline constexpr std::string_view n_input = "n_input";
inline constexpr std::string_view layers = "layers";
inline constexpr std::string_view transfer = "transfer";
inline constexpr std::string_view dendrites = "dendrites";
inline constexpr std::string_view eta_PP = "eta_PP";
inline constexpr std::string_view self_predicting_init = "self_predicting_init";
/// Numeric parameters, each optional with the template's default.
inline constexpr std::array numbers{
    std::string_view{"g_lk"},   std::string_view{"g_B"},    std::string_view{"g_A"},
    std::string_view{"g_D"},    std::string_view{"g_som"},  std::string_view{"weight_scale"},
    std::string_view{"eta_IP"}, std::string_view{"eta_PI"}, std::string_view{"tau_w_ms"},
    std::string_view{"pause_ms"}};
inline constexpr std::array all{prefix,    n_input, layers, transfer, dendrites, eta_PP,
                                self_predicting_init, numbers[0], numbers[1], numbers[2],
                                numbers[3], numbers[4], numbers[5], numbers[6], numbers[7],
                                numbers[8], numbers[9]};
} // namespace microcircuit

/// [[column]] and [[column_link]] (cortex_models/six_layer_column.hpp)
namespace column {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view sizes = "sizes";
inline constexpr std::string_view p_connect = "p_connect";
inline constexpr std::string_view w_excitatory = "w_excitatory";
inline constexpr std::string_view w_inhibitory = "w_inhibitory";
inline constexpr std::string_view transfer = "transfer";
inline constexpr std::string_view dendrites = "dendrites";
inline constexpr std::string_view strengths = "strengths";
inline constexpr std::string_view pulvinar_beta = "pulvinar_beta";
inline constexpr std::string_view l6_theta = "l6_theta";
inline constexpr std::string_view ct_self_context = "ct_self_context";
inline constexpr std::string_view dale = "dale";
inline constexpr std::array all{name,      sizes,         p_connect,       w_excitatory,
                                w_inhibitory, transfer,   dendrites,       strengths,
                                pulvinar_beta, l6_theta, ct_self_context, dale};
inline constexpr std::string_view lower = "lower";
inline constexpr std::string_view upper = "upper";
inline constexpr std::array link_all{lower, upper};
} // namespace column

/// [task]: string keys here; every other key is a number checked per task kind in lowering.
namespace task {
inline constexpr std::string_view kind = "kind";
inline constexpr std::string_view input = "input";
inline constexpr std::string_view hidden = "hidden";
inline constexpr std::string_view output = "output";
inline constexpr std::string_view dataset = "dataset";
inline constexpr std::string_view column = "column";
inline constexpr std::string_view sequence = "sequence";
inline constexpr std::string_view cycle = "cycle";
inline constexpr std::string_view ablation = "ablation";
inline constexpr std::array all{kind, input, hidden, output, dataset, column, sequence, cycle, ablation};
} // namespace task

/// [simulation]
namespace simulation {
inline constexpr std::string_view name = "name";
inline constexpr std::string_view duration_ms = "duration_ms";
inline constexpr std::string_view seed = "seed";
inline constexpr std::string_view output = "output";
inline constexpr std::string_view plasticity_interval_ms = "plasticity_interval_ms";
inline constexpr std::string_view noise_interval_ms = "noise_interval_ms";
inline constexpr std::string_view summary_interval_ms = "summary_interval_ms";
inline constexpr std::array all{name,           duration_ms,       seed,
                                output,         plasticity_interval_ms, noise_interval_ms,
                                summary_interval_ms};
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
inline constexpr std::array all{method, rtol, atol, max_step_ms, dt_ms, max_steps, max_order,
                                max_abs_state};
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
inline constexpr std::array all{name, model, size, dendrites, transfer, params, initial};
} // namespace population

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
inline constexpr std::array all{population, variables, interval_ms, neurons, sample, projection,
                                what};
} // namespace record

/// Allowed values of the enumerated string keys (the loader checks them; lowering checks the
/// ones that depend on neuron models, such as `model`, `compartment` and `transfer`).
namespace allowed {
inline constexpr std::array method{std::string_view{"auto"}, std::string_view{"adams"},
                                   std::string_view{"bdf-dense"}, std::string_view{"bdf-gmres"},
                                   std::string_view{"euler"}};
inline constexpr std::array dendrites{std::string_view{"instantaneous"},
                                      std::string_view{"dynamic"}};
inline constexpr std::array connectivity{
    std::string_view{"all_to_all"}, std::string_view{"one_to_one"},
    std::string_view{"fixed_probability"}, std::string_view{"fixed_indegree"}};
inline constexpr std::array distribution{std::string_view{"constant"}, std::string_view{"uniform"},
                                         std::string_view{"normal"}, std::string_view{"copy"}};
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

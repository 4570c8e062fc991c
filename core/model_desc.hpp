#pragma once
/// The model *description*: plain data parsed from TOML (core/config) or built in C++.
/// Nothing here is validated against neuron models; lowering (circuits/lower.cpp) checks every
/// semantic invariant and reports errors at the stored source positions. Values keep the units
/// in their names (docs/toml_reference.md lists every key, unit and default).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/param_tree.hpp"
#include "core/source_loc.hpp"

namespace cortexsim {

/// A named numeric parameter table such as `[population.params]`: name -> value with position.
using param_table = std::map<std::string, located<double>>;

struct simulation_desc {
    located<std::string> name{"model"};     ///< used for the default run folder
    located<double> duration_ms{100.0};
    /// Model time at which the run begins (it ends at start_ms + duration_ms): a run that
    /// continues another from its weights and state at that time (docs/toml_reference.md).
    located<double> start_ms{0.0};
    located<std::uint64_t> seed{1};
    located<std::string> output{""};        ///< run folder; "" -> runs/<name>
    located<double> plasticity_interval_ms{1.0};  ///< weight-update step (operator splitting)
    located<double> noise_interval_ms{0.1};       ///< noise currents are redrawn on this grid
    located<double> summary_interval_ms{10.0};    ///< error_summary.csv sampling interval
    source_loc loc;
};

struct solver_desc {
    located<std::string> method{"auto"};    ///< auto | adams | bdf-dense | bdf-gmres | euler
    located<double> rtol{1e-6};
    located<double> atol{1e-8};             ///< default absolute tolerance for every variable
    param_table atol_per_variable;          ///< e.g. {"u_soma": 1e-9}; overrides `atol`
    located<double> max_step_ms{0.0};       ///< 0: no limit
    located<double> dt_ms{0.1};             ///< step of the fixed-step `euler` method
    located<long> max_steps{500000};        ///< per output interval, CVODE's mxstep
    located<long> max_order{0};             ///< 0: CVODE's default (5 for BDF, 12 for Adams)
    located<double> max_abs_state{1e6};     ///< |state| beyond this is a numerical failure
    /// Projections from unfiltered input populations hold W x within a segment and take
    /// continuous rank-one rule steps along x in O(n_target) (circuits/projection_held.cpp).
    located<bool> hold_input_products{true};
    /// bdf-gmres: "full" or "neuron_blocks" (ode::newton_jacobian).
    located<std::string> newton_jacobian{"full"};
    source_loc loc;
};

/// Values from a file, for weights or per-neuron initial values: a NumPy .npy or CSV file, or a
/// record in a run's report.h5 (`record`, `time_ms`), or SONATA edges (`edges`, `column`).
/// Read and checked in lowering (circuits/value_files.hpp), which knows the sizes.
struct value_file_desc {
    located<std::string> file{""};          ///< made absolute by the loader ("" if none)
    located<std::string> record{""};        ///< report.h5: the record's name
    located<double> time_ms{std::numeric_limits<double>::quiet_NaN()}; ///< report.h5: the sample
    located<std::string> edges{""};         ///< SONATA edges: the edge population
    located<std::string> column{""};        ///< SONATA edges: the weight column (syn_weight)
    source_loc loc;
};

/// Per-neuron initial values of one state variable: listed in the model or read from a file.
struct initial_values_desc {
    std::vector<double> values;             ///< one per neuron, when listed
    value_file_desc from;                   ///< when read from a file
    source_loc loc;
};

struct population_desc {
    located<std::string> name;
    located<std::string> model;             ///< pyramidal | interneuron | input
    located<long> size{0};
    located<std::string> dendrites{"instantaneous"};  ///< instantaneous | dynamic
    located<std::string> transfer{"soft_relu"};       ///< soft_relu | logistic | tanh | linear | relu
    param_table transfer_params;            ///< gamma, beta, theta, ... (per transfer function)
    param_table params;                     ///< neuron model parameters (g_lk, g_B, ...)
    param_table initial;                    ///< initial values of state variables (u_soma, ...)
    /// Per-neuron initial values (`initial = { u_soma = [...] }` or `{ file = ... }`).
    std::map<std::string, initial_values_desc> initial_per_neuron;
    /// `context = { from = [...], at = "plus", mix = 1.0 }` on an input population: its rates
    /// are a copy of `from`'s rates (concatenated) taken at the end of phase `at` and applied
    /// at the end of every trial (the CT context of O'Reilly et al. 2021, an Elman context
    /// layer). `mix` < 1 integrates: r <- (1 - mix) r + mix r_new. Empty `from`: no context.
    struct context_desc {
        std::vector<located<std::string>> from;
        located<std::string> at{""};
        located<double> mix{1.0};
        source_loc loc;
    } context;
    source_loc loc;
};

struct weight_desc {
    located<std::string> distribution{"constant"};  ///< constant | uniform | normal | copy
    param_table params;                     ///< value | low, high | mean, std | scale (copy)
    /// copy: start from `scale` times the weights of an earlier projection (transposed if asked),
    /// e.g. interneuron weights initialised at the self-predicting state.
    located<std::string> copy_of{""};
    located<bool> transpose{false};
    /// copy: keep following the source's weights as it learns (weight transport, for the
    /// backprop reference), not only start from them.
    located<bool> tied{false};
    /// distribution = "file": the matrix (and, for edges or a sparse record, the synapses).
    value_file_desc from;
    source_loc loc;
};

/// A plasticity rule on a projection: its registered name and its settings as written (the
/// whole `plasticity = { rule = ..., ... }` table but `rule`), read and checked by the rule's
/// factory in lowering (circuits/plasticity/).
struct plasticity_desc {
    located<std::string> rule{"none"};
    param_value params = param_value::make_table();
    source_loc loc;
};

struct projection_desc {
    located<std::string> name{""};          ///< "" -> "<source>-><target>.<compartment>"
    located<std::string> source;
    located<std::string> target;
    located<std::string> compartment;       ///< basal | apical | soma | dendrite
    located<std::string> connectivity{"all_to_all"};  ///< all_to_all | one_to_one | fixed_probability | fixed_indegree
    located<double> probability{0.0};       ///< fixed_probability only
    located<long> indegree{0};              ///< fixed_indegree only
    located<bool> allow_autapses{true};     ///< when source == target
    weight_desc weights;
    located<std::string> sign{"free"};      ///< free | excitatory | inhibitory (Dale's law)
    /// synaptic: W r_source into the compartment; nudging: one-to-one somatic nudging towards
    /// the source's somatic potential with conductance g_som = weight (Sacramento et al. 2018,
    /// interneurons nudged by the next layer's pyramidal somata).
    located<std::string> type{"synaptic"};
    plasticity_desc plasticity;
    source_loc loc;
};

/// A piecewise-constant input: value row i holds on [times_ms[i], times_ms[i+1]) and the last row
/// until stop_ms. A `constant` stimulus is one row at start_ms; a `file` stimulus is read into
/// rows by the loader (file_path is kept for provenance). A row has one value (broadcast to all
/// neurons) or one per neuron.
struct stimulus_desc {
    located<std::string> name{""};
    located<std::string> target;            ///< population name
    located<std::string> mode{"current"};   ///< rate | current | nudge
    located<std::string> compartment{"soma"}; ///< for current: soma | basal | apical | dendrite
    located<std::string> kind{"constant"};  ///< constant | sequence | file | random (as written)
    std::vector<double> times_ms;
    std::vector<std::vector<double>> values;
    source_loc values_loc;                  ///< where `values`/`file` was written, for size errors
    located<double> start_ms{0.0};
    located<double> stop_ms{-1.0};          ///< < 0: until the end of the run
    located<double> g_som{0.8};             ///< nudging conductance (mode = nudge)
    std::string file_path;                  ///< resolved path of a `file` stimulus
    /// random: `count` rows of values uniform on [low, high), one every step_ms from start_ms,
    /// drawn in lowering from the stream (seed, stimulus name); times/values stay empty here.
    located<long> count{0};
    located<double> step_ms{0.0};
    located<double> low{0.0};
    located<double> high{1.0};
    source_loc loc;
};

/// A `[[record]]`: either variables of a population's neurons (`population`), or the weights
/// of a projection (`projection` with `what`).
struct record_desc {
    located<std::string> population;
    std::vector<located<std::string>> variables;  ///< u_soma, v_basal, v_apical, v_dendrite, rate
    located<double> interval_ms{1.0};
    std::vector<located<long>> neurons;     ///< empty: all neurons (or `sample` of them)
    /// > 0: record this many neurons drawn at random (stream "record:<record name>"), instead
    /// of `neurons`.
    located<long> sample{0};
    located<std::string> projection{""};    ///< "": a population record
    located<std::string> what{""};          ///< projection records: weights | weight_stats
    located<std::string> neuromodulator{""};  ///< "": not a neuromodulator record
    /// "": sample every interval_ms; a phase name: sample at the end of that phase of every
    /// trial (the values the phase-end rules read).
    located<std::string> at{""};
    /// Interval records (population and projection): sample only at times in [start_ms,
    /// stop_ms]; stop_ms < 0: to the end of the run.
    located<double> start_ms{0.0};
    located<double> stop_ms{-1.0};
    /// Phase-end records: sample in trials 1, 1 + N, 1 + 2N, ...
    located<long> every_trials{1};
    source_loc loc;
};

/// A `[[neuromodulator]]`: a named global signal (dopamine, acetylcholine, ...) that rules may
/// read (three-factor learning) and records may sample. Its level is, in order of precedence,
/// what a task sets (a reward), what the current phase sets (`[[phase]] modulators`), or the
/// schedule: `value` before the first of `times_ms`, then `values[i]` from `times_ms[i]` on.
struct neuromodulator_desc {
    located<std::string> name;
    located<double> value{0.0};
    std::vector<located<double>> times_ms;
    std::vector<located<double>> values;
    source_loc loc;
};

/// A `[[phase]]` of the trial protocol (DESIGN.md, "Learning and mismatch"): trials repeat the
/// declared phases in order. `inputs` lists the task inputs and stimuli that are on in this
/// phase (an input named by any phase is off in the phases that do not name it); `gains` scale
/// projections (by name) or a dendrite's coupling to the soma ("<population>.<compartment>")
/// for the phase's duration (default 1).
struct phase_desc {
    located<std::string> name;
    located<double> duration_ms{0.0};
    std::vector<located<std::string>> inputs;
    std::vector<std::pair<std::string, located<double>>> gains;
    /// Neuromodulator levels held for the phase's duration (name -> level).
    std::vector<std::pair<std::string, located<double>>> modulators;
    source_loc loc;
};

/// A section that core does not interpret: a template instance (`[[column]]`, ...) or the
/// `[task]`. `kind` selects the registered template or task; `params` holds the rest of the
/// table as written, which the template or task reads and checks itself.
struct section_desc {
    located<std::string> kind{"none"};
    param_value params = param_value::make_table();
    source_loc loc;
};

struct model_desc {
    std::string source_file;                ///< "" for C++-built models
    simulation_desc simulation;
    solver_desc solver;
    std::vector<population_desc> populations;
    std::vector<projection_desc> projections;
    std::vector<stimulus_desc> stimuli;
    std::vector<record_desc> records;
    std::vector<phase_desc> phases;         ///< the trial protocol; empty: no trials
    std::vector<neuromodulator_desc> neuromodulators;
    /// Template instances in the order written (`[[<kind>]]` sections); expand_templates()
    /// (cortex_models/) replaces them by populations and projections.
    std::vector<section_desc> templates;
    section_desc task;                      ///< `[task]`; kind "none" without one
};

} // namespace cortexsim

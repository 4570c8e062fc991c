#pragma once
/// The lowered model: every name resolved to an index, every parameter a plain number in
/// internal units, every invariant checked. Produced by lower() from a model_desc; consumed by
/// the network builder. Nothing here refers back to TOML.

#include <cstdint>
#include <map>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "circuits/budget.hpp"
#include "compartments/dendritic_neuron.hpp"
#include "compartments/neuron_model.hpp"
#include "compartments/transfer.hpp"
#include "core/model_desc.hpp"
#include "core/ode/integrator.hpp"
#include "core/param_tree.hpp"
#include "circuits/plasticity/rule.hpp"
#include "circuits/plasticity/step_filter.hpp"

namespace cortexsim {

/// Compartment slot: soma, or the index of a dendrite in the neuron model's `dendrites`.
constexpr int soma_slot = -1;

struct lowered_population {
    std::string name;
    const neuron_model_info* model = nullptr;
    std::size_t size = 0;
    dendritic_neuron_params params;
    transfer_fn transfer;
    double u_init = 0.0;                         ///< u_soma, or the rate of a filtered input
    std::array<double, max_dendrites> v_init{};  ///< dynamic dendrites only
    /// Per-neuron initial values (`initial = { u_soma = [...] }` or a file); empty: the scalar.
    std::vector<double> u_init_each;
    std::array<std::vector<double>, max_dendrites> v_init_each{};
    double input_tau_ms = 0.0;                   ///< input populations: rate low-pass filter
    double noise_sigma = 0.0;                    ///< somatic noise current amplitude
};

/// from_file: the synapses a weights file lists (SONATA edges, a sparse projection's record).
enum class connectivity_kind { all_to_all, one_to_one, fixed_probability, fixed_indegree, from_file };
enum class weight_distribution { constant, uniform, normal, copy, file };
struct weight_table;  // circuits/value_files.hpp
enum class sign_constraint { free, excitatory, inhibitory };

struct lowered_projection {
    std::string name;
    std::size_t source = 0;
    std::size_t target = 0;
    int slot = soma_slot;
    std::string compartment;
    connectivity_kind connectivity = connectivity_kind::all_to_all;
    double probability = 1.0;
    std::size_t indegree = 0;
    bool allow_autapses = true;
    weight_distribution distribution = weight_distribution::constant;
    double w_a = 0.0;  ///< constant: value; uniform: low; normal: mean
    double w_b = 0.0;  ///< uniform: high; normal: std
    std::size_t copy_from = 0;  ///< copy: index of the earlier projection whose weights it copies
    bool copy_transpose = false;
    /// copy: the weights follow the source's after each of its updates (weight transport).
    bool copy_tied = false;
    double copy_scale = 1.0;
    /// file: the weights read in lowering (target x source, and the synapses for from_file);
    /// shared by every network built from this model.
    std::shared_ptr<const weight_table> file_weights;
    sign_constraint sign = sign_constraint::free;
    bool nudging = false;    ///< one-to-one somatic nudging towards the source's u_soma
    /// The projection's plasticity rule with its parameters (circuits/plasticity/rule.hpp), or
    /// null; each network binds its own clone. `rule_params` are its settings with every
    /// default (for the resolved model).
    std::shared_ptr<const plasticity_rule> rule;
    std::string rule_name;
    param_value rule_params;
    /// What the engine does with the rule's changes (momentum, normalisation).
    step_filter_params step;
};

/// The synapses projection `p` has (all_to_all, one_to_one, fixed_indegree, a weights file), or
/// is expected to have (fixed_probability: p n_target n_source), between populations of
/// n_target and n_source neurons: what the memory and run-time estimates count.
double expected_synapses(const lowered_projection& p, std::size_t n_target, std::size_t n_source);

enum class stimulus_mode { rate, current, nudge };

struct lowered_stimulus {
    std::string name;
    std::size_t target = 0;
    stimulus_mode mode = stimulus_mode::current;
    int slot = soma_slot;
    std::vector<double> times_ms;            ///< row i holds on [times_ms[i], times_ms[i+1])
    std::vector<std::vector<double>> rows;   ///< each of the target population's size
    double stop_ms = -1.0;                   ///< < 0: never stops
    double g_som = 0.8;
    /// Named in some phase's `inputs`: on only in those phases (active_in_phase).
    bool gated = false;
};

struct lowered_record {
    /// Output name: `<population>`, or `<population>_<k>` for the k-th further record of the
    /// same population (the CSV file and the report.h5 group).
    std::string name;
    std::size_t population = 0;
    std::vector<std::string> variables;
    double interval_ms = 1.0;
    std::vector<std::size_t> neurons;        ///< explicit list (all neurons if the desc had none)
    int at_phase = -1;                       ///< >= 0: sampled at the end of this phase
    double start_ms = 0.0;                   ///< interval sampling: the window [start, stop]
    double stop_ms = std::numeric_limits<double>::infinity();
    std::size_t every_trials = 1;            ///< phase-end sampling: trials 1, 1 + N, ...
    source_loc where;                        ///< its interval_ms if written, else the record
};

/// A `[[record]]` of a neuromodulator's level: every interval_ms, or at the end of a phase.
struct lowered_modulator_record {
    std::string name;            ///< output name: neuromodulator_<name>
    std::size_t neuromodulator = 0;
    double interval_ms = 1.0;
    int at_phase = -1;
    source_loc where;            ///< its interval_ms if written, else the record
};

enum class weight_record_kind {
    weights,  ///< full snapshots of the matrix
    stats,    ///< mean, std, min, max and mean |w| over the synapses
};

/// A `[[record]]` of a projection's weights, sampled at t = k * interval_ms.
struct lowered_weight_record {
    /// Output name: the projection's name as a file name ("->" becomes "_to_", other
    /// characters outside [A-Za-z0-9_.-] become '_'), plus `_<k>` for the k-th further record
    /// of the same kind with that name.
    std::string name;
    std::size_t projection = 0;  ///< index into lowered_model::projections
    weight_record_kind kind = weight_record_kind::weights;
    double interval_ms = 1.0;
    double start_ms = 0.0;  ///< the window [start, stop] of the samples
    double stop_ms = std::numeric_limits<double>::infinity();
    source_loc where;       ///< its interval_ms if written, else the record
};

struct lowered_solver {
    bool automatic = true;                   ///< "auto": chosen from the state size at build
    ode::solver_kind kind = ode::solver_kind::bdf_dense;
    double rtol = 1e-6;
    double atol = 1e-8;
    std::map<std::string, double> atol_per_variable;
    double max_step_ms = 0.0;
    double dt_ms = 0.1;
    long max_steps = 500000;
    int max_order = 0;
    double max_abs_state = 1e6;              ///< |state| beyond this is a numerical failure
    bool hold_input_products = true;         ///< projection::hold_products on constant sources
    ode::newton_jacobian newton_jacobian = ode::newton_jacobian::full;  ///< bdf-gmres only
};

/// One phase of the trial protocol (phase_desc), names resolved.
struct lowered_phase {
    std::string name;
    double duration_ms = 0.0;
    std::vector<std::string> inputs;  ///< stimuli and task inputs on in this phase
    std::vector<std::pair<std::size_t, double>> projection_gains;  ///< (projection, gain)
    struct coupling {
        std::size_t population = 0;
        int slot = 0;
        double gain = 1.0;
    };
    std::vector<coupling> coupling_gains;  ///< a dendrite's coupling to the soma, scaled
    std::vector<std::pair<std::size_t, double>> modulators;  ///< (neuromodulator, level) held
};

/// A neuromodulator (neuromodulator_desc): baseline `value`, then values[i] from times_ms[i].
struct lowered_neuromodulator {
    std::string name;
    double value = 0.0;
    std::vector<double> times_ms, values;
    /// The scheduled level at t (right-continuous).
    double scheduled(double t) const;
};

/// A context population (population_desc::context): at the end of every trial its rates become
/// (1 - mix) r + mix [rates of `from` at the end of phase `phase`], concatenated.
struct lowered_context {
    std::size_t population = 0;
    std::vector<std::size_t> from;
    std::size_t phase = 0;
    double mix = 1.0;
};

struct lowered_model {
    std::string name;
    double duration_ms = 0.0;
    double start_ms = 0.0;  ///< the run covers [start_ms, start_ms + duration_ms]
    std::uint64_t seed = 1;
    std::string output;
    double plasticity_interval_ms = 1.0;
    double noise_interval_ms = 0.1;  ///< noise currents are redrawn on this grid
    double summary_interval_ms = 10.0;
    lowered_solver solver;
    std::vector<lowered_population> populations;
    std::vector<lowered_projection> projections;
    std::vector<lowered_stimulus> stimuli;
    std::vector<lowered_record> records;
    std::vector<lowered_weight_record> weight_records;
    std::vector<lowered_phase> phases;       ///< the trial protocol; empty: no trials
    std::vector<lowered_neuromodulator> neuromodulators;
    std::vector<lowered_modulator_record> modulator_records;
    std::vector<lowered_context> contexts;
    /// Whether an input (stimulus or task input) of this name is on in phase k: inputs named
    /// by some phase are on only in the phases that name them, all others always.
    bool input_active(const std::string& name, std::size_t phase) const;
};

/// Validates `desc` against the neuron and transfer catalogues and resolves it. Throws
/// model_error naming file:line:column and the key path of the first problem found, also
/// when the memory the model needs (estimate_memory) exceeds `limits`' memory limit.
lowered_model lower(const model_desc& desc, const budget_limits& limits = {});

/// The memory the model will certainly allocate (a lower bound: neuron state, weights, random
/// stimulus rows), part by part at the keys that set each (circuits/lower_memory.cpp).
budget_estimate estimate_memory(const model_desc& desc, const lowered_model& model);

/// `desc` with every neuron-model and transfer-function parameter the file left out filled
/// in from the catalogues, so a resolved model keeps its meaning even if defaults change.
/// Expects a model that lowers without error.
model_desc fill_defaults(const model_desc& desc);

/// `desc` with every projection's plasticity settings as its rule resolved them (defaults
/// included), from the lowered model of the same description.
model_desc with_resolved_rules(const model_desc& desc, const lowered_model& lowered);

} // namespace cortexsim

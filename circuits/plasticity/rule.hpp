#pragma once
/// Plasticity rules as registered objects (DESIGN.md, "Learning and mismatch"). A rule is
/// created by its factory from the `plasticity = { rule = "...", ... }` table of a projection
/// (parameters read and checked with located errors), declares when it acts (continuously by
/// operator splitting, or at the end of a named phase of the trial protocol), binds to one
/// projection of a built network (resolving the named signals it reads, sizing its own state:
/// traces, thresholds, eligibility), and updates the projection's weights. Signals are the
/// network's recordable variables, by name, optionally at a phase end: "rate",
/// "apical_mismatch", "prediction_error", "rate@minus", ... (the same names [[record]] takes).
///
/// Adding a rule: one file in circuits/plasticity/rules/ with a factory, and one registration
/// line in circuits/plasticity/registry.cpp (docs/dev/plasticity_rules.md). A program or test
/// may register its own with `default_rules().add(...)` before lowering.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "compartments/neuron_model.hpp"
#include "core/registry.hpp"
#include "core/source_loc.hpp"

namespace cortexsim {

class network;
class state_reader;
class state_writer;
class param_reader;
class projection;
struct lowered_population;

/// What a factory may check a rule against at lowering: the projection it sits on and the
/// protocol's phase names. Nothing here refers to a built network.
struct rule_target {
    std::string projection;                   ///< the projection's name, for messages
    const lowered_population* source = nullptr;
    const lowered_population* target = nullptr;
    int slot = -1;                            ///< target compartment: -1 soma, else dendrite
    std::string compartment;
    bool dense = true;                        ///< all-to-all (dense) or sparse connectivity
    std::vector<std::string> phases;          ///< declared phase names, in protocol order
    double plasticity_interval_ms = 1.0;
    source_loc rule_loc;                      ///< where `rule = ...` was written
    std::vector<std::string> neuromodulators; ///< declared neuromodulator names
};

/// A signal of one population, resolved once: what to read and where it comes from.
struct bound_signal {
    std::size_t population = 0;
    int id = -1;  ///< engine-internal handle
};

/// A rule's view of the network while it binds.
class rule_binding {
public:
    virtual ~rule_binding() = default;
    virtual std::size_t source() const = 0;
    virtual std::size_t target() const = 0;
    virtual int slot() const = 0;
    virtual std::size_t source_size() const = 0;
    virtual std::size_t target_size() const = 0;
    /// A named signal of population p ("rate", "rate@minus", "basal_error", ...); throws
    /// std::invalid_argument for a name the population does not have (lowering has checked
    /// the names factories accept, so this is a bug in the rule).
    virtual bound_signal signal(std::size_t population, const std::string& name) = 0;
    /// The dendritic prediction factor k_d = g_d / (g_lk + sum of couplings) of the target's
    /// compartment `slot` (Sacramento et al. 2018, eq. 7-8).
    virtual double prediction_factor(int slot) const = 0;
    virtual const network& net() const = 0;
    /// The index of a declared neuromodulator (for plasticity_context::modulator); throws
    /// std::invalid_argument for an unknown name (lowering checks the names factories accept).
    virtual std::size_t neuromodulator(const std::string& name) const = 0;
};

/// A rule's view of the network while it updates.
class plasticity_context {
public:
    virtual ~plasticity_context() = default;
    /// Current values of a bound signal (its population's size).
    virtual Eigen::Map<const Eigen::VectorXd> values(const bound_signal& s) = 0;
    virtual projection& proj() = 0;
    double t_ms = 0.0;
    /// Continuous rules: the operator-splitting interval; phase-end rules: 0.
    double dt_ms = 0.0;
    /// Time since the inputs last changed (a stimulus switch, a new pattern, a phase switch).
    double since_switch_ms = 0.0;
    /// Trials completed before this update (0 in runs without a protocol).
    std::size_t trial = 0;
    /// The engine's global factor on learning rates (plasticity_engine::set_rate_factor).
    double rate_factor = 1.0;
    /// Neuromodulator k's current level (rule_binding::neuromodulator gives k).
    virtual double modulator(std::size_t k) const = 0;
};

class plasticity_rule {
public:
    virtual ~plasticity_rule() = default;
    /// A fresh instance with the same parameters and no state (each network binds its own).
    virtual std::unique_ptr<plasticity_rule> clone() const = 0;
    /// True: the rule steps every plasticity_interval_ms; false: at the end of `phase()`.
    virtual bool continuous() const = 0;
    /// The phase at whose end a non-continuous rule acts. A continuous rule may name one too:
    /// it is then also called at that phase's end, with dt_ms = 0 (state integrated
    /// continuously, weights changed once per trial).
    virtual std::string phase() const { return {}; }
    /// Resolves the signals the rule reads and sizes its state for one projection.
    virtual void bind(rule_binding& b) = 0;
    /// One update of the projection's weights; returns true if any weight changed. The
    /// engine enforces the projection's sign (Dale's law) afterwards.
    virtual bool update(plasticity_context& c) = 0;
    /// True if a continuous rule's update(c) would certainly change nothing (e.g. within its
    /// pause after an input switch, or at a zero rate) without reading any signal. When every
    /// continuous rule is idle the engine skips the step, and the network evaluation that
    /// precedes it. The default: never idle.
    virtual bool idle(const plasticity_context& /*c*/) const { return false; }
    /// Checkpoints: every number of the rule's own that its next update reads (traces,
    /// thresholds, low-pass filtered changes), as entries named `prefix` + a name of its own;
    /// restore_state reads them back into a bound rule. Scratch space and caches are not
    /// state. The default: a rule without state. tests/circuits/test_checkpoint.cpp resumes
    /// every registered rule mid-run and compares the weights bit for bit with the run that
    /// went on, so a rule that forgets some state fails there.
    virtual void save_state(state_writer& /*w*/, const std::string& /*prefix*/) const {}
    virtual void restore_state(const state_reader& /*r*/, const std::string& /*prefix*/) {}
};

/// A registered rule: its name, a one-line summary (docs, messages) and its factory, which
/// reads every parameter through the reader (unknown keys are rejected after it returns) and
/// throws model_error at the offending key.
struct rule_kind {
    std::string name;
    std::string summary;
    std::function<std::unique_ptr<plasticity_rule>(param_reader& params, const rule_target& target)> make;
};

using rule_registry = registry<rule_kind>;

/// The registry with cortexsim's rules; programs and tests may add to it.
rule_registry& default_rules();

} // namespace cortexsim

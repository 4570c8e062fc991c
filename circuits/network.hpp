#pragma once
/// The runtime network: flat structure-of-arrays state for every population, the projections'
/// weight matrices, and the latched stimulus inputs. Implements dynamical_system, so the
/// simulation clock can integrate it.
///
/// State layout (docs/dev/architecture.md): population by population, variable by variable,
///   [u_soma of pop 0 | dynamic dendrite 0 of pop 0 | dynamic dendrite 1 of pop 0 | u_soma of pop 1 ...]
/// Instantaneous dendrites and unfiltered input populations hold no state; a low-pass filtered
/// input population (tau_ms > 0) holds its rates in the u_soma slot.
/// The implementation is split by concern: network.cpp (construction, right-hand side,
/// observation), network_schedule.cpp (events), network_solver.cpp (tolerances, checks,
/// preconditioner, method choice), network_plasticity.cpp (learning).

#include <array>
#include <functional>
#include <memory>
#include <limits>
#include <string>
#include <vector>

#include "circuits/lowered_model.hpp"
#include "circuits/projection.hpp"
#include "circuits/plasticity/engine.hpp"
#include "circuits/variables.hpp"
#include "core/dynamical_system.hpp"
#include "core/random.hpp"

namespace cortexsim {

class network : public dynamical_system {
public:
    static constexpr std::size_t no_offset = std::numeric_limits<std::size_t>::max();

    explicit network(lowered_model model);
    ~network() override;
    network(const network&) = delete;
    network& operator=(const network&) = delete;

    // dynamical_system
    std::size_t size() const override { return state_size_; }
    void rhs(double t, const double* y, double* ydot) override;
    bool has_preconditioner() const override { return true; }
    void prec_setup(double t, const double* y, double gamma) override;
    void prec_solve(const double* r, double* z) override;
    bool has_local_diagonal() const override { return true; }
    /// The diagonal of the per-neuron Jacobian the preconditioner uses (local_jacobian), under
    /// the conductances of the last rhs() (at the same point); -1/tau_ms for filtered inputs.
    void local_diagonal(double t, const double* y, double* d) override;
    bool has_local_jacobian() const override { return true; }
    void local_jac_times(const double* v, double* Jv) override;
    void initial_state(double* y) const override;
    void absolute_tolerances(double fallback, const std::map<std::string, double>& per_variable,
                             double* atol) const override;
    double next_discontinuity_after(double t) const override;
    void enter_segment(double t, double* y) override;
    void resume_segment(double t, double* y) override;
    void check_state(double t, const double* y) const override;

    /// Integrator settings from [solver]; resolves `auto` from stiffness, state size and the
    /// time the integrator runs between restarts. `task_driven`: a task restarts it for every
    /// pattern, so its segments are short whatever the model's own schedule says.
    ode::integrator_options integrator_options(bool task_driven = false) const;
    /// Mean time (ms) between the integrator's scheduled restarts over duration_ms: stimulus
    /// switches, the noise grid and, with plastic projections, plasticity steps.
    double mean_segment_ms() const;
    /// The fastest local relaxation rate (1/ms) of any neuron: a stiffness indicator.
    double max_local_rate() const;

    const lowered_model& model() const { return model_; }
    const std::vector<projection>& projections() const { return projections_; }
    /// Offset of u_soma (or of a dynamic dendrite) of population p in the state; no_offset if
    /// the variable holds no state.
    std::size_t soma_offset(std::size_t p) const { return pops_[p].u_offset; }
    std::size_t dendrite_offset(std::size_t p, int slot) const { return pops_[p].v_offset[slot]; }

    /// Resolves a variable name ("u_soma", "v_basal", "rate", "basal_error", ...) of population
    /// p: the model's recordable variables and "<dendrite>_error" for each of its dendrites.
    variable_ref resolve_variable(std::size_t p, const std::string& name) const;
    bool has_variable(std::size_t p, const std::string& name) const;
    /// Recomputes rates and dendritic potentials for the state y under the current segment's
    /// inputs; value() then reads them.
    void observe(double t, const double* y);
    double value(std::size_t p, const variable_ref& v, std::size_t neuron, const double* y) const;
    /// value() of every neuron of population p into out.
    void values(std::size_t p, const variable_ref& v, const double* y, double* out) const;

    /// Inputs driven by a task rather than by [[stimulus]] entries: they add to the stimuli and
    /// take effect at the next enter_segment() (simulation::restart()). Rates of an input
    /// population; nudging targets (g_som 0 removes them).
    void set_external_rates(std::size_t p, const double* rates);
    void set_external_nudge(std::size_t p, const double* u_target, double g_som);
    /// A current into compartment `slot` (soma_slot or a dendrite) of population p; nullptr
    /// removes it.
    void set_external_current(std::size_t p, int slot, const double* current);
    /// Plasticity on or off (e.g. off while a task evaluates).
    void set_learning(bool on);
    bool learning() const;

    /// Named inputs a task drives, gated by the protocol's phases by name (a phase's `inputs`):
    /// rates of an input population, a current into a compartment (`slot`: soma_slot or a
    /// dendrite), or a nudging target with conductance g_som. Values take effect at the next
    /// enter_segment() (simulation::restart()).
    enum class input_mode { rate, current, nudge };
    std::size_t add_input(const std::string& name, std::size_t population, input_mode mode,
                          int slot = -1, double g_som = 0.0);
    /// nullptr: all zero.
    void set_input(std::size_t input, const double* values);
    const std::string& input_name(std::size_t input) const { return inputs_[input].name; }
    std::size_t input_count() const { return inputs_.size(); }

    /// The protocol (lowered_model::phases). enter_phase(k) applies phase k's gains and input
    /// gates (take effect at the next enter_segment()); -1: no phase, every gain 1 and every
    /// input on.
    void enter_phase(int k);
    int phase() const { return phase_; }
    /// Phase k ended at t with state y: snapshots, then `before_rules` (phase-end recorders),
    /// then the rules acting at its end. True if a weight changed.
    bool end_phase(std::size_t k, double t, const double* y, const std::function<void()>& before_rules = {});
    /// The trial ended: context populations take their new rates (from the snapshots) and the
    /// rules' trial counter advances. The new rates take effect at the next enter_segment().
    void end_trial();
    /// Neuromodulator k's level in the current segment (lowered_model::neuromodulators): what a
    /// task set, else what the current phase sets, else its schedule at the segment's start.
    double modulator(std::size_t k) const { return modulator_levels_[k]; }
    /// Index of a neuromodulator by name; throws std::invalid_argument if there is none.
    std::size_t modulator_index(const std::string& name) const;
    /// A task's level for neuromodulator k (e.g. a reward), until cleared; takes effect at the
    /// next enter_segment().
    void set_modulator(std::size_t k, double level);
    void clear_modulator(std::size_t k);
    /// The plasticity engine (rules, signals, phase-end snapshots).
    plasticity_engine& plasticity() { return *engine_; }
    const plasticity_engine& plasticity() const { return *engine_; }
    /// Model time of the last change of the inputs (stimulus switch, task input, phase).
    double last_switch_ms() const { return last_switch_ms_; }
    /// Index of a population by name; throws std::invalid_argument if there is none.
    std::size_t population_index(const std::string& name) const;

    /// Mutable access for tasks and tests that set weights (e.g. a known initial state).
    projection& projection_at(std::size_t k) { return projections_[k]; }
    /// Index of a projection by name; throws std::invalid_argument if there is none.
    std::size_t projection_index(const std::string& name) const;
    /// Any plasticity rule; continuous ones (stepped on the plasticity grid).
    bool has_plasticity() const;
    bool has_continuous_plasticity() const;
    /// One operator-split step of the continuous rules of length dt_ms at state y. Returns true
    /// if any weight changed, so the integrator must restart.
    bool apply_plasticity(double t, const double* y, double dt_ms);
    /// The dendritic prediction factor k_d = g_d / (g_lk + sum of dendritic g): the somatic
    /// potential a dendrite alone predicts is k_d v_d (Sacramento et al. 2018, eq. 7-8).
    double prediction_factor(std::size_t p, int slot) const;

    /// Checkpoints (network_checkpoint.cpp): everything the network keeps between segments
    /// that the state vector does not hold: the weights (and held products), the task's and
    /// the contexts' inputs, the phase, neuromodulator levels a task set, the noise
    /// generator and draw, the switch time rules count their pause from, and the plasticity
    /// engine's state. Restore before simulation::restore_state (which latches the inputs).
    void save_state(class state_writer& w) const;
    void restore_state(const class state_reader& r);

private:
    struct population_state {
        std::size_t u_offset = no_offset;
        std::array<std::size_t, max_dendrites> v_offset{no_offset, no_offset};
        std::vector<double> rate;
        std::vector<double> soma_input;
        std::array<std::vector<double>, max_dendrites> dend_input;
        std::array<std::vector<double>, max_dendrites> v;
        // Latched per segment by enter_segment():
        std::vector<double> input_rate, g_E, g_I, stim_soma;
        // g_E, g_I plus the nudging projections' conductances, refreshed every evaluation:
        std::vector<double> g_E_eff, g_I_eff;
        // Set by a task (set_external_*), folded in by enter_segment():
        std::vector<double> ext_rate, ext_target, ext_soma;
        std::array<std::vector<double>, max_dendrites> ext_dend;
        double ext_g_som = 0.0;
        std::vector<double> noise;  ///< current noise draw (sigma xi), latched per grid interval
        std::array<std::vector<double>, max_dendrites> stim_dend;
        std::vector<double> prec_inverse;  ///< k*k per neuron, k = local state size
        int local_k = 0;
    };

    bool is_input(std::size_t p) const { return model_.populations[p].model->kind == neuron_kind::input; }
    void compute_rates(const double* y);
    void compute_inputs(const double* y);
    /// At the end of enter_segment(): unfiltered input populations take their latched rates.
    void latch_input_rates();
    void apply_gains();
    /// Where a neuron's local block lives in the state: u_soma's offset, then each dynamic
    /// dendrite's (the order of local_jacobian's rows); neuron i adds i to each.
    static std::array<std::size_t, 3> local_offsets(const population_state& ps, int n_dendrites);

    lowered_model model_;
    std::vector<population_state> pops_;
    std::vector<projection> projections_;
    /// Live neuron parameters: the lowered ones with the current phase's coupling gains.
    std::vector<dendritic_neuron_params> live_params_;
    struct input_port {
        std::string name;
        std::size_t population = 0;
        input_mode mode = input_mode::rate;
        int slot = -1;
        double g_som = 0.0;
        std::vector<double> values;
    };
    std::vector<input_port> inputs_;
    std::vector<std::vector<double>> context_rates_;  ///< per context (lowered_model::contexts)
    std::vector<std::vector<bound_signal>> context_sources_;
    int phase_ = -1;
    std::vector<double> modulator_levels_;
    std::vector<std::pair<bool, double>> modulator_task_;  ///< (set by a task, level)
    std::unique_ptr<plasticity_engine> engine_;
    double last_switch_ms_ = 0.0;
    bool external_changed_ = false;  ///< set_external_* since the last enter_segment()
    rng noise_rng_;
    long noise_index_ = -1;  ///< grid interval of the current noise draw
    bool has_noise_ = false;
    double prec_gamma_ = 0.0;
    std::vector<double> scratch_ydot_;
    std::size_t state_size_ = 0;
};

} // namespace cortexsim

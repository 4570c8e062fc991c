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
#include <limits>
#include <string>
#include <vector>

#include "circuits/lowered_model.hpp"
#include "circuits/plasticity.hpp"
#include "circuits/projection.hpp"
#include "core/dynamical_system.hpp"
#include "core/random.hpp"

namespace cortexsim {

/// A recordable quantity of one population: somatic potential, a dendritic potential (by slot)
/// or the output rate.
struct variable_ref {
    enum class kind {
        u_soma,
        v_dendrite,
        rate,
        dendritic_error,  ///< phi(u) - phi(k_d v_d): basal_error, interneuron_error
        apical_mismatch,  ///< v_A - v_rest (v_rest = 0)
    } what = kind::u_soma;
    int slot = 0;  ///< dendrite slot for v_dendrite and dendritic_error
};

class network : public dynamical_system {
public:
    static constexpr std::size_t no_offset = std::numeric_limits<std::size_t>::max();

    explicit network(lowered_model model);

    // dynamical_system
    std::size_t size() const override { return state_size_; }
    void rhs(double t, const double* y, double* ydot) override;
    bool has_preconditioner() const override { return true; }
    void prec_setup(double t, const double* y, double gamma) override;
    void prec_solve(const double* r, double* z) override;
    void initial_state(double* y) const override;
    void absolute_tolerances(double fallback, const std::map<std::string, double>& per_variable,
                             double* atol) const override;
    double next_discontinuity_after(double t) const override;
    void enter_segment(double t, double* y) override;
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

    /// Resolves a variable name ("u_soma", "v_basal", "rate", ...) of population p.
    variable_ref resolve_variable(std::size_t p, const std::string& name) const;
    /// Recomputes rates and dendritic potentials for the state y under the current segment's
    /// inputs; value() then reads them.
    void observe(double t, const double* y);
    double value(std::size_t p, const variable_ref& v, std::size_t neuron, const double* y) const;

    /// Inputs driven by a task rather than by [[stimulus]] entries: they add to the stimuli and
    /// take effect at the next enter_segment() (simulation::restart()). Rates of an input
    /// population; nudging targets (g_som 0 removes them).
    void set_external_rates(std::size_t p, const double* rates);
    void set_external_nudge(std::size_t p, const double* u_target, double g_som);
    /// A current into compartment `slot` (soma_slot or a dendrite) of population p; nullptr
    /// removes it.
    void set_external_current(std::size_t p, int slot, const double* current);
    /// Plasticity on or off (e.g. off while a task evaluates).
    void set_learning(bool on) { learning_ = on; }
    bool learning() const { return learning_; }
    /// Index of a population by name; throws std::invalid_argument if there is none.
    std::size_t population_index(const std::string& name) const;

    /// Mutable access for tasks and tests that set weights (e.g. a known initial state).
    projection& projection_at(std::size_t k) { return projections_[k]; }
    bool has_plasticity() const;
    /// One operator-split plasticity step of length dt_ms at state y (circuits/plasticity.hpp).
    /// Returns true if any weight changed, so the integrator must restart.
    bool apply_plasticity(double t, const double* y, double dt_ms);
    /// The dendritic prediction factor k_d = g_d / (g_lk + sum of dendritic g): the somatic
    /// potential a dendrite alone predicts is k_d v_d (Sacramento et al. 2018, eq. 7-8).
    double prediction_factor(std::size_t p, int slot) const;

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
    /// e for a plastic projection's rule into post_error_ (after observe()).
    void compute_post_error(const lowered_projection& d, const double* y);

    lowered_model model_;
    std::vector<population_state> pops_;
    std::vector<projection> projections_;
    std::vector<plasticity_trace> traces_;  ///< one per projection (empty unless plastic)
    std::vector<double> post_error_;        ///< scratch for plasticity
    double last_switch_ms_ = 0.0;
    bool learning_ = true;
    bool external_changed_ = false;  ///< set_external_* since the last enter_segment()
    rng noise_rng_;
    long noise_index_ = -1;  ///< grid interval of the current noise draw
    bool has_noise_ = false;
    double prec_gamma_ = 0.0;
    std::vector<double> scratch_ydot_;
    std::size_t state_size_ = 0;
};

} // namespace cortexsim

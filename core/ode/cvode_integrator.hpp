#pragma once
/// CVODE (SUNDIALS 6.4) behind the `integrator` interface: Adams/fixed-point, BDF/dense Newton
/// and BDF/Newton-Krylov (SPGMR) with the system's optional left preconditioner.

#include <cstddef>
#include <exception>
#include <string>
#include <utility>

#include "core/ode/integrator.hpp"
#include "core/ode/sundials_handles.hpp"

namespace cortexsim::ode {

/// One CVODE instance with its own SUNContext. Errors: an exception thrown by the system (or
/// the step check) leaves advance() unchanged in type and message; a CVODE failure becomes a
/// cortexsim::numerical_error naming CVODE's flag and message. After either, call reset().
class cvode_integrator final : public integrator {
public:
    /// Creates every SUNDIALS object up front, so bad options fail here rather than mid-run.
    /// Throws std::invalid_argument for an empty system, options.kind == euler, a negative
    /// rtol, an atol of the wrong size or sign, a max_order CVODE rejects, or bdf_gmres with
    /// newton_jacobian::neuron_blocks on a system without a local Jacobian and preconditioner. max_steps follows
    /// CVODE's mxstep: 0 means CVODE's default (500), negative means unlimited.
    cvode_integrator(ode_system& system, const integrator_options& options);
    ~cvode_integrator() override = default;

    // CVODE keeps `this` as user data for the C callbacks, so the object must never move.
    cvode_integrator(const cvode_integrator&) = delete;
    cvode_integrator& operator=(const cvode_integrator&) = delete;
    cvode_integrator(cvode_integrator&&) = delete;
    cvode_integrator& operator=(cvode_integrator&&) = delete;

    void reset(double t0, const double* y0) override;
    void advance(double t_out, double t_stop, double* y_out) override;
    /// The time of the state last handed out: t0 after reset(), t_out after advance(). CVODE's
    /// own internal time may be ahead of it (never beyond the last t_stop).
    double time() const override { return t_; }
    integrator_stats stats() const override;
    solver_kind kind() const override { return kind_; }
    void set_step_check(step_check check) override { step_check_ = std::move(check); }

private:
    static int rhs_trampoline(sunrealtype t, N_Vector y, N_Vector ydot, void* user_data) noexcept;
    static int prec_setup_trampoline(sunrealtype t, N_Vector y, N_Vector fy,
                                     sunbooleantype jok, sunbooleantype* jcur,
                                     sunrealtype gamma, void* user_data) noexcept;
    static int prec_solve_trampoline(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r,
                                     N_Vector z, sunrealtype gamma, sunrealtype delta, int lr,
                                     void* user_data) noexcept;
    static int jac_times_trampoline(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y,
                                    N_Vector fy, void* user_data, N_Vector tmp) noexcept;
    static void error_handler(int error_code, const char* module, const char* function,
                              char* msg, void* user_data) noexcept;

    void initialise(double t0);
    /// CVODE's counters since the last (re)initialisation.
    integrator_stats counters_since_init() const;
    /// Throws if a set-up call failed: std::invalid_argument for input CVODE rejects, else
    /// std::runtime_error (an allocation failure or a bug).
    void check_setup(int flag, const char* function, bool linear_solver_interface = false) const;
    /// After CVode failed: rethrows the callback's exception, else throws numerical_error.
    [[noreturn]] void throw_failure(int flag, double t);

    context_handle context_;  // first: every other SUNDIALS object lives in it
    ode_system& system_;
    solver_kind kind_;
    std::size_t n_;
    double rtol_;
    long max_steps_;
    bool use_preconditioner_;
    bool use_local_jacobian_;  ///< bdf_gmres with newton_jacobian::neuron_blocks
    vector_handle y_;       ///< CVODE's output: the state at t_internal_
    vector_handle dky_;     ///< interpolation target for y(t_out)
    vector_handle abstol_;
    matrix_handle matrix_;
    linear_solver_handle linear_solver_;
    nonlinear_solver_handle nonlinear_solver_;
    cvode_memory cvode_;  // last: freed first, while the solvers it points to still exist

    step_check step_check_;
    std::exception_ptr pending_;  ///< first exception caught in a callback since the last CVode call
    std::string last_error_;      ///< CVODE's last error message (its handler would print it)
    bool initialised_ = false;
    bool stepped_since_init_ = false;
    double t_ = 0.0;
    double t_internal_ = 0.0;
    integrator_stats totals_;  ///< counters of every completed (re)initialisation
};

} // namespace cortexsim::ode

#pragma once
/// The integrator seen by the rest of cortexsim. Only core/ode/*.cpp include SUNDIALS headers;
/// a SUNDIALS 7 port touches this folder alone (STYLE.md "One adapter for SUNDIALS").

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cortexsim::ode {

enum class solver_kind {
    adams,      ///< CVODE Adams-Moulton with fixed-point iteration (non-stiff)
    bdf_dense,  ///< CVODE BDF, Newton with a dense difference-quotient Jacobian (small systems)
    bdf_gmres,  ///< CVODE BDF, Newton-Krylov (SPGMR) with the system's block preconditioner
    euler,      ///< fixed-step explicit (forward) Euler, the published models' reference scheme
    exp_euler,  ///< fixed-step exponential Euler with the system's local Jacobian diagonal
};

/// Parses "adams" | "bdf-dense" | "bdf-gmres" | "euler" | "exp-euler"; throws std::invalid_argument otherwise.
solver_kind parse_solver_kind(const std::string& name);
std::string to_string(solver_kind kind);

/// The right-hand side y' = f(t, y) and, optionally, a left preconditioner for Newton-Krylov.
/// Implementations may throw from any member: the CVODE adapter catches the exception inside its
/// C callback, returns -1 to CVODE and rethrows it from advance().
class ode_system {
public:
    virtual ~ode_system() = default;
    virtual std::size_t size() const = 0;
    virtual void rhs(double t, const double* y, double* ydot) = 0;

    /// True if prec_setup/prec_solve implement P ~ I - gamma J (e.g. block-diagonal per neuron).
    virtual bool has_preconditioner() const { return false; }
    /// Prepare P = I - gamma * J_approx at (t, y).
    virtual void prec_setup(double /*t*/, const double* /*y*/, double /*gamma*/) {}
    /// Solve P z = r.
    virtual void prec_solve(const double* /*r*/, double* /*z*/) {}

    /// True if local_diagonal() gives d[i] = df_i/dy_i of each component's own (e.g. per-neuron)
    /// dynamics, the coupling to other components left out: what exponential Euler needs.
    /// Called right after rhs() at the same (t, y), as CVODE calls prec_setup(), so a system
    /// may read what that evaluation computed (e.g. conductances) instead of computing it again.
    virtual bool has_local_diagonal() const { return false; }
    virtual void local_diagonal(double /*t*/, const double* /*y*/, double* /*d*/) {}
    /// True if local_jac_times implements the block-diagonal part J_local of the Jacobian that
    /// the preconditioner inverts (each neuron's own compartments, no network coupling).
    virtual bool has_local_jacobian() const { return false; }
    /// Jv = J_local v at the state of the last rhs() call.
    virtual void local_jac_times(const double* /*v*/, double* /*Jv*/) {}
};

/// The Jacobian J in the linear systems (I - gamma J) x = r of bdf-gmres' Newton iteration.
/// It changes how fast Newton converges, never what it converges to: every step still meets
/// the nonlinear convergence test and the local error test at the set tolerances.
enum class newton_jacobian {
    /// The whole Jacobian, network coupling included: GMRES with J v by a difference quotient,
    /// one right-hand side per Krylov iteration.
    full,
    /// Only each neuron's own compartments (ode_system::local_jac_times), the block-diagonal
    /// generalisation of CVODE's diagonal approximate Jacobian (CVDIAG). With the block
    /// preconditioner, GMRES then converges in one iteration without a right-hand side, and
    /// Newton iterates the network coupling. Pays where the coupling is weak against the
    /// neurons' own relaxation; strong coupling costs convergence failures and smaller steps.
    neuron_blocks,
};

/// Parses "full" | "neuron_blocks"; throws std::invalid_argument otherwise.
newton_jacobian parse_newton_jacobian(const std::string& name);
std::string to_string(newton_jacobian jacobian);

/// Which kernels CVODE's vector operations (linear sums, norms, dot products) run on.
enum class vector_kernels {
    cortexsim,  ///< core/ode's -O3 kernels, bit-identical to SUNDIALS' own (the default)
    sundials,   ///< SUNDIALS' serial kernels as the library ships them (for comparisons)
};

struct integrator_options {
    solver_kind kind = solver_kind::bdf_dense;
    double rtol = 1e-6;
    std::vector<double> atol;  ///< one per state component (size() of the system)
    double max_step_ms = 0.0;  ///< 0: unlimited
    double dt_ms = 0.1;        ///< euler and exp_euler only
    long max_steps = 500000;   ///< CVODE mxstep (internal steps per advance call)
    int max_order = 0;         ///< 0: solver default
    /// CVODE only. Both choices give bit-identical results; Debian's SUNDIALS kernels are
    /// built without optimisation and cost about as much as the right-hand side.
    vector_kernels kernels = vector_kernels::cortexsim;
    /// bdf_gmres only (the other methods ignore it); neuron_blocks needs a system with
    /// has_local_jacobian() and a preconditioner.
    newton_jacobian jacobian = newton_jacobian::full;
};

/// Counters reported at the end of a run; summed over every re-initialisation.
struct integrator_stats {
    long steps = 0;
    long rhs_evals = 0;           ///< including those for difference-quotient Jacobians
    long nonlin_iters = 0;
    long nonlin_conv_fails = 0;
    long lin_iters = 0;
    long err_test_fails = 0;
    long jac_evals = 0;
    long prec_evals = 0;
    long prec_solves = 0;
    long reinits = 0;
};

/// Called after every internal step with the step's end time and state; throws to abort.
using step_check = std::function<void(double t, const double* y)>;

class integrator {
public:
    virtual ~integrator() = default;
    /// (Re)start at t0 from y0, discarding history. Called at start and after every
    /// discontinuity, so the method never integrates across a jump.
    virtual void reset(double t0, const double* y0) = 0;
    /// Integrate to t_out (<= t_stop) and write y(t_out) to y_out. Internal steps never pass
    /// t_stop (CVODE's stop time), which must be the next discontinuity or the end of the run.
    virtual void advance(double t_out, double t_stop, double* y_out) = 0;
    virtual double time() const = 0;
    virtual integrator_stats stats() const = 0;
    virtual solver_kind kind() const = 0;
    /// Optional per-step sanity check (NaN, bounds); see step_check.
    virtual void set_step_check(step_check check) = 0;
};

/// Builds the integrator for `options.kind`; the system must outlive it.
std::unique_ptr<integrator> make_integrator(ode_system& system, const integrator_options& options);

/// "SUNDIALS 6.4.1" etc., for provenance in the run folder.
std::string sundials_version();

} // namespace cortexsim::ode

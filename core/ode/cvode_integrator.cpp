#include "core/ode/cvode_integrator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <cvode/cvode.h>
#include <cvode/cvode_ls.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_spgmr.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>
#include <sunnonlinsol/sunnonlinsol_newton.h>

#include "core/errors.hpp"
#include "core/ode/serial_vector_kernels.hpp"

namespace cortexsim::ode {

namespace {

constexpr double default_atol = 1e-8;
// CVODE's own default for mxstep = 0 (Debian 12 note in STYLE.md).
constexpr long cvode_default_max_steps = 500;
// Consecutive internal steps allowed to leave t unchanged (see advance()).
constexpr int max_stalled_steps = 100;

// CVodeGetReturnFlagName and CVodeGetLinReturnFlagName return malloc'd strings.
struct c_free {
    void operator()(char* p) const noexcept { std::free(p); }
};

std::string flag_name(int flag, bool linear_solver_interface) {
    const std::unique_ptr<char, c_free> name(linear_solver_interface
                                                 ? CVodeGetLinReturnFlagName(flag)
                                                 : CVodeGetReturnFlagName(flag));
    return name ? std::string(name.get()) : "flag " + std::to_string(flag);
}

double* data(N_Vector v) noexcept { return N_VGetArrayPointer(v); }

} // namespace

cvode_integrator::cvode_integrator(ode_system& system, const integrator_options& options)
    : context_(make_context()),
      system_(system),
      kind_(options.kind),
      n_(system.size()),
      rtol_(options.rtol),
      max_steps_(options.max_steps == 0 ? cvode_default_max_steps : options.max_steps),
      use_preconditioner_(options.kind == solver_kind::bdf_gmres && system.has_preconditioner()),
      use_local_jacobian_(options.kind == solver_kind::bdf_gmres &&
                          options.jacobian == newton_jacobian::neuron_blocks) {
    if (kind_ == solver_kind::euler || kind_ == solver_kind::exp_euler)
        throw std::invalid_argument("cvode_integrator: solver kind '" + to_string(kind_) +
                                    "' is not a CVODE method");
    if (n_ == 0) throw std::invalid_argument("cvode_integrator: the system has no state");
    // Without the preconditioner, GMRES would iterate on a J that is not the one it inverts.
    if (use_local_jacobian_ && !(system.has_local_jacobian() && system.has_preconditioner()))
        throw std::invalid_argument("cvode_integrator: newton_jacobian 'neuron_blocks' needs a "
                                    "system with a local Jacobian and a preconditioner");
    if (!(rtol_ >= 0.0) || !std::isfinite(rtol_))
        throw std::invalid_argument("cvode_integrator: rtol must be finite and >= 0, got " +
                                    std::to_string(rtol_));
    if (!options.atol.empty() && options.atol.size() != n_)
        throw std::invalid_argument("cvode_integrator: atol has " +
                                    std::to_string(options.atol.size()) +
                                    " entries, the system has " + std::to_string(n_));
    for (const double a : options.atol)
        if (!(a >= 0.0) || !std::isfinite(a))
            throw std::invalid_argument("cvode_integrator: atol entries must be finite and >= 0");

    SUNContext ctx = context_.get();
    y_ = make_serial_vector(n_, ctx);
    dky_ = make_serial_vector(n_, ctx);
    abstol_ = make_serial_vector(n_, ctx);
    // Every vector CVODE and its solvers use is cloned from these (clones copy the ops table).
    if (options.kernels == vector_kernels::cortexsim)
        for (N_Vector v : {y_.get(), dky_.get(), abstol_.get()}) detail::use_cortexsim_vector_kernels(v);
    if (options.atol.empty())
        N_VConst(default_atol, abstol_.get());
    else
        std::copy(options.atol.begin(), options.atol.end(), data(abstol_.get()));

    cvode_ = take_owned<cvode_memory>(
        CVodeCreate(kind_ == solver_kind::adams ? CV_ADAMS : CV_BDF, ctx), "CVodeCreate");
    void* mem = cvode_.get();
    // Route CVODE's messages into last_error_ so they reach the user inside the exception
    // instead of being printed to stderr out of context.
    check_setup(CVodeSetErrHandlerFn(mem, error_handler, this), "CVodeSetErrHandlerFn");
    check_setup(CVodeSetUserData(mem, this), "CVodeSetUserData");
    if (options.max_step_ms > 0.0)
        check_setup(CVodeSetMaxStep(mem, options.max_step_ms), "CVodeSetMaxStep");
    // CVODE applies mxstep per CVode call, i.e. per step in the CV_ONE_STEP mode advance() uses,
    // so there it never triggers and advance() counts steps itself. It is still passed on so the
    // limit holds should the stepping mode ever change.
    check_setup(CVodeSetMaxNumSteps(mem, max_steps_), "CVodeSetMaxNumSteps");
    if (options.max_order > 0)
        check_setup(CVodeSetMaxOrd(mem, options.max_order), "CVodeSetMaxOrd");

    // Solver objects are built now (failures surface at construction) and attached to CVODE
    // in initialise(), because CVODE accepts them only after CVodeInit.
    switch (kind_) {
    case solver_kind::adams:
        // m = 0: plain fixed-point iteration, the classic functional iteration for Adams.
        nonlinear_solver_ = take_owned<nonlinear_solver_handle>(
            SUNNonlinSol_FixedPoint(y_.get(), 0, ctx), "SUNNonlinSol_FixedPoint");
        break;
    case solver_kind::bdf_dense:
        nonlinear_solver_ = take_owned<nonlinear_solver_handle>(
            SUNNonlinSol_Newton(y_.get(), ctx), "SUNNonlinSol_Newton");
        matrix_ = take_owned<matrix_handle>(
            SUNDenseMatrix(static_cast<sunindextype>(n_), static_cast<sunindextype>(n_), ctx),
            "SUNDenseMatrix");
        linear_solver_ = take_owned<linear_solver_handle>(
            SUNLinSol_Dense(y_.get(), matrix_.get(), ctx), "SUNLinSol_Dense");
        break;
    case solver_kind::bdf_gmres:
        nonlinear_solver_ = take_owned<nonlinear_solver_handle>(
            SUNNonlinSol_Newton(y_.get(), ctx), "SUNNonlinSol_Newton");
        // maxl = 0: SPGMR's default Krylov dimension (5).
        linear_solver_ = take_owned<linear_solver_handle>(
            SUNLinSol_SPGMR(y_.get(), use_preconditioner_ ? SUN_PREC_LEFT : SUN_PREC_NONE, 0, ctx),
            "SUNLinSol_SPGMR");
        break;
    case solver_kind::euler:
    case solver_kind::exp_euler:
        break;  // rejected above
    }
}

void cvode_integrator::initialise(double t0) {
    void* mem = cvode_.get();
    check_setup(CVodeInit(mem, rhs_trampoline, t0, y_.get()), "CVodeInit");
    initialised_ = true;  // from here on, a new start must use CVodeReInit
    check_setup(CVodeSVtolerances(mem, rtol_, abstol_.get()), "CVodeSVtolerances");
    check_setup(CVodeSetNonlinearSolver(mem, nonlinear_solver_.get()), "CVodeSetNonlinearSolver");
    if (linear_solver_) {
        // matrix_ is null for SPGMR (matrix-free); for the dense solver no Jacobian function is
        // set, so CVODE forms J by difference quotients.
        check_setup(CVodeSetLinearSolver(mem, linear_solver_.get(), matrix_.get()),
                    "CVodeSetLinearSolver", true);
        if (use_preconditioner_)
            check_setup(CVodeSetPreconditioner(mem, prec_setup_trampoline, prec_solve_trampoline),
                        "CVodeSetPreconditioner", true);
        // No J v setup function: the local blocks are read at each product.
        if (use_local_jacobian_)
            check_setup(CVodeSetJacTimes(mem, nullptr, jac_times_trampoline), "CVodeSetJacTimes",
                        true);
    }
}

void cvode_integrator::reset(double t0, const double* y0) {
    std::copy(y0, y0 + n_, data(y_.get()));
    pending_ = nullptr;
    last_error_.clear();
    if (!initialised_) {
        initialise(t0);
    } else {
        // CVodeReInit zeroes CVODE's counters; bank them first so stats() covers the whole run.
        const integrator_stats done = counters_since_init();
        totals_.steps += done.steps;
        totals_.rhs_evals += done.rhs_evals;
        totals_.nonlin_iters += done.nonlin_iters;
        totals_.nonlin_conv_fails += done.nonlin_conv_fails;
        totals_.lin_iters += done.lin_iters;
        totals_.err_test_fails += done.err_test_fails;
        totals_.jac_evals += done.jac_evals;
        totals_.prec_evals += done.prec_evals;
        totals_.prec_solves += done.prec_solves;
        check_setup(CVodeReInit(cvode_.get(), t0, y_.get()), "CVodeReInit");
        ++totals_.reinits;
    }
    stepped_since_init_ = false;
    t_ = t0;
    t_internal_ = t0;
}

/*
 * CVODE runs in CV_ONE_STEP mode with its stop time at t_stop, so (a) every internal step can be
 * checked by step_check_, and (b) no step, and no right-hand-side evaluation, goes beyond t_stop
 * (CVODE shortens the step that would cross it and returns exactly t_stop). Steps continue until
 * CVODE's time reaches t_out; y(t_out) is then CVODE's interpolant (CVodeGetDky), which is as
 * accurate as the step itself. Invariant: y_ holds the state at t_internal_, t_ <= t_internal_.
 */
void cvode_integrator::advance(double t_out, double t_stop, double* y_out) {
    if (!initialised_) throw std::logic_error("cvode_integrator: advance() called before reset()");
    if (!(t_out >= t_) || !(t_out <= t_stop))
        throw std::invalid_argument("cvode_integrator: advance needs time <= t_out <= t_stop, "
                                    "got time " + std::to_string(t_) + ", t_out " +
                                    std::to_string(t_out) + ", t_stop " + std::to_string(t_stop));
    if (t_stop < t_internal_)
        throw std::invalid_argument("cvode_integrator: t_stop " + std::to_string(t_stop) +
                                    " is behind CVODE's internal time " +
                                    std::to_string(t_internal_) +
                                    "; a new discontinuity needs reset() first");
    pending_ = nullptr;
    last_error_.clear();
    void* mem = cvode_.get();

    if (t_internal_ < t_out) {
        check_setup(CVodeSetStopTime(mem, t_stop), "CVodeSetStopTime");
        long steps = 0;
        int stalled = 0;
        while (t_internal_ < t_out) {
            if (max_steps_ > 0 && steps >= max_steps_)
                throw numerical_error(
                    t_internal_, "CVODE (" + to_string(kind_) + "): CV_TOO_MUCH_WORK: " +
                                     std::to_string(max_steps_) +
                                     " internal steps (max_steps) did not reach t_out = " +
                                     std::to_string(t_out) + " ms");
            sunrealtype t_reached = t_internal_;
            stepped_since_init_ = true;
            // tout = t_stop only matters on the first step after (re)init, where CVODE uses it
            // for the direction and to bound its initial step estimate: t_stop keeps both sane.
            const int flag = CVode(mem, t_stop, y_.get(), &t_reached, CV_ONE_STEP);
            // Checked before the flag: SUNDIALS 6.4's fixed-point solver (adams) reports a failed
            // right-hand side as a recoverable convergence failure, so CVODE may retry with a
            // smaller step and even succeed after the model threw.
            if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
            if (flag < 0) throw_failure(flag, t_reached);
            if (!std::isfinite(t_reached))
                throw numerical_error(t_internal_, "CVODE (" + to_string(kind_) +
                                                       "): a step ended at a non-finite time");
            ++steps;
            // A model that is non-finite or discontinuous beyond some time makes CVODE shrink h
            // until t + h == t and then "succeed" forever without advancing (CVODE only warns).
            // Real recoveries from such a step need a handful of steps; a long run of them is
            // a failure, and reporting it beats spinning until max_steps.
            if (t_reached > t_internal_) {
                stalled = 0;
            } else if (++stalled >= max_stalled_steps) {
                sunrealtype h = 0.0;
                CVodeGetLastStep(mem, &h);
                char h_text[32];
                std::snprintf(h_text, sizeof h_text, "%.3g", h);
                throw numerical_error(
                    t_internal_, "CVODE (" + to_string(kind_) + ") stalled: " +
                                     std::to_string(max_stalled_steps) +
                                     " consecutive steps (last h = " + h_text +
                                     " ms) left t unchanged because t + h == t; the model is "
                                     "probably non-finite or discontinuous here");
            }
            t_internal_ = t_reached;
            if (step_check_) step_check_(t_internal_, data(y_.get()));
        }
    }

    if (t_out == t_internal_) {
        std::copy(data(y_.get()), data(y_.get()) + n_, y_out);
    } else {
        const int flag = CVodeGetDky(mem, t_out, 0, dky_.get());
        if (flag < 0) throw_failure(flag, t_out);
        std::copy(data(dky_.get()), data(dky_.get()) + n_, y_out);
    }
    t_ = t_out;
}

integrator_stats cvode_integrator::counters_since_init() const {
    integrator_stats s;
    // CVODE's linear-solver counters are zeroed lazily, on the first CVode call after a
    // (re)init; reading them before that would count the previous segment twice.
    if (!stepped_since_init_) return s;
    void* mem = cvode_.get();
    // The getters fail only on a null memory block, which cvode_ never is here.
    long lin_rhs_evals = 0;
    CVodeGetNumSteps(mem, &s.steps);
    CVodeGetNumRhsEvals(mem, &s.rhs_evals);
    CVodeGetNumNonlinSolvIters(mem, &s.nonlin_iters);
    CVodeGetNumNonlinSolvConvFails(mem, &s.nonlin_conv_fails);
    CVodeGetNumErrTestFails(mem, &s.err_test_fails);
    if (linear_solver_) {
        CVodeGetNumLinRhsEvals(mem, &lin_rhs_evals);
        CVodeGetNumLinIters(mem, &s.lin_iters);
        CVodeGetNumJacEvals(mem, &s.jac_evals);
        CVodeGetNumPrecEvals(mem, &s.prec_evals);
        CVodeGetNumPrecSolves(mem, &s.prec_solves);
    }
    s.rhs_evals += lin_rhs_evals;
    return s;
}

integrator_stats cvode_integrator::stats() const {
    const integrator_stats now = counters_since_init();
    integrator_stats s = totals_;
    s.steps += now.steps;
    s.rhs_evals += now.rhs_evals;
    s.nonlin_iters += now.nonlin_iters;
    s.nonlin_conv_fails += now.nonlin_conv_fails;
    s.lin_iters += now.lin_iters;
    s.err_test_fails += now.err_test_fails;
    s.jac_evals += now.jac_evals;
    s.prec_evals += now.prec_evals;
    s.prec_solves += now.prec_solves;
    return s;
}

void cvode_integrator::check_setup(int flag, const char* function, bool linear_solver_interface) const {
    if (flag >= 0) return;
    std::string what = std::string("CVODE set-up: ") + function + " failed with " +
                       flag_name(flag, linear_solver_interface);
    if (!last_error_.empty()) what += ": " + last_error_;
    const int illegal_input = linear_solver_interface ? CVLS_ILL_INPUT : CV_ILL_INPUT;
    if (flag == illegal_input) throw std::invalid_argument(what);
    throw std::runtime_error(what);
}

void cvode_integrator::throw_failure(int flag, double t) {
    // The model's own exception explains the failure better than CVODE's "rhs failed".
    if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    std::string what = "CVODE (" + to_string(kind_) + ") failed with " + flag_name(flag, false);
    if (!last_error_.empty()) what += ": " + last_error_;
    throw numerical_error(t, what);
}

// The trampolines never let an exception unwind through CVODE's C frames: they keep the first
// one and return -1 (unrecoverable), and keep returning -1 without calling the model until
// advance() has rethrown it.

int cvode_integrator::rhs_trampoline(sunrealtype t, N_Vector y, N_Vector ydot,
                                     void* user_data) noexcept {
    auto* self = static_cast<cvode_integrator*>(user_data);
    if (self->pending_) return -1;  // the model already failed; do not call it again
    try {
        self->system_.rhs(t, data(y), data(ydot));
        return 0;
    } catch (...) {
        if (!self->pending_) self->pending_ = std::current_exception();
        return -1;
    }
}

int cvode_integrator::prec_setup_trampoline(sunrealtype t, N_Vector y, N_Vector /*fy*/,
                                            sunbooleantype /*jok*/, sunbooleantype* jcur,
                                            sunrealtype gamma, void* user_data) noexcept {
    auto* self = static_cast<cvode_integrator*>(user_data);
    if (self->pending_) return -1;  // the model already failed; do not call it again
    try {
        // The interface has no way to reuse an old Jacobian, so every setup re-evaluates it.
        self->system_.prec_setup(t, data(y), gamma);
        *jcur = SUNTRUE;
        return 0;
    } catch (...) {
        if (!self->pending_) self->pending_ = std::current_exception();
        return -1;
    }
}

int cvode_integrator::prec_solve_trampoline(sunrealtype /*t*/, N_Vector /*y*/, N_Vector /*fy*/,
                                            N_Vector r, N_Vector z, sunrealtype /*gamma*/,
                                            sunrealtype /*delta*/, int /*lr*/,
                                            void* user_data) noexcept {
    auto* self = static_cast<cvode_integrator*>(user_data);
    if (self->pending_) return -1;  // the model already failed; do not call it again
    try {
        self->system_.prec_solve(data(r), data(z));
        return 0;
    } catch (...) {
        if (!self->pending_) self->pending_ = std::current_exception();
        return -1;
    }
}

int cvode_integrator::jac_times_trampoline(N_Vector v, N_Vector Jv, sunrealtype /*t*/,
                                           N_Vector /*y*/, N_Vector /*fy*/, void* user_data,
                                           N_Vector /*tmp*/) noexcept {
    auto* self = static_cast<cvode_integrator*>(user_data);
    if (self->pending_) return -1;  // the model already failed; do not call it again
    try {
        self->system_.local_jac_times(data(v), data(Jv));
        return 0;
    } catch (...) {
        if (!self->pending_) self->pending_ = std::current_exception();
        return -1;
    }
}

void cvode_integrator::error_handler(int error_code, const char* /*module*/, const char* function,
                                     char* msg, void* user_data) noexcept {
    // Warnings (e.g. "t + h = t") are not failures; dropping them keeps stderr quiet too.
    if (error_code == CV_WARNING) return;
    auto* self = static_cast<cvode_integrator*>(user_data);
    try {
        self->last_error_ = std::string(function ? function : "CVODE") + ": " + (msg ? msg : "");
    } catch (...) {
        // Out of memory while recording a message: the flag name still reaches the user.
    }
}

} // namespace cortexsim::ode

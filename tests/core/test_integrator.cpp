// The integrator adapter against closed-form truths. Each tolerance says why it is what it is.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/errors.hpp"
#include "core/ode/integrator.hpp"

using namespace cortexsim;
using Catch::Matchers::Contains;
using Catch::Matchers::Message;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

const std::vector<ode::solver_kind> cvode_kinds{ode::solver_kind::adams, ode::solver_kind::bdf_dense,
                                                ode::solver_kind::bdf_gmres};
const std::vector<ode::solver_kind> all_kinds{ode::solver_kind::adams, ode::solver_kind::bdf_dense,
                                              ode::solver_kind::bdf_gmres, ode::solver_kind::euler};

/// A system from a lambda that also records the largest time at which rhs was evaluated.
class lambda_system : public ode::ode_system {
public:
    using rhs_fn = std::function<void(double t, const double* y, double* ydot)>;
    lambda_system(std::size_t n, rhs_fn f) : n_(n), f_(std::move(f)) {}
    std::size_t size() const override { return n_; }
    void rhs(double t, const double* y, double* ydot) override {
        max_t = std::max(max_t, t);
        f_(t, y, ydot);
    }
    double max_t = -std::numeric_limits<double>::infinity();

private:
    std::size_t n_;
    rhs_fn f_;
};

/// y' = -rate * y, the rate a public knob so a test can change it at a "discontinuity".
class decay_system : public ode::ode_system {
public:
    explicit decay_system(double rate) : rate(rate) {}
    std::size_t size() const override { return 1; }
    void rhs(double t, const double* y, double* ydot) override {
        max_t = std::max(max_t, t);
        ydot[0] = -rate * y[0];
    }
    double rate;
    double max_t = -std::numeric_limits<double>::infinity();
};

/*
 * y' = A y with A = [[-a, b], [b, -a]], a = 500.5, b = 499.5: eigenvalues -1 (eigenvector
 * (1, 1)) and -1000 (eigenvector (1, -1)), a stiffness ratio of 1000. With s = y0 + y1 and
 * d = y0 - y1: s(t) = s(0) e^{-t}, d(t) = d(0) e^{-1000 t}. The preconditioner is the exact
 * inverse of P = I - gamma A at the setup's gamma, so GMRES needs about one iteration per solve.
 */
class stiff_linear_system : public ode::ode_system {
public:
    static constexpr double a = 500.5;
    static constexpr double b = 499.5;
    explicit stiff_linear_system(bool precondition) : precondition_(precondition) {}
    std::size_t size() const override { return 2; }
    void rhs(double, const double* y, double* ydot) override {
        ydot[0] = -a * y[0] + b * y[1];
        ydot[1] = b * y[0] - a * y[1];
    }
    bool has_preconditioner() const override { return precondition_; }
    void prec_setup(double, const double*, double gamma) override {
        // P = [[p, q], [q, p]] with p = 1 + gamma a, q = -gamma b.
        p_ = 1.0 + gamma * a;
        q_ = -gamma * b;
        ++setups;
    }
    void prec_solve(const double* r, double* z) override {
        const double det = p_ * p_ - q_ * q_;
        z[0] = (p_ * r[0] - q_ * r[1]) / det;
        z[1] = (-q_ * r[0] + p_ * r[1]) / det;
    }
    static void exact(double t, const double y0[2], double out[2]) {
        const double s = (y0[0] + y0[1]) * std::exp(-t);
        const double d = (y0[0] - y0[1]) * std::exp(-1000.0 * t);
        out[0] = 0.5 * (s + d);
        out[1] = 0.5 * (s - d);
    }
    int setups = 0;

private:
    bool precondition_;
    double p_ = 1.0;
    double q_ = 0.0;
};

/*
 * y' = A y with A = [[-a, c], [c, -a]], a = 2, c = 0.4: each component is its own "neuron"
 * (local Jacobian -a) and c couples them. s = y0 + y1 decays at a - c, d = y0 - y1 at a + c.
 * The preconditioner inverts only the local part, 1 + gamma a, as network::prec_setup does.
 */
class weakly_coupled_system : public ode::ode_system {
public:
    static constexpr double a = 2.0;
    static constexpr double c = 0.4;
    explicit weakly_coupled_system(bool local_jacobian) : local_jacobian_(local_jacobian) {}
    std::size_t size() const override { return 2; }
    void rhs(double, const double* y, double* ydot) override {
        ydot[0] = -a * y[0] + c * y[1];
        ydot[1] = c * y[0] - a * y[1];
    }
    bool has_preconditioner() const override { return true; }
    void prec_setup(double, const double*, double gamma) override { p_ = 1.0 + gamma * a; }
    void prec_solve(const double* r, double* z) override {
        z[0] = r[0] / p_;
        z[1] = r[1] / p_;
    }
    bool has_local_jacobian() const override { return local_jacobian_; }
    void local_jac_times(const double* v, double* Jv) override {
        ++products;
        Jv[0] = -a * v[0];
        Jv[1] = -a * v[1];
    }
    static void exact(double t, const double y0[2], double out[2]) {
        const double s = (y0[0] + y0[1]) * std::exp(-(a - c) * t);
        const double d = (y0[0] - y0[1]) * std::exp(-(a + c) * t);
        out[0] = 0.5 * (s + d);
        out[1] = 0.5 * (s - d);
    }
    long products = 0;

private:
    bool local_jacobian_;
    double p_ = 1.0;
};

ode::integrator_options tight_options(ode::solver_kind kind, std::size_t n) {
    ode::integrator_options o;
    o.kind = kind;
    o.rtol = 1e-9;
    o.atol.assign(n, 1e-14);
    o.dt_ms = 1e-3;
    return o;
}

struct model_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The message of the `E` that `f` throws; fails the test if it throws nothing or another type.
/// (Catch2 v2's Message matcher compares whole strings only.)
template <class E, class F> std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    FAIL("no exception of the expected type was thrown");
    return {};
}

} // namespace

TEST_CASE("solver kinds parse, print and reject unknown names", "[core][ode]") {
    for (const auto kind : all_kinds) CHECK(ode::parse_solver_kind(ode::to_string(kind)) == kind);
    CHECK(ode::to_string(ode::solver_kind::bdf_gmres) == "bdf-gmres");
    CHECK_THROWS_MATCHES(ode::parse_solver_kind("bdf-dens"), std::invalid_argument,
                         Message("solver kind: must be 'adams', 'bdf-dense', 'bdf-gmres', 'euler' or "
                                 "'exp-euler', got 'bdf-dens', did you mean 'bdf-dense'?"));
    CHECK_THROWS_AS(ode::parse_solver_kind(""), std::invalid_argument);
}

TEST_CASE("sundials_version names the library actually linked", "[core][ode]") {
    CHECK_THAT(ode::sundials_version(), Catch::Matchers::StartsWith("SUNDIALS 6."));
}

TEST_CASE("exponential decay matches exp(-t/tau) for every solver kind", "[core][ode]") {
    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    const double tau = 2.0;
    decay_system sys(1.0 / tau);
    const auto options = tight_options(kind, 1);
    auto integ = ode::make_integrator(sys, options);
    CHECK(integ->kind() == kind);
    double y = 1.0;
    integ->reset(0.0, &y);
    for (int i = 1; i <= 20; ++i) {
        const double t = 0.5 * i;
        integ->advance(t, 10.0, &y);
        REQUIRE(integ->time() == t);
        const double truth = std::exp(-t / tau);
        if (kind == ode::solver_kind::euler) {
            // Euler's discrete solution is itself closed-form, (1 - h/tau)^(t/h); only rounding
            // (~1e-16 per step over 1e4 steps) separates it from the computed value.
            const double discrete = std::pow(1.0 - options.dt_ms / tau, t / options.dt_ms);
            CHECK_THAT(y, WithinRel(discrete, 1e-10));
            // Its global error's leading term is t h / (2 tau^2) relative; allow twice that.
            CHECK_THAT(y, WithinRel(truth, t * options.dt_ms / (tau * tau)));
        } else {
            // Local error is held to rtol = 1e-9; the global error of a smooth decay stays within
            // a few hundred local tolerances over 5 time constants, so 1e-6 leaves a wide margin
            // while still catching a wrong interpolant or tolerance wiring (those give >= 1e-4).
            CHECK_THAT(y, WithinRel(truth, 1e-6));
        }
    }
}

TEST_CASE("a stiff 2x2 linear system matches its closed form with bdf-gmres and an exact "
          "preconditioner", "[core][ode]") {
    const bool precondition = GENERATE(true, false);
    CAPTURE(precondition);
    stiff_linear_system sys(precondition);
    auto options = tight_options(ode::solver_kind::bdf_gmres, 2);
    options.atol.assign(2, 1e-12);
    auto integ = ode::make_integrator(sys, options);
    const double y0[2] = {1.0, 0.0};  // both modes excited equally
    double y[2] = {y0[0], y0[1]};
    integ->reset(0.0, y);
    // Sample inside the fast transient (tau = 1 us) as well as on the slow mode.
    for (const double t : {0.0005, 0.001, 0.003, 0.01, 0.1, 0.5, 1.0, 2.0}) {
        integ->advance(t, 2.0, y);
        double truth[2];
        stiff_linear_system::exact(t, y0, truth);
        // |y| <= 1 and the local error is held to ~1e-9 * |y| + 1e-12; BDF's global error on a
        // linear problem is a small multiple of that, so 1e-7 absolute is a comfortable bound
        // that a missing or wrong preconditioner application (errors ~1e-3) cannot meet.
        CHECK_THAT(y[0], WithinAbs(truth[0], 1e-7));
        CHECK_THAT(y[1], WithinAbs(truth[1], 1e-7));
    }
    const auto s = integ->stats();
    CHECK(s.lin_iters > 0);
    if (precondition) {
        CHECK(s.prec_solves > 0);
        CHECK(s.prec_evals > 0);
        CHECK(sys.setups == s.prec_evals);
    } else {
        CHECK(s.prec_solves == 0);
        CHECK(sys.setups == 0);
    }
}

TEST_CASE("newton_jacobian names parse, print and reject unknown names", "[core][ode]") {
    for (const auto j : {ode::newton_jacobian::full, ode::newton_jacobian::neuron_blocks})
        CHECK(ode::parse_newton_jacobian(ode::to_string(j)) == j);
    CHECK_THROWS_MATCHES(ode::parse_newton_jacobian("neuron_block"), std::invalid_argument,
                         Message("newton_jacobian: must be 'full' or 'neuron_blocks', got "
                                 "'neuron_block', did you mean 'neuron_blocks'?"));
}

TEST_CASE("bdf-gmres with a local Newton Jacobian matches the closed form with fewer "
          "right-hand sides", "[core][ode]") {
    struct result {
        ode::integrator_stats stats;
        long products;
    };
    auto solve = [](ode::newton_jacobian jacobian) {
        weakly_coupled_system sys(true);
        auto options = tight_options(ode::solver_kind::bdf_gmres, 2);
        options.atol.assign(2, 1e-12);
        options.jacobian = jacobian;
        auto integ = ode::make_integrator(sys, options);
        const double y0[2] = {1.0, 0.0};  // both modes excited equally
        double y[2] = {y0[0], y0[1]};
        integ->reset(0.0, y);
        for (const double t : {0.01, 0.1, 0.5, 1.0, 2.0, 4.0}) {
            integ->advance(t, 4.0, y);
            double truth[2];
            weakly_coupled_system::exact(t, y0, truth);
            // |y| <= 1, local error ~1e-9 |y| + 1e-12: BDF's global error on this linear
            // problem is a small multiple of that. Newton stopped short of the implicit
            // solution (an iteration on a wrong J v that the convergence test missed) would
            // leave errors of the size of the coupling's neglected part, >= 1e-5.
            CHECK_THAT(y[0], WithinAbs(truth[0], 1e-7));
            CHECK_THAT(y[1], WithinAbs(truth[1], 1e-7));
        }
        return result{integ->stats(), sys.products};
    };
    const result full = solve(ode::newton_jacobian::full);
    const result blocks = solve(ode::newton_jacobian::neuron_blocks);
    CAPTURE(full.stats.rhs_evals, blocks.stats.rhs_evals, full.stats.steps, blocks.stats.steps);
    CHECK(full.products == 0);   // full: J v by difference quotients of the right-hand side
    CHECK(blocks.products > 0);  // neuron_blocks: the system's own local product
    CHECK(blocks.stats.rhs_evals < full.stats.rhs_evals);

    weakly_coupled_system without(false);  // a preconditioner but no local Jacobian
    auto options = tight_options(ode::solver_kind::bdf_gmres, 2);
    options.jacobian = ode::newton_jacobian::neuron_blocks;
    CHECK_THROWS_AS(ode::make_integrator(without, options), std::invalid_argument);
    options.kind = ode::solver_kind::adams;  // other methods ignore the option
    CHECK_NOTHROW(ode::make_integrator(without, options));
}

TEST_CASE("a harmonic oscillator keeps phase and amplitude with every CVODE kind", "[core][ode]") {
    const auto kind = GENERATE(from_range(cvode_kinds));
    CAPTURE(ode::to_string(kind));
    const double omega = 2.0 * std::acos(-1.0);  // period 1 ms (M_PI is not standard C++)
    lambda_system sys(2, [omega](double, const double* y, double* ydot) {
        ydot[0] = y[1];
        ydot[1] = -omega * omega * y[0];
    });
    auto options = tight_options(kind, 2);
    options.rtol = 1e-10;
    options.atol.assign(2, 1e-12);
    auto integ = ode::make_integrator(sys, options);
    double y[2] = {1.0, 0.0};
    integ->reset(0.0, y);
    for (int i = 1; i <= 40; ++i) {
        const double t = 0.125 * i;  // 5 periods, sampled at every eighth of one
        integ->advance(t, 5.0, y);
        // Phase error accumulates linearly over the 5 periods; at rtol 1e-10 it stays around
        // 1e-8, so 1e-6 absolute (amplitude 1) is safe yet far below a dropped-step error.
        CHECK_THAT(y[0], WithinAbs(std::cos(omega * t), 1e-6));
        CHECK_THAT(y[1], WithinAbs(-omega * std::sin(omega * t), omega * 1e-6));
    }
}

TEST_CASE("forward Euler converges at first order", "[core][ode]") {
    // y' = -y, y(1) = e^{-1}. The global error is C h + O(h^2), so halving h halves the error up
    // to an O(h) relative correction: at h <= 0.01 the ratio is 2 within 1%; [1.9, 2.1] allows
    // a tenth while still rejecting order 0 (ratio 1) or order 2 (ratio 4).
    decay_system sys(1.0);
    std::vector<double> errors;
    for (const double dt : {0.01, 0.005, 0.0025, 0.00125}) {
        ode::integrator_options o;
        o.kind = ode::solver_kind::euler;
        o.dt_ms = dt;
        auto integ = ode::make_integrator(sys, o);
        double y = 1.0;
        integ->reset(0.0, &y);
        integ->advance(1.0, 1.0, &y);
        errors.push_back(std::abs(y - std::exp(-1.0)));
    }
    for (std::size_t i = 1; i < errors.size(); ++i) {
        const double ratio = errors[i - 1] / errors[i];
        CAPTURE(i, ratio);
        CHECK(ratio > 1.9);
        CHECK(ratio < 2.1);
    }
}

TEST_CASE("forward Euler lands exactly on every t_out and counts its steps", "[core][ode]") {
    SECTION("a final step is shortened to land on t_out") {
        lambda_system sys(1, [](double, const double*, double* ydot) { ydot[0] = 1.0; });
        ode::integrator_options o;
        o.kind = ode::solver_kind::euler;
        o.dt_ms = 0.3;
        auto integ = ode::make_integrator(sys, o);
        std::vector<double> step_times;
        integ->set_step_check([&](double t, const double*) { step_times.push_back(t); });
        double y = 0.0;
        integ->reset(0.0, &y);
        integ->advance(1.0, 1.0, &y);
        REQUIRE(step_times.size() == 4);
        CHECK_THAT(step_times[2], WithinRel(0.9, 1e-15));
        CHECK(step_times[3] == 1.0);
        CHECK(integ->time() == 1.0);
        // y' = 1 is integrated exactly by Euler; only the rounding of the step sizes remains.
        CHECK_THAT(y, WithinRel(1.0, 1e-14));
        CHECK(sys.max_t < 1.0);
    }
    SECTION("outputs on the dt grid take exactly one step per dt, with no slivers") {
        decay_system sys(1.0);
        ode::integrator_options o;
        o.kind = ode::solver_kind::euler;
        o.dt_ms = 0.01;
        auto integ = ode::make_integrator(sys, o);
        double y = 1.0;
        integ->reset(0.0, &y);
        // 0.1 is not representable: summed times drift, which must not cost extra steps.
        for (int i = 1; i <= 100; ++i) integ->advance(0.1 * i, 10.0, &y);
        const auto s = integ->stats();
        CHECK(s.steps == 1000);
        CHECK(s.rhs_evals == 1000);
        CHECK(s.reinits == 0);
    }
}

TEST_CASE("advance never evaluates the right-hand side beyond t_stop", "[core][ode]") {
    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    // A slow decay lets CVODE grow its steps far beyond the distance to t_stop, so only the stop
    // time keeps it from stepping (and evaluating rhs) past the discontinuity.
    decay_system sys(1e-3);
    ode::integrator_options o;
    o.kind = kind;
    o.rtol = 1e-6;
    o.dt_ms = 0.25;
    auto integ = ode::make_integrator(sys, o);
    double y = 1.0;
    integ->reset(0.0, &y);
    for (const double t_stop : {1.0, 2.5, 100.0}) {
        const double start = integ->time();
        for (int i = 1; i <= 3; ++i) {
            const double t_out = start + (t_stop - start) * i / 3.0;
            integ->advance(std::min(t_out, t_stop), t_stop, &y);
            CHECK(sys.max_t <= t_stop);
        }
        CHECK(integ->time() == t_stop);
        // Asking again for the current time returns the same state without stepping.
        const double before = y;
        const long steps = integ->stats().steps;
        integ->advance(t_stop, t_stop, &y);
        CHECK(y == before);
        CHECK(integ->stats().steps == steps);
        CHECK_THAT(y, WithinRel(std::exp(-1e-3 * t_stop), 1e-4));  // Euler: 0.25*1e-3*t/2 < 1e-4
        integ->reset(t_stop, &y);
    }
}

TEST_CASE("an exception thrown by the model leaves advance with its own type and message",
          "[core][ode]") {
    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    bool armed = true;
    lambda_system sys(1, [&armed](double t, const double* y, double* ydot) {
        if (armed && t > 0.5) throw model_failure("neuron 7 exploded");
        ydot[0] = -y[0];
    });
    auto integ = ode::make_integrator(sys, tight_options(kind, 1));
    double y = 1.0;
    integ->reset(0.0, &y);
    // Regression (adams): SUNDIALS 6.4's fixed-point solver turns the trampoline's -1 into a
    // recoverable convergence failure, so CVODE retried below t = 0.5 instead of failing.
    REQUIRE_THROWS_MATCHES(integ->advance(1.0, 1.0, &y), model_failure,
                           Message("neuron 7 exploded"));
    // The integrator is usable again after a reset: no stale exception is rethrown later.
    armed = false;
    y = 1.0;
    integ->reset(0.0, &y);
    integ->advance(1.0, 1.0, &y);
    CHECK_THAT(y, WithinRel(std::exp(-1.0), 1e-3));  // loose: only checks it really integrated
}

TEST_CASE("exceptions from the preconditioner and the step check propagate too", "[core][ode]") {
    SECTION("prec_setup") {
        struct failing : stiff_linear_system {
            failing() : stiff_linear_system(true) {}
            void prec_setup(double, const double*, double) override {
                throw model_failure("bad block");
            }
        } sys;
        auto integ = ode::make_integrator(sys, tight_options(ode::solver_kind::bdf_gmres, 2));
        double y[2] = {1.0, 0.0};
        integ->reset(0.0, y);
        CHECK_THROWS_MATCHES(integ->advance(1.0, 1.0, y), model_failure, Message("bad block"));
    }
    SECTION("prec_solve") {
        struct failing : stiff_linear_system {
            failing() : stiff_linear_system(true) {}
            void prec_solve(const double*, double*) override { throw std::out_of_range("z"); }
        } sys;
        auto integ = ode::make_integrator(sys, tight_options(ode::solver_kind::bdf_gmres, 2));
        double y[2] = {1.0, 0.0};
        integ->reset(0.0, y);
        CHECK_THROWS_MATCHES(integ->advance(1.0, 1.0, y), std::out_of_range, Message("z"));
    }
    SECTION("step_check, for every kind") {
        const auto kind = GENERATE(from_range(all_kinds));
        CAPTURE(ode::to_string(kind));
        decay_system sys(1.0);
        auto integ = ode::make_integrator(sys, tight_options(kind, 1));
        integ->set_step_check([](double t, const double*) {
            if (t > 0.25) throw numerical_error(t, "u out of bounds");
        });
        double y = 1.0;
        integ->reset(0.0, &y);
        CHECK_THAT(message_of<numerical_error>([&] { integ->advance(1.0, 1.0, &y); }),
                   Contains("u out of bounds"));
    }
}

TEST_CASE("a NaN right-hand side makes CVODE fail with a numerical_error naming its flag",
          "[core][ode]") {
    const auto kind = GENERATE(from_range(cvode_kinds));
    CAPTURE(ode::to_string(kind));
    lambda_system sys(1, [](double, const double*, double* ydot) {
        ydot[0] = std::numeric_limits<double>::quiet_NaN();
    });
    auto integ = ode::make_integrator(sys, tight_options(kind, 1));
    double y = 1.0;
    integ->reset(0.0, &y);
    const std::string what = message_of<numerical_error>([&] { integ->advance(1.0, 1.0, &y); });
    CAPTURE(what);
    // Which flag CVODE picks depends on where the NaN first bites (corrector, error test, linear
    // solve); any is right as long as the user sees which one, plus CVODE's own message.
    const bool names_flag = what.find("CV_CONV_FAILURE") != std::string::npos ||
                            what.find("CV_ERR_FAILURE") != std::string::npos ||
                            what.find("CV_LSOLVE_FAIL") != std::string::npos ||
                            what.find("CV_LSETUP_FAIL") != std::string::npos;
    CHECK(names_flag);
    CHECK_THAT(what, Contains("At t = 0"));
}

TEST_CASE("a model that turns NaN at some time is reported, not integrated forever",
          "[core][ode]") {
    // CVODE rejects every step that reaches t > 0.5 and shrinks h until t + h == t, then keeps
    // "succeeding" without advancing; advance() must notice the stall and say where it happened.
    const auto kind = GENERATE(from_range(cvode_kinds));
    CAPTURE(ode::to_string(kind));
    lambda_system sys(1, [](double t, const double* y, double* ydot) {
        ydot[0] = t <= 0.5 ? -y[0] : std::numeric_limits<double>::quiet_NaN();
    });
    auto integ = ode::make_integrator(sys, tight_options(kind, 1));
    double y = 1.0;
    integ->reset(0.0, &y);
    try {
        integ->advance(1.0, 1.0, &y);
        FAIL("advance returned despite NaN derivatives beyond t = 0.5");
    } catch (const numerical_error& e) {
        CAPTURE(e.what());
        CHECK_THAT(e.t_ms(), WithinAbs(0.5, 1e-9));  // CVODE homes in on the failing time
        CHECK_THAT(std::string(e.what()), Contains("stalled"));
    }
}

TEST_CASE("reset after a jump in a parameter follows the piecewise analytic solution",
          "[core][ode]") {
    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    decay_system sys(1.0);  // rate 1 on [0, 1), then 3
    const auto options = tight_options(kind, 1);
    auto integ = ode::make_integrator(sys, options);
    double y = 1.0;
    integ->reset(0.0, &y);
    integ->advance(1.0, 1.0, &y);
    CHECK(sys.max_t <= 1.0);
    sys.rate = 3.0;
    integ->reset(1.0, &y);
    const double h = options.dt_ms;
    for (const double t : {1.1, 1.5, 2.0}) {
        integ->advance(t, 2.0, &y);
        if (kind == ode::solver_kind::euler) {
            // Discrete closed form (1 - h)^(1/h) (1 - 3h)^((t-1)/h); only rounding separates it.
            const double discrete = std::pow(1.0 - h, 1.0 / h) * std::pow(1.0 - 3.0 * h, (t - 1.0) / h);
            CHECK_THAT(y, WithinRel(discrete, 1e-10));
        } else {
            // As for the plain decay: 1e-6 is hundreds of local tolerances (rtol 1e-9).
            CHECK_THAT(y, WithinRel(std::exp(-1.0) * std::exp(-3.0 * (t - 1.0)), 1e-6));
        }
    }
    CHECK(integ->stats().reinits == 1);
}

TEST_CASE("stats are positive, summed over re-initialisations and never double counted",
          "[core][ode]") {
    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    stiff_linear_system sys(true);
    auto integ = ode::make_integrator(sys, tight_options(kind, 2));
    double y[2] = {1.0, 0.0};
    integ->reset(0.0, y);
    CHECK(integ->stats().steps == 0);
    integ->advance(0.01, 0.01, y);
    const auto s1 = integ->stats();
    CHECK(s1.steps > 0);
    CHECK(s1.rhs_evals >= s1.steps);
    CHECK(s1.reinits == 0);
    switch (kind) {
    case ode::solver_kind::adams: CHECK(s1.nonlin_iters > 0); break;
    case ode::solver_kind::bdf_dense:
        CHECK(s1.nonlin_iters > 0);
        CHECK(s1.jac_evals > 0);
        CHECK(s1.rhs_evals > s1.steps);  // includes the difference-quotient Jacobian's
        break;
    case ode::solver_kind::bdf_gmres:
        CHECK(s1.lin_iters > 0);
        CHECK(s1.prec_evals > 0);
        CHECK(s1.prec_solves > 0);
        break;
    case ode::solver_kind::euler: CHECK(s1.rhs_evals == s1.steps); break;
    case ode::solver_kind::exp_euler: break;  // not in all_kinds: its systems need a local diagonal
    }

    // Two resets in a row: CVODE's counters restart, nothing may be lost or counted twice.
    for (long r = 1; r <= 2; ++r) {
        integ->reset(0.01, y);
        const auto s = integ->stats();
        CHECK(s.reinits == r);
        CHECK(s.steps == s1.steps);
        CHECK(s.rhs_evals == s1.rhs_evals);
        CHECK(s.nonlin_iters == s1.nonlin_iters);
        CHECK(s.lin_iters == s1.lin_iters);
        CHECK(s.jac_evals == s1.jac_evals);
        CHECK(s.prec_evals == s1.prec_evals);
        CHECK(s.prec_solves == s1.prec_solves);
    }
    const double y_reset[2] = {y[0], y[1]};
    integ->advance(0.02, 0.02, y);
    const auto s2 = integ->stats();
    CHECK(s2.steps > s1.steps);
    CHECK(s2.reinits == 2);

    // A re-initialised solver forgets its history, so the second segment costs exactly what a
    // fresh integrator started from the same state pays: the totals grow by precisely that.
    auto fresh = ode::make_integrator(sys, tight_options(kind, 2));
    double z[2] = {y_reset[0], y_reset[1]};
    fresh->reset(0.01, z);
    fresh->advance(0.02, 0.02, z);
    const auto f = fresh->stats();
    CHECK(s2.steps - s1.steps == f.steps);
    CHECK(s2.rhs_evals - s1.rhs_evals == f.rhs_evals);
    CHECK(s2.nonlin_iters - s1.nonlin_iters == f.nonlin_iters);
    CHECK(s2.nonlin_conv_fails - s1.nonlin_conv_fails == f.nonlin_conv_fails);
    CHECK(s2.err_test_fails - s1.err_test_fails == f.err_test_fails);
    CHECK(s2.lin_iters - s1.lin_iters == f.lin_iters);
    CHECK(s2.jac_evals - s1.jac_evals == f.jac_evals);
    CHECK(s2.prec_evals - s1.prec_evals == f.prec_evals);
    CHECK(s2.prec_solves - s1.prec_solves == f.prec_solves);
}

TEST_CASE("max_steps bounds the internal steps of one advance", "[core][ode]") {
    const auto kind = GENERATE(from_range(cvode_kinds));
    CAPTURE(ode::to_string(kind));
    stiff_linear_system sys(true);
    auto options = tight_options(kind, 2);
    options.max_steps = 5;
    auto integ = ode::make_integrator(sys, options);
    double y[2] = {1.0, 0.0};
    integ->reset(0.0, y);
    CHECK_THAT(message_of<numerical_error>([&] { integ->advance(10.0, 10.0, y); }),
               Contains("CV_TOO_MUCH_WORK"));
}

TEST_CASE("bad options and calls are rejected", "[core][ode]") {
    decay_system sys(1.0);
    ode::integrator_options o;
    o.kind = ode::solver_kind::bdf_dense;
    o.atol = {1e-8, 1e-8};  // the system has one component
    CHECK_THROWS_AS(ode::make_integrator(sys, o), std::invalid_argument);
    o.atol.clear();
    o.kind = ode::solver_kind::euler;
    o.dt_ms = 0.0;
    CHECK_THROWS_AS(ode::make_integrator(sys, o), std::invalid_argument);

    const auto kind = GENERATE(from_range(all_kinds));
    CAPTURE(ode::to_string(kind));
    o.kind = kind;
    o.dt_ms = 0.1;
    auto integ = ode::make_integrator(sys, o);
    double y = 1.0;
    CHECK_THROWS_AS(integ->advance(1.0, 1.0, &y), std::logic_error);  // before reset
    integ->reset(0.0, &y);
    CHECK_THROWS_AS(integ->advance(2.0, 1.0, &y), std::invalid_argument);  // t_out > t_stop
    integ->advance(1.0, 1.0, &y);
    CHECK_THROWS_AS(integ->advance(0.5, 1.0, &y), std::invalid_argument);  // backwards
}

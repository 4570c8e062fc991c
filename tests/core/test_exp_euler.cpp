// Exponential Euler (core/ode/exp_euler_integrator.cpp; docs/equations.md §7, X1) against
// closed-form truths and an independent reference (CVODE BDF at tight tolerances).

#include <cmath>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/ode/integrator.hpp"

using namespace cortexsim;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

/// y_i' = d_i (y_i - c_i) + coupling * tanh(y_{i+1 mod n}): the local decay d is what
/// local_diagonal() reports, the tanh term the coupling between components that it leaves out.
class relaxing_system : public ode::ode_system {
public:
    relaxing_system(std::vector<double> d, std::vector<double> c, double coupling)
        : d_(std::move(d)), c_(std::move(c)), coupling_(coupling) {}
    std::size_t size() const override { return d_.size(); }
    void rhs(double, const double* y, double* ydot) override {
        const std::size_t n = d_.size();
        for (std::size_t i = 0; i < n; ++i)
            ydot[i] = d_[i] * (y[i] - c_[i]) + coupling_ * std::tanh(y[(i + 1) % n]);
    }
    bool has_local_diagonal() const override { return true; }
    void local_diagonal(double, const double*, double* d) override {
        for (std::size_t i = 0; i < d_.size(); ++i) d[i] = d_[i];
    }

private:
    std::vector<double> d_, c_;
    double coupling_;
};

std::vector<double> integrate(ode::ode_system& sys, ode::solver_kind kind, double dt_ms,
                              const std::vector<double>& y0, double t_end) {
    ode::integrator_options o;
    o.kind = kind;
    o.dt_ms = dt_ms;
    o.rtol = 1e-12;
    o.atol.assign(sys.size(), 1e-14);
    o.max_steps = 1000000;
    auto integ = ode::make_integrator(sys, o);
    integ->reset(0.0, y0.data());
    std::vector<double> y(y0.size());
    integ->advance(t_end, t_end, y.data());
    return y;
}

} // namespace

TEST_CASE("exp-euler parses and prints", "[core][ode]") {
    CHECK(ode::parse_solver_kind("exp-euler") == ode::solver_kind::exp_euler);
    CHECK(ode::to_string(ode::solver_kind::exp_euler) == "exp-euler");
}

TEST_CASE("exp-euler is exact for uncoupled relaxation at any step", "[core][ode]") {
    // y_i(t) = c_i + (y_i(0) - c_i) e^{d_i t}: each step multiplies the distance to c_i by
    // e^{h d_i} exactly, so only rounding separates it from the closed form, also at steps
    // (h |d| up to 50) where forward Euler would diverge.
    relaxing_system sys({-0.5, -3.0, -50.0, 0.0}, {1.0, -2.0, 0.25, 7.0}, 0.0);
    const std::vector<double> y0{0.0, 1.0, -1.0, 3.0};
    for (double h : {0.01, 0.3, 1.0}) {
        const std::vector<double> y = integrate(sys, ode::solver_kind::exp_euler, h, y0, 2.0);
        for (std::size_t i = 0; i < 3; ++i) {
            const double d = std::vector<double>{-0.5, -3.0, -50.0}[i];
            const double c = std::vector<double>{1.0, -2.0, 0.25}[i];
            // 200 steps at most, each a rounding of ~1e-16 relative to the state's scale.
            CHECK_THAT(y[i], WithinAbs(c + (y0[i] - c) * std::exp(d * 2.0), 1e-13));
        }
        CHECK(y[3] == 3.0);  // d = 0, f = 0: forward Euler's plain step, nothing moves
    }
}

TEST_CASE("exp-euler converges at first order to an independent reference", "[core][ode]") {
    // Coupled and nonlinear: the coupling is explicit, so the error is O(h) (halving h halves
    // it: the ratio tends to 2); the reference is CVODE BDF with rtol 1e-12, whose own error
    // is about 1e-10, far below the smallest error compared (~1e-4).
    relaxing_system sys({-2.0, -1.0, -4.0}, {1.0, -1.0, 0.5}, 0.8);
    const std::vector<double> y0{0.0, 2.0, -1.0};
    const std::vector<double> ref = integrate(sys, ode::solver_kind::bdf_dense, 0.1, y0, 3.0);
    auto error = [&](double h) {
        const std::vector<double> y = integrate(sys, ode::solver_kind::exp_euler, h, y0, 3.0);
        double e = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) e = std::max(e, std::fabs(y[i] - ref[i]));
        return e;
    };
    const double e1 = error(0.04), e2 = error(0.02), e3 = error(0.01);
    INFO("errors at h 0.04, 0.02, 0.01: " << e1 << ", " << e2 << ", " << e3);
    CHECK(e1 > 1e-5);  // the comparison is not swamped by the reference's own error
    CHECK(e1 / e2 > 1.8);
    CHECK(e1 / e2 < 2.2);
    CHECK(e2 / e3 > 1.8);
    CHECK(e2 / e3 < 2.2);
}

TEST_CASE("exp-euler keeps the ODE's fixed point at steps where forward Euler diverges", "[core][ode]") {
    // At h = 1 and d = -4, forward Euler's local factor is 1 + h d = -3: it diverges. Exponential
    // Euler's is e^{-4}; with the weak coupling the iteration contracts to the point where
    // f(y) = 0 exactly (a fixed point of every step), which Newton on f gives independently.
    relaxing_system sys({-4.0, -5.0}, {1.0, -1.0}, 0.5);
    const std::vector<double> y0{3.0, 3.0};
    const std::vector<double> y = integrate(sys, ode::solver_kind::exp_euler, 1.0, y0, 60.0);
    // Newton on f(y) = 0 for the 2x2 system.
    double a = 0.0, b = 0.0;
    for (int it = 0; it < 50; ++it) {
        const double f0 = -4.0 * (a - 1.0) + 0.5 * std::tanh(b);
        const double f1 = -5.0 * (b + 1.0) + 0.5 * std::tanh(a);
        const double j01 = 0.5 / std::cosh(b) / std::cosh(b), j10 = 0.5 / std::cosh(a) / std::cosh(a);
        const double det = (-4.0) * (-5.0) - j01 * j10;
        a -= ((-5.0) * f0 - j01 * f1) / det;
        b -= ((-4.0) * f1 - j10 * f0) / det;
    }
    CHECK_THAT(y[0], WithinAbs(a, 1e-12));
    CHECK_THAT(y[1], WithinAbs(b, 1e-12));
    const std::vector<double> euler = integrate(sys, ode::solver_kind::euler, 1.0, y0, 10.0);
    CHECK(std::fabs(euler[0] - a) > 1e3);  // the contrast: forward Euler at the same step
}

TEST_CASE("exp-euler needs a system with a local diagonal and a positive step", "[core][ode]") {
    class plain : public ode::ode_system {
        std::size_t size() const override { return 1; }
        void rhs(double, const double*, double* ydot) override { ydot[0] = 0.0; }
    } no_diagonal;
    ode::integrator_options o;
    o.kind = ode::solver_kind::exp_euler;
    CHECK_THROWS_AS(ode::make_integrator(no_diagonal, o), std::invalid_argument);
    relaxing_system sys({-1.0}, {0.0}, 0.0);
    o.dt_ms = 0.0;
    CHECK_THROWS_AS(ode::make_integrator(sys, o), std::invalid_argument);
}

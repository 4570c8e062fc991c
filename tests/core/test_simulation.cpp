// The simulation clock on a toy system whose exact solution is known: y' = -y + I(t), with I
// switching at scheduled times and a state jump at one of them.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "core/errors.hpp"
#include "core/simulation.hpp"

using namespace cortexsim;

namespace {
class toy_system : public dynamical_system {
public:
    std::vector<double> switch_times{2.0, 5.0};
    double input = 0.0;
    double max_rhs_t_in_segment_excess = 0.0;
    double segment_end = 2.0;
    std::vector<double> entered;

    std::size_t size() const override { return 1; }
    void rhs(double t, const double* y, double* ydot) override {
        max_rhs_t_in_segment_excess = std::max(max_rhs_t_in_segment_excess, t - segment_end);
        ydot[0] = -y[0] + input;
    }
    void initial_state(double* y) const override { y[0] = 1.0; }
    void absolute_tolerances(double fallback, const std::map<std::string, double>&,
                             double* atol) const override {
        atol[0] = fallback;
    }
    double next_discontinuity_after(double t) const override {
        for (double s : switch_times)
            if (s > t) return s;
        return std::numeric_limits<double>::infinity();
    }
    void enter_segment(double t, double* y) override {
        entered.push_back(t);
        input = t >= 5.0 ? 0.0 : t >= 2.0 ? 3.0 : 0.0;
        if (t == 5.0) y[0] = 0.0;  // a jump in the state itself
        segment_end = next_discontinuity_after(t);
    }
    void check_state(double t, const double* y) const override {
        if (!std::isfinite(y[0])) throw numerical_error(t, "toy state not finite");
    }
};

double exact(double t) {
    if (t < 2.0) return std::exp(-t);
    if (t < 5.0) return 3.0 + (std::exp(-2.0) - 3.0) * std::exp(-(t - 2.0));
    return 0.0;
}
} // namespace

TEST_CASE("the clock stops at every discontinuity and samples on a fixed grid", "[core]") {
    for (auto kind : {ode::solver_kind::bdf_dense, ode::solver_kind::adams, ode::solver_kind::euler}) {
        toy_system sys;
        ode::integrator_options o;
        o.kind = kind;
        o.rtol = 1e-10;
        o.dt_ms = 1e-4;
        simulation sim(sys, o, 1e-14);
        std::vector<double> times, values;
        sim.add_sampler(0.3, [&](double t, const double* y) {
            times.push_back(t);
            values.push_back(y[0]);
        });
        sim.run(4.0);
        sim.run(7.0);  // continuing a run keeps the grid and the schedule
        CHECK(sys.entered == std::vector<double>{0.0, 2.0, 5.0});
        CHECK(sys.max_rhs_t_in_segment_excess <= 0.0);  // never integrated across a switch
        REQUIRE(times.size() == 24);                    // 0, 0.3, ..., 6.9
        for (std::size_t k = 0; k < times.size(); ++k) {
            CHECK(times[k] == static_cast<double>(k) * 0.3);
            // Euler with dt 1e-4 has global error ~1e-4; CVODE at rtol 1e-10 ~1e-8.
            const double tol = kind == ode::solver_kind::euler ? 2e-4 : 1e-7;
            CHECK(std::fabs(values[k] - exact(times[k])) < tol);
        }
        CHECK(sim.time() == 7.0);
    }
}

TEST_CASE("samplers can only be added before the first run", "[core]") {
    toy_system sys;
    ode::integrator_options o;
    simulation sim(sys, o, 1e-10);
    CHECK_THROWS_AS(sim.add_sampler(0.0, [](double, const double*) {}), std::invalid_argument);
    sim.run(1.0);
    CHECK_THROWS_AS(sim.add_sampler(1.0, [](double, const double*) {}), std::logic_error);
    CHECK_THROWS_AS(sim.run(0.5), std::invalid_argument);
}

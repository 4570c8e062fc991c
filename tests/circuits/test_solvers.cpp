// Every solver choice integrates the same equations (issue 2): CVODE variants agree within
// their tolerance, and the forward-Euler reference converges at first order.
#include <catch2/catch.hpp>

#include <cmath>

#include "../test_models.hpp"
#include "core/errors.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {
double max_abs_diff(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
    REQUIRE(a.size() == b.size());
    double d = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k)
        for (std::size_t i = 0; i < a[k].size(); ++i) d = std::max(d, std::fabs(a[k][i] - b[k][i]));
    return d;
}
} // namespace

TEST_CASE("all CVODE solver choices agree on a recurrent microcircuit", "[circuits][solvers]") {
    for (const std::string dendrites : {"instantaneous", "dynamic"}) {
        const auto ref = run_states(recurrent_model("bdf-dense", dendrites), 1.0);
        REQUIRE(ref.size() == 101);
        for (const std::string method : {"adams", "bdf-gmres", "auto"}) {
            const auto other = run_states(recurrent_model(method, dendrites), 1.0);
            const double d = max_abs_diff(ref, other);
            INFO(dendrites << " dendrites, " << method << " vs bdf-dense: " << d);
            // Both runs use rtol 1e-9, atol 1e-12 on O(1) potentials; their global errors are
            // each well below 1e-6, so they must agree to that.
            CHECK(d < 1e-6);
        }
    }
}

TEST_CASE("the Euler mode converges at first order as dt halves", "[circuits][solvers]") {
    const auto ref = run_states(recurrent_model("bdf-dense", "dynamic", 50.0), 1.0);
    std::vector<double> errors;
    for (double dt : {0.02, 0.01, 0.005}) {
        model_desc m = recurrent_model("euler", "dynamic", 50.0);
        m.solver.dt_ms = dt;
        errors.push_back(max_abs_diff(ref, run_states(m, 1.0)));
    }
    INFO("errors " << errors[0] << ", " << errors[1] << ", " << errors[2]);
    CHECK(errors[2] < 1e-2);
    for (int k = 0; k < 2; ++k) {
        const double ratio = errors[k] / errors[k + 1];
        CHECK(ratio > 1.8);  // first order: the error halves with dt
        CHECK(ratio < 2.2);
    }
}

TEST_CASE("auto picks Adams for non-stiff models and BDF for stiff ones", "[circuits][solvers]") {
    network plain(lower(recurrent_model("auto", "instantaneous")));
    CHECK(plain.max_local_rate() == Approx(0.1 + 1.0 + 0.8 + 0.8));  // P2 with its teacher
    // 100 ms with switches at 20, 30, 40, 60, 70, 80: segments of 100 / 7 ms.
    CHECK(plain.mean_segment_ms() == Approx(100.0 / 7.0));
    CHECK(plain.integrator_options().kind == ode::solver_kind::adams);
    model_desc stiff = recurrent_model("auto", "dynamic");
    stiff.populations[1].params["tau_basal_ms"] = 0.01;  // 100/ms: explicit steps would crawl
    network medium(lower(stiff));  // 44 states: above the dense LU's 20
    CHECK(medium.size() == 44);
    CHECK(medium.integrator_options().kind == ode::solver_kind::bdf_gmres);
    stiff.populations[1].size = 200;
    network large(lower(stiff));
    CHECK(large.integrator_options().kind == ode::solver_kind::bdf_gmres);
    // A tiny stiff model: one pyramidal population of 3 neurons, 9 states: dense LU.
    model_desc tiny = base_model(10.0, "auto");
    tiny.populations = {population("P", "pyramidal", 3, "dynamic")};
    tiny.populations[0].params["tau_basal_ms"] = 0.01;
    network small(lower(tiny));
    CHECK(small.size() == 9);
    CHECK(small.integrator_options().kind == ode::solver_kind::bdf_dense);
}

TEST_CASE("auto picks BDF-GMRES for non-stiff models with long quiet segments", "[circuits][solvers]") {
    // Segments x fastest local rate >= 150 (network_solver.cpp): 1000 ms with one switch at
    // 500 ms gives 500 ms segments, x 2.7/ms = 1350.
    model_desc m = recurrent_model("auto", "dynamic", 1000.0);
    m.stimuli = {stimulus("in", "rate", {0, 500}, {{0.1, 0.9, 0.4, 0.0, 0.7}, {0.4}}),
                 stimulus("P2", "nudge", {0}, {{1.0, -0.5, 2.0, 0.0}})};
    network quiet(lower(m));
    CHECK(quiet.mean_segment_ms() == Approx(500.0));
    CHECK(quiet.integrator_options().kind == ode::solver_kind::bdf_gmres);
    // A task restarts the integrator for every pattern: short segments, Adams.
    CHECK(quiet.integrator_options(true).kind == ode::solver_kind::adams);
    // Noise redrawn every 0.1 ms restarts CVODE as often: Adams.
    m.populations[1].params["noise_sigma"] = 0.01;
    network noisy(lower(m));
    CHECK(noisy.mean_segment_ms() < 0.11);
    CHECK(noisy.integrator_options().kind == ode::solver_kind::adams);
    // Just below the threshold (segments of 50 ms: 135): Adams.
    m.populations[1].params.erase("noise_sigma");
    m.simulation.duration_ms = 100.0;
    m.stimuli[0].times_ms = {0, 50};
    network shorter(lower(m));
    CHECK(shorter.mean_segment_ms() * shorter.max_local_rate() == Approx(135.0));
    CHECK(shorter.integrator_options().kind == ode::solver_kind::adams);
}

TEST_CASE("a runaway network fails with a numerical error naming the neuron", "[circuits][solvers]") {
    // Strong positive recurrence through a linear transfer: u grows without bound.
    model_desc m = base_model(1000.0, "bdf-dense", 1e-6, 1e-8);
    m.populations = {population("P", "pyramidal", 2)};
    m.populations[0].transfer = std::string("linear");
    m.populations[0].initial["u_soma"] = 1.0;
    m.projections = {proj_desc("P", "P", "basal", 5.0, 5.0)};
    m.solver.max_abs_state = 1e3;
    network net(lower(m));
    simulation sim(net, net.integrator_options(), 1e-8);
    try {
        sim.run(1000.0);
        FAIL("no numerical error");
    } catch (const numerical_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("population 'P' neuron 0 u_soma"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("exceeds max_abs_state"));
        CHECK(e.t_ms() > 0.0);
        CHECK(e.t_ms() < 1000.0);
    }
}

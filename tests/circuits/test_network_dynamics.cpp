// Network dynamics against closed-form solutions (issue 2, "Tests that must pass").
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <cmath>

#include "../test_models.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("a passive compartment relaxes as exp(-t/tau)", "[circuits][analytic]") {
    for (const std::string method : {"bdf-dense", "bdf-gmres", "adams"}) {
        model_desc m = base_model(60.0, method, 1e-9, 1e-14);
        m.populations = {population("cell", "pyramidal", 1)};
        m.populations[0].params["g_lk"] = 0.1;  // only the leak: tau = C / g_lk = 20 ms
        m.populations[0].params["g_B"] = 0.0;
        m.populations[0].params["g_A"] = 0.0;
        m.populations[0].params["C"] = 2.0;
        m.populations[0].initial["u_soma"] = 1.0;
        network net(lower(m));
        simulation sim(net, net.integrator_options(), 1e-14);
        double max_rel = 0.0;
        sim.add_sampler(0.5, [&](double t, const double* y) {
            max_rel = std::max(max_rel, std::fabs(y[0] - std::exp(-t / 20.0)) / std::exp(-t / 20.0));
        });
        sim.run(60.0);
        INFO(method << ": max relative error " << max_rel);
        // The bound: 1e-6 at rtol 1e-9 (global error accumulates to ~100 rtol at most).
        CHECK(max_rel < 1e-6);
    }
}

TEST_CASE("soma and dynamic dendrite match the 2x2 eigen-solution", "[circuits][analytic]") {
    // Pyramidal soma coupled to a dynamic basal dendrite with back-coupling b and a constant
    // current I into the dendrite (apical coupling off):
    //   C du/dt = -g_lk u + g_B (v - u);  tau dv/dt = -v + I + b (u - v)
    const double C = 1.0, g_lk = 0.1, g_B = 0.6, tau = 5.0, b = 0.5, I = 2.0;
    model_desc m = base_model(40.0, "bdf-dense", 1e-10, 1e-14);
    m.populations = {population("cell", "pyramidal", 1, "dynamic")};
    auto& p = m.populations[0];
    p.params["g_lk"] = g_lk;
    p.params["g_B"] = g_B;
    p.params["g_A"] = 0.0;
    p.params["tau_basal_ms"] = tau;
    p.params["g_back_basal"] = b;
    p.initial["u_soma"] = 1.0;
    p.initial["v_basal"] = -0.5;
    m.stimuli = {stimulus("cell", "current", {0.0}, {{I}}, "basal")};

    Eigen::Matrix2d A;
    A << -(g_lk + g_B) / C, g_B / C, b / tau, -(1.0 + b) / tau;
    const Eigen::Vector2d f(0.0, I / tau);
    const Eigen::Vector2d x_ss = -A.inverse() * f;
    Eigen::EigenSolver<Eigen::Matrix2d> es(A);
    REQUIRE(es.eigenvalues().imag().norm() == 0.0);  // real, distinct: two decay rates
    const Eigen::Matrix2d V = es.eigenvectors().real();
    const Eigen::Vector2d lambda = es.eigenvalues().real();
    const Eigen::Matrix2d W = V.inverse();  // rows: left eigenvectors
    const Eigen::Vector2d x0(1.0, -0.5);
    const Eigen::Vector2d c = W * (x0 - x_ss);

    network net(lower(m));
    REQUIRE(net.size() == 3);  // u, v_basal, v_apical (the apical is dynamic but decoupled)
    const std::size_t iu = net.soma_offset(0), iv = net.dendrite_offset(0, 0);
    simulation sim(net, net.integrator_options(), 1e-14);
    std::vector<std::pair<double, Eigen::Vector2d>> traj;
    sim.add_sampler(0.25, [&](double t, const double* y) { traj.push_back({t, {y[iu], y[iv]}}); });
    sim.run(40.0);

    double max_err = 0.0;
    for (const auto& [t, x] : traj) {
        const Eigen::Vector2d exact =
            x_ss + V * Eigen::Vector2d(c[0] * std::exp(lambda[0] * t), c[1] * std::exp(lambda[1] * t));
        max_err = std::max(max_err, (x - exact).cwiseAbs().maxCoeff());
    }
    CHECK(max_err < 1e-7);  // rtol 1e-10 on O(1) values, accumulated over ~100 steps

    // Each decay rate, measured from the trajectory's projection on its left eigenvector.
    for (int k = 0; k < 2; ++k) {
        const auto proj = [&](const Eigen::Vector2d& x) { return W.row(k).dot(x - x_ss); };
        const double t1 = traj[4].first, t2 = traj[12].first;
        const double rate = std::log(proj(traj[12].second) / proj(traj[4].second)) / (t2 - t1);
        INFO("mode " << k << ": measured " << rate << ", eigenvalue " << lambda[k]);
        CHECK_THAT(rate, WithinRel(lambda[k], 1e-5));
    }
}

TEST_CASE("pyramidal soma settles at (g_B v_B + g_A v_A) / (g_lk + g_B + g_A)", "[circuits][analytic]") {
    model_desc m = base_model(100.0, "bdf-dense", 1e-10, 1e-14);
    m.populations = {population("x", "input", 3), population("top", "input", 2),
                     population("cell", "pyramidal", 4)};
    m.projections = {proj_desc("x", "cell", "basal", -1.0, 1.0),
                     proj_desc("top", "cell", "apical", -1.0, 1.0)};
    m.stimuli = {stimulus("x", "rate", {0.0}, {{0.2, 0.5, 0.9}}),
                 stimulus("top", "rate", {0.0}, {{0.7, 0.3}})};
    network net(lower(m));
    simulation sim(net, net.integrator_options(), 1e-14);
    sim.run(100.0);  // tau = 1 / 1.9 ms: 190 time constants, fully settled
    const double* y = sim.state().data();
    net.observe(100.0, y);

    const Eigen::VectorXd r_x = Eigen::Vector3d(0.2, 0.5, 0.9), r_top = Eigen::Vector2d(0.7, 0.3);
    const Eigen::VectorXd vB = net.projections()[0].weights() * r_x;
    const Eigen::VectorXd vA = net.projections()[1].weights() * r_top;
    const variable_ref basal = net.resolve_variable(2, "v_basal"), apical = net.resolve_variable(2, "v_apical");
    for (int i = 0; i < 4; ++i) {
        // Instantaneous dendrites: v_B = W r exactly (same mat-vec, up to summation order).
        CHECK_THAT(net.value(2, basal, i, y), WithinAbs(vB[i], 1e-15));
        CHECK_THAT(net.value(2, apical, i, y), WithinAbs(vA[i], 1e-15));
        const double u_ss = (1.0 * vB[i] + 0.8 * vA[i]) / (0.1 + 1.0 + 0.8);
        CHECK_THAT(y[net.soma_offset(2) + i], WithinAbs(u_ss, 1e-9));
    }
}

TEST_CASE("nudging pulls the soma towards its target with g_som", "[circuits][analytic]") {
    model_desc m = base_model(200.0, "bdf-dense", 1e-10, 1e-14);
    m.populations = {population("x", "input", 2), population("out", "pyramidal", 2)};
    m.populations[1].params["g_A"] = 0.0;
    m.projections = {proj_desc("x", "out", "basal", 0.5, 0.5)};
    m.stimuli = {stimulus("x", "rate", {0.0}, {{1.0, 2.0}}),
                 stimulus("out", "nudge", {0.0}, {{3.0, -0.2}})};
    m.stimuli[1].g_som = 0.8;
    network net(lower(m));
    simulation sim(net, net.integrator_options(), 1e-14);
    sim.run(200.0);
    const double vB = 0.5 * 1.0 + 0.5 * 2.0;
    // Balanced conductances act as g_som (u_trgt - u) (Urbanczik & Senn 2014), so
    // u_ss = (g_B v_B + g_som u_trgt) / (g_lk + g_B + g_som).
    CHECK_THAT(sim.state()[0], WithinAbs((vB + 0.8 * 3.0) / (0.1 + 1.0 + 0.8), 1e-9));
    CHECK_THAT(sim.state()[1], WithinAbs((vB - 0.8 * 0.2) / (0.1 + 1.0 + 0.8), 1e-9));
}

TEST_CASE("a current step is hit exactly: the solution follows the piecewise closed form",
          "[circuits][analytic]") {
    // Leak-only soma, I = 1 on [10, 25) ms then 0: u(t) piecewise exponential.
    model_desc m = base_model(40.0, "bdf-dense", 1e-10, 1e-14);
    m.populations = {population("cell", "pyramidal", 1)};
    m.populations[0].params["g_B"] = 0.0;
    m.populations[0].params["g_A"] = 0.0;
    m.stimuli = {stimulus("cell", "current", {10.0}, {{1.0}})};
    m.stimuli[0].stop_ms = 25.0;
    network net(lower(m));
    CHECK(net.next_discontinuity_after(0.0) == 10.0);
    CHECK(net.next_discontinuity_after(10.0) == 25.0);
    simulation sim(net, net.integrator_options(), 1e-14);
    double max_err = 0.0;
    sim.add_sampler(0.1, [&](double t, const double* y) {
        const double tau = 10.0, u_inf = 10.0;  // C / g_lk and I / g_lk
        const double u25 = u_inf * (1 - std::exp(-15.0 / tau));
        const double exact = t < 10 ? 0.0 : t < 25 ? u_inf * (1 - std::exp(-(t - 10) / tau))
                                                  : u25 * std::exp(-(t - 25) / tau);
        max_err = std::max(max_err, std::fabs(y[0] - exact));
    });
    sim.run(40.0);
    CHECK(max_err < 1e-7);  // O(10) values at rtol 1e-10; smearing a jump would cost ~1e-2
    CHECK(sim.stats().reinits >= 2);
}

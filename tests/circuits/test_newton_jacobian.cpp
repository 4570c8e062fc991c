// [solver] newton_jacobian = "neuron_blocks": bdf-gmres' Newton iteration with only each
// neuron's own compartments as its Jacobian (network::local_jac_times). The Jacobian may change
// how many evaluations a step costs, never the solution: these tests hold both Newton variants
// to a tight independent-method reference (Adams at rtol 1e-10) on a network shaped like the
// Brian2 benchmark's (bench/brian2_side_by_side.py), and check the evaluations it saves.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../test_models.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// Inputs switching every 10 ms into recurrent pyramidal neurons with dynamic dendrites
/// (recurrent basal and apical weights of the benchmark's scale, 4 / sqrt(k)), interneurons
/// and a nudging projection, so every kind of block and coupling is present.
model_desc blocks_model(const std::string& newton_jacobian, const std::string& method, double rtol) {
    model_desc m = base_model(60.0, method, rtol, rtol * 1e-2);
    m.solver.newton_jacobian = newton_jacobian;
    m.populations = {population("in", "input", 20), population("P", "pyramidal", 120, "dynamic"),
                     population("I", "interneuron", 24, "dynamic"),
                     population("Q", "pyramidal", 24, "instantaneous")};
    m.populations[1].params["g_back_basal"] = 0.2;
    const double b = 4.0 / std::sqrt(40.0), a = 4.0 / std::sqrt(20.0);
    m.projections = {sparse_proj_desc("in", "P", "basal", 8, 0.0, 0.5),
                     sparse_proj_desc("P", "P", "basal", 40, -b, b),
                     sparse_proj_desc("P", "P", "apical", 20, -a, a),
                     sparse_proj_desc("I", "P", "apical", 5, -0.5, 0.0),
                     sparse_proj_desc("P", "I", "dendrite", 16, 0.0, 0.5),
                     sparse_proj_desc("P", "Q", "basal", 10, -0.5, 0.5)};
    m.projections.push_back(nudging_proj_desc("Q", "I", 0.8));
    m.stimuli = {stepped_rates("in", 6, 10.0, 0.1, 0.3)};
    return m;
}

struct trajectory {
    std::vector<std::vector<double>> states;
    ode::integrator_stats stats;
};

trajectory run(const model_desc& m) {
    network net(lower(m));
    simulation sim(net, net.integrator_options(), net.model().solver.atol);
    trajectory out;
    sim.add_sampler(0.5, [&](double, const double* y) { out.states.emplace_back(y, y + net.size()); });
    sim.run(net.model().duration_ms);
    out.stats = sim.stats();
    return out;
}

double max_deviation(const trajectory& a, const trajectory& b) {
    REQUIRE(a.states.size() == b.states.size());
    double worst = 0.0;
    for (std::size_t k = 0; k < a.states.size(); ++k)
        for (std::size_t i = 0; i < a.states[k].size(); ++i)
            worst = std::max(worst, std::fabs(a.states[k][i] - b.states[k][i]));
    return worst;
}

} // namespace

TEST_CASE("newton_jacobian lowers to the integrator's option and defaults to full",
          "[circuits][solvers]") {
    CHECK(lower(blocks_model("full", "bdf-gmres", 1e-6)).solver.newton_jacobian ==
          ode::newton_jacobian::full);
    const network net(lower(blocks_model("neuron_blocks", "bdf-gmres", 1e-6)));
    CHECK(net.integrator_options().jacobian == ode::newton_jacobian::neuron_blocks);
    CHECK(solver_desc{}.newton_jacobian.value == "full");
    CHECK(lowered_solver{}.newton_jacobian == ode::newton_jacobian::full);
}

TEST_CASE("neuron-block Newton keeps bdf-gmres' accuracy and saves right-hand sides",
          "[circuits][solvers]") {
    const trajectory reference = run(blocks_model("full", "adams", 1e-10));
    for (const double rtol : {1e-5, 1e-7}) {
        CAPTURE(rtol);
        const trajectory full = run(blocks_model("full", "bdf-gmres", rtol));
        const trajectory blocks = run(blocks_model("neuron_blocks", "bdf-gmres", rtol));
        const double dev_full = max_deviation(full, reference);
        const double dev_blocks = max_deviation(blocks, reference);
        CAPTURE(dev_full, dev_blocks, full.stats.rhs_evals, blocks.stats.rhs_evals,
                full.stats.steps, blocks.stats.steps);
        // The reference's own error (rtol 1e-10) is negligible next to these. Both variants
        // control the same local error, so their global errors are of one size: a factor 3
        // allows for different step sequences; a Newton iteration stopped short of the
        // solution (a wrongly wired Jacobian-vector product) shows as errors far above it.
        CHECK(dev_full < 100.0 * rtol);
        CHECK(dev_blocks < 100.0 * rtol);
        CHECK(dev_blocks < 3.0 * dev_full);
        // The reason for the option: GMRES no longer evaluates the right-hand side for J v.
        // Measured here: 0.54 of full's evaluations at both tolerances (395 / 736 and
        // 691 / 1,280, equal step counts); 0.8 fails if the option is not wired.
        CHECK(blocks.stats.rhs_evals < 0.8 * full.stats.rhs_evals);
        CHECK(full.stats.lin_iters > 0);
    }
}

TEST_CASE("newton_jacobian has no effect on methods other than bdf-gmres", "[circuits][solvers]") {
    for (const std::string method : {"adams", "bdf-dense"}) {
        CAPTURE(method);
        model_desc m = blocks_model("full", method, 1e-6);
        const trajectory full = run(m);
        m.solver.newton_jacobian = std::string("neuron_blocks");
        const trajectory blocks = run(m);
        CHECK(max_deviation(full, blocks) == 0.0);
        CHECK(full.stats.rhs_evals == blocks.stats.rhs_evals);
    }
}

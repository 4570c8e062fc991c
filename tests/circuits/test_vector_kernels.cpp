// CVODE with cortexsim's -O3 N_Vector kernels integrates a network to exactly the same bits as
// with SUNDIALS' own kernels (issue 6; core/ode/serial_vector_kernels.hpp). The operation-level
// comparison is tests/core/test_serial_vector_kernels.cpp; this one shows that nothing else
// changes either: every sampled state is == and CVODE takes the same steps.
#include <catch2/catch.hpp>

#include "../test_models.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// The benchmark's shape (bench/scaling.cpp) in small, plus what restarts CVODE often: inputs
/// switching every 10 ms, a low-pass filtered input, somatic noise redrawn every 2 ms and a
/// nudging projection. With n_pyr = 200 the state (3 n_pyr + 2 n_int + n_in) exceeds the
/// 512-element blocks of the fused linear combination.
model_desc kernel_model(const std::string& method, long n_pyr) {
    model_desc m = base_model(40.0, method, 1e-6, 1e-8);
    const long n_int = n_pyr / 5, n_in = 20;
    m.populations = {population("in", "input", n_in), population("P", "pyramidal", n_pyr, "dynamic"),
                     population("I", "interneuron", n_int, "dynamic"),
                     population("Q", "pyramidal", n_int, "instantaneous")};
    m.populations[0].params["tau_ms"] = 3.0;
    m.populations[1].params["noise_sigma"] = 0.05;
    m.populations[1].params["g_back_basal"] = 0.2;
    m.simulation.noise_interval_ms = 2.0;
    m.projections = {sparse_proj_desc("in", "P", "basal", 8, 0.0, 0.5), sparse_proj_desc("P", "P", "basal", 12, -0.5, 0.5),
                     sparse_proj_desc("P", "P", "apical", 6, -0.5, 0.5), sparse_proj_desc("I", "P", "apical", 5, -0.5, 0.0),
                     sparse_proj_desc("P", "I", "dendrite", 16, 0.0, 0.5), sparse_proj_desc("P", "Q", "basal", 10, -0.5, 0.5)};
    m.projections.push_back(nudging_proj_desc("Q", "I", 0.8));
    m.stimuli = {stepped_rates("in", 4, 10.0, 0.1, 0.2)};
    return m;
}

struct trajectory {
    std::vector<std::vector<double>> states;
    ode::integrator_stats stats;
};

trajectory run_with(const model_desc& m, ode::vector_kernels kernels) {
    network net(lower(m));
    ode::integrator_options o = net.integrator_options();
    o.kernels = kernels;
    simulation sim(net, o, net.model().solver.atol);
    trajectory out;
    sim.add_sampler(0.5, [&](double, const double* y) { out.states.emplace_back(y, y + net.size()); });
    sim.run(net.model().duration_ms);
    out.stats = sim.stats();
    return out;
}

} // namespace

TEST_CASE("cortexsim's vector kernels give bit-identical trajectories to SUNDIALS' own",
          "[circuits][solvers][kernels]") {
    // bdf-dense forms a dense difference-quotient Jacobian at every restart: a smaller network
    // keeps it quick (the kernels do not depend on the size beyond the block tests above).
    for (const auto& [method, n_pyr] : std::vector<std::pair<std::string, long>>{
             {"adams", 200}, {"bdf-gmres", 200}, {"bdf-dense", 30}}) {
        SECTION(method) {
            const model_desc m = kernel_model(method, n_pyr);
            const trajectory stock = run_with(m, ode::vector_kernels::sundials);
            const trajectory ours = run_with(m, ode::vector_kernels::cortexsim);
            REQUIRE(stock.states.size() == 81);
            CHECK(stock.states.front().size() > (n_pyr > 100 ? 512u : 0u));
            std::size_t differing = 0;
            for (std::size_t k = 0; k < stock.states.size(); ++k)
                differing += stock.states[k] == ours.states[k] ? 0 : 1;
            INFO(method << ": " << differing << " of " << stock.states.size() << " samples differ");
            CHECK(differing == 0);
            CHECK(stock.stats.steps == ours.stats.steps);
            CHECK(stock.stats.rhs_evals == ours.stats.rhs_evals);
            CHECK(stock.stats.nonlin_iters == ours.stats.nonlin_iters);
            CHECK(stock.stats.lin_iters == ours.stats.lin_iters);
            CHECK(stock.stats.err_test_fails == ours.stats.err_test_fails);
            CHECK(stock.stats.steps > 100);
        }
    }
}

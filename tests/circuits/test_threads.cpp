// The projections' mat-vec split over threads (circuits/threads.hpp, issue 6) gives the same
// bits as one thread, and as Eigen's sparse product it replaced: every row is summed by one
// thread in storage order.
#include <catch2/catch.hpp>

#include <Eigen/Sparse>

#include "../test_models.hpp"
#include "circuits/threads.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// Restores the thread count when the test ends.
class thread_count_guard {
public:
    thread_count_guard() : saved_(worker_threads()) {}
    ~thread_count_guard() { set_worker_threads(saved_); }
    thread_count_guard(const thread_count_guard&) = delete;
    thread_count_guard& operator=(const thread_count_guard&) = delete;

private:
    int saved_;
};

/// Projections above the parallel threshold (P -> P basal: 300 x 80 = 24,000 synapses) and
/// below it, with a gated (gain != 1) projection, inputs switching every 10 ms.
model_desc threaded_model(const std::string& method) {
    model_desc m = base_model(30.0, method, 1e-6, 1e-8);
    m.populations = {population("in", "input", 50), population("P", "pyramidal", 300, "dynamic"),
                     population("I", "interneuron", 60, "dynamic")};
    m.projections = {sparse_proj_desc("in", "P", "basal", 40, 0.0, 0.3), sparse_proj_desc("P", "P", "basal", 80, -0.4, 0.4),
                     sparse_proj_desc("P", "P", "apical", 60, -0.4, 0.4), sparse_proj_desc("I", "P", "apical", 20, -0.5, 0.0),
                     sparse_proj_desc("P", "I", "dendrite", 100, 0.0, 0.3)};
    m.stimuli = {stepped_rates("in", 3, 10.0, 0.2, 0.3)};
    return m;
}

} // namespace

TEST_CASE("one and two threads give bit-identical trajectories", "[circuits][threads]") {
    thread_count_guard guard;
    if (!openmp_enabled()) WARN("built without OpenMP: both runs are serial");
    for (const std::string method : {"adams", "bdf-gmres"}) {
        const model_desc m = threaded_model(method);
        set_worker_threads(1);
        REQUIRE(worker_threads() == 1);
        const auto one = run_states(m, 0.5);
        set_worker_threads(2);
        if (openmp_enabled()) REQUIRE(worker_threads() == 2);
        const auto two = run_states(m, 0.5);
        REQUIRE(one.size() == 61);
        std::size_t differing = 0;
        for (std::size_t k = 0; k < one.size(); ++k) differing += one[k] == two[k] ? 0 : 1;
        INFO(method << ": " << differing << " samples differ");
        CHECK(differing == 0);
    }
}

TEST_CASE("the threaded mat-vec equals Eigen's sparse product bit for bit", "[circuits][threads]") {
    thread_count_guard guard;
    network net(lower(threaded_model("adams")));
    projection& pr = net.projection_at(1);  // P -> P basal, above the parallel threshold
    REQUIRE(pr.synapse_count() == 300 * 80);
    const Eigen::SparseMatrix<double, Eigen::RowMajor> W = pr.weights().sparseView();
    Eigen::VectorXd r(300), start(300);
    for (int j = 0; j < 300; ++j) {
        r[j] = 0.01 * ((j * 37) % 101) - 0.3;
        start[j] = 0.001 * j;
    }
    for (const double gain : {1.0, 0.35}) {
        pr.set_gain(gain);
        const Eigen::VectorXd expected = start + gain * (W * r);
        for (const int threads : {1, 2, 3}) {
            set_worker_threads(threads);
            Eigen::VectorXd out = start;
            pr.accumulate(r.data(), out.data());
            INFO("gain " << gain << ", " << threads << " threads");
            CHECK(out == expected);
        }
    }
}

// Same seed, same bits; another seed, other weights (issue 2).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_models.hpp"
#include "circuits/experiments/session.hpp"
#include "../file_text.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {
std::string run_and_read(model_desc m, std::uint64_t seed, const std::string& dir) {
    m.simulation.seed = seed;
    record_desc r;
    r.population = std::string("P1");
    r.variables = {std::string("u_soma"), std::string("v_apical"), std::string("rate")};
    r.interval_ms = 0.5;
    m.records = {r};
    const fs::path out = fs::temp_directory_path() / ("cortexsim_repro_" + dir);
    fs::remove_all(out);
    run_options o;
    o.out_dir = out.string();
    o.show_progress = false;
    std::ostringstream log;
    run_model(m, o, log);
    const std::string csv = slurp(out / "P1.csv");
    fs::remove_all(out);
    return csv;
}
} // namespace

TEST_CASE("the same seed gives bit-identical traces and different seeds differ", "[circuits][seed]") {
    for (const std::string method : {"bdf-gmres", "euler"}) {
        model_desc m = recurrent_model(method, "dynamic", 60.0);
        m.projections[0].connectivity = std::string("fixed_probability");
        m.projections[0].probability = 0.5;
        const std::string a = run_and_read(m, 42, "a"), b = run_and_read(m, 42, "b");
        const std::string c = run_and_read(m, 43, "c");
        CHECK(a.size() > 1000);
        CHECK(a == b);
        CHECK(a != c);
    }
}

TEST_CASE("weights depend on the seed and the projection's own name only", "[circuits][seed]") {
    model_desc m = recurrent_model("bdf-dense", "instantaneous");
    network n1(lower(m));
    // Adding an unrelated projection must not change the existing projections' weights.
    m.projections.push_back(proj_desc("in", "I1", "soma", -1.0, 1.0));
    network n2(lower(m));
    for (std::size_t k = 0; k < n1.projections().size(); ++k)
        CHECK(n1.projections()[k].weights() == n2.projections()[k].weights());
}

TEST_CASE("connectivity rules produce what they promise", "[circuits]") {
    model_desc m = base_model(10.0);
    m.populations = {population("a", "pyramidal", 200), population("b", "pyramidal", 150)};
    auto p = proj_desc("a", "b", "basal", 0.1, 0.2);
    p.connectivity = std::string("fixed_indegree");
    p.indegree = 17;
    auto q = proj_desc("a", "a", "apical", -0.3, -0.1);
    q.name = std::string("recurrent");
    q.connectivity = std::string("fixed_probability");
    q.probability = 0.1;
    q.allow_autapses = false;
    q.sign = std::string("inhibitory");
    m.projections = {p, q};
    network net(lower(m));
    const Eigen::MatrixXd W = net.projections()[0].weights();
    for (int i = 0; i < W.rows(); ++i) CHECK((W.row(i).array() != 0.0).count() == 17);
    CHECK(net.projections()[0].synapse_count() == 150 * 17);
    const Eigen::MatrixXd R = net.projections()[1].weights();
    CHECK(R.diagonal().isZero());
    CHECK((R.array() <= 0.0).all());
    // Binomial(200 * 200 - 200, 0.1): mean 3980, sd ~60; 5 sd either side.
    const auto n = static_cast<double>(net.projections()[1].synapse_count());
    CHECK(n > 3980 - 300);
    CHECK(n < 3980 + 300);
}

namespace {
/// The fixed_indegree draw as first implemented (O(n_source) per row): a partial Fisher-Yates
/// shuffle over the materialised list of allowed sources, each row's sources sorted, then one
/// uniform weight per synapse. The O(k) sparse shuffle in projection.cpp must reproduce it, so
/// a seed keeps its network across versions.
Eigen::MatrixXd dense_shuffle_reference(std::uint64_t seed, const std::string& name, std::size_t n_source,
                                        std::size_t n_target, std::size_t k, bool exclude_autapses,
                                        double low, double high) {
    rng gen(seed, "projection:" + name);
    Eigen::MatrixXd W = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_target),
                                              static_cast<Eigen::Index>(n_source));
    for (std::size_t i = 0; i < n_target; ++i) {
        std::vector<std::size_t> scratch, out;
        for (std::size_t j = 0; j < n_source; ++j)
            if (!(exclude_autapses && i == j)) scratch.push_back(j);
        for (std::size_t s = 0; s < k; ++s) {
            const std::size_t r = s + gen.below(scratch.size() - s);
            std::swap(scratch[s], scratch[r]);
            out.push_back(scratch[s]);
        }
        std::sort(out.begin(), out.end());
        for (std::size_t j : out)
            W(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = gen.uniform(low, high);
    }
    return W;
}
} // namespace

TEST_CASE("fixed_indegree draws the same sources and weights as the dense shuffle", "[circuits][seed]") {
    // Recurrent without autapses (the p-th allowed source skips the target itself), recurrent
    // with autapses, feed-forward, and k equal to all allowed sources (a full shuffle).
    model_desc m = base_model(10.0);
    m.populations = {population("a", "pyramidal", 300), population("b", "pyramidal", 120)};
    auto p = [](const std::string& src, const std::string& tgt, const std::string& comp, long k,
                bool autapses) {
        projection_desc d = proj_desc(src, tgt, comp, -0.5, 0.7);
        d.connectivity = std::string("fixed_indegree");
        d.indegree = k;
        d.allow_autapses = autapses;
        return d;
    };
    m.projections = {p("a", "a", "basal", 40, false), p("a", "a", "apical", 25, true),
                     p("a", "b", "basal", 290, true), p("b", "b", "apical", 119, false)};
    for (const std::uint64_t seed : {1u, 77u}) {
        m.simulation.seed = seed;
        network net(lower(m));
        for (std::size_t k = 0; k < m.projections.size(); ++k) {
            const projection& pr = net.projections()[k];
            const bool same = pr.desc().source == pr.desc().target;
            const Eigen::MatrixXd ref = dense_shuffle_reference(
                seed, pr.desc().name, pr.source_size(), pr.target_size(), pr.desc().indegree,
                same && !pr.desc().allow_autapses, -0.5, 0.7);
            INFO("seed " << seed << " projection " << pr.desc().name);
            CHECK(pr.weights() == ref);
        }
    }
}

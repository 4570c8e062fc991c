// Same seed, same bits; another seed, other weights (issue 2).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_models.hpp"
#include "tools/cli/run_model.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

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

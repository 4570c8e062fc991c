// Weight records and sampled neurons (`[[record]] projection = ..., what = ...`, `sample = N`):
// the values in report.h5 and the CSV files equal the network's weights at the sample times,
// and a resolved model reproduces them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "../h5_read.hpp"
#include "../test_models.hpp"
#include "cli_runner.hpp"
#include "circuits/experiments/run_outputs.hpp"
#include "../file_text.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {

const std::string model_file = std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/weight_records.toml";

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("cortexsim_weights_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

struct snapshot {
    double t_ms;
    Eigen::MatrixXd w;
};

/// Mean, std (population), min, max, mean |w| over the synapses, computed here independently.
std::vector<double> stats_of(const Eigen::MatrixXd& w, const std::vector<std::uint8_t>& mask) {
    std::vector<double> x;
    for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index j = 0; j < w.cols(); ++j)
            if (mask[static_cast<std::size_t>(i * w.cols() + j)]) x.push_back(w(i, j));
    double mean = 0, mean_abs = 0, lo = x[0], hi = x[0];
    for (double v : x) {
        mean += v / static_cast<double>(x.size());
        mean_abs += std::fabs(v) / static_cast<double>(x.size());
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    double var = 0;
    for (double v : x) var += (v - mean) * (v - mean) / static_cast<double>(x.size());
    return {mean, std::sqrt(var), lo, hi, mean_abs};
}

} // namespace

TEST_CASE("weight records hold the projection's weights at every sample time", "[cli][hdf5]") {
    model_desc desc = config::load_model_file(model_file);
    expand_templates(desc);
    network net(lower(desc));
    const lowered_model& m = net.model();
    REQUIRE(m.weight_records.size() == 4);
    simulation sim(net, net.integrator_options(), m.solver.atol, m.solver.atol_per_variable);
    sim.add_periodic_update(m.plasticity_interval_ms, [&net, &m](double t, double* y) {
        return net.apply_plasticity(t, y, m.plasticity_interval_ms);
    });

    const fs::path dir = fresh_dir("values");
    run_options options;
    options.precision = sample_precision::float64;  // exact comparison
    stop_check stop(nullptr);
    // The reference: the network's own matrices, taken by a sampler of the same interval.
    // Samplers of one time all run before that time's plasticity step, so they see the same W.
    std::vector<std::vector<snapshot>> truth(m.weight_records.size());
    {
        run_outputs outputs(net, desc, options, dir.string(), sim, stop);
        for (std::size_t k = 0; k < m.weight_records.size(); ++k) {
            const lowered_weight_record& r = m.weight_records[k];
            sim.add_sampler(r.interval_ms, [&truth, &net, r, k](double t, const double*) {
                truth[k].push_back({t, net.projections()[r.projection].weights()});
            });
        }
        sim.run(m.duration_ms);
        run_result result;
        outputs.close(result);
    }
    CHECK(m.weight_records[0].name == "P1_to_I1.dendrite");
    CHECK(m.weight_records[1].name == "input_to_P1.basal");
    CHECK(m.weight_records[2].name == "sparse");
    CHECK(m.weight_records[3].name == "sparse");  // another kind: its own name space

    const h5_id file = h5_open((dir / "report.h5").string());
    const hid_t f = file.get();
    for (std::size_t n = 0; n < m.weight_records.size(); ++n) {
        const lowered_weight_record& r = m.weight_records[n];
        INFO(r.name);
        const projection& p = net.projections()[r.projection];
        const std::vector<snapshot>& want = truth[n];
        REQUIRE(want.size() == static_cast<std::size_t>(std::llround(200.0 / r.interval_ms)) + 1);
        const std::vector<std::uint8_t> mask = p.connection_mask();
        if (r.kind == weight_record_kind::weights) {
            const std::string g = "/weights/" + r.name;
            const h5_dataset_info info = h5_info(f, g + "/data");
            CHECK(info.dims == std::vector<hsize_t>{want.size(), p.target_size(), p.source_size()});
            CHECK(h5_doubles(f, g + "/mapping/time") ==
                  std::vector<double>{0.0, r.interval_ms * static_cast<double>(want.size()),
                                      r.interval_ms});
            CHECK(h5_read<std::uint8_t>(f, g + "/mapping/connected", H5T_NATIVE_UINT8) == mask);
            CHECK(h5_string_attribute(f, g, "projection") ==
                  std::vector<std::string>{p.desc().name});
            const std::vector<double> data = h5_doubles(f, g + "/data");
            const csv_table csv = read_csv((dir / ("weights_" + r.name + ".csv")).string());
            REQUIRE(csv.rows.size() == want.size());
            std::size_t mismatches = 0;
            for (std::size_t k = 0; k < want.size(); ++k) {
                CHECK(csv.rows[k][0] == want[k].t_ms);
                std::size_t c = 1;  // CSV: synapses only, target by target
                for (Eigen::Index i = 0; i < want[k].w.rows(); ++i)
                    for (Eigen::Index j = 0; j < want[k].w.cols(); ++j) {
                        const std::size_t flat = static_cast<std::size_t>(i * want[k].w.cols() + j);
                        if (data[k * mask.size() + flat] != want[k].w(i, j)) ++mismatches;
                        if (mask[flat] && csv.rows[k][c++] != want[k].w(i, j)) ++mismatches;
                    }
            }
            CHECK(mismatches == 0);
        } else {
            const std::string g = "/weight_stats/" + r.name;
            const csv_table csv = read_csv((dir / ("weight_stats_" + r.name + ".csv")).string());
            CHECK(csv.columns == std::vector<std::string>{"mean", "std", "min", "max", "mean_abs"});
            REQUIRE(csv.rows.size() == want.size());
            const std::vector<double> t = h5_doubles(f, g + "/t_ms");
            REQUIRE(t.size() == want.size());
            for (std::size_t k = 0; k < want.size(); ++k) {
                CHECK(t[k] == want[k].t_ms);
                const std::vector<double> s = stats_of(want[k].w, mask);
                for (std::size_t c = 0; c < s.size(); ++c) {
                    const double h5 = h5_doubles(f, g + "/" + csv.columns[c])[k];
                    CHECK(csv.rows[k][c + 1] == h5);
                    // Summation order differs from the recorder's: equal to rounding.
                    CHECK_THAT(h5, Catch::Matchers::WithinAbs(s[c], 1e-14));
                }
            }
        }
    }
    // The plastic projection learned, so its snapshots differ; the sparse one has synapses of
    // weight 0 (rectified draws) that the mask still marks as synapses.
    const auto& plastic = truth[0];
    CHECK((plastic.front().w - plastic.back().w).norm() > 1e-3);
    const Eigen::MatrixXd sparse = net.projections()[m.weight_records[2].projection].weights();
    const std::vector<std::uint8_t> sparse_mask =
        net.projections()[m.weight_records[2].projection].connection_mask();
    std::size_t zero_synapses = 0, synapses = 0;
    for (std::size_t k = 0; k < sparse_mask.size(); ++k) {
        synapses += sparse_mask[k];
        if (sparse_mask[k] && sparse(static_cast<Eigen::Index>(k / 6), static_cast<Eigen::Index>(k % 6)) == 0.0)
            ++zero_synapses;
    }
    CHECK(synapses == 10);  // 5 targets x indegree 2
    CHECK(zero_synapses > 0);
    fs::remove_all(dir);
}

TEST_CASE("a sample of neurons is drawn from the seed and the record's name", "[cli][hdf5]") {
    model_desc desc = config::load_model_file(model_file);
    expand_templates(desc);
    const lowered_model m = lower(desc);
    REQUIRE(m.records.size() == 1);
    CHECK(m.records[0].name == "P1");
    // Pinned: partial Fisher-Yates over 0..5 with rng(seed, "record:P1"), then sorted. A change
    // here would change which neurons old models record.
    rng gen(5, "record:P1");
    std::vector<std::size_t> all = {0, 1, 2, 3, 4, 5};
    for (std::size_t k = 0; k < 3; ++k) std::swap(all[k], all[k + gen.below(6 - k)]);
    all.resize(3);
    std::sort(all.begin(), all.end());
    CHECK(m.records[0].neurons == all);
    // Reproducible, and other seeds draw other neurons.
    CHECK(lower(desc).records[0].neurons == all);
    std::set<std::vector<std::size_t>> draws;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        desc.simulation.seed.value = seed;
        draws.insert(lower(desc).records[0].neurons);
    }
    CHECK(draws.size() > 2);

    // The run records exactly those neurons, and its resolved model (which keeps `sample` and
    // the projection records) reproduces every file.
    const fs::path dir = fresh_dir("rerun");
    const cli_result first = cli("run " + model_file + " --quiet --out " + (dir / "a").string());
    INFO(first.out);
    REQUIRE(first.code == 0);
    {
        const h5_id file = h5_open((dir / "a" / "report.h5").string());
        const std::vector<std::uint64_t> nodes = h5_u64(file.get(), "/report/P1/mapping/node_ids");
        CHECK(std::vector<std::size_t>(nodes.begin(), nodes.end()) == all);
    }
    const std::string resolved = slurp(dir / "a" / "model.resolved.toml");
    CHECK_THAT(resolved, Catch::Matchers::Contains("sample = 3"));
    CHECK_THAT(resolved, Catch::Matchers::Contains(
                             "projection = \"P1->I1.dendrite\"\nwhat = \"weights\"\ninterval_ms = 10.0"));
    const cli_result again = cli("run " + (dir / "a" / "model.resolved.toml").string() +
                                 " --quiet --out " + (dir / "b").string());
    INFO(again.out);
    REQUIRE(again.code == 0);
    for (const std::string name : {"P1.csv", "weights_P1_to_I1.dendrite.csv", "weights_sparse.csv",
                                   "weight_stats_input_to_P1.basal.csv", "weight_stats_sparse.csv"}) {
        INFO(name);
        CHECK(slurp(dir / "a" / name) == slurp(dir / "b" / name));
    }
    fs::remove_all(dir);
}

TEST_CASE("snapshots of a large projection are refused when only CSV is written",
          "[cli][hdf5]") {
    const fs::path dir = fresh_dir("large");
    std::ofstream(dir / "large.toml") << R"([simulation]
duration_ms = 2.0

[[population]]
name = "a"
model = "input"
size = 100

[[population]]
name = "b"
model = "pyramidal"
size = 50

[[projection]]
source = "a"
target = "b"
compartment = "basal"
weights = 0.1

[[record]]
projection = "a->b.basal"
what = "weights"
interval_ms = 1.0
)";
    const std::string model = (dir / "large.toml").string();
    const cli_result csv = cli("run " + model + " --quiet --format csv --out " + (dir / "csv").string());
    CHECK(csv.code == 1);
    CHECK_THAT(csv.out, Catch::Matchers::Contains(
                            "the weights of projection 'a->b.basal' (5000 synapses) are too many "
                            "for a CSV file (at most 4096); run with --format hdf5 or both"));
    // With HDF5 the snapshots go to report.h5 only.
    const cli_result both = cli("run " + model + " --quiet --out " + (dir / "both").string());
    INFO(both.out);
    CHECK(both.code == 0);
    CHECK(fs::exists(dir / "both" / "report.h5"));
    CHECK_FALSE(fs::exists(dir / "both" / "weights_a_to_b.basal.csv"));
    fs::remove_all(dir);
}

// `cortexsim inspect RUN_DIR`: what it prints about a finished run, and its errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"

using cortexsim::testing::cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
const std::string data = std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/";

fs::path run_once(const std::string& model, const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("cortexsim_inspect_" + name);
    fs::remove_all(dir);
    const auto r = cli("run " + data + model + " --quiet --out " + dir.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    return dir;
}
} // namespace

TEST_CASE("inspect lists a run's files, seed, solver, report groups and CSV columns", "[cli]") {
    const fs::path dir = run_once("report_records.toml", "records");
    const auto r = cli("inspect " + dir.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("run folder: " + dir.string()));
    for (const char* file : {"model.resolved.toml", "report.h5", "run_summary.txt",
                             "error_summary.csv", "hidden.csv", "hidden_1.csv", "output.csv"})
        CHECK_THAT(r.out, Contains(std::string("\n  ") + file));
    CHECK_THAT(r.out, Contains("model.resolved.toml: model 'report_records', seed 7, duration "
                               "150 ms, solver method 'auto'\n"));
    CHECK_THAT(r.out, Contains("run_summary.txt:     150 ms simulated in "));
    CHECK_THAT(r.out, Contains(" (seed 7); solver adams\n"));
    CHECK_THAT(r.out, Contains("error signals, mean |value| over neurons (first vs last 8 of 16 "
                               "samples of error_summary.csv):\n  population  signal"));
    CHECK_THAT(r.out, Contains("model report_records, seed 7, cortexsim_version"));
    // Every population with its variables, node ids, time range, samples, type and size.
    CHECK_THAT(r.out, Contains("  /report/hidden    (population 'hidden')\n"
                               "    variables    4: u_soma, v_basal, v_apical, rate (element_ids 0..3)\n"
                               "    node_ids     6: 0, 1, 2, 3, 4, 5\n"
                               "    time         start 0 ms, stop 150.5 ms, step 0.5 ms: 301 "
                               "samples, the last at 150 ms\n"
                               "    data         float32 [301 x 24], 28.2 KiB\n"));
    CHECK_THAT(r.out, Contains("  /report/hidden_1    (population 'hidden')\n"
                               "    variables    2: v_apical, rate (element_ids 0..1)\n"
                               "    node_ids     3: 4, 1, 3\n"
                               "    time         start 0 ms, stop 150.25 ms, step 0.25 ms: 601 "
                               "samples"));
    CHECK_THAT(r.out, Contains("  /report/output    (population 'output')"));
    CHECK_THAT(r.out, Contains("  /summary/error_signals\n    columns      9: t_ms, "
                               "hidden.apical_mismatch.mean_abs,"));
    CHECK_THAT(r.out, Contains("    rows         16 (float64), t_ms 0 to 150 ms\n"));
    // The summaries' columns in full, traces abbreviated.
    CHECK_THAT(r.out, Contains("error_summary.csv: 16 rows, 9 columns: t_ms, "
                               "hidden.apical_mismatch.mean_abs, hidden.apical_mismatch.rms, "
                               "hidden.basal_error.mean_abs, hidden.basal_error.rms, "
                               "output.basal_error.mean_abs, output.basal_error.rms, "
                               "inter.interneuron_error.mean_abs, inter.interneuron_error.rms\n"));
    CHECK_THAT(r.out, Contains("hidden_1.csv: 601 rows, 7 columns: t_ms, v_apical[4], v_apical[1], "
                               "v_apical[3], rate[4], rate[1], rate[3]\n"));
    CHECK_THAT(r.out, Contains("hidden.csv: 301 rows, 25 columns: t_ms, u_soma[0],"));
    fs::remove_all(dir);
}

TEST_CASE("inspect describes weight records and a task's learning curve", "[cli]") {
    const fs::path weights = run_once("weight_records.toml", "weights");
    const auto w = cli("inspect " + weights.string());
    INFO(w.out);
    REQUIRE(w.code == 0);
    CHECK_THAT(w.out, Contains("  /weights/P1_to_I1.dendrite    (projection 'P1->I1.dendrite': "
                               "P1 -> I1.dendrite)\n"
                               "    time         start 0 ms, stop 210 ms, step 10 ms: 21 "
                               "snapshots, the last at 200 ms\n"
                               "    data         float32 [21 x 3 x 6] (snapshots x post x pre), "
                               "1.5 KiB; 18 synapses of 18 pairs\n"));
    CHECK_THAT(w.out, Contains("; 10 synapses of 30 pairs\n"));
    CHECK_THAT(w.out, Contains("  /weight_stats/input_to_P1.basal    (projection "
                               "'input->P1.basal')\n"
                               "    columns      6: t_ms, mean, std, min, max, mean_abs\n"
                               "    rows         41 (float64), t_ms 0 to 200 ms\n"));
    CHECK_THAT(w.out, Contains("weights_sparse.csv: 5 rows, 11 columns: t_ms, w[0][2], w[0][3],"));
    fs::remove_all(weights);

    const fs::path task = run_once("plot_task.toml", "task");
    const auto t = cli("inspect " + task.string());
    INFO(t.out);
    REQUIRE(t.code == 0);
    CHECK_THAT(t.out, Contains("model.resolved.toml: model 'plot_task', seed 2, task "
                               "'teacher_student', solver method 'euler'"));
    CHECK_THAT(t.out, Contains("learning_curve.csv: 3 rows, 2 columns: patterns_trained, test_mse\n"));
    fs::remove_all(task);
}

TEST_CASE("inspect: a missing or non-run folder is an error, a missing argument a usage error",
          "[cli]") {
    const fs::path missing = fs::temp_directory_path() / "cortexsim_inspect_no_such_dir";
    fs::remove_all(missing);
    auto r = cli("inspect " + missing.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("cortexsim: error: run folder '" + missing.string() +
                               "' does not exist"));

    const fs::path empty = fs::temp_directory_path() / "cortexsim_inspect_not_a_run";
    fs::remove_all(empty);
    fs::create_directories(empty);
    std::ofstream(empty / "notes.txt") << "not a run\n";
    r = cli("inspect " + empty.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("'" + empty.string() + "' is not a run folder: it holds none of "
                               "model.resolved.toml, run_summary.txt or report.h5"));
    r = cli("inspect " + (empty / "notes.txt").string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("is not a run folder: it is a file"));

    // A damaged report names the file.
    std::ofstream(empty / "report.h5") << "not HDF5";
    r = cli("inspect " + empty.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("report.h5': opening the file failed"));
    fs::remove_all(empty);

    r = cli("inspect");
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("cortexsim: 'inspect' needs a run folder"));
    r = cli("inspect a b");
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("more than one run folder given"));
    CHECK(cli("inspect --out x y").code == 2);  // --out belongs to run and plot
}

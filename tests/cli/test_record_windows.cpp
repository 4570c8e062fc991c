// Record windows: `start_ms`/`stop_ms` on records sampled every interval_ms (population and
// projection records) and `every_trials` on records sampled at a phase end. A windowed record
// holds exactly the samples of the unwindowed one whose times fall in the window, value for
// value (the window changes what is written, never the run), its report.h5 time mapping starts
// at the first of them, and misuse is reported where it is written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../circuits/run_fixture.hpp"
#include "../file_text.hpp"
#include "../h5_read.hpp"
#include "../test_models.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::string model_with(const std::string& records) {
    return slurp(fs::path(CORTEXSIM_SOURCE_DIR) / "tests" / "data" / "report_records.toml") + records;
}

} // namespace

TEST_CASE("a record window keeps exactly the samples inside it", "[records]") {
    // Two more records of 'hidden': all samples at 0.5 ms, and the same in [20.2, 40] ms. The
    // second's rows must equal the first's rows at t = 20.5 ... 40.0 (the first k * 0.5 >= 20.2).
    const std::string extra =
        "\n[[record]]\npopulation = \"output\"\nvariables = [\"u_soma\"]\ninterval_ms = 0.5\n"
        "\n[[record]]\npopulation = \"output\"\nvariables = [\"u_soma\"]\ninterval_ms = 0.5\n"
        "start_ms = 20.2\nstop_ms = 40.0\n"
        "\n[[record]]\nprojection = \"input->hidden.basal\"\nwhat = \"weight_stats\"\ninterval_ms = 10.0\n"
        "start_ms = 100.0\n";
    const fs::path dir = run_folder("cortexsim_record_windows");
    fs::remove_all(dir);
    run_options o;  // CSV files and report.h5
    o.out_dir = dir.string();
    o.show_progress = false;
    std::ostringstream log;
    run_model(config::parse_model(model_with(extra), "model.toml", ""), o, log);
    const std::vector<std::string> all = lines(slurp(dir / "output_1.csv"));
    const std::vector<std::string> window = lines(slurp(dir / "output_2.csv"));
    REQUIRE(all.size() == 1 + 301);  // header, t = 0 ... 150 ms
    REQUIRE(window.size() == 1 + 40); // t = 20.5 ... 40.0
    CHECK(window[0] == all[0]);
    for (std::size_t k = 1; k < window.size(); ++k)
        CHECK(window[k] == all[k + 41]);  // row r of the whole record is t = 0.5 (r - 1)
    CHECK(window[1].rfind("20.5,", 0) == 0);
    CHECK(window.back().rfind("40,", 0) == 0);
    // report.h5: the time mapping starts at the first sample.
    const h5_id file = h5_open((dir / "report.h5").string());
    const std::vector<double> time = h5_doubles(file.get(), "/report/output_2/mapping/time");
    REQUIRE(time.size() == 3);
    CHECK(time[0] == 20.5);
    CHECK(time[2] == 0.5);
    // The weight statistics from 100 ms to the end: 100, 110, ..., 150.
    const std::vector<std::string> stats = lines(slurp(dir / "weight_stats_input_to_hidden.basal.csv"));
    REQUIRE(stats.size() == 1 + 6);
    CHECK(stats[1].rfind("100,", 0) == 0);
    // The resolved model keeps the windows, and reproduces the run (example.*.reproduced
    // checks that for every example; here the keys are written).
    const std::string resolved = slurp(dir / "model.resolved.toml");
    CHECK(resolved.find("start_ms = 20.2") != std::string::npos);
    CHECK(resolved.find("stop_ms = 40.0") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("every_trials samples a phase end in trials 1, 1 + N, ...", "[records]") {
    std::string toml = slurp(fs::path(CORTEXSIM_SOURCE_DIR) / "examples" / "reward_choice.toml");
    toml += "\n[[record]]\npopulation = \"actor\"\nvariables = [\"rate\"]\nat = \"reward\"\n"
            "\n[[record]]\npopulation = \"actor\"\nvariables = [\"rate\"]\nat = \"reward\"\nevery_trials = 3\n";
    run_in_temp(toml, "cortexsim_record_every", {{"task.trials", "10"}});
    const fs::path dir = run_folder("cortexsim_record_every");
    const std::vector<std::string> all = lines(slurp(dir / "actor.csv"));
    const std::vector<std::string> every = lines(slurp(dir / "actor_1.csv"));
    REQUIRE(all.size() == 1 + 10);
    REQUIRE(every.size() == 1 + 4);  // trials 1, 4, 7, 10
    for (std::size_t k = 1; k < every.size(); ++k) CHECK(every[k] == all[1 + 3 * (k - 1)]);
    fs::remove_all(dir);
}

TEST_CASE("record windows: misuse is reported where it is written", "[records]") {
    const std::string base = "\n[[record]]\npopulation = \"output\"\nvariables = [\"u_soma\"]\n";
    CHECK_THAT(model_error_of(model_with(base + "start_ms = 50.0\nstop_ms = 20.0\n")),
               Catch::Contains("record[3].stop_ms: must not come before start_ms (50), got 20"));
    CHECK_THAT(model_error_of(model_with(base + "stop_ms = -2.0\n")),
               Catch::Contains("record[3].stop_ms: must be -1 (to the end of the run) or a time >= start_ms, got -2"));
    CHECK_THAT(model_error_of(model_with(base + "start_ms = -1.0\n")), Catch::Contains("record[3].start_ms: must be"));
    CHECK_THAT(model_error_of(model_with(base + "every_trials = 2\n")),
               Catch::Contains("record[3].every_trials: 'every_trials' applies to records sampled at a phase end"));
    CHECK_THAT(model_error_of(model_with("\n[[record]]\nprojection = \"input->hidden.basal\"\nwhat = \"weights\"\n"
                                         "interval_ms = 10.0\nevery_trials = 2\n")),
               Catch::Contains("record[3].every_trials: 'every_trials' applies to population records"));
}

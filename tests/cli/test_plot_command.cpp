// `cortexsim plot` around the script: finding it, a missing interpreter or module, bad
// folders. The figures themselves are checked by the plot.* tests (tests/tools/check_plots.py).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "cli_runner.hpp"
#include "tools/cli/plot_command.hpp"

using cortexsim::testing::cli;
using cortexsim::testing::cli_env;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
/// A small finished run (the example microcircuit, 150 ms), shared by the cases below.
fs::path finished_run() {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_plot_command_run";
    if (!fs::exists(dir / "run_summary.txt")) {
        const auto r = cli("run " + std::string(CORTEXSIM_SOURCE_DIR) +
                           "/tests/data/report_records.toml --quiet --out " + dir.string());
        INFO(r.out);
        REQUIRE(r.code == 0);
    }
    return dir;
}
} // namespace

TEST_CASE("plot finds its script next to the executable, then in the source tree", "[cli]") {
    const std::vector<std::string> c = cortexsim::plot_script_candidates(nullptr);
    REQUIRE(c.size() >= 2);
    CHECK(c.back() == std::string(CORTEXSIM_SOURCE_DIR) + "/tools/plot_run.py");
    CHECK(fs::exists(c.back()));
    // The build copies the script next to the cortexsim executable.
    CHECK(fs::exists(fs::path(CORTEXSIM_CLI).parent_path() / "plot_run.py"));
}

TEST_CASE("plot writes the figures into RUN_DIR/plots and lists them", "[cli]") {
    const fs::path run = finished_run();
    fs::remove_all(run / "plots");
    const auto r = cli("plot " + run.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    for (const char* f : {"error_signals.png", "error_signals.svg", "traces.png", "traces.svg"}) {
        CHECK_THAT(r.out, Contains((run / "plots" / f).string()));
        CHECK(fs::exists(run / "plots" / f));
    }
    // Inspect lists the new folder.
    CHECK_THAT(cli("inspect " + run.string()).out, Contains("plots/"));
}

TEST_CASE("plot explains a missing interpreter, a missing module and a bad folder", "[cli]") {
    const fs::path run = finished_run();
    auto r = cli("plot " + run.string() + " " + run.string());
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains("more than one run folder given"));

    r = cli_env("CORTEXSIM_PYTHON=/nonexistent/python3", "plot " + run.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("cortexsim: error: plot needs the Python interpreter "
                               "'/nonexistent/python3' (No such file or directory), with "
                               "python3-matplotlib, python3-numpy and python3-h5py"));

    // A matplotlib that cannot be imported, put first on the module path.
    const fs::path fake = fs::temp_directory_path() / "cortexsim_plot_no_matplotlib";
    fs::create_directories(fake / "matplotlib");
    std::ofstream(fake / "matplotlib" / "__init__.py") << "raise ImportError('not here')\n";
    r = cli_env("PYTHONPATH=" + fake.string(), "plot " + run.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("plot_run.py: needs the Python module 'matplotlib' (not here); "
                               "install Debian's python3-matplotlib"));
    CHECK_THAT(r.out, Contains("cortexsim: error: plot_run.py is missing a Python module"));
    fs::remove_all(fake);

    r = cli_env("CORTEXSIM_PLOT_SCRIPT=/nonexistent/plot_run.py", "plot " + run.string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("CORTEXSIM_PLOT_SCRIPT names '/nonexistent/plot_run.py', which is "
                               "not a file"));

    r = cli("plot " + (run / "no_such_folder").string());
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("does not exist"));
    CHECK(cli("plot").code == 2);
}

TEST_CASE("plot draws the record, neurons and window asked for, and names what is not there", "[cli]") {
    // Its own run folder: ctest runs the cases of this file in parallel processes.
    const fs::path run = fs::temp_directory_path() / "cortexsim_plot_command_selection_run";
    const auto made = cli("run " + std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/report_records.toml --quiet --force --out " +
                          run.string());
    REQUIRE(made.code == 0);
    const fs::path out = fs::temp_directory_path() / "cortexsim_plot_command_selection";
    fs::remove_all(out);
    auto r = cli("plot " + run.string() + " --out " + out.string() +
                 " --record hidden_1 --neurons 1 --window 20:60");
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(fs::exists(out / "traces.png"));
    // Each mistake is named by the script, with what the run does have.
    r = cli("plot " + run.string() + " --out " + out.string() + " --record hiden");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("--record: the run has no trace record 'hiden'; it has hidden, hidden_1, output"));
    r = cli("plot " + run.string() + " --out " + out.string() + " --record hidden --neurons 0,99");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("--neurons: record 'hidden' has neurons"));
    CHECK_THAT(r.out, Contains("not 99"));
    r = cli("plot " + run.string() + " --out " + out.string() + " --window 60:20");
    CHECK_THAT(r.out, Contains("--window needs a < b, got '60:20'"));
    r = cli("plot " + run.string() + " --out " + out.string() + " --window 500:600");
    CHECK_THAT(r.out, Contains("has no samples from 500 to 600 ms"));
    r = cli("plot " + run.string() + " --out " + out.string() + " --trials 1:2");
    CHECK_THAT(r.out, Contains("--trials needs a model with [[phase]]s"));
    r = cli("plot " + run.string() + " --out " + out.string() + " --window 1:2 --trials 1:2");
    CHECK_THAT(r.out, Contains("--window and --trials both choose the time window: give one"));
    fs::remove_all(out);
    fs::remove_all(run);
}

// The command-line program end to end: exit codes, run folder contents, describe output.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "../file_text.hpp"

namespace fs = std::filesystem;
using cortexsim::testing::slurp;
using cortexsim::testing::cli;
using result = cortexsim::testing::cli_result;

namespace {
const std::string example = std::string(CORTEXSIM_SOURCE_DIR) + "/examples/microcircuit_dynamics.toml";
const std::string data = std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/";
} // namespace

TEST_CASE("run writes the resolved model, traces and a summary", "[cli]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_cli_run";
    fs::remove_all(dir);
    const result r = cli("run " + example + " --out " + dir.string() + " --seed 11");
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("run folder: " + dir.string()));
    CHECK_THAT(r.out, Catch::Matchers::Contains("RHS evaluations"));
    CHECK(fs::exists(dir / "model.resolved.toml"));
    CHECK(fs::exists(dir / "run_summary.txt"));
    const std::string resolved = slurp(dir / "model.resolved.toml");
    CHECK_THAT(resolved, Catch::Matchers::Contains("seed = 11"));
    CHECK_THAT(resolved, Catch::Matchers::Contains("sundials_version"));
    const std::string hidden = slurp(dir / "hidden.csv");
    CHECK(hidden.rfind("t_ms,u_soma[0],", 0) == 0);
    // 120 ms sampled every 0.5 ms: 241 rows plus the header.
    CHECK(std::count(hidden.begin(), hidden.end(), '\n') == 242);

    // The resolved model reproduces the run exactly: it is complete provenance.
    const fs::path again = fs::temp_directory_path() / "cortexsim_cli_rerun";
    fs::remove_all(again);
    const result r2 = cli("run " + (dir / "model.resolved.toml").string() + " --quiet --out " + again.string());
    INFO(r2.out);
    REQUIRE(r2.code == 0);
    CHECK(slurp(again / "hidden.csv") == hidden);
    // So does any thread count (circuits/threads.hpp).
    const fs::path threaded = fs::temp_directory_path() / "cortexsim_cli_threads";
    fs::remove_all(threaded);
    const result r3 = cli("run " + example + " --seed 11 --threads 2 --quiet --out " + threaded.string());
    INFO(r3.out);
    REQUIRE(r3.code == 0);
    CHECK(slurp(threaded / "hidden.csv") == hidden);
    fs::remove_all(dir);
    fs::remove_all(again);
    fs::remove_all(threaded);
}

TEST_CASE("describe lists populations, compartments and synapse counts", "[cli]") {
    const result r = cli("describe " + example);
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains("hidden"));
    CHECK_THAT(r.out, Catch::Matchers::Contains("compartments: soma, basal, apical"));
    CHECK_THAT(r.out, Catch::Matchers::Contains("top_down"));
    CHECK_THAT(r.out, Catch::Matchers::Contains("output -> hidden.apical"));
    CHECK_THAT(r.out, Catch::Matchers::Contains("18 synapses"));  // 3 x 6 all-to-all
    CHECK_THAT(r.out, Catch::Matchers::Contains("state size 24"));  // 6 x 3 + 3 + 3
    // Stimuli with their number of steps, in English.
    CHECK_THAT(r.out, Catch::Matchers::Contains("rate on 'input', 4 steps from 0 ms"));
    CHECK_THAT(r.out, Catch::Matchers::Contains("nudge on 'output', 1 step from 60 ms"));
}

TEST_CASE("exit codes: 0 valid, 1 model error, 2 usage error, 3 numerical failure", "[cli]") {
    CHECK(cli("validate " + example).code == 0);
    const result bad = cli("validate " + data + "bad_population.toml");
    CHECK(bad.code == 1);
    CHECK_THAT(bad.out, Catch::Matchers::Contains("bad_population.toml:6:9: population[0].model: "
                                                  "unknown neuron model 'pyramid'"));
    CHECK_THAT(bad.out, Catch::Matchers::Contains("did you mean 'pyramidal'?"));
    CHECK(cli("validate " + data + "no_such_file.toml").code == 1);
    CHECK(cli("").code == 2);
    CHECK(cli("simulate " + example).code == 2);
    CHECK(cli("run").code == 2);
    CHECK(cli("run " + example + " --seed -4").code == 2);
    CHECK(cli("run " + example + " --bogus").code == 2);
    CHECK(cli("run " + example + " --threads 0").code == 2);
    CHECK(cli("run " + example + " --threads two").code == 2);
    CHECK(cli("validate " + example + " --max-memory lots").code == 2);
    CHECK(cli("validate " + example + " --max-output 12XB").code == 2);
    CHECK(cli("validate " + example + " --max-output -5").code == 2);
    CHECK(cli("validate " + example + " --max-output 2GB --max-memory 512MB").code == 0);
    const fs::path dir = fs::temp_directory_path() / "cortexsim_cli_runaway";
    const result num = cli("run " + data + "runaway.toml --quiet --out " + dir.string());
    CHECK(num.code == 3);
    CHECK_THAT(num.out, Catch::Matchers::Contains("numerical failure"));
    CHECK_THAT(num.out, Catch::Matchers::Contains("population 'P' neuron"));
    fs::remove_all(dir);
}

TEST_CASE("run refuses a non-empty run folder unless --force, which empties it", "[cli]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_cli_force";
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "old_run.csv") << "t_ms,x\n0,1\n";
    const result refused = cli("run " + example + " --quiet --out " + dir.string());
    CHECK(refused.code == 1);
    CHECK_THAT(refused.out, Catch::Matchers::Contains("run folder '" + dir.string() +
                                                      "' is not empty; choose another folder (--out) or pass "
                                                      "--force to replace its contents"));
    CHECK(fs::exists(dir / "old_run.csv"));  // nothing touched
    const result forced = cli("run " + example + " --quiet --force --out " + dir.string());
    INFO(forced.out);
    CHECK(forced.code == 0);
    CHECK_FALSE(fs::exists(dir / "old_run.csv"));  // the earlier run's files are gone
    CHECK(fs::exists(dir / "model.resolved.toml"));
    // An empty folder is used as it is.
    fs::remove_all(dir);
    fs::create_directories(dir);
    CHECK(cli("run " + example + " --quiet --out " + dir.string()).code == 0);
    fs::remove_all(dir);
}

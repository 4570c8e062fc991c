// `[task] kind = "sequence"` through the CLI: the run folder's learning curve and trial table,
// the criterion in the summary, and the resolved model reproducing the run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"
#include "../file_text.hpp"

namespace fs = std::filesystem;
using cortexsim::testing::slurp;
using cortexsim::testing::cli;
using Catch::Matchers::Contains;

namespace {
std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
} // namespace

TEST_CASE("a sequence task run writes its learning curve and stops at the criterion", "[cli][sequences]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_cli_sequence";
    fs::remove_all(dir);
    const auto r = cli("run " + std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/cyclic_column.toml --out " +
                       dir.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    const std::string curve = slurp(dir / "learning_curve.csv");
    CHECK(curve.rfind("trials,errors,error_rate,thalamic_prediction_error,prediction_error,prediction_error_floor,col.L5_mismatch,"
                      "col.L6_mismatch\n", 0) == 0);
    const std::size_t blocks = lines(curve) - 1;  // one row per block of 100 trials
    REQUIRE(blocks >= 2);
    CHECK_THAT(r.out, Contains("sequence 'cyclic': criterion (2 blocks of 100 trials without an error) after " +
                               std::to_string(100 * blocks) + " trials"));
    CHECK_THAT(curve, Contains("\n" + std::to_string(100 * blocks) + ",0,0,"));
    const std::string trials = slurp(dir / "trials.csv");
    CHECK(trials.rfind("trial,symbol,state,legal_mask,predicted_mask,correct,thalamic_prediction_error\n", 0) == 0);
    CHECK(lines(trials) == 1 + 100 * blocks);
    // Each row: the symbol shown, the state it was predicted in and what could legally come
    // then; the cycle starts with A (0), the only legal symbol at that point (mask 1), then B
    // (1, mask 2).
    CHECK(trials.find("\n1,0,4,1,") != std::string::npos);
    CHECK(trials.find("\n2,1,0,2,") != std::string::npos);
    // The pulvinar's prediction error, sampled at the end of every outcome phase.
    const std::string pulvinar = slurp(dir / "col.pulvinar.csv");
    CHECK(lines(pulvinar) == 1 + 100 * blocks);
    CHECK_THAT(pulvinar, Contains("\n100,"));
    CHECK_THAT(pulvinar, Contains("\n200,"));
    const std::string resolved = slurp(dir / "model.resolved.toml");
    // The resolved model holds the protocol, the expanded column's rules and gates, the task's
    // settings with their defaults.
    CHECK_THAT(resolved, Contains("plasticity = { rule = \"generec\", eta = 0.6, eta_decay_trials = 0.0, "));
    CHECK_THAT(resolved, Contains("gains = { \"col.L5->col.pulvinar.driver\" = 0.0 }"));
    CHECK_THAT(resolved, Contains("gains = { \"col.pulvinar.modulator\" = 0.0 }"));
    CHECK_THAT(resolved, Contains("context = { from = [\"col.L5\", \"col.L6\"], at = \"plus\", mix = 1.0 }"));
    CHECK_THAT(resolved, Contains("block_trials = 100"));
    // The learned CT pathways' free sign.
    CHECK_THAT(resolved, Contains("sign = \"free\""));

    // report.h5 holds the same tables, value for value (read back with Debian's h5py).
    const std::string check =
        "/usr/bin/python3 -c \"import sys, h5py, numpy as np\n"
        "d = sys.argv[1]\n"
        "with h5py.File(d + '/report.h5', 'r') as f:\n"
        "    for name in ('learning_curve', 'trials'):\n"
        "        csv = np.loadtxt(d + '/' + name + '.csv', delimiter=',', skiprows=1, ndmin=2)\n"
        "        g = f['summary/' + name]\n"
        "        cols = list(g.attrs['columns'])\n"
        "        assert all(np.array_equal(g[c][:], csv[:, i]) for i, c in enumerate(cols)), name\n"
        "\" " + dir.string();
    CHECK(std::system(check.c_str()) == 0);

    const fs::path again = fs::temp_directory_path() / "cortexsim_cli_sequence_again";
    fs::remove_all(again);
    const auto r2 = cli("run " + (dir / "model.resolved.toml").string() + " --quiet --out " + again.string());
    INFO(r2.out);
    REQUIRE(r2.code == 0);
    CHECK(slurp(again / "trials.csv") == trials);
    CHECK(slurp(again / "learning_curve.csv") == curve);
    fs::remove_all(dir);
    fs::remove_all(again);
}

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
    CHECK_THAT(r.out, Contains("sequence 'cyclic': criterion (2 blocks of 100 trials without an error) after 800 trials"));
    const std::string curve = slurp(dir / "learning_curve.csv");
    CHECK(curve.rfind("trials,errors,error_rate,thalamic_prediction_error,L5_mismatch,L6_mismatch\n", 0) == 0);
    CHECK(lines(curve) == 1 + 8);  // header and one row per block of 100 trials
    CHECK_THAT(curve, Contains("\n800,0,0,"));
    const std::string trials = slurp(dir / "trials.csv");
    CHECK(trials.rfind("trial,symbol,legal_mask,predicted_mask,correct,thalamic_prediction_error\n", 0) == 0);
    CHECK(lines(trials) == 1 + 800);
    // Each row: the symbol shown and what could legally come then; the cycle starts with A (0),
    // the only legal symbol at that point (mask 1), then B (1, mask 2).
    CHECK(trials.find("\n1,0,1,") != std::string::npos);
    CHECK(trials.find("\n2,1,2,") != std::string::npos);
    const std::string resolved = slurp(dir / "model.resolved.toml");
    CHECK_THAT(resolved, Contains("eta_context = 0.6"));
    // The resolved model holds the expanded column: the learned CT pathways' free sign.
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

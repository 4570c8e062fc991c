// Crash-consistent outputs (issue 15, item 4): SIGKILL at random moments of a short Reber run
// leaves every CSV file ending with a whole line, every table holding each block the run had
// finished (the progress lines it printed) as the first rows of the uninterrupted run, and a
// report.h5 that opens with the same table rows.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <thread>

#include "child_process.hpp"
#include "fault_support.hpp"

using namespace cortexsim::testing;

namespace {

/// examples/reber_column.toml, short: 20 blocks of 10 trials (a progress line each).
std::vector<std::string> reber_args(const fs::path& out) {
    return {"run", std::string(CORTEXSIM_SOURCE_DIR) + "/examples/reber_column.toml", "--out", out.string(),
            "--set", "task.trials=200", "--set", "task.block_trials=10"};
}

/// Blocks the run reported finished: its progress lines ("  10 / 200 trials: ...").
std::size_t reported_blocks(const std::string& log) {
    std::size_t n = 0;
    for (const std::string& line : split_lines(log)) n += line.find(" / 200 trials:") != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("SIGKILL at random moments leaves whole lines and every completed block", "[faults][sigkill]") {
    const fs::path root = fresh_dir("sigkill");
    const fs::path reference = root / "reference";
    const child_exit full = run_child(reber_args(reference), (root / "reference.log").string());
    INFO(full.out);
    REQUIRE(!full.signalled);
    REQUIRE(full.code == 0);
    REQUIRE(reported_blocks(full.out) == 20);
    std::cout << "sigkill: uninterrupted run " << full.wall_s << " s, peak " << full.peak_rss_kb / 1024 << " MB\n";

    std::random_device device;
    const unsigned seed = device();
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> moment(0.0, full.wall_s);
    std::vector<double> moments(10);
    for (double& m : moments) m = moment(random);
    std::sort(moments.begin(), moments.end());
    INFO("seed " << seed);
    std::size_t killed = 0;
    for (std::size_t k = 0; k < moments.size(); ++k) {
        const fs::path dir = root / ("killed_" + std::to_string(k));
        child_process run(reber_args(dir), (root / ("killed_" + std::to_string(k) + ".log")).string());
        while (run.elapsed_s() < moments[k] && !run.ended()) std::this_thread::sleep_for(std::chrono::microseconds(200));
        run.signal(SIGKILL);
        const child_exit e = run.wait();
        killed += e.signalled && e.code == SIGKILL;
        const std::size_t blocks = reported_blocks(e.out);
        INFO("kill " << k << " at " << moments[k] << " s: " << blocks << " blocks reported finished");
        if (!fs::exists(dir)) {
            CHECK(blocks == 0);
            continue;
        }
        check_whole_lines(dir);
        // Each file holds the uninterrupted run's first lines, and at least every reported block.
        const std::size_t curve = check_prefix(dir, reference, "learning_curve.csv");
        const std::size_t trials = check_prefix(dir, reference, "trials.csv");
        check_prefix(dir, reference, "error_summary.csv");
        check_prefix(dir, reference, "col.pulvinar.csv");
        check_prefix(dir, reference, "model.resolved.toml");
        CHECK(curve >= blocks);
        CHECK(trials >= 10 * blocks);
        std::size_t h5_curve = 0, h5_trials = 0;
        if (fs::exists(dir / "report.h5")) {
            h5_curve = check_report_table(dir, "learning_curve");
            h5_trials = check_report_table(dir, "trials");
        }
        CHECK(h5_curve >= blocks);
        CHECK(h5_trials >= 10 * blocks);
        std::cout << "sigkill: kill at " << moments[k] << " s: " << blocks << " blocks reported, learning_curve "
                  << curve << " rows (report.h5 " << h5_curve << "), trials " << trials << " (report.h5 "
                  << h5_trials << ")\n";
    }
    std::cout << "sigkill: " << killed << " of 10 runs killed by SIGKILL (seed " << seed << ")\n";
    CHECK(killed >= 8);  // the moments lie within the uninterrupted run's wall time
}

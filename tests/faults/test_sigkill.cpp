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

    // A random moment: after a random number of finished blocks (0 to 18), a random part of
    // a block's time later. Counted in blocks rather than seconds, so a loaded machine (ctest
    // runs tests side by side) still kills every run before its end.
    std::random_device device;
    const unsigned seed = device();
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> after_blocks(0, 18);
    std::uniform_real_distribution<double> part(0.0, 1.0);
    const double block_s = full.wall_s / 20.0;
    INFO("seed " << seed);
    std::size_t killed = 0;
    for (std::size_t k = 0; k < 10; ++k) {
        const fs::path dir = root / ("killed_" + std::to_string(k));
        const fs::path log = root / ("killed_" + std::to_string(k) + ".log");
        const std::size_t wait_blocks = after_blocks(random);
        const double delay_s = part(random) * block_s;
        child_process run(reber_args(dir), log.string());
        while (!run.ended() && reported_blocks(slurp(log)) < wait_blocks && run.elapsed_s() < 60)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double until = run.elapsed_s() + delay_s;
        while (!run.ended() && run.elapsed_s() < until) std::this_thread::sleep_for(std::chrono::microseconds(200));
        const double moment = run.elapsed_s();
        run.signal(SIGKILL);
        const child_exit e = run.wait();
        killed += e.signalled && e.code == SIGKILL;
        const std::size_t blocks = reported_blocks(e.out);
        INFO("kill " << k << " at " << moment << " s: " << blocks << " blocks reported finished");
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
        std::cout << "sigkill: kill at " << moment << " s (after block " << wait_blocks << " + " << delay_s << " s): " << blocks << " blocks reported, learning_curve "
                  << curve << " rows (report.h5 " << h5_curve << "), trials " << trials << " (report.h5 "
                  << h5_trials << ")\n";
    }
    std::cout << "sigkill: " << killed << " of 10 runs killed by SIGKILL (seed " << seed << ")\n";
    CHECK(killed >= 9);  // the moments lie before the run's end
}

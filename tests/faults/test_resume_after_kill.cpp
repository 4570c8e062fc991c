// Checkpoint and resume through the program, under the fault a checkpoint exists for: the
// process killed with SIGKILL at a random moment (a machine that loses power, a batch job
// over its time). A run with --checkpoint-every is killed after its first checkpoint, then
// `cortexsim resume` continues it from the last checkpoint on disk; the folder must end
// holding exactly the uninterrupted run's results (tests/run_compare.hpp), on a short Reber
// run (sequence task) and on the teacher-student microcircuit.
#include <catch2/catch.hpp>

#include <signal.h>

#include <iostream>
#include <random>
#include <thread>

#include "child_process.hpp"
#include "fault_support.hpp"
#include "../run_compare.hpp"

using namespace cortexsim::testing;

namespace {

struct kill_case {
    const char* name;
    std::vector<std::string> model_args;  ///< the model and its --set overrides
    const char* every;                    ///< --checkpoint-every
};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

} // namespace

TEST_CASE("SIGKILL at a random moment, then resume: the run ends as the uninterrupted one", "[faults][checkpoint]") {
    const std::string examples = std::string(CORTEXSIM_SOURCE_DIR) + "/examples/";
    const std::vector<kill_case> cases = {
        // 400 trials of 100 ms in blocks of 10: a checkpoint at every block end.
        {"reber", {examples + "reber_column.toml", "--set", "task.trials=400", "--set", "task.block_trials=10",
                   "--set", "task.after_criterion=0"}, "1000ms"},
        // 2,000 patterns of 30 ms, a checkpoint at each evaluation (every 100 patterns).
        {"teacher_student", {examples + "teacher_student.toml", "--set", "task.eval_every=100"}, "1ms"},
    };
    std::random_device device;
    const unsigned seed = device();
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> part(0.05, 0.7);
    INFO("seed " << seed);
    for (const kill_case& c : cases) {
        INFO(c.name);
        const fs::path root = fresh_dir(std::string("resume_kill_") + c.name);
        const child_exit full = run_child(with({"run"}, with(c.model_args, {"--out", (root / "whole").string()})),
                                          (root / "whole.log").string(), 300.0);
        INFO(full.out);
        REQUIRE(full.code == 0);
        for (int k = 0; k < 2; ++k) {
            const fs::path dir = root / ("killed_" + std::to_string(k));
            const fs::path log = root / ("killed_" + std::to_string(k) + ".log");
            // After the first checkpoint, a random part of the uninterrupted run's time later.
            const double delay_s = part(random) * full.wall_s;
            child_process run(with({"run"}, with(c.model_args, {"--out", dir.string(), "--checkpoint-every", c.every})),
                              log.string());
            while (!run.ended() && !fs::exists(dir / "checkpoint.bin") && run.elapsed_s() < 120)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            const double until = run.elapsed_s() + delay_s;
            while (!run.ended() && run.elapsed_s() < until) std::this_thread::sleep_for(std::chrono::microseconds(300));
            const bool killed_early = !run.ended();
            run.signal(SIGKILL);
            const child_exit e = run.wait();
            INFO("kill " << k << " after " << delay_s << " s more: " << (killed_early ? "killed" : "had ended"));
            std::cout << "resume after kill (" << c.name << "): killed " << e.signalled << " at " << e.wall_s
                      << " s of " << full.wall_s << " s\n";
            const child_exit resumed = run_child({"resume", dir.string(), "--quiet"}, (root / "resume.log").string(), 300.0);
            INFO(resumed.out);
            REQUIRE(resumed.code == 0);
            require_same_results(root / "whole", dir);
        }
    }
}

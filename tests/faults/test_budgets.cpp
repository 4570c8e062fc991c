// Budgets before work (issue 15, item 2) and the abuse cases of the issue: each absurd size
// fails within 2 s with exit 1, a message located at the key (file:line:column: key), and a
// peak memory under 100 MB, because the memory and the output are estimated from the lowered
// model before anything is allocated or written. A stop request ends a run with tiny Euler
// steps within a bounded wall time.
#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <iostream>
#include <thread>

#include "child_process.hpp"
#include "fault_support.hpp"

using namespace cortexsim::testing;
using Catch::Matchers::Contains;

namespace {

const std::string examples = std::string(CORTEXSIM_SOURCE_DIR) + "/examples/";

/// A model of one input population and one pyramidal population of `size` neurons, fed
/// all-to-all (line 12 holds the pyramidal size).
std::string write_model(const fs::path& dir, const std::string& input_size, const std::string& size) {
    const fs::path p = dir / "model.toml";
    std::ofstream(p) << "[simulation]\nduration_ms = 10.0\n\n"
                        "[[population]]\nname = \"in\"\nmodel = \"input\"\nsize = " << input_size << "\n\n"
                        "[[population]]\nname = \"pyr\"\nmodel = \"pyramidal\"\nsize = " << size << "\n\n"
                        "[[projection]]\nsource = \"in\"\ntarget = \"pyr\"\ncompartment = \"basal\"\nweights = 0.1\n";
    return p.string();
}

} // namespace

namespace {

/// Runs one abuse case: exit 1 (no signal) within 2 s, the expected located message, a peak
/// memory under 100 MB.
void check_abuse(const std::string& name, const std::vector<std::string>& args, const std::string& expected,
                 const fs::path& dir) {
    const child_exit e = run_child(args, (dir / "log").string(), 30);
    INFO(name << ": exit " << (e.signalled ? "by signal " : "") << e.code << " in " << e.wall_s << " s, peak "
              << e.peak_rss_kb / 1024 << " MB\n" << e.out);
    CHECK(!e.signalled);
    CHECK(e.code == 1);
    CHECK_THAT(e.out, Contains(expected));
    CHECK(e.wall_s < 2.0);
    CHECK(e.peak_rss_kb < 100 * 1024);
    std::cout << "budgets: " << name << ": exit " << e.code << " in " << e.wall_s << " s, peak "
              << e.peak_rss_kb / 1024.0 << " MB\n";
}

} // namespace

// Sizes: refused while lowering, before the network allocates. --max-memory stands for a
// machine (or batch job) of 1 GB, so the figures do not depend on this machine.
TEST_CASE("abuse: 10^9 neurons", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_e9");
    const std::string model = write_model(dir, "3", "1000000000");
    check_abuse("10^9 neurons", {"validate", model, "--max-memory", "1GB"},
                model + ":12:8: population[1].size: the model needs at least 48 GB of memory, more than "
                        "--max-memory 1 GB (1 GB); 24 GB of it alone for the state of its 1000000000 neurons",
                dir);
}

TEST_CASE("abuse: 10^8 neurons", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_e8");
    const std::string model = write_model(dir, "3", "100000000");
    check_abuse("10^8 neurons", {"run", model, "--max-memory", "1GB", "--out", (dir / "run").string()},
                model + ":12:8: population[1].size: the model needs at least 4.8 GB of memory", dir);
    CHECK(!fs::exists(dir / "run"));  // refused before the folder was made
}

TEST_CASE("abuse: 10^12 synapses", "[faults][budgets]") {
    // Beyond any machine, without a limit given.
    const fs::path dir = fresh_dir("abuse_e12");
    const std::string model = write_model(dir, "1000000", "1000000");
    check_abuse("10^12 synapses", {"validate", model},
                model + ":14:1: projection[0]: the model needs at least 8 TB of memory, more than", dir);
}

// Output: refused before the run folder is made. --max-output stands for a 1 TB disk.
TEST_CASE("abuse: duration_ms = 1e12", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_duration");
    check_abuse("duration_ms = 1e12",
                {"run", examples + "microcircuit_dynamics.toml", "--set", "simulation.duration_ms=1e12", "--max-output",
                 "1TB", "--out", (dir / "run").string()},
                "microcircuit_dynamics.toml:99:15: record[0].interval_ms: the run would write about 1.55e+03 TB "
                "of output, more than --max-output 1 TB (1 TB); 1.19e+03 TB of it for record 'hidden': 2e+12 "
                "samples of 24 values every 0.5 ms, over 1e+12 ms of model time (set by ",
                dir);
    CHECK(!fs::exists(dir / "run"));
}

TEST_CASE("abuse: a record interval of 1e-9 ms", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_interval");
    check_abuse("interval_ms = 1e-9",
                {"validate", examples + "microcircuit_dynamics.toml", "--set", "record[0].interval_ms=1e-9",
                 "--max-output", "1TB"},
                "microcircuit_dynamics.toml: record[0].interval_ms: the run would write about 71.5 TB of output, more "
                "than --max-output 1 TB (1 TB); 71.5 TB of it for record 'hidden': 1.2e+11 samples of 24 values every "
                "1e-09 ms, over 120 ms of model time (set by ",
                dir);
}

TEST_CASE("abuse: 10^9 trials of a sequence task", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_trials");
    check_abuse("task.trials = 1e9",
                {"validate", examples + "reber_column.toml", "--set", "task.trials=1000000000", "--max-output", "100GB"},
                "of model time (set by " + examples + "reber_column.toml: task.trials)", dir);
}

// Settings converted to integers (issue 15's SIGFPE, endless and silently wrong runs).
TEST_CASE("abuse: task counts of 1e20 and 1e308", "[faults][budgets]") {
    const fs::path dir = fresh_dir("abuse_counts");
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"task.block_trials", "1e20"}, {"task.trials", "1e308"}, {"task.criterion_blocks", "1e20"}})
        check_abuse(key + " = " + value, {"validate", examples + "reber_column.toml", "--set", key + "=" + value},
                    key + ": must be an integer from 1 to ", dir);
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"task.eval_every", "1e20"}, {"task.n_test", "1e20"}, {"task.n_hidden_teacher", "1e20"}})
        check_abuse(key + " = " + value, {"validate", examples + "teacher_student.toml", "--set", key + "=" + value},
                    key + ": must be an integer from 1 to ", dir);
}

TEST_CASE("describe prints the memory, output and length estimate", "[faults][budgets]") {
    const fs::path dir = fresh_dir("describe_budget");
    const child_exit e = run_child({"describe", examples + "microcircuit_dynamics.toml", "--max-output", "1GB"},
                                   (dir / "log").string(), 30);
    INFO(e.out);
    REQUIRE(e.code == 0);
    CHECK_THAT(e.out, Contains("budget:\n  memory: at least "));
    CHECK_THAT(e.out, Contains("  output: about "));
    CHECK_THAT(e.out, Contains("(limit 1 GB, --max-output 1 GB)"));
    CHECK_THAT(e.out, Contains("record 'hidden': 241 samples of "));
    CHECK_THAT(e.out, Contains("  length: 120 ms of model time, at least 240 integrator steps"));
    CHECK_THAT(e.out, Contains("  wall time: roughly "));
}

TEST_CASE("SIGTERM stops a run of tiny Euler steps within a bounded wall time", "[faults][stop]") {
    const fs::path dir = fresh_dir("tiny_steps");
    // dt_ms = 1e-9: 10^6 steps between two samples 1 ms apart.
    child_process run({"run", examples + "microcircuit_dynamics.toml", "--set", "solver.method=\"euler\"", "--set",
                       "solver.dt_ms=1e-9", "--out", (dir / "run").string()},
                      (dir / "log").string());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    REQUIRE(!run.ended());
    const double signalled_at = run.elapsed_s();
    run.signal(SIGTERM);
    const child_exit e = run.wait(30);
    INFO(e.out);
    CHECK(!e.signalled);
    CHECK(e.code == 143);
    CHECK_THAT(e.out, Contains("stopped by SIGTERM at t = "));
    const double stop_s = e.wall_s - signalled_at;
    std::cout << "stop: SIGTERM honoured " << stop_s * 1000 << " ms after the signal (Euler, dt_ms = 1e-9)\n";
    CHECK(stop_s < 1.0);
    CHECK(fs::exists(dir / "run" / "run_summary.txt"));
    check_whole_lines(dir / "run");
    h5_open((dir / "run" / "report.h5").string());
}

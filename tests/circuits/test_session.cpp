// The run session driven in steps (start, advance_to, finish: what the Python module calls)
// against run() in one call, and sweeps (run_sweep) against one session per point.

#include <filesystem>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/experiments/sweep.hpp"
#include "core/errors.hpp"
#include "tests/file_text.hpp"

namespace fs = std::filesystem;
using namespace cortexsim;

namespace {

const std::string source_dir = CORTEXSIM_SOURCE_DIR;

/// examples/microcircuit_dynamics.toml (120 ms, stimulus switches at 30, 60, 90 ms) on
/// fixed-step Euler: a step that ends on the 0.1 ms grid changes no arithmetic.
model_source microcircuit() {
    model_source s;
    s.path = source_dir + "/examples/microcircuit_dynamics.toml";
    s.overrides = {{"solver.method", "\"euler\""}, {"solver.dt_ms", "0.1"}};
    return s;
}

run_options options_for(const fs::path& dir) {
    fs::remove_all(dir);
    run_options o;
    o.out_dir = dir.string();
    o.show_progress = false;
    o.format = report_format::csv;
    return o;
}

} // namespace

TEST_CASE("a session run in steps writes the files of one run() bit for bit", "[session]") {
    const fs::path tmp = fs::temp_directory_path() / "cortexsim_session_steps";
    std::ostringstream log;
    run_session one(microcircuit().load());
    const run_result whole = one.run(options_for(tmp / "one"), log);

    run_session steps(microcircuit().load());
    CHECK_FALSE(steps.started());
    steps.start(options_for(tmp / "steps"), log);
    for (double t = 7.0; t < 120.0; t += 7.0) REQUIRE(steps.advance_to(t));  // across the switches
    REQUIRE(steps.advance_to(120.0));
    CHECK(steps.time() == 120.0);
    const run_result stepped = steps.finish();
    CHECK(steps.finished());
    CHECK(stepped.duration_ms == whole.duration_ms);
    CHECK(stepped.samples == whole.samples);
    for (const char* file : {"hidden.csv", "output.csv", "error_summary.csv", "model.resolved.toml"}) {
        INFO(file);
        CHECK(testing::slurp(tmp / "steps" / file) == testing::slurp(tmp / "one" / file));
    }
    fs::remove_all(tmp);
}

TEST_CASE("a session refuses steps it cannot take", "[session]") {
    const fs::path tmp = fs::temp_directory_path() / "cortexsim_session_refusals";
    std::ostringstream log;
    run_session s(microcircuit().load());
    CHECK_THROWS_AS(s.advance_to(10.0), std::logic_error);  // not started
    s.start(options_for(tmp / "a"), log);
    REQUIRE(s.advance_to(20.0));
    CHECK_THROWS_WITH(s.advance_to(10.0), "cannot run to t = 10 ms: the run is at t = 20 ms");
    CHECK_THROWS_AS(s.run_task(), std::logic_error);  // no task
    s.finish();
    CHECK_THROWS_AS(s.advance_to(30.0), std::logic_error);

    // A task runs in one call.
    model_source task;
    task.path = source_dir + "/examples/reward_choice.toml";
    run_session t(task.load());
    t.start(options_for(tmp / "task"), log);
    CHECK_THROWS_WITH(t.advance_to(10.0), "the model has a task, which runs in one call (run_task)");
    t.finish();
    fs::remove_all(tmp);
}

TEST_CASE("a sweep's points equal separate sessions and its table lists them", "[session]") {
    const fs::path tmp = fs::temp_directory_path() / "cortexsim_session_sweep";
    fs::remove_all(tmp);
    sweep_options o;
    o.out_dir = (tmp / "sweep").string();
    o.processes = 2;
    o.format = report_format::csv;
    const std::vector<sweep_axis> grid = {parse_sweep_axis("population.hidden.params.g_A=[0.4, 0.8]"),
                                          parse_sweep_axis("seed=[5, 6]")};
    std::ostringstream log;
    const sweep_table table = run_sweep(microcircuit(), grid, o, log);
    REQUIRE(table.rows.size() == 4);
    CHECK(table.keys == std::vector<std::string>{"population.hidden.params.g_A", "seed"});
    for (std::size_t k = 0; k < 4; ++k) {
        const sweep_row& row = table.rows[k];
        INFO(row.run_dir << ": " << row.error);
        CHECK(row.status == "ok");
        CHECK(row.values == std::vector<std::string>{k < 2 ? "0.4" : "0.8", k % 2 ? "6" : "5"});
        model_source point = microcircuit();
        point.overrides.push_back({"population.hidden.params.g_A", row.values[0]});
        point.seed = std::stoull(row.values[1]);
        run_model(point.load(), options_for(tmp / ("alone_" + std::to_string(k))), log);
        CHECK(testing::slurp(fs::path(row.run_dir) / "hidden.csv") ==
              testing::slurp(tmp / ("alone_" + std::to_string(k)) / "hidden.csv"));
    }
    CHECK(table.rows[0].run_dir == (tmp / "sweep" / "run_000").string());
    CHECK(fs::exists(tmp / "sweep" / "sweep.csv"));
    CHECK_FALSE(fs::exists(tmp / "sweep" / "run_000.result"));  // the workers' reports are gone

    // A bad value anywhere stops the sweep before it writes anything.
    o.out_dir = (tmp / "bad").string();
    CHECK_THROWS_AS(run_sweep(microcircuit(), {parse_sweep_axis("population.hidden.size=[3, -1]")}, o, log),
                    model_error);
    CHECK_FALSE(fs::exists(tmp / "bad"));
    CHECK_THROWS_WITH(run_sweep(microcircuit(), {parse_sweep_axis("seed=[-1]")}, o, log),
                      "--grid seed: a seed is an integer from 0 to 2^63 - 1, got -1");
    // A non-empty folder is refused unless forced.
    o.out_dir = (tmp / "sweep").string();
    CHECK_THROWS_AS(run_sweep(microcircuit(), grid, o, log), std::runtime_error);
    fs::remove_all(tmp);
}

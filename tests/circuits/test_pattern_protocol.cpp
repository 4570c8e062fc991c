// The pattern tasks (teacher_student, classification) on a model with [[phase]]s
// (circuits/experiments/pattern_protocol.hpp): each pattern is one trial, the output nudged by
// the task's input "target" only in the phases that list it and read at the end of the readout
// phase. Tested on the rule comparison's teacher-student files (examples/rule_comparison):
// two-phase rules learn through the task, an evaluation reads the free phase (the same answer
// however strongly the later phase nudges) and changes no weight, and misuse is reported where
// it is written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "../file_text.hpp"
#include "../test_models.hpp"
#include "circuits/experiments/session.hpp"
#include "run_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

std::string comparison_model(const std::string& file) {
    const std::string text = slurp(std::string(CORTEXSIM_SOURCE_DIR) + "/examples/rule_comparison/" + file);
    REQUIRE(!text.empty());
    return text;
}

std::string session_error(const std::string& toml) {
    try {
        run_session s(config::parse_model(toml, "model.toml", "", default_templates().names()));
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("pattern tasks with phases: two-phase rules learn the teacher, one trial per pattern",
          "[pattern_protocol]") {
    // Measured (seed 1, 1,000 patterns): test MSE 8.08 -> 1.57 (feedback alignment), 8.08 ->
    // 1.38 (backprop through the tied transpose), 9.04 -> 1.42 (equilibrium propagation).
    for (const std::string method : {"feedback_alignment", "backprop", "equilibrium_propagation"}) {
        const run_result r = run_in_temp(comparison_model("teacher_" + method + ".toml"), "cortexsim_pattern_protocol_learn",
                                         {{"task.n_train", "1000"}, {"task.eval_every", "500"}});
        INFO(method << ": test MSE " << r.metrics.at("untrained_test_mse") << " -> " << r.metrics.at("final_test_mse"));
        CHECK(r.metrics.at("final_test_mse") < 0.25 * r.metrics.at("untrained_test_mse"));
        // One trial per training pattern, the readout phase alone per test pattern (3 evaluations).
        const double trial_ms = method == "equilibrium_propagation" ? 15.0 : 10.0;
        CHECK(r.duration_ms == Approx(1000 * trial_ms + 3 * 200 * (trial_ms - 5.0)).epsilon(1e-12));
    }
    std::filesystem::remove_all(run_folder("cortexsim_pattern_protocol_learn"));
}

TEST_CASE("pattern tasks with phases: evaluation reads the free phase and learns nothing", "[pattern_protocol]") {
    // Without training the test error cannot depend on the nudge of the plus phase, which an
    // evaluation never runs: the same untrained MSE at g_som 0.8 and 5.
    const std::string fa = comparison_model("teacher_feedback_alignment.toml");
    const run_result weak = run_in_temp(fa, "cortexsim_pattern_protocol_eval", {{"task.n_train", "1"}, {"task.eval_every", "1"}});
    const run_result strong = run_in_temp(fa, "cortexsim_pattern_protocol_eval",
                                          {{"task.n_train", "1"}, {"task.eval_every", "1"}, {"task.g_som", "5.0"}});
    CHECK(weak.metrics.at("untrained_test_mse") == strong.metrics.at("untrained_test_mse"));
    // Learning off (eta 0): the test error after 200 patterns equals the untrained one but for
    // the free phase's settling residual (5 ms = 5.5 time constants from the previous pattern's
    // state: e^-5.5 = 0.4% of a state change); trained, it falls far more.
    const run_result frozen = run_in_temp(replaced(replaced(fa, "eta = 0.2 }", "eta = 0.0 }"), "eta = 0.05 }", "eta = 0.0 }"),
                                          "cortexsim_pattern_protocol_eval", {{"task.n_train", "200"}, {"task.eval_every", "100"}});
    CHECK(frozen.metrics.at("final_test_mse") == Approx(frozen.metrics.at("untrained_test_mse")).epsilon(1e-3));
    CHECK(frozen.metrics.at("final_test_mse") != frozen.metrics.at("untrained_test_mse")); // the state carries over
    std::filesystem::remove_all(run_folder("cortexsim_pattern_protocol_eval"));
}

TEST_CASE("pattern tasks with phases: misuse is reported where it is written", "[pattern_protocol]") {
    const std::string fa = comparison_model("teacher_feedback_alignment.toml");
    CHECK_THAT(session_error(replaced(fa, "n_train = 5000\n", "n_train = 5000\npresent_ms = 20.0\n")),
               Catch::Contains("task.present_ms: the model's [[phase]]s set the time of each pattern (one trial); "
                               "present_ms applies to models without phases"));
    CHECK_THAT(session_error(replaced(fa, "n_train = 5000\n", "n_train = 5000\nreadout_phase = \"plus\"\n")),
               Catch::Contains("task.readout_phase: phase 'plus' nudges the output towards its target (its inputs "
                               "list 'target'), so reading the answer there would read the label"));
    CHECK_THAT(session_error(replaced(fa, "n_train = 5000\n", "n_train = 5000\nreadout_phase = \"free\"\n")),
               Catch::Contains("task.readout_phase: must be 'minus' or 'plus', got 'free'"));
    // No phase nudges: the phases' inputs name only known inputs, so "target" must be there.
    CHECK_THAT(session_error(replaced(fa, "inputs = [\"target\"]\n", "")),
               Catch::Contains("no [[phase]] lists the task's input 'target' in its inputs"));
    // Without phases, readout_phase means nothing.
    std::string plain = comparison_model("teacher_microcircuit.toml");
    CHECK_THAT(session_error(replaced(plain, "n_train = 5000\n", "n_train = 5000\nreadout_phase = \"minus\"\n")),
               Catch::Contains("task.readout_phase: applies to models with [[phase]]s only"));
}

// `[task] kind = "sequence"` and the column's TOML keys: what they resolve to, and every
// mistake reported at its position (docs/toml_reference.md).
#include <catch2/catch.hpp>

#include <cmath>

#include "circuits/experiments/progress_text.hpp"
#include "circuits/experiments/session.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"

using namespace cortexsim;

namespace {
const char* base = R"([simulation]
seed = 4

[[phase]]
name = "minus"
duration_ms = 75.0

[[phase]]
name = "plus"
duration_ms = 25.0
inputs = ["symbol", "target"]

[[column]]
name = "col"
sizes = { relay = 7, pulvinar = 7, L4 = 8, L23 = 8, L5 = 8, L6 = 8 }

[task]
kind = "sequence"
sequence = "reber"
drive = "col.relay"
target = "col.pulvinar"
trials = 300
)";

std::unique_ptr<run_session> session_of(const std::string& text) {
    return std::make_unique<run_session>(config::parse_model(text, "model.toml", ""));
}

std::string error_of(const std::string& text) {
    try {
        session_of(text);
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

const param_value& setting(const run_session& s, const std::string& key) {
    const param_value* v = s.resolved_model().task.params.find(key);
    REQUIRE(v != nullptr);
    return *v;
}
} // namespace

TEST_CASE("a sequence task resolves every setting and names its inputs", "[sequences][task]") {
    const auto s = session_of(base);
    REQUIRE(s->net().input_count() == 2);
    CHECK(s->net().input_name(0) == "symbol");
    CHECK(s->net().input_name(1) == "target");
    // Every default is written to the resolved model.
    CHECK(setting(*s, "trials").integer == 300);
    CHECK(setting(*s, "block_trials").integer == 100);
    CHECK(setting(*s, "criterion_blocks").integer == 5);
    CHECK(setting(*s, "prediction_phase").string == "minus");
    CHECK(setting(*s, "outcome_phase").string == "plus");
    CHECK(setting(*s, "drive_compartment").string == "driver");
    CHECK(setting(*s, "u_off").number == -2.0);
    CHECK(setting(*s, "legal_threshold").number == setting(*s, "threshold").number);
    CHECK(setting(*s, "readout").string == "col.pulvinar");
    CHECK(s->describe().find("task: sequence 'reber'") != std::string::npos);
    // A cyclic stream takes its alphabet from the cycle.
    const auto c = session_of(replaced(replaced(replaced(base, "relay = 7", "relay = 3"), "pulvinar = 7", "pulvinar = 3"),
                                       "sequence = \"reber\"", "sequence = \"cyclic\"\ncycle = \"ABAC\""));
    CHECK(setting(*c, "cycle").string == "ABAC");
    // The column's rules are written out with every setting.
    for (const auto& p : s->resolved_model().projections)
        if (p.name.value.empty() && p.source.value == "col.ctx") {
            CHECK(p.plasticity.rule.value == "generec");
            CHECK(p.plasticity.params.find("eta")->number == 0.6);
            CHECK(p.plasticity.params.find("decay") != nullptr);
        }
}

TEST_CASE("sequence task mistakes are reported where they were written", "[sequences][task]") {
    const std::string b = base;
    CHECK(error_of(replaced(b, "drive = \"col.relay\"", "drive = \"col.rely\"")) ==
          "model.toml:20:9: task.drive: unknown population 'col.rely', did you mean 'col.relay'?");
    CHECK(error_of(replaced(b, "sequence = \"reber\"", "sequence = \"rebber\"")) ==
          "model.toml:19:12: task.sequence: must be 'reber', 'embedded_reber' or 'cyclic', got 'rebber', "
          "did you mean 'reber'?");
    CHECK(error_of(replaced(b, "sequence = \"reber\"", "sequence = \"cyclic\"")) ==
          "model.toml:17:1: task: missing required key 'cycle' of task 'sequence'");
    CHECK(error_of(b + "cycle = \"ABC\"\n") == "model.toml:23:9: task.cycle: cycle applies to sequence = \"cyclic\" only");
    CHECK(error_of(replaced(b, "relay = 7", "relay = 5")) ==
          "model.toml:20:9: task.drive: population 'col.relay' has 5 neurons; sequence 'reber' needs 7, one per symbol");
    CHECK(error_of(replaced(b, "trials = 300", "trials = 2.5")) ==
          "model.toml:22:10: task.trials: must be an integer from 1 to 1000000000, got 2.5");
    CHECK(error_of(replaced(b, "trials = 300", "trials = 1e20")) ==
          "model.toml:22:10: task.trials: must be an integer from 1 to 1000000000, got 1e+20");
    CHECK(error_of(b + "eta_ctx = 0.1\n").rfind("model.toml:23:11: task.eta_ctx: unknown key 'eta_ctx' of task "
                                                "'sequence'", 0) == 0);
    CHECK(error_of(replaced(b, "drive = \"col.relay\"\n", "")) ==
          "model.toml:17:1: task: missing required key 'drive' of task 'sequence'");
    // Inputs the phases do not gate would leak the outcome into the prediction.
    CHECK(error_of(replaced(b, "inputs = [\"symbol\", \"target\"]", "inputs = [\"symbol\"]")) ==
          "model.toml:17:1: task: the task's input 'target' is not named in any [[phase]]'s inputs, so it "
          "would be on in every phase; list it in the outcome phase ('plus')");
    CHECK(error_of(replaced(b, "inputs = [\"symbol\", \"target\"]", "inputs = [\"symbol\", \"target\", \"sybmol\"]")) ==
          "model.toml:11:31: phase[1].inputs[2]: phase 'plus' switches on 'sybmol', which is neither a stimulus "
          "nor an input of the task; the model has 'symbol' or 'target', did you mean 'symbol'?");
    CHECK(error_of(b + "prediction_phase = \"minsu\"\n") ==
          "model.toml:23:20: task.prediction_phase: must be 'minus' or 'plus', got 'minsu', did you mean 'minus'?");
}

TEST_CASE("column keys: strengths, Dale's law, the self-context and rules", "[column][task]") {
    const std::string b = base;
    // strengths set a pathway's summed weight: uniform on [0, 2 g / n].
    const auto s = session_of(replaced(b, "name = \"col\"\n", "name = \"col\"\nstrengths = { \"L4->L23\" = 0.8 }\n"));
    const auto& W = s->net().projections()[s->net().projection_index("col.L4->col.L23.basal")].weights();
    CHECK(W.maxCoeff() <= 2.0 * 0.8 / 8);
    CHECK(W.maxCoeff() > 0.5 * 2.0 * 0.8 / 8);
    const std::string bad_pathway =
        error_of(replaced(b, "name = \"col\"\n", "name = \"col\"\nstrengths = { \"L4->L5\" = 1.0 }\n"));
    INFO(bad_pathway);
    CHECK(bad_pathway.rfind("model.toml:15:26: column[0].strengths.L4->L5: unknown pathway 'L4->L5'; a column has ", 0) == 0);
    // dale = true keeps the learned CT pathways excitatory; ct_self_context = false shrinks ctx.
    const auto d = session_of(replaced(b, "name = \"col\"\n", "name = \"col\"\ndale = true\nct_self_context = false\n"));
    for (const auto& p : d->net().projections())
        if (p.desc().name == "col.L6->col.pulvinar.modulator" || p.desc().name == "col.ctx->col.L6.basal")
            CHECK(p.desc().sign == sign_constraint::excitatory);
    CHECK(d->net().model().populations[d->net().population_index("col.ctx")].size == 8);
    CHECK(s->net().model().populations[s->net().population_index("col.ctx")].size == 16);
    // spread: a neuron's summed initial weight has standard deviation s, the weights uniform on
    // g/n -+ s sqrt(3/n) (ctx -> L6: g 2.4, n = 16 context neurons).
    const auto sp = session_of(replaced(b, "name = \"col\"\n", "name = \"col\"\nspread = { \"ctx->L6\" = 2.0 }\n"));
    const Eigen::MatrixXd C = sp->net().projections()[sp->net().projection_index("col.ctx->col.L6.basal")].weights();
    const double half = 2.0 * std::sqrt(3.0 / 16.0), mean = 2.4 / 16.0;
    CHECK(C.minCoeff() >= mean - half);
    CHECK(C.maxCoeff() <= mean + half);
    CHECK(C.minCoeff() < mean - 0.8 * half);  // 128 x 16 draws fill the interval
    CHECK(C.maxCoeff() > mean + 0.8 * half);
    CHECK(error_of(replaced(b, "name = \"col\"\n", "name = \"col\"\nspread = { \"L4->L23\" = 1.0 }\n")) ==
          "model.toml:13:1: column[0]: spread of 'L4->L23' in column 'col': only pathways of free sign take "
          "a spread (the learned CT pathways, without dale = true)");
    // A rule's parameters are checked where they were written.
    CHECK(error_of(replaced(b, "name = \"col\"\n",
                            "name = \"col\"\nplasticity = { \"ctx->L6\" = { rule = \"generec\", eta = 0.5, "
                            "plus = \"pluss\" } }\n")) ==
          "model.toml:15:66: column[0].plasticity.ctx->L6.plus: unknown phase 'pluss'; the protocol has 'minus' or "
          "'plus', did you mean 'plus'?");
    CHECK(error_of(replaced(b, "name = \"col\"\n",
                            "name = \"col\"\nplasticity = { \"ctx->L6\" = { rule = \"generec\", etta = 0.5 } }\n")) ==
          "model.toml:15:55: column[0].plasticity.ctx->L6.etta: unknown key 'etta', did you mean 'eta'?");
    CHECK(error_of(replaced(b, "name = \"col\"\n",
                            "name = \"col\"\nplasticity = { \"ctx->L6\" = { rule = \"generec\", eta = -1.0 } }\n")) ==
          "model.toml:15:54: column[0].plasticity.ctx->L6.eta: must be non-negative, got -1.0");
}

TEST_CASE("a task's progress line gives the time left from the rate so far", "[task]") {
    // 25 of 100 done in 10 s: 75 more at the same rate take 30 s.
    CHECK(elapsed_and_left(10.0, 25.0, 100.0) == "(10.0 s, ~30 s left)");
    CHECK(elapsed_and_left(10.0, 25.0, 100.0, true) == "(10.0 s, <= 30 s left)");  // a criterion may end it
    CHECK(elapsed_and_left(60.0, 10.0, 100.0) == "(60.0 s, ~9.0 min left)");
    CHECK(elapsed_and_left(0.5, 0.0, 100.0) == "(0.5 s)");      // no rate yet
    CHECK(elapsed_and_left(42.0, 100.0, 100.0) == "(42.0 s)");  // done
}

// `[task] kind = "sequence"` and the column's TOML keys: what they lower to, and every mistake
// reported at its position (issue 4; docs/toml_reference.md).
#include <catch2/catch.hpp>

#include "circuits/network.hpp"
#include "circuits/tasks/lowered_task.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/expand_templates.hpp"

using namespace cortexsim;

namespace {
const char* base = R"([simulation]
seed = 4

[[column]]
name = "col"
sizes = { relay = 7, pulvinar = 7, L4 = 8, L23 = 8, L5 = 8, L6 = 8 }

[task]
kind = "sequence"
column = "col"
sequence = "reber"
trials = 300
)";

struct lowered {
    std::unique_ptr<network> net;
    lowered_task task;
};

lowered lower_text(const std::string& text) {
    model_desc m = config::parse_model(text, "model.toml", "");
    expand_templates(m);
    lowered out;
    out.net = std::make_unique<network>(lower(m));
    out.task = lower_task(m.task, *out.net);
    return out;
}

std::string error_of(const std::string& text) {
    try {
        lower_text(text);
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
} // namespace

TEST_CASE("a sequence task lowers to the column's trial settings", "[sequences][task]") {
    const lowered l = lower_text(base);
    CHECK(l.task.kind == task_kind::sequence);
    CHECK(l.task.column == "col");
    CHECK(l.task.training.max_trials == 300);
    CHECK(l.task.training.block_trials == 100);
    CHECK(l.task.training.criterion_blocks == 2);
    CHECK(l.task.sequence_task.minus_ms == 75.0);
    CHECK(l.task.sequence_task.plus_ms == 25.0);
    CHECK(l.task.sequence_task.u_off == -2.0);
    CHECK(l.task.sequence_task.learn);
    CHECK(l.task.make_source().n_symbols() == 7);
    // Ablations switch exactly one mechanism off.
    const lowered a = lower_text(std::string(base) + "ablation = \"no_thalamic_loop\"\n");
    CHECK(!a.task.sequence_task.thalamic_loop);
    CHECK(a.task.sequence_task.learn);
    CHECK(!a.task.sequence_task.context_current);
    // A cyclic stream takes its alphabet from the cycle.
    const lowered c = lower_text(replaced(replaced(replaced(base, "relay = 7", "relay = 3"), "pulvinar = 7",
                                                   "pulvinar = 3"),
                                          "sequence = \"reber\"", "sequence = \"cyclic\"\ncycle = \"ABAC\""));
    CHECK(c.task.make_source().n_symbols() == 3);
}

TEST_CASE("sequence task mistakes are reported where they were written", "[sequences][task]") {
    const std::string b = base;
    CHECK(error_of(replaced(b, "column = \"col\"", "column = \"cl\"")) ==
          "model.toml:10:10: task.column: unknown column 'cl', did you mean 'col'?");
    CHECK(error_of(replaced(b, "sequence = \"reber\"", "sequence = \"rebber\"")) ==
          "model.toml:11:12: task.sequence: unknown sequence 'rebber'; expected 'reber', "
          "'embedded_reber' or 'cyclic', did you mean 'reber'?");
    CHECK(error_of(replaced(b, "sequence = \"reber\"", "sequence = \"cyclic\"")) ==
          "model.toml:8:1: task: sequence 'cyclic' needs a cycle, e.g. cycle = \"ABCDE\"");
    CHECK(error_of(b + "cycle = \"ABC\"\n") ==
          "model.toml:13:9: task.cycle: cycle applies to sequence = \"cyclic\" only");
    CHECK(error_of(b + "ablation = \"no_loop\"\n") ==
          "model.toml:13:12: task.ablation: unknown ablation 'no_loop'; expected 'none', "
          "'context_current', 'no_thalamic_loop', 'no_plasticity' or 'no_context_learning'");
    CHECK(error_of(replaced(b, "relay = 7", "relay = 5")) ==
          "model.toml:10:10: task.column: column 'col' has 5 relay neurons; sequence 'reber' needs 7, "
          "one per symbol (set sizes.relay)");
    CHECK(error_of(replaced(b, "trials = 300", "trials = 2.5")) ==
          "model.toml:12:10: task.trials: must be a positive integer, got 2.5");
    CHECK(error_of(b + "input = \"x\"\n") == "model.toml:13:9: task.input: task 'sequence' takes no input");
    CHECK(error_of(b + "eta_ctx = 0.1\n").rfind("model.toml:13:11: task.eta_ctx: unknown setting 'eta_ctx' of "
                                                "task 'sequence'", 0) == 0);
    CHECK(error_of(replaced(b, "column = \"col\"\n", "")) ==
          "model.toml:8:1: task: task 'sequence' needs a column (the [[column]] that learns)");
}

TEST_CASE("column keys: strengths, Dale's law and the self-context", "[column][task]") {
    const std::string b = base;
    // strengths set a pathway's summed weight: uniform on [0, 2 g / n].
    const lowered s = lower_text(replaced(b, "name = \"col\"\n", "name = \"col\"\nstrengths = { \"L4->L23\" = 0.8 }\n"));
    for (const auto& p : s.net->projections()) {
        if (p.desc().name != "col.L4->col.L23.basal") continue;
        CHECK(p.weights().maxCoeff() <= 2.0 * 0.8 / 8);
        CHECK(p.weights().maxCoeff() > 0.5 * 2.0 * 0.8 / 8);
    }
    CHECK(error_of(replaced(b, "name = \"col\"\n", "name = \"col\"\nstrengths = { \"L4->L5\" = 1.0 }\n"))
              .rfind("model.toml:6:26: column[0].strengths.L4->L5: unknown pathway 'L4->L5'; a column has ", 0) == 0);
    // dale = true keeps the learned CT pathways excitatory; ct_self_context = false shrinks ctx.
    const lowered d = lower_text(replaced(b, "name = \"col\"\n", "name = \"col\"\ndale = true\nct_self_context = false\n"));
    for (const auto& p : d.net->projections())
        if (p.desc().name == "col.L6->col.pulvinar.modulator" || p.desc().name == "col.ctx->col.L6.basal")
            CHECK(p.desc().sign == sign_constraint::excitatory);
    CHECK(d.net->model().populations[d.net->population_index("col.ctx")].size == 8);
    CHECK(s.net->model().populations[s.net->population_index("col.ctx")].size == 16);
}

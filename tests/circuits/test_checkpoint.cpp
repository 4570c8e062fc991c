// Checkpoint and resume (docs/checkpoints.md) against the one truth that matters: the run that
// was never interrupted. Each model runs twice: once whole, and once stopped right after its
// first checkpoint (taken at 40% of the run) and resumed from it in a new session built from
// the run folder's model.resolved.toml, as `cortexsim resume` does. Both folders must then
// hold the same results bit for bit: every CSV byte, every value of every report.h5 data set.
// The models cover a Reber sequence task (trial by trial, phase-end rules with momentum and
// normalisation), the teacher-student microcircuit (continuous dendritic rules, held input
// products), plain runs under CVODE (Adams, auto) with stimulus switches, somatic noise and
// continuous plasticity, and one small model per registered rule; a rule that keeps state it
// does not save fails here.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <set>
#include <sstream>

#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/plasticity/rule.hpp"
#include "core/checkpoint/state_archive.hpp"
#include "core/config/toml_loader.hpp"
#include "circuits/tasks/dataset.hpp"
#include "core/random.hpp"
#include "cortex_models/template_registry.hpp"
#include "../file_text.hpp"
#include "../run_compare.hpp"
#include "../skip.hpp"

namespace fs = std::filesystem;
using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

const std::string source_dir = CORTEXSIM_SOURCE_DIR;

run_options quiet_options(const fs::path& dir) {
    fs::remove_all(dir);
    run_options o;
    o.out_dir = dir.string();
    o.show_progress = false;
    o.format = report_format::both;
    o.precision = sample_precision::float64;
    return o;
}

struct resumed_run {
    double checkpoint_ms = -1.0;  ///< model time of the checkpoint resumed from
    double stopped_ms = -1.0;     ///< where the first process stopped
    double end_ms = 0.0;
};

/// Runs `source` whole into dir/whole, and into dir/resumed stopped right after its first
/// checkpoint (every `every_ms` of model time) and resumed from it. `length_ms`: the run's
/// model time, so the checkpoint's position can be checked.
resumed_run run_both(const model_source& source, const fs::path& dir, double every_ms) {
    std::ostringstream log;
    {
        run_session whole(source.load());
        whole.run(quiet_options(dir / "whole"), log);
    }
    resumed_run out;
    volatile std::sig_atomic_t stop = 0;
    {
        run_session first(source.load());
        run_options o = quiet_options(dir / "resumed");
        o.checkpoint_every_ms = every_ms;
        o.stop_flag = &stop;
        o.on_checkpoint = [&](double t) {
            if (out.checkpoint_ms < 0.0) out.checkpoint_ms = t;
            stop = SIGTERM;  // as a user's Ctrl-C or a batch system's notice
        };
        first.start(o, log);
        if (first.the_task()) first.run_task();
        else first.advance_to(first.net().model().start_ms + first.net().model().duration_ms);
        const run_result r = first.finish();
        REQUIRE(r.checkpoints == 1);
        REQUIRE(r.stop_signal == SIGTERM);
        out.stopped_ms = r.stopped_at_ms;
    }
    // As `cortexsim resume`: the folder's own resolved model and the checkpoint's options.
    model_source folder;
    folder.path = (dir / "resumed" / "model.resolved.toml").string();
    run_session second(folder.load(), {}, run_session::checkpoint_options((dir / "resumed").string()));
    run_options o = run_session::checkpoint_options((dir / "resumed").string());
    o.show_progress = false;
    second.resume((dir / "resumed").string(), o, log);
    CHECK(second.time() == out.checkpoint_ms);
    if (second.the_task()) REQUIRE(second.run_task());
    else REQUIRE(second.advance_to(second.net().model().start_ms + second.net().model().duration_ms));
    const run_result r = second.finish();
    CHECK(r.resumed_from_ms == out.checkpoint_ms);
    out.end_ms = second.time();
    return out;
}

model_source example(const std::string& name, std::vector<config::override_setting> overrides = {}) {
    model_source s;
    s.path = source_dir + "/examples/" + name + ".toml";
    s.overrides = std::move(overrides);
    return s;
}

} // namespace

TEST_CASE("checkpoint: a resumed Reber run ends as the uninterrupted one", "[checkpoint]") {
    // 300 trials in blocks of 20 (100 ms a trial): the checkpoint is due at 12,000 ms, taken
    // at the end of block 6 (trial 120).
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_reber";
    const resumed_run r = run_both(example("reber_column", {{"task.trials", "300"}, {"task.after_criterion", "0"},
                                                            {"task.block_trials", "20"}}),
                                   dir, 12000.0);
    CHECK(r.checkpoint_ms == 12000.0);
    CHECK(r.end_ms == 30000.0);
    require_same_results(dir / "whole", dir / "resumed");
    fs::remove_all(dir);
}

TEST_CASE("checkpoint: a resumed teacher-student microcircuit ends as the uninterrupted one", "[checkpoint]") {
    // 1,000 patterns of 30 ms, evaluated every 100 on 50 test patterns: a checkpoint after
    // each evaluation block, the first one due at 40% of the training.
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_teacher";
    const model_source m = example("teacher_student", {{"task.n_train", "1000"}, {"task.eval_every", "100"}});
    const resumed_run r = run_both(m, dir, 0.4 * 1000 * 30.0);
    CHECK(r.checkpoint_ms >= 0.4 * 1000 * 30.0);
    CHECK(r.checkpoint_ms < r.end_ms);
    require_same_results(dir / "whole", dir / "resumed");
    fs::remove_all(dir);
}

TEST_CASE("checkpoint: a resumed reward-modulated choice task ends as the uninterrupted one", "[checkpoint]") {
    // Exploration draws from the task's generator and the reward gates three-factor learning.
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_choice";
    const resumed_run r = run_both(example("reward_choice", {{"task.trials", "300"}, {"task.block_trials", "25"}}),
                                   dir, 1.0);
    CHECK(r.checkpoint_ms > 0.0);
    require_same_results(dir / "whole", dir / "resumed");
    fs::remove_all(dir);
}

TEST_CASE("checkpoint: a resumed classification run ends as the uninterrupted one", "[checkpoint]") {
    if (find_sklearn_digits().empty())
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    // 3 epochs of 400 digits with standardised pixels and the cosine schedule (set sample by
    // sample), evaluated every 300 samples: the checkpoint follows the evaluation at 600,
    // inside epoch 2.
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_digits";
    model_source m;
    m.text = slurp(source_dir + "/examples/digits_classification.toml");
    const std::string step = "eta_decay = 0.8\n";
    REQUIRE(m.text.find(step) != std::string::npos);
    m.text.erase(m.text.find(step), step.size());  // the step schedule's key; cosine instead
    m.base_dir = source_dir + "/examples";
    m.overrides = {{"task.epochs", "3"}, {"task.n_train", "400"}, {"task.n_test", "100"},
                   {"task.eval_every", "300"}, {"task.normalize", "\"standardize\""},
                   {"task.eta_schedule", "\"cosine\""}, {"task.decay_after", "0"}};
    const resumed_run r = run_both(m, dir, 0.4 * 3 * 400 * 10.0);
    CHECK(r.checkpoint_ms > 0.4 * 3 * 400 * 10.0);
    require_same_results(dir / "whole", dir / "resumed");
    fs::remove_all(dir);
}

TEST_CASE("checkpoint: plain runs under CVODE resume bit for bit", "[checkpoint]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_plain";
    SECTION("self-predicting microcircuit: Adams, continuous plasticity every 1 ms") {
        const model_source m = example("self_predicting", {{"simulation.duration_ms", "2000.0"}});
        const resumed_run r = run_both(m, dir, 800.0);
        CHECK(r.checkpoint_ms == 800.0);
        require_same_results(dir / "whole", dir / "resumed");
    }
    SECTION("microcircuit dynamics: auto solver, stimulus switches, somatic noise") {
        const model_source m = example("microcircuit_dynamics", {{"population[1].params.noise_sigma", "0.3"},
                                                                 {"simulation.noise_interval_ms", "0.7"}});
        const resumed_run r = run_both(m, dir, 48.0);
        CHECK(r.checkpoint_ms >= 48.0);
        CHECK(r.checkpoint_ms < 120.0);
        require_same_results(dir / "whole", dir / "resumed");
    }
    fs::remove_all(dir);
}

namespace {

/// Four inputs switching every 7 ms onto three pyramidal units through one plastic
/// projection; a dopamine schedule and a teacher nudging the units from 150 ms on, so every
/// rule has something to learn from; `phases` adds a minus/plus protocol (plain runs then go
/// trial by trial).
std::string rule_model(const std::string& rule, const std::string& transfer, bool phases) {
    std::ostringstream times, values;
    rng gen(11, "checkpoint_patterns");
    for (int k = 0; k < 60; ++k) {
        times << (k ? ", " : "") << 7.0 * k;
        values << (k ? ", " : "") << "[" << gen.uniform(0.1, 1.2) << ", " << gen.uniform(0.1, 1.2) << ", "
               << gen.uniform(0.1, 1.2) << ", " << gen.uniform(0.1, 1.2) << "]";
    }
    std::string m = "[simulation]\nduration_ms = 400.0\nseed = 5\n[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
                    "[[neuromodulator]]\nname = \"dopamine\"\ntimes_ms = [100.0, 150.0, 260.0]\n"
                    "values = [1.0, 0.0, 2.0]\n"
                    "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = 4\n"
                    "[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = 3\ntransfer = " + transfer +
                    "\nparams = { g_A = 0.0 }\n"
                    "[[projection]]\nsource = \"x\"\ntarget = \"y\"\ncompartment = \"basal\"\n"
                    "weights = { distribution = \"uniform\", low = 0.2, high = 0.6 }\nplasticity = " + rule + "\n"
                    "[[stimulus]]\nname = \"x\"\ntarget = \"x\"\nmode = \"rate\"\nkind = \"sequence\"\ntimes_ms = [" +
                    times.str() + "]\nvalues = [" + values.str() + "]\n"
                    "[[stimulus]]\nname = \"teacher\"\ntarget = \"y\"\nmode = \"nudge\"\nkind = \"constant\"\n"
                    "start_ms = 150.0\nvalues = [1.0, 0.2, 0.6]\ng_som = 0.8\n"
                    "[[record]]\npopulation = \"y\"\nvariables = [\"u_soma\", \"rate\"]\ninterval_ms = 1.0\n"
                    "[[record]]\nprojection = \"x->y.basal\"\nwhat = \"weights\"\ninterval_ms = 5.0\n";
    if (phases)
        m += "[[phase]]\nname = \"minus\"\nduration_ms = 15.0\n[[phase]]\nname = \"plus\"\nduration_ms = 10.0\n";
    return m;
}

model_source text_model(const std::string& text) {
    model_source s;
    s.text = text;
    s.text_name = "checkpoint_rule.toml";
    return s;
}

} // namespace

TEST_CASE("checkpoint: every registered rule resumes with its own state", "[checkpoint]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_checkpoint_rules";
    std::set<std::string> covered;
    // The rule comparison's teacher-student models, shortened: feedback alignment, direct
    // feedback alignment, equilibrium propagation, GeneRec and the dendritic microcircuit.
    for (const char* name : {"teacher_feedback_alignment", "teacher_direct_feedback_alignment",
                             "teacher_equilibrium_propagation", "teacher_generec", "teacher_microcircuit"}) {
        DYNAMIC_SECTION(name) {
            model_source m;
            m.path = source_dir + "/examples/rule_comparison/" + name + ".toml";
            m.overrides = {{"task.n_train", "200"}, {"task.n_test", "20"}, {"task.eval_every", "40"}};
            run_both(m, dir, 1.0);  // the first evaluation block
            require_same_results(dir / "whole", dir / "resumed");
        }
    }
    // Rules with state of their own (thresholds, traces, activity averages, filtered changes,
    // momentum and normalisation), on the small model above.
    const std::vector<std::tuple<std::string, std::string, bool>> rules = {
        {"{ rule = \"oja\", eta = 0.01, momentum = 0.6, normalize = true, normalize_tau = 50.0 }",
         "{ kind = \"linear\", gamma = 1.1 }", false},
        {"{ rule = \"sanger\", eta = 0.01 }", "{ kind = \"linear\", gamma = 1.1 }", false},
        {"{ rule = \"bcm\", eta = 0.001, tau_theta_ms = 20.0 }", "{ kind = \"linear\", gamma = 1.1 }", false},
        {"{ rule = \"three_factor\", eta = 0.001, modulator = \"dopamine\", tau_e_ms = 50.0 }",
         "{ kind = \"linear\", gamma = 1.1 }", false},
        {"{ rule = \"dendritic_prediction\", eta = 0.01, tau_w_ms = 30.0 }", "\"logistic\"", false},
        {"{ rule = \"dendritic_prediction\", eta = 0.05, tau_w_ms = 0.0, decay = 0.2 }", "\"logistic\"", false},
        {"{ rule = \"xcal\" }", "\"logistic\"", true},
    };
    for (const auto& [rule, transfer, phases] : rules) {
        DYNAMIC_SECTION(rule) {
            run_both(text_model(rule_model(rule, transfer, phases)), dir, 160.0);
            require_same_results(dir / "whole", dir / "resumed");
        }
    }
    // Which rules the runs above exercised: read from their resolved models, so a rule added
    // to the registry without a case here fails.
    for (const char* name : {"teacher_feedback_alignment", "teacher_direct_feedback_alignment",
                             "teacher_equilibrium_propagation", "teacher_generec", "teacher_microcircuit"}) {
        run_session s(config::load_model_file(source_dir + "/examples/rule_comparison/" + name + ".toml", default_templates().names(), {}));
        for (const auto& p : s.net().model().projections)
            if (p.rule) covered.insert(p.rule_name);
    }
    for (const auto& [rule, transfer, phases] : rules) {
        run_session s(text_model(rule_model(rule, transfer, phases)).load());
        for (const auto& p : s.net().model().projections)
            if (p.rule) covered.insert(p.rule_name);
    }
    for (const std::string& name : default_rules().names()) {
        INFO("rule " << name << " has no checkpoint case");
        CHECK(covered.count(name) == 1);
    }
    fs::remove_all(dir);
}

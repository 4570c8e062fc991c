// The column's predictive-learning trial, now a declared protocol (phases, gates, rules,
// context) run by the trial runner: each mechanism against its definition (the gates, the
// context copy, the GeneRec step from the phase-end snapshots, phase-end recording); then
// learning through the sequence task: a cyclic sequence to zero error, and the ablations of
// O'Reilly et al. 2021 (REFERENCES.md section 3), each a change of the TOML, failing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../file_text.hpp"
#include "run_fixture.hpp"
#include <cmath>
#include "circuits/experiments/session.hpp"
#include "circuits/trial_runner.hpp"
#include "core/config/toml_loader.hpp"
#include "cortex_models/template_registry.hpp"

using namespace cortexsim;
namespace fs = std::filesystem;

namespace {

std::string column_toml(std::size_t n_symbols, long hidden, const std::string& column_extra = "") {
    const std::string n = std::to_string(n_symbols), h = std::to_string(hidden);
    return "[simulation]\nseed = 1\nduration_ms = 100.0\n[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
           "[[phase]]\nname = \"minus\"\nduration_ms = 75.0\n"
           "[[phase]]\nname = \"plus\"\nduration_ms = 25.0\ninputs = [\"symbol\", \"target\"]\n"
           "[[column]]\nname = \"col\"\nsizes = { relay = " + n + ", pulvinar = " + n + ", L4 = " + h +
           ", L23 = " + h + ", L5 = " + h + ", L6 = " + h + " }\n" + column_extra;
}

/// A column with the sequence task's two inputs, driven trial by trial.
struct column_fixture {
    std::unique_ptr<network> net;
    std::unique_ptr<simulation> sim;
    std::unique_ptr<trial_runner> trials;
    std::size_t symbol = 0, target = 0, n = 0;

    column_fixture(std::size_t n_symbols, const std::string& column_extra = "") : n(n_symbols) {
        model_desc m = config::parse_model(column_toml(n_symbols, 12, column_extra), "model.toml", "");
        expand_templates(m);
        net = std::make_unique<network>(lower(m));
        symbol = net->add_input("symbol", net->population_index("col.relay"), network::input_mode::current, 0);
        target = net->add_input("target", net->population_index("col.pulvinar"), network::input_mode::nudge, -1, 3.0);
        sim = std::make_unique<simulation>(*net, net->integrator_options(true), 1e-8);
        trials = std::make_unique<trial_runner>(*net, *sim);
    }
    /// One trial showing `s`: a current of 4 into its relay neuron's driver and the pulvinar
    /// nudged towards 4 for it, -2 elsewhere (the sequence task's defaults).
    void trial(std::size_t s) {
        std::vector<double> drive(n, 0.0), u(n, -2.0);
        drive[s] = 4.0;
        u[s] = 4.0;
        net->set_input(symbol, drive.data());
        net->set_input(target, u.data());
        trials->run_trial();
    }
    Eigen::VectorXd rates(const std::string& pop) {
        const std::size_t p = net->population_index(pop);
        net->observe(sim->time(), sim->state().data());
        const variable_ref r = net->resolve_variable(p, "rate");
        Eigen::VectorXd out(static_cast<Eigen::Index>(net->model().populations[p].size));
        for (Eigen::Index i = 0; i < out.size(); ++i)
            out[i] = net->value(p, r, static_cast<std::size_t>(i), sim->state().data());
        return out;
    }
    Eigen::VectorXd snapshot(const std::string& pop, const std::string& signal) {
        const bound_signal s = net->plasticity().request(net->population_index(pop), signal);
        const std::vector<double>& v = *net->plasticity().snapshot(s);
        return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    }
};

} // namespace

TEST_CASE("a trial gates the thalamic loop by phase and copies the outcome into the context",
          "[column][sequences]") {
    column_fixture f(4, "plasticity = \"none\"\n");
    CHECK(!f.net->has_plasticity());
    const std::size_t l5_drv = f.net->projection_index("col.L5->col.pulvinar.driver");
    // Snapshots requested before the trial are taken at every phase end.
    f.snapshot("col.L5", "rate@plus");
    f.snapshot("col.L6", "rate@plus");
    f.snapshot("col.pulvinar", "rate@plus");
    f.trial(2);
    CHECK(f.sim->time() == 100.0);  // 75 ms minus + 25 ms plus
    // In the outcome phase L5 drives the pulvinar (gain 1; 0 while it predicts).
    CHECK(f.net->projections()[l5_drv].gain() == 1.0);
    f.net->enter_phase(0);
    CHECK(f.net->projections()[l5_drv].gain() == 0.0);
    f.net->enter_phase(1);
    // The context for the next trial is exactly [L5, L6] at the end of this outcome phase.
    const Eigen::VectorXd l5 = f.snapshot("col.L5", "rate@plus"), l6 = f.snapshot("col.L6", "rate@plus");
    CHECK((l5 - f.rates("col.L5")).cwiseAbs().maxCoeff() == 0.0);  // the snapshot is the state at t = 100
    f.sim->restart();  // latch the new context
    const Eigen::VectorXd ctx = f.rates("col.ctx");
    REQUIRE(ctx.size() == l5.size() + l6.size());
    CHECK((ctx.head(l5.size()) - l5).cwiseAbs().maxCoeff() == 0.0);
    CHECK((ctx.tail(l6.size()) - l6).cwiseAbs().maxCoeff() == 0.0);
    // The outcome phase showed symbol 2 on the pulvinar, above every other unit.
    Eigen::Index best;
    f.snapshot("col.pulvinar", "rate@plus").maxCoeff(&best);
    CHECK(best == 2);
}

TEST_CASE("the pulvinar's prediction error compares the outcome with the CT prediction",
          "[column][sequences]") {
    // modulator_error = phi(u) - phi(k_mod v_mod), k_mod = g_mod / (g_lk + g_drv + g_mod);
    // prediction_error = phi(u) - phi(k_mod v_mod + I_TRN / (g_lk + g_drv + g_mod)): what the CT
    // layer predicts through the modulator and through the reticular inhibition of the soma.
    // In the outcome phase the soma is decoupled from the modulator (gain 0), which still holds
    // L6's prediction: outcome minus prediction. At the end of the prediction phase the soma has
    // settled where the prediction says: prediction_error ~ 0.
    column_fixture f(4, "plasticity = \"none\"\n");
    for (const char* s : {"prediction_error@plus", "modulator_error@plus", "v_modulator@plus", "rate@plus",
                          "prediction_error@minus"})
        f.snapshot("col.pulvinar", s);
    f.snapshot("col.TRN", "rate@plus");
    f.trial(1);
    const std::size_t pulvinar = f.net->population_index("col.pulvinar");
    const auto& pop = f.net->model().populations[pulvinar];
    const double g_total = 0.1 + 1.0 + 1.0;  // the column's pulvinar: g_lk 0.1, g_drv 1, g_mod 1
    const double k = 1.0 / g_total;
    CHECK(f.net->prediction_factor(pulvinar, 1) == Approx(k).epsilon(1e-15));
    const Eigen::VectorXd e = f.snapshot("col.pulvinar", "prediction_error@plus");
    const Eigen::VectorXd m = f.snapshot("col.pulvinar", "modulator_error@plus");
    const Eigen::VectorXd v = f.snapshot("col.pulvinar", "v_modulator@plus");
    const Eigen::VectorXd r = f.snapshot("col.pulvinar", "rate@plus");
    const Eigen::VectorXd trn = f.snapshot("col.TRN", "rate@plus");
    const Eigen::VectorXd i_trn =
        f.net->projections()[f.net->projection_index("col.TRN->col.pulvinar.soma")].weights() * trn;
    for (Eigen::Index i = 0; i < e.size(); ++i) {
        CHECK(m[i] == Approx(r[i] - pop.transfer(k * v[i])).margin(1e-14));
        CHECK(e[i] == Approx(r[i] - pop.transfer(k * v[i] + i_trn[i] / g_total)).margin(1e-12));
    }
    CHECK(i_trn.maxCoeff() < -0.1);  // the reticular inhibition matters
    // The outcome's unit is driven on; before learning the prediction does not single it out.
    for (Eigen::Index i = 0; i < e.size(); ++i)
        if (i != 1) CHECK(e[i] < e[1] - 0.3);
    // 75 ms = 158 time constants of the pulvinar (1 / g_total): settled to rounding.
    CHECK(f.snapshot("col.pulvinar", "prediction_error@minus").cwiseAbs().maxCoeff() < 1e-9);
}

TEST_CASE("GeneRec on the CT pathway updates from the phase-end rates", "[column][sequences]") {
    // Run the same trial twice from the same state, without and with the rule; the weight
    // change must be eta (y+ - y-) x-^T from the rates at the phases' ends, sampled here by
    // independent samplers at 75 and 100 ms.
    const bool dale = GENERATE(false, true);
    const std::string rules = "plasticity = { \"L6->pulvinar\" = { rule = \"generec\", eta = 3.0 }, "
                              "\"ctx->L6\" = { rule = \"none\" } }\n";
    auto run = [&](bool learn, Eigen::MatrixXd& before, Eigen::MatrixXd& after, Eigen::VectorXd& pre,
                   Eigen::VectorXd& post_minus, Eigen::VectorXd& post_plus) {
        column_fixture f(4, rules + (dale ? "dale = true\n" : ""));
        f.net->set_learning(learn);
        const std::size_t k = f.net->projection_index("col.L6->col.pulvinar.modulator");
        before = f.net->projections()[k].weights();
        f.sim->add_sampler(25.0, [&](double t, const double*) {
            if (t == 75.0) {
                pre = f.rates("col.L6");
                post_minus = f.rates("col.pulvinar");
            } else if (t == 100.0) {
                post_plus = f.rates("col.pulvinar");
            }
        });
        f.trial(1);
        after = f.net->projections()[k].weights();
    };
    Eigen::MatrixXd b0, a0, b1, a1;
    Eigen::VectorXd x, ym, yp, x1, ym1, yp1;
    run(false, b0, a0, x, ym, yp);
    run(true, b1, a1, x1, ym1, yp1);
    CHECK(b0 == b1);  // same seed, same initial weights
    CHECK(a0 == b0);  // learning off: untouched
    CHECK(x == x1);   // learning happens after the phases: same rates
    Eigen::MatrixXd expected = b1 + 3.0 * (yp - ym) * x.transpose();
    CHECK(expected.minCoeff() < 0.0);  // so Dale's law matters
    if (dale) expected = expected.cwiseMax(0.0);
    CHECK((a1 - expected).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((a1 - b1).norm() > 0.0);
}

namespace {

struct run_tables {
    std::vector<std::vector<double>> curve;  ///< learning_curve.csv rows
    std::string summary;
};

std::vector<std::vector<double>> read_csv(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // header
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::vector<double> row;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
        rows.push_back(row);
    }
    return rows;
}

/// The sequence task on the cycle ABCDE through a run session, 24-neuron layers.
run_tables run_cycle(const std::string& column_extra, std::size_t trials, const std::string& name,
                     const std::string& task_extra = "") {
    std::string text = column_toml(5, 24, column_extra) +
                       "[task]\nkind = \"sequence\"\nsequence = \"cyclic\"\ncycle = \"ABCDE\"\n"
                       "drive = \"col.relay\"\ntarget = \"col.pulvinar\"\ncriterion_blocks = 2\ntrials = " +
                       std::to_string(trials) + "\n" + task_extra;
    const run_result r = testing::run_in_temp(text, "cortexsim_cycle_" + name);
    const fs::path out = testing::run_folder("cortexsim_cycle_" + name);
    run_tables t;
    t.curve = read_csv(out / "learning_curve.csv");
    t.summary = r.task_summary;
    fs::remove_all(out);
    return t;
}

} // namespace

TEST_CASE("a column learns a cyclic sequence to zero error", "[column][sequences][learning]") {
    // Every symbol's successor is fixed, so once the CT pathways have learned, every
    // prediction is the next symbol alone: two clean blocks of 100 trials.
    const run_tables t = run_cycle("", 2000, "intact");
    INFO(t.summary);
    REQUIRE(!t.curve.empty());
    CHECK(t.summary.find("criterion (2 blocks") != std::string::npos);
    CHECK(t.curve.front()[1] >= 90);  // it starts out wrong
    CHECK(t.curve.back()[1] == 0);
    // The pulvinar's phase difference |y+ - y-| and its compartment prediction error shrink.
    CHECK(t.curve.back()[3] < 0.6 * t.curve.front()[3]);
    CHECK(t.curve.back()[4] < 0.5 * t.curve.front()[4]);
}

TEST_CASE("a legal successor must pass legal_threshold, an illegal one must stay below threshold",
          "[column][sequences][learning]") {
    // The same learning run scored three ways: the default (0.25 both ways) reaches the
    // criterion; no rate can pass a legal threshold of 1.5, so every trial is an error; and
    // with the illegal threshold at 1.5 nothing counts as predicted wrongly, so every trial
    // whose legal successor is above 0.25 is right, more than under the default.
    const run_tables a = run_cycle("", 600, "thr_default");
    const run_tables b = run_cycle("", 600, "thr_legal", "legal_threshold = 1.5\n");
    const run_tables c = run_cycle("", 600, "thr_illegal", "threshold = 1.5\nlegal_threshold = 0.25\n");
    // (Runs stop at their criterion: the lenient scoring reaches it first.)
    REQUIRE(b.curve.size() == 6);
    REQUIRE(!c.curve.empty());
    REQUIRE(c.curve.size() <= a.curve.size());
    for (const auto& row : b.curve) CHECK(row[1] == 100);
    for (std::size_t k = 0; k < c.curve.size(); ++k) CHECK(c.curve[k][1] <= a.curve[k][1]);
    CHECK(c.curve.front()[1] < a.curve.front()[1]);
    CHECK(b.summary.find("criterion not reached") != std::string::npos);
}

TEST_CASE("ablations of the column make sequence learning fail", "[column][sequences][learning]") {
    // REFERENCES.md section 3: CT seeing the current step, no thalamic loop, no plasticity, each
    // a change of the column's keys. Each leaves the cycle unlearned where the intact column
    // learns it (previous test).
    const std::string which = GENERATE(std::string("context_current"), std::string("no_thalamic_loop"),
                                       std::string("no_plasticity"));
    std::string extra;
    if (which == "context_current") extra = "context_phase = \"minus\"\n";
    if (which == "no_thalamic_loop")
        extra = "strengths = { \"pulvinar->L23\" = 0.0, \"pulvinar->L5\" = 0.0, \"pulvinar->L6\" = 0.0, "
                "\"pulvinar->VIP\" = 0.0 }\n";
    if (which == "no_plasticity") extra = "plasticity = \"none\"\n";
    const run_tables t = run_cycle(extra, 1500, which);
    INFO(which << ": " << t.summary);
    CHECK(t.summary.find("criterion not reached") != std::string::npos);
    CHECK(t.curve.back()[1] >= 50);
}

TEST_CASE("a two-column hierarchy learns the cycle as fast as one column, and both CT layers learn",
          "[column][sequences][learning][hierarchy]") {
    // examples/column_hierarchy.toml against the same V1 alone. Measured over seeds 1-5 with
    // the link's upper CT prediction starting at 0: 500-700 trials vs 500-600 (1.0-1.2x);
    // required here (seed 1): at most 1.5x, and weights of V2's own context pathway and of its
    // prediction of V1's pulvinar changed.
    std::ifstream in(std::string(CORTEXSIM_SOURCE_DIR) + "/examples/column_hierarchy.toml");
    std::stringstream text;
    text << in.rdbuf();
    const std::string hierarchy = text.str();
    std::string single = hierarchy;
    const auto v2 = single.find("[[column]]\nname = \"V2\"");
    const auto task = single.find("[task]");
    REQUIRE(v2 != std::string::npos);
    single.erase(v2, task - v2);
    const std::string both = "report = [\"V1.L6\", \"V2.L6\"]";
    single.replace(single.find(both), both.size(), "report = [\"V1.L6\"]");
    single.erase(single.find("# Both columns'"));

    auto trials_of = [](const std::string& toml, const std::string& name, fs::path* keep = nullptr) {
        const run_result r = testing::run_in_temp(toml, "cortexsim_hierarchy_" + name);
        const fs::path out = testing::run_folder("cortexsim_hierarchy_" + name);
        if (keep) *keep = out;
        else fs::remove_all(out);
        return r.metrics.at("trials_to_criterion");
    };
    fs::path out;
    const double one = trials_of(single, "single"), two = trials_of(hierarchy, "two", &out);
    INFO("single column " << one << " trials, hierarchy " << two);
    REQUIRE(one > 0);
    REQUIRE(two > 0);
    CHECK(two <= 1.5 * one);
    for (const char* stats : {"weight_stats_V2.L6_to_V1.pulvinar.modulator.csv", "weight_stats_V2.ctx_to_V2.L6.basal.csv"}) {
        INFO(stats);
        const auto rows = read_csv(out / stats);  // t_ms, mean, std, min, max, mean_abs
        REQUIRE(rows.size() > 2);
        CHECK(rows.back()[5] != rows.front()[5]);
        CHECK(std::abs(rows.back()[1] - rows.front()[1]) + std::abs(rows.back()[2] - rows.front()[2]) > 1e-3);
    }
    fs::remove_all(out);
}

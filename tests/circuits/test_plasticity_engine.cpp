// The plasticity engine and the trial protocol, against their definitions: a rule registered
// from this file is declared in TOML and updates exactly as it says (a new rule is one file and
// one registration); phases switch inputs and gains; phase-end snapshots are the state at the
// phase's end; context populations mix their sources' phase-end rates; phase-end records.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_models.hpp"
#include "circuits/plasticity/rule.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/trial_runner.hpp"
#include "core/config/toml_loader.hpp"
#include "core/param_tree.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/*
 * A rule that is not part of cortexsim, as a user would add one: plain Hebbian learning at
 * the end of a phase, dW = eta y x^T from the rates at that phase's end.
 */
class test_hebbian final : public plasticity_rule {
public:
    double eta = 0.0;
    std::string at;
    std::unique_ptr<plasticity_rule> clone() const override { return std::make_unique<test_hebbian>(*this); }
    bool continuous() const override { return false; }
    std::string phase() const override { return at; }
    void bind(rule_binding& b) override {
        y_ = b.signal(b.target(), "rate@" + at);
        x_ = b.signal(b.source(), "rate@" + at);
    }
    bool update(plasticity_context& c) override {
        const Eigen::VectorXd y = c.values(y_), x = c.values(x_);
        c.proj().add_outer_product(eta * c.rate_factor, y, x);
        return true;
    }

private:
    bound_signal y_, x_;
};

void register_test_rule() {
    if (default_rules().find("test_hebbian")) return;
    default_rules().add({"test_hebbian", "dW = eta y x^T at a phase end (a test's own rule)",
                         [](param_reader& r, const rule_target& t) -> std::unique_ptr<plasticity_rule> {
                             auto rule = std::make_unique<test_hebbian>();
                             rule->eta = r.required_number("eta", param_bound::non_negative);
                             rule->at = r.required_string("at");
                             check_phase(rule->at, t.phases, r.loc_of("at"));
                             return rule;
                         }});
}

const char* protocol_toml = R"([simulation]
duration_ms = 30.0
seed = 2

[solver]
method = "euler"
dt_ms = 0.01

[[phase]]
name = "a"
duration_ms = 4.0

[[phase]]
name = "b"
duration_ms = 6.0
inputs = ["drive"]
gains = { "x->y.basal" = 0.5, "y.apical" = 0.0 }

[[population]]
name = "x"
model = "input"
size = 3

[[population]]
name = "y"
model = "pyramidal"
size = 2
transfer = "logistic"

[[population]]
name = "c"
model = "input"
size = 5
context = { from = ["x", "y"], at = "a", mix = 0.25 }

[[projection]]
source = "x"
target = "y"
compartment = "basal"
weights = { distribution = "uniform", low = 0.2, high = 1.0 }
plasticity = { rule = "test_hebbian", eta = 0.1, at = "b" }

[[projection]]
source = "c"
target = "y"
compartment = "apical"
weights = 0.3

[[stimulus]]
name = "base"
target = "x"
mode = "rate"
values = [0.5, 1.0, 0.25]

[[stimulus]]
name = "drive"
target = "y"
mode = "current"
values = [2.0, -1.0]
)";

struct protocol_run {
    std::unique_ptr<network> net;
    std::unique_ptr<simulation> sim;
    std::unique_ptr<trial_runner> trials;
    explicit protocol_run(const std::string& text = protocol_toml) {
        register_test_rule();
        model_desc m = config::parse_model(text, "model.toml", "");
        net = std::make_unique<network>(lower(m));
        sim = std::make_unique<simulation>(*net, net->integrator_options(true), 1e-10);
        trials = std::make_unique<trial_runner>(*net, *sim);
    }
    Eigen::VectorXd now(const std::string& pop, const std::string& var) {
        const std::size_t p = net->population_index(pop);
        const variable_ref v = net->resolve_variable(p, var);
        net->observe(sim->time(), sim->state().data());
        Eigen::VectorXd out(static_cast<Eigen::Index>(net->model().populations[p].size));
        for (Eigen::Index i = 0; i < out.size(); ++i)
            out[i] = net->value(p, v, static_cast<std::size_t>(i), sim->state().data());
        return out;
    }
};

} // namespace

TEST_CASE("a rule registered from a test file learns from TOML as it declares", "[plasticity][engine]") {
    protocol_run r;
    network& net = *r.net;
    REQUIRE(net.model().projections[0].rule_name == "test_hebbian");
    CHECK(net.has_plasticity());
    CHECK_FALSE(net.has_continuous_plasticity());
    const Eigen::MatrixXd W0 = net.projections()[0].weights();
    // The state at the end of phase b, seen by a phase-end listener before the rule acts.
    Eigen::VectorXd x_b, y_b;
    r.trials->on_phase_end([&](std::size_t k, double t, const double*) {
        if (k != 1) return;
        CHECK(t == 10.0);
        x_b = r.now("x", "rate");
        y_b = r.now("y", "rate");
    });
    r.trials->run_trial();
    const Eigen::MatrixXd expected = W0 + 0.1 * y_b * x_b.transpose();
    CHECK((net.projections()[0].weights() - expected).cwiseAbs().maxCoeff() < 1e-15);
    // The rule's settings are resolved (for the resolved model) and checked where written.
    CHECK(net.model().projections[0].rule_params.find("at")->string == "b");
    register_test_rule();
    std::string bad = protocol_toml;
    bad.replace(bad.find("at = \"b\""), 8, "at = \"c\"");
    CHECK(model_error_of(bad) == "model.toml:41:55: projection[0].plasticity.at: unknown phase 'c'; the protocol "
                                 "has 'a' or 'b', did you mean 'a'?");
}

TEST_CASE("phases switch inputs and gains, and snapshots hold the phase-end state", "[plasticity][engine]") {
    protocol_run r;
    network& net = *r.net;
    const std::size_t y = net.population_index("y");
    const bound_signal v_basal_a = net.plasticity().request(y, "v_basal@a");
    const bound_signal u_a = net.plasticity().request(y, "u_soma@a");
    const bound_signal u_b = net.plasticity().request(y, "u_soma@b");
    net.set_learning(false);
    r.trials->run_trial();
    CHECK(r.sim->time() == 10.0);
    const Eigen::VectorXd x = (Eigen::VectorXd(3) << 0.5, 1.0, 0.25).finished();
    const Eigen::MatrixXd W = net.projections()[0].weights();
    const double g_lk = 0.1, g_B = 1.0, g_A = 0.8;
    // Phase a: the drive (named by phase b only) is off, every gain 1; the context is still 0,
    // so v_A = 0 and u relaxes to g_B v_B / (g_lk + g_B + g_A) (4 ms = 7.6 time constants).
    const std::vector<double>& va = *net.plasticity().snapshot(v_basal_a);
    const std::vector<double>& ua = *net.plasticity().snapshot(u_a);
    for (int i = 0; i < 2; ++i) {
        CHECK(std::abs(va[i] - (W * x)[i]) < 1e-14);
        CHECK(std::abs(ua[i] - g_B * va[i] / (g_lk + g_B + g_A)) < 1e-3 * std::abs(ua[i]));
    }
    // Phase b: basal gain 0.5, the apical dendrite uncoupled, the drive on: u relaxes to
    // (g_B v_B + I) / (g_lk + g_B) with v_B = 0.5 W x (6 ms = 6.6 time constants).
    const Eigen::VectorXd vB = 0.5 * W * x;
    const std::vector<double>& ub = *net.plasticity().snapshot(u_b);
    const double I[2] = {2.0, -1.0};
    for (int i = 0; i < 2; ++i) {
        const double target = (g_B * vB[i] + I[i]) / (g_lk + g_B);
        CHECK(std::abs(ub[i] - target) < 2e-3 * std::abs(target - ua[i]));
    }
    // run_until stops mid-trial: phase a of the third trial ends at 24, b is not ended at 25.
    protocol_run p;
    p.net->set_learning(false);
    p.trials->run_until(25.0);
    CHECK(p.sim->time() == 25.0);
    CHECK(p.trials->trials_done() == 2);
}

TEST_CASE("a context population mixes its sources' phase-end rates at every trial's end", "[plasticity][engine]") {
    protocol_run r;
    network& net = *r.net;
    net.set_learning(false);
    const bound_signal xa = net.plasticity().request(net.population_index("x"), "rate@a");
    const bound_signal ya = net.plasticity().request(net.population_index("y"), "rate@a");
    Eigen::VectorXd expected = Eigen::VectorXd::Zero(5);
    for (int trial = 0; trial < 3; ++trial) {
        r.trials->run_trial();
        Eigen::VectorXd src(5);
        const auto& xs = *net.plasticity().snapshot(xa);
        const auto& ys = *net.plasticity().snapshot(ya);
        src << xs[0], xs[1], xs[2], ys[0], ys[1];
        expected = 0.75 * expected + 0.25 * src;  // mix = 0.25
        r.sim->restart();  // latch the new context
        CHECK((r.now("c", "rate") - expected).cwiseAbs().maxCoeff() < 1e-15);
    }
}

TEST_CASE("protocol mistakes are reported where they were written", "[plasticity][engine]") {
    register_test_rule();
    const std::string t = protocol_toml;
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = t;
        s.replace(s.find(from), from.size(), to);
        return model_error_of(s);
    };
    CHECK(with("\"x->y.basal\" = 0.5", "\"x->y.basel\" = 0.5") ==
          "model.toml:17:26: phase[1].gains.x->y.basel: 'x->y.basel' is neither a projection nor a "
          "'<population>.<dendrite>' coupling, did you mean 'x->y.basal'?");
    CHECK(with("\"y.apical\" = 0.0", "\"y.apikal\" = 0.0") ==
          "model.toml:17:44: phase[1].gains.y.apikal: population 'y' has no dendrite 'apikal' whose coupling a "
          "gain could scale; it has 'basal' or 'apical', did you mean 'apical'?");
    CHECK(with("\"y.apical\" = 0.0", "\"y.apical\" = -1.0") ==
          "model.toml:17:44: phase[1].gains.y.apical: must be non-negative, got -1.0");
    CHECK(with("name = \"b\"", "name = \"a\"") == "model.toml:14:8: phase[1].name: duplicate phase name 'a'");
    CHECK(with("name = \"b\"", "name = \"b@1\"") ==
          "model.toml:14:8: phase[1].name: a phase name must be non-empty and contain no '@', '.' or space, got "
          "'b@1'");
    CHECK(with("duration_ms = 6.0", "duration_ms = 0.0") ==
          "model.toml:15:15: phase[1].duration_ms: must be positive, got 0.0");
    CHECK(with("size = 5", "size = 4") ==
          "model.toml:34:11: population[2].context: context population 'c' has 4 neurons, but its sources have "
          "5 together");
    CHECK(with("at = \"a\", mix", "at = \"x\", mix") ==
          "model.toml:34:37: population[2].context.at: unknown phase 'x'; the protocol has 'a' or 'b', "
          "did you mean 'a'?");
    CHECK(with("mix = 0.25", "mix = 0.0") == "model.toml:34:48: population[2].context.mix: must be in (0, 1], got 0");
    CHECK(with("from = [\"x\", \"y\"]", "from = [\"x\", \"z\"]") ==
          "model.toml:34:26: population[2].context.from[1]: unknown population 'z', did you mean 'x'?");
    CHECK(with("[[stimulus]]\nname = \"base\"", "[[record]]\npopulation = \"y\"\nvariables = [\"rate\"]\nat = \"bb\"\n"
               "[[stimulus]]\nname = \"base\"") ==
          "model.toml:52:6: record[0].at: unknown phase 'bb'; the protocol has 'a' or 'b', did you mean 'b'?");
}

TEST_CASE("a neuromodulator's level follows its schedule, the phases and a task, and is recorded",
          "[plasticity][engine][neuromodulator]") {
    // Schedule: 0.1 until 15 ms, then 0.5; phase b holds it at 2.0; a task's level wins over both.
    std::string text = protocol_toml;
    text.replace(text.find("gains = {"), 9, "modulators = { dopamine = 2.0 }\ngains = {");
    text += R"(
[[neuromodulator]]
name = "dopamine"
value = 0.1
times_ms = [15.0]
values = [0.5]

[[record]]
neuromodulator = "dopamine"
interval_ms = 1.0
)";
    protocol_run r(text);
    network& net = *r.net;
    const std::size_t k = net.modulator_index("dopamine");
    std::vector<std::pair<double, double>> seen;  // (t, level) at every ms
    r.sim->add_sampler(1.0, [&](double t, const double*) { seen.emplace_back(t, net.modulator(k)); });
    r.trials->run_until(30.0);  // trials of 10 ms: a 0-4, b 4-10, a 10-14, b 14-20, a 20-24, b 24-30
    auto level_at = [&](double t) {
        for (const auto& [time, level] : seen)
            if (time == t) return level;
        FAIL("no sample at " << t);
        return 0.0;
    };
    CHECK(level_at(2.0) == 0.1);   // phase a, schedule before 15 ms
    CHECK(level_at(5.0) == 2.0);   // phase b holds it
    CHECK(level_at(12.0) == 0.1);  // phase a again
    CHECK(level_at(15.0) == 2.0);  // phase b (its level wins over the schedule's switch)
    CHECK(level_at(21.0) == 0.5);  // phase a after the switch
    net.set_modulator(k, -1.0);    // a task's level wins over both, from the next segment on
    r.sim->restart();
    CHECK(net.modulator(k) == -1.0);
    net.clear_modulator(k);
    r.sim->restart();
    CHECK(net.modulator(k) == 2.0);  // back to phase b's (the run ended in b at 30 ms)

    // Through a run session the record writes a table: t_ms, level.
    model_desc m = config::parse_model(text, "model.toml", "");
    const std::filesystem::path out = std::filesystem::temp_directory_path() / "cortexsim_neuromodulator";
    std::filesystem::remove_all(out);
    run_options o;
    o.out_dir = out.string();
    o.show_progress = false;
    std::ostringstream log;
    run_model(m, o, log);
    std::ifstream csv(out / "neuromodulator_dopamine.csv");
    std::string line;
    std::getline(csv, line);
    CHECK(line == "t_ms,level");
    std::vector<double> levels;
    while (std::getline(csv, line)) levels.push_back(std::stod(line.substr(line.find(',') + 1)));
    REQUIRE(levels.size() == 31);  // 0, 1, ..., 30 ms
    CHECK(levels[2] == 0.1);
    CHECK(levels[5] == 2.0);
    CHECK(levels[21] == 0.5);
    std::filesystem::remove_all(out);
    // Mistakes are reported where they were written.
    std::string bad = text;
    bad.replace(bad.find("modulators = { dopamine"), 23, "modulators = { dopamin");
    CHECK(model_error_of(bad) == "model.toml:17:26: phase[1].modulators.dopamin: unknown neuromodulator "
                                 "'dopamin', did you mean 'dopamine'?");
}

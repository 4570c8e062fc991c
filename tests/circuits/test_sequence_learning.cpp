// The mechanics of the column's predictive-learning trial (circuits/tasks/sequence_prediction):
// phase gating, the context copy and the GeneRec step, each against its definition; then
// learning: a cyclic sequence to zero error, and the ablations of issue 4 item 4 failing.
#include <catch2/catch.hpp>

#include "circuits/tasks/sequence_prediction.hpp"
#include "circuits/tasks/sequence_training.hpp"
#include "cortex_models/six_layer_column.hpp"

using namespace cortexsim;

namespace {
struct column_fixture {
    model_desc m;
    std::unique_ptr<network> net;
    explicit column_fixture(std::size_t n_symbols, long hidden = 12, bool dale = false) {
        m.simulation.seed = 1;
        m.solver.method = std::string("euler");
        m.solver.dt_ms = 0.1;
        column_spec c;
        c.name = "col";
        const auto n = static_cast<long>(n_symbols);
        c.sizes = {{"relay", n}, {"pulvinar", n}, {"L4", hidden}, {"L23", hidden}, {"L5", hidden}, {"L6", hidden}};
        c.dale = dale;
        add_six_layer_column(m, c);
        net = std::make_unique<network>(lower(m));
    }
    std::size_t proj(const std::string& name) const {
        for (std::size_t k = 0; k < net->projections().size(); ++k)
            if (net->projections()[k].desc().name == name) return k;
        FAIL("no projection " << name);
        return 0;
    }
    Eigen::VectorXd rates(const std::string& pop, const simulation& sim) {
        const std::size_t p = net->population_index(pop);
        net->observe(sim.time(), sim.state().data());
        const variable_ref r = net->resolve_variable(p, "rate");
        Eigen::VectorXd out(static_cast<Eigen::Index>(net->model().populations[p].size));
        for (Eigen::Index i = 0; i < out.size(); ++i)
            out[i] = net->value(p, r, static_cast<std::size_t>(i), sim.state().data());
        return out;
    }
};
} // namespace

TEST_CASE("a trial copies L5's outcome into the context and gates the pulvinar's inputs",
          "[column][sequences]") {
    column_fixture f(4);
    sequence_task_options o;
    o.learn = false;
    sequence_prediction_task task(*f.net, "col", 4, o);
    const std::size_t l5_drv = f.proj("col.L5->col.pulvinar.driver");
    const std::size_t ct_mod = f.proj("col.L6->col.pulvinar.modulator");
    const Eigen::MatrixXd W0 = f.net->projections()[ct_mod].weights();
    task.trial(2, symbol_bit(2));
    // After the plus phase: L5 drives the pulvinar, the CT prediction is suppressed.
    CHECK(f.net->projections()[l5_drv].gain() == 1.0);
    CHECK(f.net->projections()[ct_mod].gain() == 0.0);
    CHECK(task.sim().time() == 100.0);  // 75 ms minus + 25 ms plus
    // The context for the next trial is exactly L5's rates at the end of this plus phase.
    const Eigen::VectorXd l5 = f.rates("col.L5", task.sim());
    task.sim().restart();  // latch the context that trial() set
    const Eigen::VectorXd l6 = f.rates("col.L6", task.sim());
    const Eigen::VectorXd ctx = f.rates("col.ctx", task.sim());
    // The CT self-context: ctx = [L5, L6] of this plus phase.
    REQUIRE(ctx.size() == l5.size() + l6.size());
    CHECK((ctx.head(l5.size()) - l5).cwiseAbs().maxCoeff() == 0.0);
    CHECK((ctx.tail(l6.size()) - l6).cwiseAbs().maxCoeff() == 0.0);
    // The plus phase showed symbol 2 on the pulvinar, above every other unit.
    const Eigen::VectorXd pulv = f.rates("col.pulvinar", task.sim());
    Eigen::Index best;
    pulv.maxCoeff(&best);
    CHECK(best == 2);
    CHECK(f.net->projections()[ct_mod].weights() == W0);  // learn = false: weights untouched
}

TEST_CASE("the end-of-trial update is GeneRec on the CT pathway", "[column][sequences]") {
    // Run the same trial twice from the same state, once without learning to observe the
    // phase rates, once with; the weight change must equal eta (y+ - y-) x-^T.
    const bool dale = GENERATE(false, true);
    auto run = [dale](bool learn, Eigen::MatrixXd& before, Eigen::MatrixXd& after, Eigen::VectorXd& pre,
                  Eigen::VectorXd& post_minus, Eigen::VectorXd& post_plus) {
        column_fixture f(4, 12, dale);
        sequence_task_options o;
        o.learn = learn;
        o.eta = 3.0;  // large enough that some weights cross 0
        sequence_prediction_task task(*f.net, "col", 4, o);
        const std::size_t k = f.proj("col.L6->col.pulvinar.modulator");
        before = f.net->projections()[k].weights();
        // Record the phases' final rates with samplers at 75 ms and 100 ms.
        task.sim().add_sampler(25.0, [&](double t, const double*) {
            if (t == 75.0) {
                pre = f.rates("col.L6", task.sim());
                post_minus = f.rates("col.pulvinar", task.sim());
            } else if (t == 100.0) {
                post_plus = f.rates("col.pulvinar", task.sim());
            }
        });
        task.trial(1, symbol_bit(1));
        after = f.net->projections()[k].weights();
    };
    Eigen::MatrixXd b0, a0, b1, a1;
    Eigen::VectorXd x, ym, yp, x1, ym1, yp1;
    run(false, b0, a0, x, ym, yp);
    run(true, b1, a1, x1, ym1, yp1);
    CHECK(b0 == b1);  // same seed, same initial weights
    CHECK(x == x1);   // learning happens after the phases: same rates
    // Dale's law clamps the excitatory CT weights at 0; without it they change sign freely.
    Eigen::MatrixXd expected = b1 + 3.0 * (yp - ym) * x.transpose();
    CHECK(expected.minCoeff() < 0.0);  // so the sign rule matters
    if (dale) expected = expected.cwiseMax(0.0);

    CHECK((a1 - expected).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((a1 - b1).norm() > 0.0);
}

namespace {
/// Trains a 24-neuron-per-layer column on the cycle ABCDE for at most `max_trials`.
sequence_training_result train_cycle(const sequence_task_options& o, std::size_t max_trials) {
    column_fixture f(5, 24);
    sequence_prediction_task task(*f.net, "col", 5, o);
    sequence_source source = sequence_source::cyclic("ABCDE");
    sequence_training_options t;
    t.max_trials = max_trials;
    return train_sequence(task, source, t);
}
sequence_task_options tuned() {
    sequence_task_options o;  // the [task] kind = "sequence" defaults (lowered_task.cpp)
    o.eta = 0.03;
    o.eta_context = 0.6;
    o.threshold = 0.25;
    return o;
}
} // namespace

TEST_CASE("a column learns a cyclic sequence to zero error", "[column][sequences][learning]") {
    // Issue 4 item 5. Every symbol's successor is fixed, so once the CT pathway has learned,
    // every minus-phase prediction is the next symbol alone: two clean blocks of 100 trials.
    const auto r = train_cycle(tuned(), 2000);
    INFO("blocks: " << r.blocks.size());
    REQUIRE(r.trials_to_criterion > 0);
    CHECK(r.trials_to_criterion <= 2000);
    CHECK(r.blocks.front().errors >= 90);  // it starts out wrong
    CHECK(r.blocks.back().errors == 0);
    // The thalamic prediction error (mean |y+ - y-| of the pulvinar) shrinks with learning.
    CHECK(r.blocks.back().thalamic_prediction_error < 0.6 * r.blocks.front().thalamic_prediction_error);
}

TEST_CASE("ablations of the column make sequence learning fail", "[column][sequences][learning]") {
    // Issue 4 item 4 (REFERENCES.md section 3): CT seeing the current step, no thalamic loop,
    // plasticity off. Each must leave the cycle unlearned where the intact column learns it
    // (previous test, 800 trials with this seed).
    sequence_task_options o = tuned();
    std::string which = GENERATE(std::string("context_current"), std::string("no_thalamic_loop"),
                                 std::string("no_plasticity"));
    if (which == "context_current") o.context_current = true;
    if (which == "no_thalamic_loop") o.thalamic_loop = false;
    if (which == "no_plasticity") o.learn = false;
    const auto r = train_cycle(o, 1500);
    INFO(which);
    CHECK(r.trials_to_criterion == 0);
    CHECK(r.blocks.back().errors >= 50);
}

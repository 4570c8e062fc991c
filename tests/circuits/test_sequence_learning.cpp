// The mechanics of the column's predictive-learning trial (circuits/tasks/sequence_prediction):
// phase gating, the context copy and the GeneRec step, each against its definition. Learning a
// sequence to criterion (issue 4, items 3-5) is not reached yet; see the issue notes.
#include <catch2/catch.hpp>

#include "circuits/tasks/sequence_prediction.hpp"
#include "cortex_models/six_layer_column.hpp"

using namespace cortexsim;

namespace {
struct column_fixture {
    model_desc m;
    std::unique_ptr<network> net;
    explicit column_fixture(std::size_t n_symbols) {
        m.simulation.seed = 1;
        m.solver.method = std::string("euler");
        m.solver.dt_ms = 0.1;
        column_spec c;
        c.name = "col";
        const auto n = static_cast<long>(n_symbols);
        c.sizes = {{"relay", n}, {"pulvinar", n}, {"L4", 12}, {"L23", 12}, {"L5", 12}, {"L6", 12}};
        c.w_excitatory = 1.0;
        c.transfer_params["beta"] = 2.0;
        c.transfer_params["theta"] = 1.0;
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
    const Eigen::VectorXd ctx = f.rates("col.ctx", task.sim());
    CHECK((ctx - l5).cwiseAbs().maxCoeff() == 0.0);
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
    auto run = [](bool learn, Eigen::MatrixXd& before, Eigen::MatrixXd& after, Eigen::VectorXd& pre,
                  Eigen::VectorXd& post_minus, Eigen::VectorXd& post_plus) {
        column_fixture f(4);
        sequence_task_options o;
        o.learn = learn;
        o.eta = 0.3;
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
    const Eigen::MatrixXd expected = (b1 + 0.3 * (yp - ym) * x.transpose()).cwiseMax(0.0);
    CHECK((a1 - expected).cwiseAbs().maxCoeff() < 1e-15);
    CHECK((a1 - b1).norm() > 0.0);
}

// Weight decay of dendritic_prediction (circuits/plasticity/rules/dendritic_prediction.cpp;
// docs/equations.md W9): dW/dt = eta (e r^T - lambda W). With the presynaptic rates at zero
// the outer product vanishes and only the decay acts, whose solution is
// W(t) = W(0) exp(-lambda Int eta dt): checked on the input weights of a microcircuit shown
// blank inputs, on the held-products path and the step-by-step path.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "../test_models.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "cortex_models/microcircuit_template.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
using Catch::Matchers::WithinRel;

namespace {

struct circuit {
    std::unique_ptr<network> net;
    std::unique_ptr<pattern_driver> driver;
};

circuit build(double weight_decay, bool hold, double pause_ms) {
    microcircuit_spec s;
    s.n_input = 6;
    s.layers = {4, 3};
    s.transfer = "logistic";
    s.weight_scale = 0.5;
    s.eta_PP_per_layer = {0.1, 0.01};
    s.eta_IP = 0.025;
    s.tau_w_ms = 0.0;
    s.pause_ms = pause_ms;
    s.self_predicting_init = true;
    s.weight_decay = weight_decay;
    model_desc m;
    m.simulation.duration_ms = 1.0;
    m.simulation.seed = 4;
    m.solver.method = std::string("euler");
    m.solver.dt_ms = 0.1;
    m.solver.hold_input_products = hold;
    add_microcircuit(m, s);
    circuit c;
    c.net = std::make_unique<network>(lower(m));
    c.driver = std::make_unique<pattern_driver>(*c.net, "input", "P2", 0.8);
    return c;
}

/// The input weights after n blank training presentations of 10 ms and one more (the
/// decay of a presentation is applied at the rule's first update in the next one).
Eigen::MatrixXd after_blank_samples(circuit& c, int n, double rate_factor) {
    c.net->plasticity().set_rate_factor(rate_factor);
    const Eigen::VectorXd blank = Eigen::VectorXd::Zero(6);
    const Eigen::VectorXd target = Eigen::VectorXd::Constant(3, 1.5);
    for (int k = 0; k <= n; ++k) c.driver->present(blank, target.data(), 10.0, true);
    return c.net->projections()[0].weights();
}

} // namespace

TEST_CASE("weight decay alone shrinks the weights by exp(-eta lambda t)", "[plasticity][weight_decay]") {
    const double eta = 0.1, lambda = 0.02;
    const int n = 5;
    for (const bool hold : {true, false}) {
        for (const double pause_ms : {0.0, 4.0}) {
            INFO((hold ? "held products" : "step by step") << ", pause " << pause_ms << " ms");
            circuit c = build(lambda, hold, pause_ms);
            const Eigen::MatrixXd W0 = c.net->projections()[0].weights();
            REQUIRE(W0.cwiseAbs().minCoeff() > 0.0);
            const Eigen::MatrixXd W = after_blank_samples(c, n, 1.0);
            // The rule acts at every plasticity step (1 ms) from since_switch = pause_ms on, each
            // for dt = 1 ms, as its outer-product term does: 7 steps per 10 ms presentation
            // after a 4 ms pause (the step at 4 ms included), 10 without one (the first at 1 ms).
            const double learning_ms = pause_ms > 0.0 ? 10.0 - pause_ms + 1.0 : 10.0;
            const double expected = std::exp(-eta * lambda * n * learning_ms);
            // Every weight by the same factor; 1e-12 covers the rounding of the products.
            for (Eigen::Index i = 0; i < W.rows(); ++i)
                for (Eigen::Index j = 0; j < W.cols(); ++j) CHECK_THAT(W(i, j) / W0(i, j), WithinRel(expected, 1e-12));
        }
    }
}

TEST_CASE("weight decay scales with the learning rate, and without it nothing decays", "[plasticity][weight_decay]") {
    const double eta = 0.1, lambda = 0.05;
    // The schedule's global factor multiplies eta, and with it the decay: dW/dt = eta f (e r^T - lambda W).
    circuit half = build(lambda, true, 4.0);
    const Eigen::MatrixXd W0 = half.net->projections()[0].weights();
    const Eigen::MatrixXd W = after_blank_samples(half, 8, 0.5);
    CHECK_THAT(W(0, 0) / W0(0, 0), WithinRel(std::exp(-0.5 * eta * lambda * 8 * 7.0), 1e-12));
    // weight_decay 0: blank inputs leave the input weights exactly as they were.
    circuit none = build(0.0, true, 4.0);
    const Eigen::MatrixXd V0 = none.net->projections()[0].weights();
    CHECK(after_blank_samples(none, 8, 1.0) == V0);
}

TEST_CASE("the microcircuit's weight_decay acts on the forward weights only", "[plasticity][weight_decay][templates]") {
    microcircuit_spec s;
    s.n_input = 3;
    s.layers = {4, 2};
    s.eta_PP = 0.1;
    s.eta_IP = 0.2;
    s.eta_PI = 0.1;
    s.weight_decay = 0.01;
    model_desc m;
    add_microcircuit(m, s);
    int with_decay = 0;
    for (const projection_desc& p : m.projections) {
        const param_value* wd = p.plasticity.params.find("decay");
        const bool forward = p.compartment.value == "basal";
        INFO(p.source.value << " -> " << p.target.value << "." << p.compartment.value);
        CHECK((wd != nullptr) == forward);
        if (wd) {
            CHECK(wd->as_double() == 0.01);
            ++with_decay;
        }
    }
    CHECK(with_decay == 2);
    const std::string text = R"([simulation]
name = "wd"
duration_ms = 1.0
[[microcircuit]]
n_input = 3
layers = [4, 2]
eta_PP = 0.1
weight_decay = -0.5
)";
    CHECK(model_error_of(text) == "model.toml:8:16: microcircuit[0].weight_decay: must be non-negative, got -0.5");
}

#include <catch2/catch.hpp>

#include <cstdio>

#include "circuits/tasks/classification.hpp"
#include "cortex_models/microcircuit_template.hpp"

using namespace cortexsim;

TEST_CASE("debug", "[.debug]") {
    dataset tr = read_idx_pair("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz", 20000);
    dataset te = read_idx_pair("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz", 1000);
    microcircuit_spec sp;
    sp.n_input = 784; sp.layers = {100, 10}; sp.transfer = "logistic"; sp.weight_scale = 0.5;
    sp.eta_PP_per_layer = {0.25, 0.01}; sp.eta_IP = 0.025; sp.tau_w_ms = 0; sp.pause_ms = 8;
    model_desc m; m.simulation.duration_ms = 1.0; m.solver.method = std::string("euler"); m.solver.dt_ms = 0.1;
    add_microcircuit(m, sp);
    network net(lower(m));
    net.projection_at(0).set_weights(net.projections()[0].weights() * 0.2);
    set_self_predicting_state(net);
    pattern_driver drv(net, "input", "P2", 0.8);
    std::vector<std::size_t> tri(20000), tei(1000);
    for (std::size_t i = 0; i < tri.size(); ++i) tri[i] = i;
    for (std::size_t i = 0; i < tei.size(); ++i) tei[i] = i;
    for (int round = 0; round < 8; ++round) {
        classification_options o; o.present_ms = 14; o.n_train = 2500; o.eval_untrained = false; o.seed = round + 1;
        std::vector<std::size_t> sub(tri.begin() + round * 2500, tri.begin() + (round + 1) * 2500);
        classification_task t(tr, sub, te, tei, o);
        auto c = t.run(drv);
        // steady-state accuracy from weights
        const Eigen::MatrixXd W1 = net.projections()[0].weights(), W2 = net.projections()[1].weights();
        int ok = 0, ok30 = 0;
        for (std::size_t i : tei) {
            Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXf>(te.features.data() + i * 784, 784).cast<double>();
            Eigen::VectorXd r1 = (W1 * x / 1.9);
            for (auto& v : r1) v = 1 / (1 + std::exp(-v));
            Eigen::VectorXd u2 = W2 * r1; Eigen::Index b; u2.maxCoeff(&b);
            ok += b == te.labels[i];
        }
        classification_options o30 = o; o30.present_ms = 30;
        classification_task t30(tr, sub, te, tei, o30);
        double a30 = t30.accuracy(drv, te, tei);
        std::printf("round %d: dynamic %.4f, steady %.4f, dynamic-30ms %.4f\n", round, c.test_accuracy.back(), ok / 1000.0, a30);
        (void)ok30;
    }
}

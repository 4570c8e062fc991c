// Equilibrium propagation (circuits/plasticity/rules/equilibrium_propagation.cpp) against its
// signature (Scellier & Bengio 2017, Theorem 1): as the nudge beta -> 0, the update from the
// free and the weakly nudged equilibria approaches -eta times the gradient of the loss at the
// free equilibrium, here computed independently by central finite differences of that loss
// over every weight (the tied pair h -> y / y -> h perturbed together). Also: the reverse
// connection stays the exact transpose as both learn, a small network learns a regression,
// Dale's law holds, and a missing or asymmetric reverse connection is reported where the rule
// is written.
#include <catch2/catch.hpp>

#include <cmath>

#include "../test_models.hpp"
#include "rules_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/*
 * x (4 inputs) -> h (6, logistic) <-> y (3, linear), every neuron pyramidal with g_A = 0, so
 * each settles at (g_lk + g_B) u = g_B (W r) (+ g_som (T - u) when nudged): the stationary
 * points of the energy in the rule's header. The reverse y -> h starts as the transpose of
 * h -> y. Phases of 60 ms (~66 time constants): forward Euler's fixed point is the ODE's own
 * (f(u*) = 0 does not depend on dt), so the equilibria are exact to rounding.
 */
std::string ep_toml(double beta, double eta, const std::string& hy_extra = "",
                    const std::string& reverse = "distribution = \"copy\", of = \"h->y.basal\", transpose = true",
                    const std::string& reverse_rule = "") {
    const std::string rule = "plasticity = { rule = \"equilibrium_propagation\", eta = " + std::to_string(eta) +
                             ", beta = " + std::to_string(beta) + " }\n";
    return "[simulation]\nduration_ms = 1.0\nseed = 3\n[solver]\nmethod = \"euler\"\ndt_ms = 0.05\n"
           "[[phase]]\nname = \"minus\"\nduration_ms = 60.0\n"
           "[[phase]]\nname = \"plus\"\nduration_ms = 60.0\ninputs = [\"target\"]\n"
           "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = 4\n"
           "[[population]]\nname = \"h\"\nmodel = \"pyramidal\"\nsize = 6\ntransfer = \"logistic\"\n"
           "params = { g_A = 0.0 }\n"
           "[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = 3\ntransfer = \"linear\"\n"
           "params = { g_A = 0.0 }\n"
           "[[projection]]\nsource = \"x\"\ntarget = \"h\"\ncompartment = \"basal\"\n"
           "weights = { distribution = \"uniform\", low = -1.5, high = 1.5 }\n" + rule +
           "[[projection]]\nsource = \"h\"\ntarget = \"y\"\ncompartment = \"basal\"\n" + hy_extra +
           "weights = { distribution = \"uniform\", low = -0.8, high = 0.8 }\n" + rule +
           "[[projection]]\nsource = \"y\"\ntarget = \"h\"\ncompartment = \"basal\"\n" + hy_extra +
           "weights = { " + reverse + " }\n" + (reverse_rule.empty() ? rule : reverse_rule);
}

constexpr double g_B = 1.0; // the pyramidal default: beta = g_som / g_B

struct ep_net {
    rule_net r;
    std::size_t x_in, target_in;
    ep_net(double beta, double eta, const std::string& hy_extra = "")
        : r(ep_toml(beta, eta, hy_extra)),
          x_in(r.net->add_input("x", r.pop("x"), network::input_mode::rate)),
          target_in(r.net->add_input("target", r.pop("y"), network::input_mode::nudge, -1, beta * g_B)) {
        r.snapshot("y", "u_soma@minus");
    }
    void set(const Eigen::VectorXd& x, const Eigen::VectorXd& t) {
        r.net->set_input(x_in, x.data());
        r.net->set_input(target_in, t.data());
    }
    /// The loss at the free equilibrium, learning off.
    double free_loss(const Eigen::VectorXd& t) {
        r.net->set_learning(false);
        r.trials->run_phases(1);
        r.net->set_learning(true);
        return 0.5 * (r.snapshot("y", "u_soma@minus") - t).squaredNorm();
    }
    Eigen::MatrixXd& W(const std::string& name) {
        return r.net->projection_at(r.net->projection_index(name)).dense_weights();
    }
};

const Eigen::Vector4d pattern_x(0.9, 0.1, 0.6, 0.3);
const Eigen::Vector3d pattern_t(0.8, -0.5, 0.3);

double rel_error(const Eigen::MatrixXd& estimate, const Eigen::MatrixXd& truth) {
    return (estimate - truth).norm() / truth.norm();
}

struct gradient_check {
    double err_xh = 0.0, err_hy = 0.0;
    bool tied = false;
};

/// One EP update at nudge beta (eta = 1) against -dL/dW by central differences.
gradient_check check_at(double beta) {
    ep_net n(beta, 1.0);
    n.set(pattern_x, pattern_t);
    const Eigen::MatrixXd xh0 = n.W("x->h.basal"), hy0 = n.W("h->y.basal");
    n.r.trials->run_trial();
    const Eigen::MatrixXd d_xh = n.W("x->h.basal") - xh0, d_hy = n.W("h->y.basal") - hy0;
    gradient_check out;
    out.tied = n.W("y->h.basal") == n.W("h->y.basal").transpose();

    // The loss's gradient at the initial weights, by central differences of the free phase.
    n.W("x->h.basal") = xh0;
    n.W("h->y.basal") = hy0;
    n.W("y->h.basal") = hy0.transpose();
    const double eps = 1e-5;
    Eigen::MatrixXd g_xh(xh0.rows(), xh0.cols()), g_hy(hy0.rows(), hy0.cols());
    for (Eigen::Index i = 0; i < xh0.rows(); ++i)
        for (Eigen::Index j = 0; j < xh0.cols(); ++j) {
            n.W("x->h.basal")(i, j) = xh0(i, j) + eps;
            const double up = n.free_loss(pattern_t);
            n.W("x->h.basal")(i, j) = xh0(i, j) - eps;
            const double down = n.free_loss(pattern_t);
            n.W("x->h.basal")(i, j) = xh0(i, j);
            g_xh(i, j) = (up - down) / (2 * eps);
        }
    for (Eigen::Index i = 0; i < hy0.rows(); ++i)
        for (Eigen::Index j = 0; j < hy0.cols(); ++j) {
            const auto set = [&](double w) {
                n.W("h->y.basal")(i, j) = w;
                n.W("y->h.basal")(j, i) = w;  // the tied parameter: both directions
            };
            set(hy0(i, j) + eps);
            const double up = n.free_loss(pattern_t);
            set(hy0(i, j) - eps);
            const double down = n.free_loss(pattern_t);
            set(hy0(i, j));
            g_hy(i, j) = (up - down) / (2 * eps);
        }
    out.err_xh = rel_error(d_xh, -g_xh);
    out.err_hy = rel_error(d_hy, -g_hy);
    return out;
}

} // namespace

TEST_CASE("equilibrium_propagation: the update tends to the loss gradient as beta -> 0",
          "[rules][equilibrium_propagation]") {
    double last_xh = 1e9, last_hy = 1e9;
    for (double beta : {0.1, 0.01, 0.001}) {
        const gradient_check c = check_at(beta);
        INFO("beta " << beta << ": relative error x->h " << c.err_xh << ", h->y " << c.err_hy);
        CHECK(c.tied);
        CHECK(c.err_xh < last_xh); // falls with beta (first order in beta)
        CHECK(c.err_hy < last_hy);
        last_xh = c.err_xh;
        last_hy = c.err_hy;
        if (beta <= 0.01) {
            CHECK(c.err_xh < 0.05); // the bar
            CHECK(c.err_hy < 0.05);
        }
    }
    CHECK(last_xh < 0.005); // at beta = 1e-3 the bias is O(beta)
    CHECK(last_hy < 0.005);
}

TEST_CASE("equilibrium_propagation: a small network learns a regression and stays symmetric",
          "[rules][equilibrium_propagation]") {
    ep_net n(0.1, 0.2);
    rng gen(5, "patterns");
    std::vector<Eigen::VectorXd> xs, ts;
    for (int k = 0; k < 4; ++k) {
        Eigen::VectorXd x(4), t(3);
        for (Eigen::Index i = 0; i < 4; ++i) x[i] = gen.uniform();
        for (Eigen::Index i = 0; i < 3; ++i) t[i] = gen.uniform() - 0.5;
        xs.push_back(x);
        ts.push_back(t);
    }
    const auto total_loss = [&] {
        double s = 0.0;
        for (std::size_t k = 0; k < xs.size(); ++k) {
            n.set(xs[k], ts[k]);
            s += n.free_loss(ts[k]);
        }
        return s;
    };
    const double before = total_loss();
    for (int epoch = 0; epoch < 400; ++epoch)
        for (std::size_t k = 0; k < xs.size(); ++k) {
            n.set(xs[k], ts[k]);
            n.r.trials->run_trial();
        }
    const double after = total_loss();
    INFO("loss " << before << " -> " << after);
    CHECK(after < 0.01 * before);
    CHECK(n.W("y->h.basal") == n.W("h->y.basal").transpose()); // bit for bit after 1,600 updates
}

TEST_CASE("equilibrium_propagation: Dale's law holds on an excitatory pair", "[rules][equilibrium_propagation]") {
    const std::string tmpl = ep_toml(0.1, 2.0);
    // Both directions excitatory, from non-negative weights; large steps must hit 0 and stop.
    std::string t = tmpl;
    const std::string from = "weights = { distribution = \"uniform\", low = -0.8, high = 0.8 }";
    t.replace(t.find(from), from.size(), "sign = \"excitatory\"\nweights = { distribution = \"uniform\", low = 0.0, high = 0.8 }");
    const std::string rev = "weights = { distribution = \"copy\"";
    t.replace(t.find(rev), rev.size(), "sign = \"excitatory\"\n" + rev);
    rule_net r(t);
    const std::size_t x_in = r.net->add_input("x", r.pop("x"), network::input_mode::rate);
    const std::size_t t_in = r.net->add_input("target", r.pop("y"), network::input_mode::nudge, -1, 0.1);
    const Eigen::Vector3d target(-2.0, -2.0, -2.0); // pushes h -> y down
    r.net->set_input(x_in, pattern_x.data());
    r.net->set_input(t_in, target.data());
    double lowest = 1.0;
    for (int k = 0; k < 20; ++k) {
        r.trials->run_trial();
        lowest = std::min(lowest, r.weights("h->y.basal").minCoeff());
        REQUIRE(r.weights("y->h.basal") == r.weights("h->y.basal").transpose());
    }
    CHECK(lowest == 0.0);
}

TEST_CASE("equilibrium_propagation: asymmetric wiring and bad settings are reported where written",
          "[rules][equilibrium_propagation]") {
    // No rule on the reverse connection.
    CHECK_THAT(model_error_of(ep_toml(0.1, 1.0, "", "distribution = \"copy\", of = \"h->y.basal\", transpose = true",
                                      "\n")),
               Catch::Contains("rule 'equilibrium_propagation' needs symmetric connections between 'h' and 'y': "
                               "'y->h.basal' runs back but does not learn by this rule"));
    // A reverse connection that is not the transpose.
    CHECK_THAT(model_error_of(ep_toml(0.1, 1.0, "", "distribution = \"uniform\", low = -0.8, high = 0.8")),
               Catch::Contains("'y->h.basal' runs back but its weights are not the transpose of 'h->y.basal'"));
    // Other settings on the two directions.
    const std::string other = "plasticity = { rule = \"equilibrium_propagation\", eta = 2.0, beta = 0.1 }\n";
    CHECK_THAT(model_error_of(ep_toml(0.1, 1.0, "", "distribution = \"copy\", of = \"h->y.basal\", transpose = true",
                                      other)),
               Catch::Contains("'y->h.basal' runs back with other rule settings"));
    std::string t = ep_toml(0.1, 1.0);
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string s = t;
        s.replace(s.find(from), from.size(), to);
        return model_error_of(s);
    };
    CHECK_THAT(with("eta = 1.000000, beta = 0.100000 }", "eta = 1.0 }"),
               Catch::Contains("projection[0].plasticity: missing required key 'beta' of rule 'equilibrium_propagation'"));
    CHECK_THAT(with("eta = 1.000000, beta = 0.100000 }", "eta = 1.0, beta = 0.0 }"),
               Catch::Contains("projection[0].plasticity.beta: must be positive, got 0"));
    CHECK_THAT(with("eta = 1.000000, beta = 0.100000 }", "eta = 1.0, beta = 0.1, free = \"plus\", nudged = \"minus\" }"),
               Catch::Contains("projection[0].plasticity.nudged: the nudged phase 'minus' must come after the free "
                               "phase 'plus'"));
}

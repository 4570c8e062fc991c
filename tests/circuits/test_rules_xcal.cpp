// Leabra's XCAL (circuits/plasticity/rules/xcal.cpp) against its signature: the check-mark
// function at its reference values (REFERENCES.md section 4); a trial's weight change equals
// the XCAL formula from activity averages this file integrates independently from the recorded
// rates, with the long-term average moving per trial; a unit learns to answer the pattern that
// an outcome follows and not the one without; Dale's law holds; parameters are checked where
// they are written.
#include <catch2/catch.hpp>

#include <cmath>

#include "../test_models.hpp"
#include "circuits/plasticity/rules/xcal.hpp"
#include "rules_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/*
 * Four input units -> one logistic pyramidal unit (g_A = 0), weights learned with XCAL. A trial
 * is Leabra's alpha cycle: "minus" (75 ms, the expectation) and "plus" (25 ms, the outcome: the
 * unit nudged towards `outcome` with g_som 2); the rule acts at the end of "plus", the last
 * phase (its default).
 */
std::string unit_toml(const std::string& rule,
                      const std::string& weights =
                          "weights = { distribution = \"uniform\", low = 0.3, high = 0.5 }\n") {
    return "[simulation]\nduration_ms = 1.0\nseed = 8\n[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
           "[[phase]]\nname = \"minus\"\nduration_ms = 75.0\n"
           "[[phase]]\nname = \"plus\"\nduration_ms = 25.0\ninputs = [\"outcome\"]\n"
           "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = 4\n"
           "[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = 1\ntransfer = "
           "\"logistic\"\n"
           "params = { g_A = 0.0 }\n"
           "[[projection]]\nsource = \"x\"\ntarget = \"y\"\ncompartment = \"basal\"\n" +
           weights + "plasticity = " + rule + "\n";
}

struct unit {
    rule_net r;
    std::size_t in, outcome;
    explicit unit(const std::string& toml)
        : r(toml), in(r.net->add_input("x", r.pop("x"), network::input_mode::rate)),
          outcome(r.net->add_input("outcome", r.pop("y"), network::input_mode::nudge, -1, 2.0)) {
        r.snapshot("y", "rate@minus");
    }
    /// One trial of pattern x, the outcome nudging the unit towards potential u.
    void trial(const Eigen::VectorXd& x, double u) {
        r.net->set_input(in, x.data());
        r.net->set_input(outcome, &u);
        r.trials->run_trial();
    }
    double expectation(const Eigen::VectorXd& x) {
        r.net->set_learning(false);
        trial(x, 0.0);
        r.net->set_learning(true);
        return r.snapshot("y", "rate@minus")[0];
    }
};

/// The cascade tau_ss, tau_s, tau_m with the rate r held over [0, dt], by RK4 in 100 substeps:
/// an integration independent of the rule's matrix exponential.
void cascade_step(double& ss, double& s, double& m, double r, double dt) {
    const auto f = [&](const Eigen::Vector3d& z) {
        return Eigen::Vector3d((r - z[0]) / 2.0, (z[0] - z[1]) / 2.0, (z[1] - z[2]) / 10.0);
    };
    Eigen::Vector3d z(ss, s, m);
    const double h = dt / 100.0;
    for (int k = 0; k < 100; ++k) {
        const Eigen::Vector3d k1 = f(z), k2 = f(z + h / 2 * k1), k3 = f(z + h / 2 * k2),
                              k4 = f(z + h * k3);
        z += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }
    ss = z[0];
    s = z[1];
    m = z[2];
}

} // namespace

TEST_CASE("xcal: the check-mark function at its reference values", "[rules][xcal]") {
    // (x, th -> out) from REFERENCES.md section 4. The inputs are decimal fractions that doubles
    // round; the function is one subtraction or product, so agreement is to 1 ulp of 0.1-0.5.
    const double table[][3] = {{0.01, 0.1, -0.09}, {0.05, 0.1, -0.05}, {0.1, 0.1, 0.0},
                               {0.2, 0.2, 0.0},    {0.3, 0.2, 0.1},    {0.6, 0.2, 0.4},
                               {0.8, 0.3, 0.5}};
    for (const auto& row : table) {
        INFO("xcal(" << row[0] << ", " << row[1] << ")");
        CHECK_THAT(xcal_checkmark(row[0], row[1]), Catch::Matchers::WithinAbs(row[2], 1e-16));
    }
    CHECK(xcal_checkmark(0.00009, 0.1) == 0.0); // below d_thr: no change
    // Continuous at the reversal point x = 0.1 th, where the -9 x branch meets x - th.
    CHECK_THAT(xcal_checkmark(0.02 * (1 + 1e-12), 0.2),
               Catch::Matchers::WithinAbs(xcal_checkmark(0.02, 0.2), 1e-12));
}

TEST_CASE("xcal: a trial's weight change is the XCAL formula from the activity averages",
          "[rules][xcal]") {
    // Every parameter at its default, except an adaptive lrn_L (Leabra's 0.0001 to 0.5), to test
    // it.
    unit u(unit_toml("{ rule = \"xcal\", lrn_l_min = 0.0001, lrn_l_max = 0.5 }"));
    // Samplers fire before the rule's step at the same time: at t = k ms they see the rates it
    // integrates over (k - 1, k].
    std::vector<double> ys;
    std::vector<Eigen::VectorXd> xs;
    u.r.sim->add_sampler(1.0, [&](double t, const double*) {
        if (t == 0.0)
            return;
        ys.push_back(u.r.now("y", "rate")[0]);
        xs.push_back(u.r.now("x", "rate"));
    });
    // The independent averages: start at 0.15, <y>_l at 0.4.
    double yss = 0.15, ys_ = 0.15, ym = 0.15, avg_l = 0.4;
    Eigen::Vector4d xss = Eigen::Vector4d::Constant(0.15), xs_ = xss, xm = xss;
    std::size_t consumed = 0;
    const Eigen::Vector4d patterns[2] = {{1.0, 0.8, 0.1, 0.0}, {0.2, 0.0, 0.9, 0.6}};
    for (int trial = 0; trial < 3; ++trial) {
        const Eigen::MatrixXd before = u.r.weights("x->y.basal");
        u.trial(patterns[trial % 2], trial == 1 ? -3.0 : 3.0);
        for (; consumed < ys.size(); ++consumed) {
            cascade_step(yss, ys_, ym, ys[consumed], 1.0);
            for (int j = 0; j < 4; ++j)
                cascade_step(xss[j], xs_[j], xm[j], xs[consumed][j], 1.0);
        }
        // dW = eta [xcal(<xy>_s, <xy>_m) + lrn_L xcal(<xy>_s, <y>_l)], eta 0.04, lrn_L from <y>_l
        // between 0.0001 (at l_min 0.2) and 0.5 (at l_gain 2.5).
        const double lrn = 0.0001 + (0.5 - 0.0001) * (avg_l - 0.2) / (2.5 - 0.2);
        Eigen::MatrixXd expected = before;
        for (int j = 0; j < 4; ++j)
            expected(0, j) += 0.04 * (xcal_checkmark(ys_ * xs_[j], ym * xm[j]) +
                                      lrn * xcal_checkmark(ys_ * xs_[j], avg_l));
        INFO("trial " << trial << ": <y>_s " << ys_ << ", <y>_m " << ym << ", <y>_l " << avg_l
                      << "; dW " << (u.r.weights("x->y.basal") - before) << " expected "
                      << (expected - before));
        CHECK(consumed == 100u * (trial + 1));
        // RK4's truncation error on 1 ms intervals in 100 substeps is ~1e-12 per step.
        CHECK((u.r.weights("x->y.basal") - expected).cwiseAbs().maxCoeff() < 1e-10);
        CHECK((u.r.weights("x->y.basal") - before).cwiseAbs().maxCoeff() >
              1e-3);                                              // it learned something
        avg_l = std::max(0.2, avg_l + (2.5 * ym - avg_l) / 10.0); // per trial, after the weights
    }
}

TEST_CASE("xcal: a unit learns to expect the outcome that follows one pattern and not another",
          "[rules][xcal]") {
    // Pattern A is always followed by the outcome (the unit driven up in the plus phase), B never
    // (driven down). Before learning the unit's expectation (its rate at the end of the minus
    // phase) barely tells them apart; after 400 trials in random order it predicts the outcome
    // (measured: after A 0.68 -> 0.86, after B 0.64 -> 0.17; the plus phase drives it to 0.93
    // and 0.02 at most, where the error-driven term would vanish).
    unit u(unit_toml("{ rule = \"xcal\", eta = 0.2 }"));
    const Eigen::Vector4d A(1.0, 1.0, 0.0, 0.0), B(0.0, 0.0, 1.0, 1.0);
    const double a0 = u.expectation(A), b0 = u.expectation(B);
    rng gen(2, "xcal_order");
    for (int k = 0; k < 400; ++k) {
        if (gen.below(2) == 0)
            u.trial(A, 3.0);
        else
            u.trial(B, -3.0);
    }
    const double a1 = u.expectation(A), b1 = u.expectation(B);
    INFO("expectation of the outcome after A: " << a0 << " -> " << a1 << ", after B: " << b0
                                                << " -> " << b1);
    CHECK(std::abs(a0 - b0) < 0.1);
    CHECK(a1 > 0.8);
    CHECK(b1 < 0.3);
}

TEST_CASE("xcal: an excitatory projection stays non-negative", "[rules][xcal]") {
    // B is never followed by the outcome: XCAL depresses its synapses until Dale's law holds
    // them at 0.
    unit u(unit_toml("{ rule = \"xcal\", eta = 0.5 }",
                     "sign = \"excitatory\"\nweights = { distribution = \"uniform\", low = 0.0, "
                     "high = 0.3 }\n"));
    const Eigen::Vector4d B(0.0, 0.0, 1.0, 1.0);
    double lowest = 1.0;
    for (int k = 0; k < 30; ++k) {
        u.trial(B, -3.0);
        lowest = std::min(lowest, u.r.weights("x->y.basal").minCoeff());
    }
    CHECK(lowest == 0.0); // reached, never passed
}

TEST_CASE("xcal: malformed parameters are reported where they are written", "[rules][xcal]") {
    const auto error = [](const std::string& rule) { return model_error_of(unit_toml(rule)); };
    CHECK(error("{ rule = \"xcal\", at = \"minuss\" }") ==
          "model.toml:29:36: projection[0].plasticity.at: unknown phase 'minuss'; the protocol has "
          "'minus' or "
          "'plus', did you mean 'minus'?");
    CHECK(error("{ rule = \"xcal\", l_min = 3.0 }") ==
          "model.toml:29:39: projection[0].plasticity.l_min: must lie below l_gain (2.5)");
    CHECK(error("{ rule = \"xcal\", d_rev = 1.5 }") ==
          "model.toml:29:39: projection[0].plasticity.d_rev: must lie in (0, 1), got 1.5");
    CHECK(error("{ rule = \"xcal\", tau_m_ms = -10.0 }") ==
          "model.toml:29:42: projection[0].plasticity.tau_m_ms: must be positive, got -10.0");
    std::string no_phases = unit_toml("{ rule = \"xcal\" }");
    no_phases.erase(no_phases.find("[[phase]]"),
                    no_phases.find("[[population]]") - no_phases.find("[[phase]]"));
    CHECK(model_error_of(no_phases) ==
          "model.toml:22:23: projection[0].plasticity.rule: rule 'xcal' changes the weights once "
          "per trial, at the "
          "end of a phase ('at'), but the model declares no [[phase]]");
}

// Sanger's generalised Hebbian algorithm (circuits/plasticity/rules/sanger.cpp) against its
// signature: three linear units learning with it from correlated Gaussian inputs recover the
// first three principal components of the input covariance, in order (Sanger 1989), the truth
// computed by Eigen's eigensolver on the patterns they saw; one phase-end update equals the
// formula; Dale's law holds under it; its parameters are checked where they are written.
#include <catch2/catch.hpp>

#include "../test_models.hpp"
#include "rules_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// k linear units y = W x (derivation in test_rules_oja.cpp: g_A = 0, instantaneous basal
/// dendrite, linear transfer with gamma = (g_lk + g_B) / g_B = 1.1).
std::string units_toml(const std::string& projection_extra, std::size_t n_in, std::size_t k,
                       const std::string& rule) {
    return linear_units_toml(7, n_in, k, projection_extra, rule);
}

const Eigen::VectorXd lambda = (Eigen::VectorXd(5) << 4.0, 2.0, 1.0, 0.3, 0.1).finished();

} // namespace

TEST_CASE("sanger: three linear units learn the first three principal components in order",
          "[rules][sanger]") {
    rule_net r(units_toml("weights = { distribution = \"uniform\", low = -0.3, high = 0.3 }\n", 5,
                          3, "{ rule = \"sanger\", eta = 0.002 }"));
    const std::size_t in = r.net->add_input("x", r.pop("x"), network::input_mode::rate);
    // 40 ms per pattern, a 1/t annealed rate: as for Oja's rule (test_rules_oja.cpp).
    gaussian_inputs source(lambda, 13);
    Eigen::MatrixXd second_moment = Eigen::MatrixXd::Zero(5, 5);
    const int n_patterns = 20000;
    for (int k = 0; k < n_patterns; ++k) {
        r.net->plasticity().set_rate_factor(1.0 / (1.0 + k / 300.0));
        const Eigen::VectorXd x = source.draw();
        second_moment += x * x.transpose() / n_patterns;
        r.show(in, x, 40.0);
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(second_moment); // eigenvalues ascending
    const Eigen::MatrixXd W = r.weights("x->y.basal");
    for (int i = 0; i < 3; ++i) {
        const Eigen::VectorXd w = W.row(i).transpose(), pc = eig.eigenvectors().col(4 - i);
        INFO("unit " << i << ": |cos| with component " << i << " = " << abs_cos(w, pc) << ", |w| = "
                     << w.norm() << " (eigenvalue " << eig.eigenvalues()[4 - i] << ")");
        // 0.95: the third component is separated from the fourth by a gap of 0.7 only, so it
        // converges slowest (measured 0.9978 / 0.9998 / 0.9995 for the three units, norms within
        // 0.3%).
        CHECK(abs_cos(w, pc) > 0.95);
        CHECK(std::abs(w.norm() - 1.0) <
              0.05); // unit norm, like Oja's rule for each deflated input
    }
}

TEST_CASE("sanger: one phase-end update is eta (y x^T - LT[y y^T] W)", "[rules][sanger]") {
    std::string toml =
        units_toml("weights = { distribution = \"uniform\", low = -0.5, high = 0.5 }\n", 4, 3,
                   "{ rule = \"sanger\", eta = 0.2, at = \"show\" }");
    toml += "[[phase]]\nname = \"show\"\nduration_ms = 15.0\n";
    rule_net r(toml);
    const std::size_t in = r.net->add_input("x", r.pop("x"), network::input_mode::rate);
    const Eigen::VectorXd x = (Eigen::VectorXd(4) << 0.7, -1.2, 0.4, 0.9).finished();
    r.net->set_input(in, x.data());
    const Eigen::MatrixXd W0 = r.weights("x->y.basal");
    Eigen::VectorXd y;
    r.trials->on_phase_end([&](std::size_t, double, const double*) { y = r.now("y", "rate"); });
    r.trials->run_trial();
    // The rate at the phase's end is W x (settled: 15 ms = 16 time constants).
    CHECK((y - W0 * x).cwiseAbs().maxCoeff() < 1e-6);
    // The lower triangle written out by hand: row i subtracts the components of rows 0..i.
    Eigen::MatrixXd expected = W0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) {
            double deflation = 0.0;
            for (int k = 0; k <= i; ++k)
                deflation += y[k] * W0(k, j);
            expected(i, j) += 0.2 * y[i] * (x[j] - deflation);
        }
    CHECK((r.weights("x->y.basal") - expected).cwiseAbs().maxCoeff() < 1e-15); // rounding only
}

TEST_CASE("sanger: an excitatory projection stays non-negative", "[rules][sanger]") {
    // The components have weights of both signs (the later ones necessarily, being orthogonal to
    // the first), so the rule pushes weights below 0; Dale's law clamps them after every step.
    rule_net r(units_toml(
        "sign = \"excitatory\"\nweights = { distribution = \"uniform\", low = 0.0, high = 0.3 }\n",
        5, 3, "{ rule = \"sanger\", eta = 0.005 }"));
    const std::size_t in = r.net->add_input("x", r.pop("x"), network::input_mode::rate);
    gaussian_inputs source(lambda, 13);
    double lowest = 1.0;
    for (int k = 0; k < 300; ++k) {
        r.show(in, source.draw(), 20.0);
        lowest = std::min(lowest, r.weights("x->y.basal").minCoeff());
    }
    CHECK(lowest == 0.0); // reached, never passed
}

TEST_CASE("sanger: malformed parameters are reported where they are written", "[rules][sanger]") {
    const auto error = [](const std::string& extra, const std::string& rule) {
        return model_error_of(units_toml(extra, 3, 2, rule));
    };
    CHECK(error("weights = 0.5\n", "{ rule = \"sanger\", eta = \"fast\" }") ==
          "model.toml:22:39: projection[0].plasticity.eta: must be a number, got string");
    CHECK(error("connectivity = \"fixed_indegree\"\nindegree = 2\nweights = 0.5\n",
                "{ rule = \"sanger\", eta = 0.1 }") ==
          "model.toml:24:23: projection[0].plasticity.rule: rule 'sanger' subtracts the earlier "
          "outputs' "
          "components from every source column, so it needs connectivity 'all_to_all'");
    CHECK(error("weights = 0.5\n",
                "{ rule = \"sanger\", eta = 0.1, at = \"\", post = \"v_apical@x\" }") ==
          "model.toml:22:60: projection[0].plasticity.post: the signal is read when the rule acts "
          "('at'); give "
          "it without '@'");
}

// The engine's step filter (momentum, normalisation; circuits/plasticity/step_filter.hpp)
// against its closed form: a test rule adds the same change every trial, with synapses that
// move at different scales, so after k trials momentum m has applied
// sum_{i=1..k} (1 - m^i) dW and normalisation makes every synapse step as the busiest one.
#include <catch2/catch.hpp>

#include <cmath>

#include "../test_models.hpp"
#include "circuits/plasticity/rule.hpp"
#include "circuits/plasticity/rule_support.hpp"
#include "circuits/trial_runner.hpp"
#include "core/config/toml_loader.hpp"
#include "core/param_tree.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/// dW(i, j) = eta (j + 1) s_i at the end of phase "a", s_i = +1 for even targets and -1 for
/// odd ones: a change of known size and sign, the same every trial.
class constant_step final : public plasticity_rule {
public:
    double eta = 0.0;
    std::unique_ptr<plasticity_rule> clone() const override { return std::make_unique<constant_step>(*this); }
    bool continuous() const override { return false; }
    std::string phase() const override { return "a"; }
    void bind(rule_binding&) override {}
    bool update(plasticity_context& c) override {
        c.proj().for_each_synapse([&](std::size_t i, std::size_t j, double& w, std::size_t) {
            w += eta * static_cast<double>(j + 1) * (i % 2 == 0 ? 1.0 : -1.0);
        });
        return true;
    }
};

void register_constant_step() {
    if (default_rules().find("test_constant_step")) return;
    default_rules().add({"test_constant_step", "dW(i, j) = +-eta (j + 1) at the end of phase a (a test's own rule)",
                         [](param_reader& r, const rule_target&) -> std::unique_ptr<plasticity_rule> {
                             auto rule = std::make_unique<constant_step>();
                             rule->eta = r.required_number("eta", param_bound::non_negative);
                             return rule;
                         }});
}

std::string model_with(const std::string& step_keys, const std::string& sign = "free") {
    return R"([simulation]
duration_ms = 10.0

[solver]
method = "euler"
dt_ms = 0.1

[[phase]]
name = "a"
duration_ms = 1.0

[[population]]
name = "x"
model = "input"
size = 3

[[population]]
name = "y"
model = "pyramidal"
size = 2

[[projection]]
source = "x"
target = "y"
compartment = "basal"
weights = 0.5
sign = ")" + sign + R"("
plasticity = { rule = "test_constant_step", eta = 0.01)" +
           step_keys + R"( }
)";
}

/// The weight change after `trials` trials of the model.
Eigen::MatrixXd change_after(const std::string& toml, int trials) {
    register_constant_step();
    model_desc m = config::parse_model(toml, "model.toml", "");
    network net(lower(m));
    simulation sim(net, net.integrator_options(true), 1e-10);
    trial_runner runner(net, sim);
    const Eigen::MatrixXd W0 = net.projections()[0].weights();
    for (int k = 0; k < trials; ++k) runner.run_trial();
    return net.projections()[0].weights() - W0;
}

Eigen::MatrixXd raw_step(double eta) {
    Eigen::MatrixXd d(2, 3);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) d(i, j) = eta * (j + 1) * (i % 2 == 0 ? 1.0 : -1.0);
    return d;
}

} // namespace

TEST_CASE("without a step filter the rule's change lands as it is", "[plasticity][engine][step_filter]") {
    const Eigen::MatrixXd d = change_after(model_with(""), 4);
    CHECK((d - 4.0 * raw_step(0.01)).cwiseAbs().maxCoeff() < 1e-14);
}

TEST_CASE("momentum applies the running average of the rule's changes", "[plasticity][engine][step_filter]") {
    const double m = 0.8;
    const int k = 6;
    double applied = 0.0;  // sum_{i=1..k} (1 - m^i)
    for (int i = 1; i <= k; ++i) applied += 1.0 - std::pow(m, i);
    const Eigen::MatrixXd d = change_after(model_with(", momentum = 0.8"), k);
    CHECK((d - applied * raw_step(0.01)).cwiseAbs().maxCoeff() < 1e-13);
    // A constant change is applied in full once the average has settled: 1 - m^k -> 1.
    const Eigen::MatrixXd late = change_after(model_with(", momentum = 0.8"), 60) -
                                 change_after(model_with(", momentum = 0.8"), 59);
    CHECK((late - raw_step(0.01)).cwiseAbs().maxCoeff() < 1e-6);
}

TEST_CASE("normalisation makes every synapse step as the projection's busiest one", "[plasticity][engine][step_filter]") {
    // Raw steps 0.01, 0.02, 0.03 by source; normalised, all move by 0.03 with their own sign.
    const Eigen::MatrixXd d = change_after(model_with(", normalize = true"), 3);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j) CHECK(std::abs(d(i, j) - 3 * 0.03 * (i % 2 == 0 ? 1.0 : -1.0)) < 1e-14);
    // Momentum then averages the normalised change.
    const Eigen::MatrixXd dm = change_after(model_with(", normalize = true, momentum = 0.5"), 2);
    for (int j = 0; j < 3; ++j) CHECK(std::abs(dm(0, j) - 0.03 * (0.5 + 0.75)) < 1e-14);
}

TEST_CASE("the sign clamp acts on the filtered change", "[plasticity][engine][step_filter]") {
    // Excitatory: the odd target's weights (0.5, falling by 0.03 per trial once normalised)
    // reach 0 after 17 trials and stay there.
    const Eigen::MatrixXd d = change_after(model_with(", normalize = true", "excitatory"), 20);
    for (int j = 0; j < 3; ++j) {
        CHECK(std::abs(d(0, j) - 20 * 0.03) < 1e-12);
        CHECK(std::abs(d(1, j) + 0.5) < 1e-15);
    }
}

TEST_CASE("step filter settings are checked where they are written", "[plasticity][engine][step_filter]") {
    register_constant_step();
    CHECK(model_error_of(model_with(", momentum = 1.0")).find("plasticity.momentum: must be below 1") !=
          std::string::npos);
    CHECK(model_error_of(model_with(", momentum = -0.1")).find("plasticity.momentum") != std::string::npos);
    CHECK(model_error_of(model_with(", normalize_tau = 0.5")).find("plasticity.normalize_tau: must be at least 1") !=
          std::string::npos);
    CHECK(model_error_of(model_with(", normalize = 1")).find("plasticity.normalize") != std::string::npos);
}

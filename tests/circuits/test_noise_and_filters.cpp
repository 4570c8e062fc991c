// Low-pass filtered inputs and the somatic noise convention (docs/equations.md, sections 4 and
// 9), against closed forms.
#include <catch2/catch.hpp>

#include <cmath>

#include "../test_models.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("a filtered input's rate follows 1 - exp(-t / tau)", "[circuits][analytic]") {
    model_desc m = base_model(20.0, "adams", 1e-10, 1e-14);
    m.populations = {population("in", "input", 2), population("P", "pyramidal", 1)};
    m.populations[0].params["tau_ms"] = 3.0;  // Sacramento et al. 2018: 3 ms input filter
    m.projections = {proj_desc("in", "P", "basal", 1.0, 1.0)};
    m.stimuli = {stimulus("in", "rate", {0.0}, {{1.0, 0.5}})};
    network net(lower(m));
    REQUIRE(net.size() == 3);  // two filtered rates + one soma
    simulation sim(net, net.integrator_options(), 1e-14);
    double max_err = 0.0;
    sim.add_sampler(0.5, [&](double t, const double* y) {
        net.observe(t, y);
        const variable_ref rate = net.resolve_variable(0, "rate");
        max_err = std::max(max_err, std::fabs(net.value(0, rate, 0, y) - (1.0 - std::exp(-t / 3.0))));
        max_err = std::max(max_err, std::fabs(net.value(0, rate, 1, y) - 0.5 * (1.0 - std::exp(-t / 3.0))));
    });
    sim.run(20.0);
    CHECK(max_err < 1e-8);
}

namespace {
model_desc noisy_model(std::uint64_t seed, double duration_ms) {
    model_desc m = base_model(duration_ms, "adams", 1e-8, 1e-12);
    m.simulation.seed = seed;
    m.simulation.noise_interval_ms = 0.1;
    m.populations = {population("P", "pyramidal", 50)};
    auto& p = m.populations[0];
    p.params["g_lk"] = 1.0;  // tau = 1 ms: ten noise intervals
    p.params["g_B"] = 0.0;
    p.params["g_A"] = 0.0;
    p.params["noise_sigma"] = 0.3;
    return m;
}

std::vector<double> samples(const model_desc& m) {
    network net(lower(m));
    simulation sim(net, net.integrator_options(), 1e-12);
    std::vector<double> out;
    sim.add_sampler(0.1, [&](double t, const double* y) {
        if (t >= 20.0) out.insert(out.end(), y, y + 50);  // after the start-up transient
    });
    sim.run(m.simulation.duration_ms.value);
    return out;
}
} // namespace

TEST_CASE("somatic noise is a current held constant over each grid interval", "[circuits][noise]") {
    // Convention of the reimplementations (sigma xi per Euler step, REFERENCES.md): over one
    // interval I the leak-only soma obeys u' = a u + (1 - a) / g sigma xi, a = exp(-g I / C),
    // so its stationary variance is ((1 - a) / g)^2 sigma^2 / (1 - a^2).
    const double g = 1.0, I = 0.1, sigma = 0.3;
    const double a = std::exp(-g * I), b = (1.0 - a) / g;
    const double var_exact = b * b * sigma * sigma / (1.0 - a * a);
    const std::vector<double> u = samples(noisy_model(9, 2000.0));
    double mean = 0.0, var = 0.0;
    for (double x : u) mean += x / static_cast<double>(u.size());
    for (double x : u) var += (x - mean) * (x - mean) / static_cast<double>(u.size() - 1);
    INFO("variance " << var << ", exact " << var_exact << ", mean " << mean);
    // ~50 neurons x 2000 ms / (2 tau) = 5e4 independent samples: the estimate's relative
    // standard error is ~0.6%; 4% is over 6 standard errors.
    CHECK_THAT(var, WithinRel(var_exact, 0.04));
    CHECK(std::fabs(mean) < 5.0 * std::sqrt(var_exact / 5e4));
}

TEST_CASE("noise is reproducible from the seed and differs between seeds", "[circuits][noise]") {
    const auto a = samples(noisy_model(3, 40.0)), b = samples(noisy_model(3, 40.0));
    const auto c = samples(noisy_model(4, 40.0));
    CHECK(a == b);
    CHECK(a != c);
}

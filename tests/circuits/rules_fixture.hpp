#pragma once
// A network declared in TOML, as users write them, with its simulation, the continuous
// plasticity step attached (as a run session or a pattern driver attaches it) and, when the
// model declares [[phase]]s, a trial runner: the harness of the tests/circuits/test_rules_*.cpp
// files, which hold each plasticity rule against an independent truth.
#include <cstdint>
#include <memory>
#include <string>

#include <Eigen/Dense>

#include "circuits/network.hpp"
#include "circuits/tasks/pattern_driver.hpp"
#include "circuits/trial_runner.hpp"
#include "core/config/toml_loader.hpp"
#include "core/random.hpp"
#include "core/simulation.hpp"

namespace cortexsim::testing {

struct rule_net {
    std::unique_ptr<network> net;
    std::unique_ptr<simulation> sim;
    std::unique_ptr<trial_runner> trials;

    explicit rule_net(const std::string& toml) {
        model_desc m = config::parse_model(toml, "model.toml", "");
        net = std::make_unique<network>(lower(m));
        sim = std::make_unique<simulation>(*net, net->integrator_options(true),
                                           net->model().solver.atol);
        attach_plasticity(*net, *sim);
        if (!net->model().phases.empty())
            trials = std::make_unique<trial_runner>(*net, *sim);
    }
    std::size_t pop(const std::string& name) const { return net->population_index(name); }
    /// Current values of a population's signal ("rate", "v_basal", ...) at the simulation's state.
    Eigen::VectorXd now(const std::string& population, const std::string& var) {
        const std::size_t p = pop(population);
        const variable_ref v = net->resolve_variable(p, var);
        net->observe(sim->time(), sim->state().data());
        Eigen::VectorXd out(static_cast<Eigen::Index>(net->model().populations[p].size));
        for (Eigen::Index i = 0; i < out.size(); ++i)
            out[i] = net->value(p, v, static_cast<std::size_t>(i), sim->state().data());
        return out;
    }
    /// The latest phase-end snapshot of "signal@phase" (requested before the trial that takes it).
    Eigen::VectorXd snapshot(const std::string& population, const std::string& signal) {
        const bound_signal s = net->plasticity().request(pop(population), signal);
        const std::vector<double>& v = *net->plasticity().snapshot(s);
        return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
    }
    Eigen::MatrixXd weights(const std::string& projection) const {
        return net->projections()[net->projection_index(projection)].weights();
    }
    /// Shows `values` on the named input from now on and runs for duration_ms.
    void show(std::size_t input, const Eigen::VectorXd& values, double duration_ms) {
        net->set_input(input, values.data());
        sim->restart();
        sim->run(sim->time() + duration_ms);
    }
};

/// Zero-mean Gaussian input patterns x = Q diag(sqrt(lambda)) z, z ~ N(0, I), Q a random
/// rotation: covariance C = Q diag(lambda) Q^T with the principal components the columns of Q.
struct gaussian_inputs {
    Eigen::MatrixXd mix;
    rng gen;
    gaussian_inputs(const Eigen::VectorXd& lambda, std::uint64_t seed)
        : gen(seed, "gaussian_inputs") {
        const auto n = lambda.size();
        Eigen::MatrixXd g(n, n);
        for (Eigen::Index j = 0; j < n; ++j)
            for (Eigen::Index i = 0; i < n; ++i)
                g(i, j) = gen.normal();
        const Eigen::MatrixXd Q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
        mix = Q * lambda.cwiseSqrt().asDiagonal();
    }
    Eigen::VectorXd draw() {
        Eigen::VectorXd z(mix.cols());
        for (Eigen::Index i = 0; i < z.size(); ++i)
            z[i] = gen.normal();
        return mix * z;
    }
};

/// |cos| of the angle between two vectors.
/*
 * k linear units y = 1.1 u (pyramidal, g_A = 0: the apical dendrite does not drive the soma, so
 * the settled rate is y = 1.1 k_B W x with k_B = g_B / (g_lk + g_B); test_rules_oja.cpp derives
 * it) reading n_in input neurons "x" through the plastic basal projection "x->y.basal".
 * `simulation_extra` goes into [simulation], `projection_extra` before the projection's
 * `plasticity = rule`, `extra` at the end of the file.
 */
inline std::string linear_units_toml(std::uint64_t seed, std::size_t n_in, std::size_t k,
                                     const std::string& projection_extra, const std::string& rule,
                                     const std::string& simulation_extra = "", const std::string& extra = "") {
    return "[simulation]\nduration_ms = 1.0\nseed = " + std::to_string(seed) + "\n" + simulation_extra +
           "[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
           "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = " +
           std::to_string(n_in) +
           "\n[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = " + std::to_string(k) +
           "\ntransfer = { kind = \"linear\", gamma = 1.1 }\nparams = { g_A = 0.0 }\n"
           "[[projection]]\nsource = \"x\"\ntarget = \"y\"\ncompartment = \"basal\"\n" +
           projection_extra + "plasticity = " + rule + "\n" + extra;
}

inline double abs_cos(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return std::abs(a.dot(b)) / (a.norm() * b.norm());
}

} // namespace cortexsim::testing

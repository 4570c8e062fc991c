// GeneRec's forms (circuits/plasticity/rules/generec.cpp, `form`) against their signature
// (O'Reilly 1996): the symmetric midpoint form and contrastive Hebbian learning give the same
// weights, both equal to the formula from the phase-end rates; a small bidirectional network
// learns XOR from its two phases (free, then the output nudged towards the target); Dale's law
// holds; the option is checked where it is written.
#include <catch2/catch.hpp>

#include "../test_models.hpp"
#include "rules_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/*
 * x (2 inputs) and a bias unit (rate 1) -> h (4 logistic pyramidal) -> y (1 logistic, g_A = 0),
 * with y feeding back into h's apical dendrite through the transpose of h -> y (a weight copy),
 * so the hidden layer sees the outcome: the bidirectional network of GeneRec. Every projection
 * learns with `form`; CHL's updates of h -> y and y -> h are transposes of each other, so the
 * feedback stays the transpose of the forward weights. Trial: "minus" (20 ms, output free),
 * "plus" (20 ms, output nudged towards 3 for 1 and -3 for 0, phi = 0.95 / 0.05, g_som 2).
 */
std::string xor_toml(const std::string& form, double eta, std::uint64_t seed,
                     const std::string& x_weights =
                         "weights = { distribution = \"uniform\", low = -2.0, high = 2.0 }\n") {
    const std::string rule = "plasticity = { rule = \"generec\", eta = " + std::to_string(eta) +
                             ", form = \"" + form + "\" }\n";
    return "[simulation]\nduration_ms = 1.0\nseed = " + std::to_string(seed) +
           "\n[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
           "[[phase]]\nname = \"minus\"\nduration_ms = 20.0\n"
           "[[phase]]\nname = \"plus\"\nduration_ms = 20.0\ninputs = [\"target\"]\n"
           "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = 2\n"
           "[[population]]\nname = \"bias\"\nmodel = \"input\"\nsize = 1\n"
           "[[population]]\nname = \"h\"\nmodel = \"pyramidal\"\nsize = 4\ntransfer = "
           "\"logistic\"\n"
           "[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = 1\ntransfer = "
           "\"logistic\"\n"
           "params = { g_A = 0.0 }\n"
           "[[projection]]\nsource = \"x\"\ntarget = \"h\"\ncompartment = \"basal\"\n" +
           x_weights + rule +
           "[[projection]]\nsource = \"bias\"\ntarget = \"h\"\ncompartment = \"basal\"\n"
           "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n" +
           rule +
           "[[projection]]\nsource = \"h\"\ntarget = \"y\"\ncompartment = \"basal\"\n"
           "weights = { distribution = \"uniform\", low = -2.0, high = 2.0 }\n" +
           rule +
           "[[projection]]\nsource = \"bias\"\ntarget = \"y\"\ncompartment = \"basal\"\nweights = "
           "0.0\n" +
           rule +
           "[[projection]]\nsource = \"y\"\ntarget = \"h\"\ncompartment = \"apical\"\n"
           "weights = { distribution = \"copy\", of = \"h->y.basal\", transpose = true }\n" +
           rule + "[[stimulus]]\ntarget = \"bias\"\nmode = \"rate\"\nvalues = 1.0\n";
}

struct xor_net {
    rule_net r;
    std::size_t in, target;
    explicit xor_net(const std::string& toml)
        : r(toml), in(r.net->add_input("x", r.pop("x"), network::input_mode::rate)),
          target(r.net->add_input("target", r.pop("y"), network::input_mode::nudge, -1, 2.0)) {
        r.snapshot("y", "rate@minus");
    }
    void trial(int a, int b) {
        const double x[2] = {static_cast<double>(a), static_cast<double>(b)};
        const double u = (a != b) ? 3.0 : -3.0;
        r.net->set_input(in, x);
        r.net->set_input(target, &u);
        r.trials->run_trial();
    }
    /// The free phase's output for each of the four patterns, learning off.
    Eigen::Vector4d outputs() {
        r.net->set_learning(false);
        Eigen::Vector4d out;
        for (int p = 0; p < 4; ++p) {
            trial(p / 2, p % 2);
            out[p] = r.snapshot("y", "rate@minus")[0];
        }
        r.net->set_learning(true);
        return out;
    }
};

const char* projections[] = {"x->h.basal", "bias->h.basal", "h->y.basal", "bias->y.basal",
                             "y->h.apical"};

} // namespace

TEST_CASE("generec: the symmetric midpoint form is contrastive Hebbian learning",
          "[rules][generec]") {
    xor_net sym(xor_toml("symmetric", 0.5, 3)), chl(xor_toml("chl", 0.5, 3));
    // The rates at both phases' ends, seen before the rules act, for the independent formula.
    Eigen::VectorXd hm, hp, ym, yp;
    chl.r.trials->on_phase_end([&](std::size_t phase, double, const double*) {
        if (phase == 0) {
            hm = chl.r.now("h", "rate");
            ym = chl.r.now("y", "rate");
        } else {
            hp = chl.r.now("h", "rate");
            yp = chl.r.now("y", "rate");
        }
    });
    const Eigen::MatrixXd before = chl.r.weights("h->y.basal");
    sym.trial(1, 0);
    chl.trial(1, 0);
    REQUIRE((yp - ym).norm() > 0.1); // the outcome differs from the expectation
    for (const char* p : projections) {
        INFO(p);
        CHECK((sym.r.weights(p) - chl.r.weights(p)).cwiseAbs().maxCoeff() < 1e-15); // rounding only
    }
    // CHL itself: dW = eta (y+ x+^T - y- x-^T) from the phase-end rates.
    const Eigen::MatrixXd expected = before + 0.5 * (yp * hp.transpose() - ym * hm.transpose());
    CHECK((chl.r.weights("h->y.basal") - expected).cwiseAbs().maxCoeff() < 1e-15);
    // The feedback stays the transpose of the forward weights.
    CHECK((chl.r.weights("y->h.apical") - chl.r.weights("h->y.basal").transpose())
              .cwiseAbs()
              .maxCoeff() < 1e-15);
    // The basic (asymmetric) form differs: it reads x at the minus phase only.
    xor_net asym(xor_toml("asymmetric", 0.5, 3));
    asym.trial(1, 0);
    CHECK((asym.r.weights("h->y.basal") - chl.r.weights("h->y.basal")).cwiseAbs().maxCoeff() >
          1e-3);
}

TEST_CASE("generec: a bidirectional network learns XOR from its two phases with CHL",
          "[rules][generec]") {
    // Six seeds (initial weights and pattern order), 500 epochs of the four patterns in random
    // order, eta 1 per trial. Measured: all six end at 0.002-0.05 for 00 and 11 and 0.95-0.96
    // for 01 and 10 (the rates of the nudging targets); one seed was still wrong after 250
    // epochs, in a scan with a fixed pattern order all solved by epoch 120-180. The symmetric
    // form follows the same trajectories; the asymmetric form solved 1 of 6 in 500 epochs
    // (O'Reilly 1996 also found the symmetric forms the more reliable).
    const Eigen::Vector4d want(0.0, 1.0, 1.0, 0.0);
    const auto classified = [&](const Eigen::Vector4d& out) {
        return ((out.array() > 0.5).cast<double>().matrix() - want).cwiseAbs().sum() == 0.0;
    };
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        xor_net n(xor_toml("chl", 1.0, seed));
        const Eigen::Vector4d before = n.outputs();
        rng gen(seed, "xor_order");
        for (int epoch = 0; epoch < 500; ++epoch)
            for (int k = 0; k < 4; ++k) {
                const int p = static_cast<int>(gen.below(4));
                n.trial(p / 2, p % 2);
            }
        const Eigen::Vector4d after = n.outputs();
        INFO("seed " << seed << ": free-phase outputs for 00, 01, 10, 11 before "
                     << before.transpose() << ", after " << after.transpose());
        CHECK_FALSE(classified(before));
        CHECK(classified(after));
        // Learned with a margin: every output on the right side of 0.5 by at least 0.2.
        CHECK(((after - Eigen::Vector4d::Constant(0.5)).array() * (2.0 * want.array() - 1.0))
                  .minCoeff() > 0.2);
    }
}

TEST_CASE("generec: an excitatory projection stays non-negative under CHL", "[rules][generec]") {
    // The outcome drives the input weights both ways; from [0, 0.5) some must hit 0.
    xor_net n(xor_toml("chl", 0.5, 3,
                       "sign = \"excitatory\"\nweights = { distribution = \"uniform\", low = 0.0, "
                       "high = 0.5 }\n"));
    double lowest = 1.0;
    for (int k = 0; k < 40; ++k) {
        n.trial(k % 2, (k / 2) % 2);
        lowest = std::min(lowest, n.r.weights("x->h.basal").minCoeff());
    }
    CHECK(lowest == 0.0); // reached, never passed
}

TEST_CASE("generec: the form option is checked where it is written", "[rules][generec]") {
    const std::string t = xor_toml("chl", 0.5, 3);
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string s = t;
        s.replace(s.find(from), from.size(), to);
        return model_error_of(s);
    };
    CHECK(with("form = \"chl\"", "form = \"midpoint\"") ==
          "model.toml:38:57: projection[0].plasticity.form: must be 'asymmetric', 'symmetric' or "
          "'chl', got "
          "'midpoint'");
    CHECK(with("form = \"chl\"", "form = \"symmetric\", pre = \"plus\"") ==
          "model.toml:38:76: projection[0].plasticity.pre: form 'symmetric' reads the source at "
          "both phases; 'pre' "
          "chooses the phase of the asymmetric form only");
}

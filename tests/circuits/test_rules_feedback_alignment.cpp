// Feedback alignment and direct feedback alignment (circuits/plasticity/rules/
// feedback_alignment.cpp, direct_feedback_alignment.cpp, apical_feedback.hpp) against their
// signature on the teacher-student regression (circuits/tasks/teacher_student.hpp): the hidden
// error the fixed random feedback delivers comes to point within 90 degrees of the true
// backprop error and keeps turning towards it as the forward weights align with the feedback
// (Lillicrap et al. 2016, Fig. 2; Nokland 2016), and the deep learner ends below the shallow
// one (hidden layers frozen). Also: one update equals the formula, Dale's law holds, and
// wiring and parameter mistakes are reported where the rule is written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "../test_models.hpp"
#include "circuits/tasks/teacher_student.hpp"
#include "rules_fixture.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;

namespace {

/*
 * A student of `hidden.size()` hidden layers h1, h2, ... (logistic) and a linear output y, all
 * pyramidal with g_A = 0: the apical dendrites hold the feedback but do not drive the somata,
 * so the free phase is the feedforward network u_k = k W_k r_{k-1}, k = g_B / (g_lk + g_B)
 * (test_rules_oja.cpp), and the output's rate is its potential. Each trial: a free phase
 * ("minus", 10 ms = 11 time constants), then a phase in which the output is nudged towards the
 * teacher's potential ("plus", g_som 0.8). The output learns with GeneRec (the delta rule on
 * its rate change); each hidden layer with `rule`, its apical dendrite fed by fixed random
 * weights B from `feedback_from[k]`.
 */
std::string student_toml(const std::vector<int>& hidden, const std::string& rule, double eta_hidden,
                         const std::vector<std::string>& feedback_from) {
    std::string t =
        "[simulation]\nduration_ms = 1.0\nseed = 4\n[solver]\nmethod = \"euler\"\ndt_ms = 0.1\n"
        "[[phase]]\nname = \"minus\"\nduration_ms = 10.0\n"
        "[[phase]]\nname = \"plus\"\nduration_ms = 10.0\ninputs = [\"target\"]\n"
        "[[population]]\nname = \"x\"\nmodel = \"input\"\nsize = 30\n";
    for (std::size_t k = 0; k < hidden.size(); ++k)
        t += "[[population]]\nname = \"h" + std::to_string(k + 1) +
             "\"\nmodel = \"pyramidal\"\nsize = " + std::to_string(hidden[k]) +
             "\ntransfer = \"logistic\"\nparams = { g_A = 0.0 }\n";
    t += "[[population]]\nname = \"y\"\nmodel = \"pyramidal\"\nsize = 10\ntransfer = \"linear\"\n"
         "params = { g_A = 0.0 }\n";
    std::string prev = "x";
    for (std::size_t k = 0; k < hidden.size(); ++k) {
        const std::string h = "h" + std::to_string(k + 1);
        t += "[[projection]]\nsource = \"" + prev + "\"\ntarget = \"" + h +
             "\"\ncompartment = \"basal\"\n" +
             "weights = { distribution = \"uniform\", low = -0.5, high = 0.5 }\nplasticity = { "
             "rule = \"" +
             rule + "\", eta = " + std::to_string(eta_hidden) + " }\n";
        prev = h;
    }
    t += "[[projection]]\nsource = \"" + prev +
         "\"\ntarget = \"y\"\ncompartment = \"basal\"\n"
         "weights = { distribution = \"uniform\", low = -0.5, high = 0.5 }\n"
         "plasticity = { rule = \"generec\", eta = 0.03 }\n";
    for (std::size_t k = 0; k < hidden.size(); ++k)
        t += "[[projection]]\nname = \"B" + std::to_string(k + 1) + "\"\nsource = \"" +
             feedback_from[k] + "\"\ntarget = \"h" + std::to_string(k + 1) +
             "\"\ncompartment = \"apical\"\n"
             "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n";
    return t;
}

double angle_deg(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    return std::acos(std::clamp(a.dot(b) / (a.norm() * b.norm()), -1.0, 1.0)) * 180.0 /
           std::acos(-1.0);
}

/// A student on the teacher-student task, trained trial by trial.
struct student {
    rule_net r;
    std::size_t in, target;
    std::size_t n_hidden;
    teacher_student_task teacher;
    transfer_fn phi;

    static teacher_student_options options() {
        teacher_student_options o; // the teacher of tests/circuits/test_teacher_student.cpp
        o.n_train = 1;             // the patterns come from this file
        o.n_test = 1;
        o.teacher_w1_scale = 5.0;
        o.teacher_w2_scale = 2.0;
        o.seed = 1;
        return o;
    }
    student(const std::string& toml, std::size_t hidden_layers)
        : r(toml), in(r.net->add_input("x", r.pop("x"), network::input_mode::rate)),
          target(r.net->add_input("target", r.pop("y"), network::input_mode::nudge, -1, 0.8)),
          n_hidden(hidden_layers), teacher(*r.net, "x", "h1", "y", options()),
          phi(r.net->model().populations[r.pop("h1")].transfer) {
        // Phase-end snapshots are taken of the signals requested before the phase ends.
        r.snapshot("y", "u_soma@minus");
        for (std::size_t k = 0; k < n_hidden; ++k)
            for (const char* signal : {"u_soma@minus", "v_apical@minus", "v_apical@plus"})
                r.snapshot(h(k), signal);
        r.trials->on_phase_end([this](std::size_t phase, double, const double*) {
            if (phase == 1)
                measure();
        });
    }

    std::string h(std::size_t k) const { return "h" + std::to_string(k + 1); }
    /// One trial on pattern x (free phase, then nudged towards the teacher's output).
    void trial(const Eigen::VectorXd& x) {
        u_target = teacher.target(x);
        r.net->set_input(in, x.data());
        r.net->set_input(target, u_target.data());
        r.trials->run_trial();
    }
    /// Test MSE of the free output's potential against the teacher's, learning off.
    double test_mse(const Eigen::MatrixXd& xs) {
        r.net->set_learning(false);
        double sum = 0.0;
        for (Eigen::Index j = 0; j < xs.cols(); ++j) {
            trial(xs.col(j));
            sum += (r.snapshot("y", "u_soma@minus") - u_target).squaredNorm() / 10.0;
        }
        r.net->set_learning(true);
        return sum / static_cast<double>(xs.cols());
    }

    Eigen::VectorXd u_target;
    std::vector<double> angles; ///< of the last trial, per hidden layer (degrees)

private:
    /*
     * At the end of the nudged phase, before the rules act: each hidden layer's delivered error
     * phi'(u-) * (v_A+ - v_A-) against backprop's -dL/du for L = |u_target - u_y-|^2 / 2 at the
     * free state, through the current forward weights (positive factors k dropped):
     *   e = u_target - u_y-,  delta_top = phi'(u_top) * (W_out^T e),
     *   delta_k = phi'(u_k) * (W_{k+1}^T delta_{k+1}).
     */
    void measure() {
        angles.assign(n_hidden, 0.0);
        Eigen::VectorXd back = u_target - r.snapshot("y", "u_soma@minus");
        std::string above = "y";
        for (std::size_t k = n_hidden; k-- > 0;) {
            const Eigen::VectorXd u = r.snapshot(h(k), "u_soma@minus");
            Eigen::VectorXd slope(u.size());
            for (Eigen::Index i = 0; i < u.size(); ++i)
                slope[i] = phi.derivative(u[i]);
            const Eigen::MatrixXd W = r.weights(h(k) + "->" + above + ".basal");
            back = slope.cwiseProduct(W.transpose() * back);
            const Eigen::VectorXd delivered = slope.cwiseProduct(
                r.snapshot(h(k), "v_apical@plus") - r.snapshot(h(k), "v_apical@minus"));
            angles[k] = angle_deg(delivered, back);
            above = h(k);
        }
    }
};

Eigen::MatrixXd patterns(std::size_t n, const std::string& stream) {
    rng gen(1, stream);
    Eigen::MatrixXd xs(30, static_cast<Eigen::Index>(n));
    for (Eigen::Index j = 0; j < xs.cols(); ++j)
        for (Eigen::Index i = 0; i < 30; ++i)
            xs(i, j) = gen.uniform();
    return xs;
}

struct run_result {
    std::vector<std::vector<double>> block_angles; ///< [block][layer]: mean angle over the block
    double mse_before = 0.0, mse_after = 0.0;
};

/// Trains on `n_blocks` blocks of `block` patterns; the angles are measured on every trial.
run_result train(const std::string& toml, std::size_t hidden_layers, std::size_t n_blocks,
                 std::size_t block) {
    student s(toml, hidden_layers);
    const Eigen::MatrixXd train_x = patterns(n_blocks * block, "train"),
                          test_x = patterns(50, "test");
    run_result out;
    out.mse_before = s.test_mse(test_x);
    for (std::size_t b = 0; b < n_blocks; ++b) {
        std::vector<double> sum(hidden_layers, 0.0);
        for (std::size_t j = 0; j < block; ++j) {
            s.trial(train_x.col(static_cast<Eigen::Index>(b * block + j)));
            for (std::size_t k = 0; k < hidden_layers; ++k)
                sum[k] += s.angles[k] / static_cast<double>(block);
        }
        out.block_angles.push_back(sum);
    }
    out.mse_after = s.test_mse(test_x);
    return out;
}

std::string describe(const run_result& r) {
    std::string s;
    for (std::size_t b = 0; b < r.block_angles.size(); ++b) {
        s += "block " + std::to_string(b) + ":";
        for (double a : r.block_angles[b])
            s += " " + std::to_string(a);
        s += "\n";
    }
    return s + "test MSE " + std::to_string(r.mse_before) + " -> " + std::to_string(r.mse_after);
}

} // namespace

TEST_CASE(
    "feedback_alignment: the delivered error aligns with backprop's, and the deep learner beats "
    "the shallow one",
    "[rules][feedback_alignment]") {
    // 30-50-10 student, 2000 trials; the shallow learner is the same network with the hidden
    // layer's rate 0. Measured: mean angle per block of 400 trials 88.0, 66.7, 57.7, 52.5, 50.1
    // degrees; test MSE 5.90 -> 0.45 (shallow: 1.29, its angle staying at 91-93 degrees).
    const run_result deep = train(student_toml({50}, "feedback_alignment", 0.1, {"y"}), 1, 5, 400);
    const run_result shallow =
        train(student_toml({50}, "feedback_alignment", 0.0, {"y"}), 1, 5, 400);
    INFO("feedback alignment\n" << describe(deep) << "\nshallow\n" << describe(shallow));
    // The angle starts near 90 degrees (B and the forward weights are independent), is below
    // 90 from the second block on and falls block after block: the output weights come to align
    // with B^T because the hidden layer learns from B e. Without hidden learning they do not.
    for (std::size_t b = 1; b < deep.block_angles.size(); ++b) {
        CHECK(deep.block_angles[b][0] < 90.0);
        CHECK(deep.block_angles[b][0] < deep.block_angles[b - 1][0]);
    }
    CHECK(deep.block_angles.back()[0] < 60.0);
    CHECK(shallow.block_angles.back()[0] > 85.0);
    CHECK(deep.mse_before == shallow.mse_before); // the same untrained student
    CHECK(deep.mse_after < 0.5 * shallow.mse_after);
}

TEST_CASE("feedback through a tied transposed copy is backprop: the delivered error is exact",
          "[rules][feedback_alignment]") {
    // The backprop reference of the rule comparison: the feedback B follows W_out^T as the
    // output learns (weights = { distribution = "copy", transpose = true, tied = true }), so the
    // delivered error is backprop's on every trial, not only after alignment, and the weights
    // stay tied through 400 updates.
    std::string t = student_toml({50}, "feedback_alignment", 0.1, {"y"});
    const std::string b = "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n";
    t.replace(t.rfind(b), b.size(),
              "weights = { distribution = \"copy\", of = \"h1->y.basal\", transpose = true, tied = true }\n");
    const run_result bp = train(t, 1, 2, 200);
    const run_result fa = train(student_toml({50}, "feedback_alignment", 0.1, {"y"}), 1, 2, 200);
    INFO("tied\n" << describe(bp) << "\nfeedback alignment\n" << describe(fa));
    for (const auto& block : bp.block_angles)
        CHECK(block[0] < 0.01); // degrees: only the plus phase's settling residual (e^-11)
    CHECK(bp.mse_after < fa.mse_after); // the exact gradient learns faster at first
    student s(t, 1);
    const Eigen::MatrixXd xs = patterns(50, "tied");
    for (Eigen::Index j = 0; j < xs.cols(); ++j) s.trial(xs.col(j));
    CHECK(s.r.weights("h1->y.basal") != student(t, 1).r.weights("h1->y.basal")); // it learned
    CHECK(s.r.weights("B1") == s.r.weights("h1->y.basal").transpose());
}

TEST_CASE("weight copies: 'tied' is checked where it is written", "[rules][feedback_alignment]") {
    const std::string t = student_toml({50}, "feedback_alignment", 0.1, {"y"});
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string s = t;
        s.replace(s.rfind(from), from.size(), to);
        return model_error_of(s);
    };
    const std::string b = "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n";
    CHECK_THAT(with(b, "weights = { distribution = \"uniform\", low = -1.0, high = 1.0, tied = true }\n"),
               Catch::Contains("projection[2].weights.tied: 'of', 'transpose' and 'tied' apply to "
                               "distribution = 'copy' only"));
    CHECK_THAT(with(b, "weights = { distribution = \"copy\", of = \"h1->y.basal\", transpose = true, tied = true }\n"
                       "plasticity = { rule = \"generec\", eta = 0.1 }\n"),
               Catch::Contains("projection[2].weights.tied: a tied copy follows the weights of 'h1->y.basal', so it "
                               "cannot learn by a rule of its own ('generec')"));
}

TEST_CASE(
    "direct_feedback_alignment: every hidden layer's error aligns with backprop's, and the deep "
    "learner beats the shallow one",
    "[rules][direct_feedback_alignment]") {
    // 30-50-50-10 student: both hidden layers receive the output's error through their own B_k,
    // straight from the output (the lower one skips the layer above).
    const run_result deep =
        train(student_toml({50, 50}, "direct_feedback_alignment", 0.1, {"y", "y"}), 2, 5, 400);
    const run_result shallow =
        train(student_toml({50, 50}, "direct_feedback_alignment", 0.0, {"y", "y"}), 2, 5, 400);
    INFO("direct feedback alignment\n" << describe(deep) << "\nshallow\n" << describe(shallow));
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t b = 1; b < deep.block_angles.size(); ++b) {
            CHECK(deep.block_angles[b][k] < 90.0);
            CHECK(deep.block_angles[b][k] < deep.block_angles[b - 1][k]);
        }
    CHECK(deep.mse_before == shallow.mse_before);
    CHECK(deep.mse_after < 0.5 * shallow.mse_after);
}

TEST_CASE("feedback_alignment: one update is eta (phi'(u-) * (v_A+ - v_A-)) x-^T",
          "[rules][feedback_alignment]") {
    student s(student_toml({50}, "feedback_alignment", 0.3, {"y"}), 1);
    const Eigen::MatrixXd xs = patterns(1, "one");
    const Eigen::MatrixXd W0 = s.r.weights("x->h1.basal");
    Eigen::VectorXd vp, vm, u, x;
    s.r.trials->on_phase_end([&](std::size_t phase, double, const double*) {
        if (phase != 1)
            return;
        vp = s.r.now("h1", "v_apical"); // the state at the plus phase's end
        vm = s.r.snapshot("h1", "v_apical@minus");
        u = s.r.snapshot("h1", "u_soma@minus");
        x = s.r.now("x", "rate");
    });
    s.trial(xs.col(0));
    REQUIRE(x == xs.col(0)); // the input is the same in both phases
    // The delivered difference is B (y+ - y-): the output's change by its nudging.
    const Eigen::MatrixXd B = s.r.weights("B1");
    const Eigen::VectorXd dy = s.r.snapshot("y", "u_soma@plus") - s.r.snapshot("y", "u_soma@minus");
    CHECK(dy.norm() > 0.1);
    Eigen::VectorXd e(u.size());
    for (Eigen::Index i = 0; i < u.size(); ++i)
        e[i] = s.phi.derivative(u[i]) * (vp[i] - vm[i]);
    const Eigen::MatrixXd expected = W0 + 0.3 * e * x.transpose();
    CHECK((s.r.weights("x->h1.basal") - expected).cwiseAbs().maxCoeff() < 1e-14); // rounding
}

TEST_CASE("feedback alignment: an excitatory projection stays non-negative under either rule",
          "[rules][feedback_alignment][direct_feedback_alignment]") {
    // Hidden errors of both signs drive the input weights both ways; from weights in [0, 0.1)
    // some must hit 0, where Dale's law holds them.
    const std::string rule = GENERATE(std::string("feedback_alignment"),
                                      std::string("direct_feedback_alignment"));
    std::string t = student_toml({50}, rule, 0.3, {"y"});
    const std::string first = "weights = { distribution = \"uniform\", low = -0.5, high = 0.5 }\n"
                              "plasticity = { rule = \"" + rule + "\"";
    t.replace(t.find(first), first.size(),
              "sign = \"excitatory\"\nweights = { distribution = \"uniform\", low = 0.0, high = "
              "0.1 }\nplasticity = { rule = \"" + rule + "\"");
    student s(t, 1);
    const Eigen::MatrixXd xs = patterns(40, "dale");
    double lowest = 1.0;
    for (Eigen::Index j = 0; j < xs.cols(); ++j) {
        s.trial(xs.col(j));
        lowest = std::min(lowest, s.r.weights("x->h1.basal").minCoeff());
    }
    INFO(rule);
    CHECK(lowest == 0.0); // reached, never passed
}

TEST_CASE(
    "feedback alignment: wiring and parameter mistakes are reported where the rule is written",
    "[rules][feedback_alignment][direct_feedback_alignment]") {
    const std::string fa = student_toml({50}, "feedback_alignment", 0.1, {"y"});
    const auto with = [](std::string t, const std::string& from, const std::string& to) {
        const auto at = t.find(from);
        REQUIRE(at != std::string::npos);
        return model_error_of(t.replace(at, from.size(), to));
    };
    const std::string rule = "plasticity = { rule = \"feedback_alignment\", eta = 0.100000 }";
    CHECK(
        with(fa, rule,
             "plasticity = { rule = \"feedback_alignment\", eta = 0.1, feedback = \"apikal\" }") ==
        "model.toml:35:67: projection[0].plasticity.feedback: population 'h1' (model 'pyramidal') "
        "has no "
        "dendrite 'apikal'; it has 'basal' or 'apical', did you mean 'apical'?");
    CHECK(with(fa, rule,
               "plasticity = { rule = \"feedback_alignment\", eta = 0.1, plus = \"minus\" }") ==
          "model.toml:35:63: projection[0].plasticity.plus: the plus and minus phases must differ");
    // The feedback must be fixed...
    CHECK(with(fa, "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n",
               "weights = { distribution = \"uniform\", low = -1.0, high = 1.0 }\n"
               "plasticity = { rule = \"generec\", eta = 0.1 }\n") ==
          "model.toml:35:23: projection[0].plasticity.rule: rule 'feedback_alignment' reads the "
          "error that fixed "
          "random feedback delivers to the 'apical' dendrite of 'h1', but 'B1' onto it is plastic "
          "(rule "
          "'generec'); feedback weights must stay fixed");
    // ... exist ...
    CHECK(
        with(fa, "compartment = \"apical\"", "compartment = \"soma\"") ==
        "model.toml:35:23: projection[0].plasticity.rule: rule 'feedback_alignment' reads the "
        "error that fixed "
        "random feedback delivers to the 'apical' dendrite of 'h1', but no projection targets it");
    // ... and, for feedback alignment, come from the layer above.
    CHECK(model_error_of(student_toml({50, 50}, "feedback_alignment", 0.1, {"y", "y"})) ==
          "model.toml:41:23: projection[0].plasticity.rule: rule 'feedback_alignment' delivers the "
          "error through "
          "the layer above, but 'y' (feedback 'B1') receives no projection from 'h1'; for feedback "
          "straight from "
          "the output use 'direct_feedback_alignment'");
    CHECK(model_error_of(student_toml({50, 50}, "direct_feedback_alignment", 0.1, {"y", "y"})) ==
          "<no error>");
    // The rule learns from the feedback dendrite, so it cannot sit on a projection onto it.
    CHECK(with(fa, "compartment = \"apical\"\n",
               "compartment = \"apical\"\nplasticity = { rule = "
               "\"direct_feedback_alignment\", eta = 0.1 }\n") ==
          "model.toml:47:23: projection[2].plasticity.rule: rule 'direct_feedback_alignment' "
          "learns the weights "
          "onto 'h1' from the error in its 'apical' dendrite, so the projection must target "
          "another compartment, "
          "got 'apical'");
}

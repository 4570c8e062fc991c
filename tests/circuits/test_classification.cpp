// Issue 3, "what it must show" 5: a fast CI version of the Fashion-MNIST benchmark
// (bench/fashion_mnist.cpp). A dendritic error microcircuit (Sacramento et al. 2018) trained
// with its local rules only classifies held-out samples far above chance and above the
// untrained network, and its hidden layer learns: it beats the same network with the hidden
// layer frozen (a shallow learner on fixed random features).
//
// All runs use the forward-Euler scheme at dt 0.1 ms (the papers' scheme): CVODE restarts at
// every plasticity step and every new sample, and on these networks Euler is 3-4x faster per
// sample (bench/README.md). Samples are shown for 10 ms with plasticity paused for the first
// 4 ms, which covers the settling transient (the slowest free relaxation time is
// 1/(g_lk + g_B) = 0.9 ms).
#include <catch2/catch.hpp>

#include "../skip.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "circuits/experiments/session.hpp"
#include "circuits/tasks/classification.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "core/random.hpp"
#include "cortex_models/microcircuit_template.hpp"
#include "cortex_models/template_registry.hpp"
#include "run_fixture.hpp"

using namespace cortexsim;

namespace {

struct net_config {
    std::size_t n_in = 64, n_hidden = 30, n_out = 10;
    double eta_hidden = 0.5, eta_out = 0.05, eta_IP = 0.125;
    double w_in = 0.5;  ///< input weights U(-w_in, w_in)
    std::uint64_t seed = 1;
};

/// A microcircuit in the self-predicting state with its pattern driver.
struct microcircuit {
    std::unique_ptr<network> net;
    std::unique_ptr<pattern_driver> driver;
};

microcircuit build(const net_config& c) {
    microcircuit_spec s;
    s.n_input = c.n_in;
    s.layers = {c.n_hidden, c.n_out};
    s.transfer = "logistic";
    s.weight_scale = 0.5;
    // The hidden layer learns 10x faster than the output: its error arrives attenuated
    // through the apical compartment (g_A / (g_lk + g_B + g_A) and the interneurons' partial
    // cancellation). The interneurons learn 2.5x faster than the output layer: their nudging
    // partner (the output soma) moves only g_som / (g_lk + g_B + g_som) = 42% of the way to the
    // target, so with equal rates they would lag behind the output weights and break the
    // self-predicting state (Sacramento et al. 2018 use the same ratio, 0.0011875 / 0.0005).
    // W_PI stays at -W_top-down (eta_PI = 0): the top-down weights are fixed.
    s.eta_PP_per_layer = {c.eta_hidden, c.eta_out};
    s.eta_IP = c.eta_IP;
    s.eta_PI = 0.0;
    s.tau_w_ms = 0.0;
    s.pause_ms = 4.0;
    model_desc m;
    m.simulation.duration_ms = 1.0;
    m.simulation.seed = c.seed;
    m.solver.method = std::string("euler");
    m.solver.dt_ms = 0.1;
    add_microcircuit(m, s);
    microcircuit mc;
    mc.net = std::make_unique<network>(lower(m));
    projection& in = mc.net->projection_at(0);  // input -> P1.basal
    REQUIRE(in.desc().compartment == "basal");
    in.set_weights(in.weights() * (c.w_in / s.weight_scale));
    REQUIRE(set_self_predicting_state(*mc.net) == 1);
    mc.driver = std::make_unique<pattern_driver>(*mc.net, "input", "P2", 0.8);
    return mc;
}

classification_options fast_options(std::size_t epochs, std::uint64_t seed) {
    classification_options o;
    o.present_ms = 10.0;
    o.epochs = epochs;
    o.seed = seed;
    return o;
}

const dataset& digits() {
    static const dataset d = [] {
        const std::string path = find_sklearn_digits();
        return path.empty() ? dataset{} : read_digits_csv(path);
    }();
    return d;
}

/// sklearn digits split at random: 297 held-out test samples, the other 1500 for training.
struct split {
    std::vector<std::size_t> train, test;
};
split digits_split(std::uint64_t seed) {
    const std::vector<std::size_t> all = shuffled_indices(digits().n_samples, seed, "split");
    split s;
    s.test.assign(all.begin(), all.begin() + 297);
    s.train.assign(all.begin() + 297, all.end());
    return s;
}

} // namespace

TEST_CASE("set_self_predicting_state silences the apical compartment",
          "[learning][classification]") {
    // Without a target, the self-predicting state cancels the top-down input exactly at the
    // fixed point (v_A = W_top-down r_P2 + W_PI r_I = 0 since r_I = r_P2), for any input.
    // Euler's fixed points are the ODE's, and 30 ms are ~30 relaxation times, so the residual
    // is at the level of the contraction after that time, far below 1e-6.
    net_config c;
    c.n_in = 5;
    c.n_hidden = 7;
    c.n_out = 3;
    c.w_in = 1.0;
    microcircuit mc = build(c);
    network& net = *mc.net;
    const std::size_t P1 = net.population_index("P1");
    const variable_ref apical = net.resolve_variable(P1, "apical_mismatch");
    double max_before = 0.0;
    for (int k = 0; k < 3; ++k) {
        const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, 0.1 * k, 1.0 - 0.2 * k);
        mc.driver->present(x, nullptr, 30.0, false);
        net.observe(mc.driver->sim().time(), mc.driver->sim().state().data());
        for (std::size_t i = 0; i < c.n_hidden; ++i)
            max_before = std::max(max_before, std::fabs(net.value(P1, apical, i, mc.driver->sim().state().data())));
    }
    CHECK(max_before < 1e-6);

    // A network without interneurons has nothing to set.
    model_desc m;
    microcircuit_spec s;
    s.n_input = 3;
    s.layers = {2};
    add_microcircuit(m, s);
    network shallow(lower(m));
    CHECK(set_self_predicting_state(shallow) == 0);
}

TEST_CASE("classification task checks its inputs", "[learning][classification]") {
    dataset d;
    d.n_samples = 4;
    d.n_features = 5;
    d.n_classes = 3;
    d.features.assign(20, 0.5f);
    d.labels = {0, 1, 2, 0};
    const classification_options o = fast_options(1, 1);
    CHECK_THROWS_WITH(classification_task(d, {0, 1}, d, {}, o),
                      "classification: no test samples");
    CHECK_THROWS_WITH(classification_task(d, {0, 7}, d, {2}, o),
                      "classification: training index 7 out of range (the set has 4 samples)");
    classification_options bad = o;
    bad.present_ms = 0.0;
    CHECK_THROWS_AS(classification_task(d, {0}, d, {1}, bad), std::invalid_argument);
    bad = o;
    bad.epochs = 0;
    CHECK_THROWS_WITH(classification_task(d, {0}, d, {1}, bad),
                      "classification: epochs must be at least 1");

    classification_task task(d, {0, 1, 2}, d, {3}, o);
    const Eigen::VectorXd t = task.target(2, 3);
    CHECK(t[0] == o.u_low);
    CHECK(t[1] == o.u_low);
    CHECK(t[2] == o.u_high);
    // 6 input neurons for 5 features: refused before anything is trained.
    net_config c;
    c.n_in = 6;
    c.n_hidden = 4;
    c.n_out = 3;
    microcircuit mc = build(c);
    CHECK_THROWS_WITH(task.run(*mc.driver),
                      "classification: the input population has 6 neurons, the samples 5 features");
}

TEST_CASE("a microcircuit learns to classify sklearn digits with local rules",
          "[learning][classification]") {
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    REQUIRE(digits().n_samples == 1797);
    const split sp = digits_split(7);
    // 3 epochs of the 1500 training digits: 4500 presentations, about 2 s.
    classification_options o = fast_options(3, 7);
    o.n_train_eval = 300;
    std::vector<classification_progress> progress;
    o.progress_every = 1000;
    o.progress = [&](const classification_progress& p) { progress.push_back(p); };
    std::size_t evaluations = 0;
    o.on_evaluation = [&](const classification_curve&) { ++evaluations; };

    net_config deep;
    microcircuit mc = build(deep);
    const Eigen::MatrixXd W_in_before = mc.net->projections()[0].weights();
    classification_task task(digits(), sp.train, digits(), sp.test, o);
    const classification_curve curve = task.run(*mc.driver);

    // The shallow learner: the same network and rules with the hidden layer frozen.
    net_config shallow = deep;
    shallow.eta_hidden = 0.0;
    microcircuit ms = build(shallow);
    classification_options o_shallow = o;
    o_shallow.progress = nullptr;
    o_shallow.on_evaluation = nullptr;
    classification_task shallow_task(digits(), sp.train, digits(), sp.test, o_shallow);
    const classification_curve flat = shallow_task.run(*ms.driver);

    INFO("deep: " << curve.test_accuracy.front() << " -> " << curve.test_accuracy.back()
                  << " (train subset " << curve.train_accuracy.back() << "), shallow "
                  << flat.test_accuracy.back() << ", "
                  << 1e3 * curve.wall_s_per_train_sample() << " ms per training sample");
    REQUIRE(curve.test_accuracy.size() == 4);  // untrained + one per epoch
    CHECK(curve.trained == std::vector<std::size_t>{0, 1500, 3000, 4500});
    CHECK(curve.train_samples == 4500);
    CHECK(evaluations == 4);
    // Progress every 1000 samples and at every epoch's end: 1000 1500 | 2000 3000 | 4000 4500.
    REQUIRE(progress.size() == 6);
    CHECK(progress[1].seen == 1500);
    CHECK(progress[1].seen_in_epoch == 1500);
    CHECK(progress[2].epoch == 2);
    CHECK(progress[5].seen == 4500);
    CHECK(progress[5].samples_per_s > 0.0);

    // Chance is 10% (the classes are balanced); the untrained network is near it. Trained,
    // the microcircuit reached 92-94% over seeds 1, 2, 3 and 7 when this was written; 85%
    // leaves room for the seed-to-seed spread and for rounding differences between platforms
    // (online learning amplifies them) while still requiring real learning. The 297 test
    // digits give a standard error of ~1.5 points at 93%.
    CHECK(curve.test_accuracy.front() < 0.25);
    CHECK(curve.test_accuracy.back() >= 0.85);
    CHECK(curve.test_accuracy.back() > curve.test_accuracy.front() + 0.6);
    CHECK(curve.train_accuracy.back() >= 0.85);
    // The hidden layer learned: its weights moved, and the deep network beats the shallow one
    // (measured 61-79% for the shallow learner vs 92-94% deep; required: 5 points).
    CHECK((mc.net->projections()[0].weights() - W_in_before).norm() > 0.1 * W_in_before.norm());
    CHECK(ms.net->projections()[0].weights() == W_in_before);  // same seed, frozen
    CHECK(curve.test_accuracy.back() > flat.test_accuracy.back() + 0.05);
    CHECK(flat.test_accuracy.front() == curve.test_accuracy.front());  // same untrained network
}

TEST_CASE("classification runs are reproducible", "[learning][classification]") {
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    const split sp = digits_split(3);
    classification_options o = fast_options(2, 3);
    o.n_train = 200;
    o.n_test = 100;
    net_config c;
    c.seed = 3;
    microcircuit a = build(c), b = build(c);
    const classification_curve ca = classification_task(digits(), sp.train, digits(), sp.test, o).run(*a.driver);
    const classification_curve cb = classification_task(digits(), sp.train, digits(), sp.test, o).run(*b.driver);
    CHECK(ca.test_accuracy == cb.test_accuracy);
    CHECK(a.net->projections()[0].weights() == b.net->projections()[0].weights());
    // A different shuffling seed visits the samples in another order: other weights.
    microcircuit d = build(c);
    o.seed = 4;
    classification_task(digits(), sp.train, digits(), sp.test, o).run(*d.driver);
    CHECK(a.net->projections()[0].weights() != d.net->projections()[0].weights());
}

TEST_CASE("a 784-100-10 microcircuit learns Fashion-MNIST from 2000 samples",
          "[learning][classification]") {
    const std::string dir = find_fashion_mnist_dir();
    if (dir.empty()) {
        CORTEXSIM_SKIP("dataset-fashion-mnist is not installed (tools/install_deps.sh installs it)");
    }
    // The benchmark's network (bench/README.md) on a small subset: the first 2000 training
    // images twice (4000 presentations) and the first 1000 test images; both files are in
    // random class order. For so few presentations the learning rates are 2.5x (hidden, output,
    // interneurons) those of the full benchmark, trading final accuracy for speed.
    const dataset train = read_idx_pair(dir + "/train-images-idx3-ubyte.gz",
                                        dir + "/train-labels-idx1-ubyte.gz", 2000);
    const dataset test = read_idx_pair(dir + "/t10k-images-idx3-ubyte.gz",
                                       dir + "/t10k-labels-idx1-ubyte.gz", 1000);
    std::vector<std::size_t> tr(train.n_samples), te(test.n_samples);
    std::iota(tr.begin(), tr.end(), std::size_t{0});
    std::iota(te.begin(), te.end(), std::size_t{0});
    net_config c;
    c.n_in = 784;
    c.n_hidden = 100;
    c.eta_hidden = 0.25;
    c.eta_out = 0.005;
    c.eta_IP = 0.0125;
    c.w_in = 0.1;  // 784 inputs: smaller weights keep the hidden units out of saturation
    microcircuit mc = build(c);
    classification_task task(train, tr, test, te, fast_options(2, 1));
    const classification_curve curve = task.run(*mc.driver);
    INFO("test accuracy " << curve.test_accuracy.front() << " -> " << curve.test_accuracy[1]
                          << " -> " << curve.test_accuracy.back() << ", "
                          << 1e3 * curve.wall_s_per_train_sample() << " ms per sample");
    // Chance is 10%, the untrained network is near it. Measured 76.9-78.4% (seeds 1, 2) after
    // the two epochs; the bound leaves ~6 points for the run-to-run spread of online learning
    // at these rates (+-3 points between neighbouring evaluations) and the standard error of
    // 1000 test images (1.3 points).
    CHECK(curve.test_accuracy.front() < 0.25);
    CHECK(curve.test_accuracy.back() >= 0.70);
}

namespace {
/// The test accuracies of a `[task] kind = "classification"` run (learning_curve.csv).
std::vector<double> accuracies_of(const std::string& toml, const std::vector<config::override_setting>& sets,
                                  const std::string& name) {
    testing::run_in_temp(toml, "cortexsim_cls_" + name, sets);
    const std::filesystem::path out = testing::run_folder("cortexsim_cls_" + name);
    std::ifstream in(out / "learning_curve.csv");
    std::string line;
    std::getline(in, line);
    CHECK(line == "samples_trained,epoch,test_accuracy,train_accuracy");
    std::vector<double> acc;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string cell;
        for (int c = 0; c < 3; ++c) std::getline(ss, cell, ',');
        acc.push_back(std::stod(cell));
    }
    std::filesystem::remove_all(out);
    return acc;
}

/// The message of the model error a run session of `toml` raises, or "<no error>".
std::string testing_error_of(const std::string& toml) {
    try {
        run_session s(config::parse_model(toml, "model.toml", "", default_templates().names()));
    } catch (const model_error& e) {
        return e.what();
    }
    return "<no error>";
}

std::string example_text(const std::string& file) {
    std::ifstream in(std::string(CORTEXSIM_SOURCE_DIR) + "/examples/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
} // namespace

TEST_CASE("the TOML classification task reproduces the C++ benchmark's run", "[learning][classification]") {
    // bench/fashion_mnist.cpp builds its microcircuit with the template and trains it with
    // classification_task; `[task] kind = "classification"` must give the same run from TOML,
    // evaluation for evaluation, bit for bit (here on the digits, 2 epochs with a rate decay).
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    const std::string toml = example_text("digits_classification.toml");
    const std::vector<config::override_setting> sets = {{"task.epochs", "2"}, {"task.decay_after", "0"},
                                                        {"task.n_train", "400"}};
    const std::vector<double> from_toml = accuracies_of(toml, sets, "toml");

    microcircuit_spec sp;  // the example's [[microcircuit]], as the benchmark builds it
    sp.n_input = 64;
    sp.layers = {30, 10};
    sp.transfer = "logistic";
    sp.weight_scale = 0.5;
    sp.w_input = 0.5;
    sp.eta_PP_per_layer = {0.5, 0.05};
    sp.eta_IP = 0.125;
    sp.eta_PI = 0.0;
    sp.tau_w_ms = 0.0;
    sp.pause_ms = 4.0;
    sp.self_predicting_init = true;
    model_desc m;
    m.simulation.duration_ms = 1.0;
    m.simulation.seed = 7;
    m.solver.method = std::string("euler");
    m.solver.dt_ms = 0.1;
    add_microcircuit(m, sp);
    network net(lower(m));
    pattern_driver driver(net, "input", "P2", 0.8);
    const split s = digits_split(7);
    classification_options o = fast_options(2, 7);
    o.n_train = 400;
    o.on_epoch = [&](std::size_t e) { net.plasticity().set_rate_factor(e > 1 ? 0.8 : 1.0); };
    const classification_curve curve = classification_task(digits(), s.train, digits(), s.test, o).run(driver);
    INFO("TOML " << from_toml.back() << ", C++ " << curve.test_accuracy.back());
    CHECK(from_toml == curve.test_accuracy);
}

TEST_CASE("held input products leave a TOML classification run's test accuracy unchanged",
          "[learning][classification][held]") {
    // examples/digits_classification.toml (Euler dt 0.1 ms, continuous unfiltered rules) with
    // [solver] hold_input_products true (the default) and false (the step-by-step path): the
    // weights differ by rounding only (tests/circuits/test_held_products.cpp), so every
    // evaluation of the run classifies the same test digits the same way.
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    const std::string toml = example_text("digits_classification.toml");
    std::vector<config::override_setting> sets = {{"task.epochs", "2"}, {"task.n_train", "400"}};
    const std::vector<double> held = accuracies_of(toml, sets, "held");
    sets.push_back({"solver.hold_input_products", "false"});
    const std::vector<double> recomputed = accuracies_of(toml, sets, "recomputed");
    INFO("held " << held.back() << ", recomputed " << recomputed.back());
    REQUIRE(held.size() == 3);
    CHECK(held.back() > 0.8);  // it learned: the comparison is not between untrained networks
    CHECK(held == recomputed);
}

TEST_CASE("from TOML, a 64-30-10 microcircuit classifies the digits at 95% or better",
          "[learning][classification]") {
    // examples/digits_classification.toml: 15 epochs, rates x 0.8 per epoch after the fifth.
    // Measured over seeds 1-10: 95.96-97.98% (mean 96.7%); each seed must reach 95%.
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    for (const char* seed : {"7", "2"}) {
        const std::vector<double> acc =
            accuracies_of(example_text("digits_classification.toml"), {{"simulation.seed", seed}}, seed);
        INFO("seed " << seed << ": " << acc.front() << " -> " << acc.back());
        REQUIRE(acc.size() == 16);  // untrained + one per epoch
        CHECK(acc.front() < 0.25);
        CHECK(acc.back() >= 0.95);
    }
}

TEST_CASE("a user's CSV or NPY data set trains from TOML", "[learning][classification]") {
    // Two noisy classes in 4 features (class c: features near 0.8 on its own half, 0.2 on the
    // other), 200 samples, written as a CSV (label last) and as NPY files; a 4-8-2
    // microcircuit learns them from either to the same accuracy, far above chance.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "cortexsim_cls_user";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    rng gen(11, "data");
    std::vector<float> x;
    std::vector<std::int64_t> y;
    std::ofstream csv(dir / "data.csv");
    csv << "f0,f1,f2,f3,label\n";
    for (int n = 0; n < 200; ++n) {
        const int label = n % 2;
        y.push_back(label);
        for (int f = 0; f < 4; ++f) {
            const bool own = (f < 2) == (label == 0);
            const float v = static_cast<float>((own ? 0.8 : 0.2) + 0.15 * gen.normal());
            x.push_back(v);
            csv << v << ",";
        }
        csv << label << "\n";
    }
    csv.close();
    auto npy = [](const std::filesystem::path& path, const std::string& descr, const std::string& shape,
                  const void* data, std::size_t bytes) {
        std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        while ((10 + header.size() + 1) % 64 != 0) header += ' ';
        header += '\n';
        std::ofstream out(path, std::ios::binary);
        out.write("\x93NUMPY\x01\x00", 8);
        const auto len = static_cast<std::uint16_t>(header.size());
        out.put(static_cast<char>(len & 0xff));
        out.put(static_cast<char>(len >> 8));
        out << header;
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    };
    npy(dir / "x.npy", "<f4", "(200, 4)", x.data(), x.size() * sizeof(float));
    npy(dir / "y.npy", "<i8", "(200,)", y.data(), y.size() * sizeof(std::int64_t));

    const std::string model = R"([simulation]
name = "user_data"
seed = 3
[solver]
method = "euler"
dt_ms = 0.1
[[microcircuit]]
n_input = 4
layers = [8, 2]
transfer = "logistic"
eta_PP = [0.5, 0.05]
eta_IP = 0.125
tau_w_ms = 0.0
pause_ms = 4.0
self_predicting_init = true
[task]
kind = "classification"
output = "P2"
test_split = 50
epochs = 3
)";
    const std::vector<double> from_csv =
        accuracies_of(model + "dataset = \"" + (dir / "data.csv").string() + "\"\n", {}, "csv");
    const std::vector<double> from_npy = accuracies_of(
        model + "dataset = \"" + (dir / "x.npy").string() + "\"\nlabels = \"" + (dir / "y.npy").string() + "\"\n",
        {}, "npy");
    INFO("CSV " << from_csv.back() << ", NPY " << from_npy.back());
    CHECK(from_csv.back() >= 0.9);   // two well-separated classes (noise 0.15 against a gap of 0.6)
    CHECK(from_csv == from_npy);     // the same numbers through either reader, to the float
    // Mistakes in the data settings are model errors at the key.
    CHECK(testing_error_of(model + "dataset = \"" + (dir / "x.npy").string() + "\"\n") ==
          "model.toml:21:11: task.dataset: an NPY data set needs 'labels', the NPY file of its labels");
    CHECK(testing_error_of(model + "dataset = \"" + (dir / "data.csv").string() + "\"\ninput = \"P1\"\n") ==
          "model.toml:22:9: task.input: the input population 'P1' must be an input population, it is 'pyramidal'");
    std::filesystem::remove_all(dir);
}

TEST_CASE("an IDX label beyond the output population is a model error at the sample (issue 15)",
          "[classification]") {
    // The output population's size is the number of classes the model expects (one neuron per
    // class); a damaged label in a folder of IDX files used to make as many classes as its
    // value, and now names the file and the sample.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "cortexsim_cls_idx";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto idx = [&](const char* name, std::vector<std::uint32_t> header, const std::vector<unsigned char>& data) {
        std::ofstream out(dir / name, std::ios::binary);
        for (const std::uint32_t v : header)
            for (int s = 24; s >= 0; s -= 8) out.put(static_cast<char>(v >> s));
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    };
    idx("train-images-idx3-ubyte", {0x803, 4, 1, 2}, {0, 255, 255, 0, 10, 240, 240, 10});
    idx("train-labels-idx1-ubyte", {0x801, 4}, {0, 1, 0, 7});
    idx("t10k-images-idx3-ubyte", {0x803, 2, 1, 2}, {0, 255, 255, 0});
    idx("t10k-labels-idx1-ubyte", {0x801, 2}, {0, 1});
    const std::string model = R"([simulation]
name = "idx_labels"
[solver]
method = "euler"
dt_ms = 0.1
[[microcircuit]]
n_input = 2
layers = [4, 2]
[task]
kind = "classification"
output = "P2"
)";
    CHECK(testing_error_of(model + "dataset = \"" + dir.string() + "\"\n") ==
          "model.toml:12:11: task.dataset: " + (dir / "train-labels-idx1-ubyte").string() +
              ": sample 3 (counting from 0): label 7 is outside 0..1 (2 classes expected)");
    idx("train-labels-idx1-ubyte", {0x801, 4}, {0, 1, 0, 1});
    CHECK(testing_error_of(model + "dataset = \"" + dir.string() + "\"\n") == "<no error>");
    std::filesystem::remove_all(dir);
}

TEST_CASE("the classification task's rate schedule reaches the rules", "[learning][classification][schedule]") {
    // eta_schedule = "list" with a zero factor for the second epoch: the network learns in
    // epochs 1 and 3 only, so the second epoch leaves the test accuracy where the first left
    // it (the state carried between samples settles within each 10 ms presentation to
    // ~1e-5, far from flipping a prediction). Factors of 1 are the step schedule without decay, evaluation
    // for evaluation.
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    const std::string toml = example_text("digits_classification.toml");
    // eta_decay and decay_after belong to the step schedule: the example's are removed.
    std::string list_toml = toml;
    const std::string decay = "eta_decay = 0.8\ndecay_after = 5\n";
    REQUIRE(list_toml.find(decay) != std::string::npos);
    list_toml.replace(list_toml.find(decay), decay.size(), "");
    std::vector<config::override_setting> sets = {{"task.epochs", "3"}, {"task.n_train", "300"},
                                                  {"task.eta_schedule", "\"list\""},
                                                  {"task.eta_factors", "[1.0, 0.0, 1.0]"}};
    const std::vector<double> paused = accuracies_of(list_toml, sets, "list_pause");
    REQUIRE(paused.size() == 4);
    INFO("untrained " << paused[0] << ", epochs 1-3: " << paused[1] << " " << paused[2] << " " << paused[3]);
    CHECK(paused[1] > paused[0] + 0.15);  // epoch 1 learned (300 samples: 9% -> 31% measured)
    CHECK(paused[2] == paused[1]);       // epoch 2 did not

    sets.back() = {"task.eta_factors", "[1.0, 1.0, 1.0]"};
    const std::vector<double> ones = accuracies_of(list_toml, sets, "list_ones");
    const std::vector<double> step = accuracies_of(toml, {{"task.epochs", "3"}, {"task.n_train", "300"},
                                                          {"task.decay_after", "5"}}, "step_flat");
    CHECK(ones == step);
}

TEST_CASE("the classification task's schedule and normalisation keys are checked where written",
          "[classification][schedule][normalize]") {
    if (digits().n_samples == 0) {
        CORTEXSIM_SKIP("python3-sklearn's digits.csv.gz not found (tools/install_deps.sh installs it)");
    }
    const std::string model = R"([simulation]
name = "schedules"
[solver]
method = "euler"
dt_ms = 0.1
[[microcircuit]]
n_input = 64
layers = [8, 10]
[task]
kind = "classification"
output = "P2"
dataset = "digits"
epochs = 3
)";
    using Catch::Matchers::Contains;
    CHECK(testing_error_of(model + "eta_schedule = \"cosine\"\neta_decay = 0.5\n") ==
          "model.toml:15:13: task.eta_decay: applies to eta_schedule = \"step\", not \"cosine\"");
    CHECK(testing_error_of(model + "eta_schedule = \"cosine\"\ndecay_after = 3\n") ==
          "model.toml:15:15: task.decay_after: the cosine schedule needs decay_after below epochs (3), got 3");
    CHECK(testing_error_of(model + "eta_schedule = \"list\"\n") ==
          "model.toml:14:16: task.eta_schedule: eta_schedule = \"list\" needs eta_factors, one factor per epoch");
    CHECK(testing_error_of(model + "eta_schedule = \"list\"\neta_factors = [1.0, 0.5]\n") ==
          "model.toml:15:15: task.eta_factors: needs one factor per epoch (3), got 2");
    CHECK(testing_error_of(model + "eta_factors = [1.0, 1.0, 1.0]\n") ==
          "model.toml:14:15: task.eta_factors: applies to eta_schedule = \"list\", not \"step\"");
    CHECK(testing_error_of(model + "eta_schedule = \"cosine\"\neta_final = 1.5\n") ==
          "model.toml:15:13: task.eta_final: must be between 0 and 1, got 1.5");
    CHECK_THAT(testing_error_of(model + "eta_schedule = \"linear\"\n"),
               Contains("model.toml:14:16: task.eta_schedule:") && Contains("linear"));
    CHECK_THAT(testing_error_of(model + "eta_schedule = \"list\"\neta_factors = [1.0, -1.0, 1.0]\n"),
               Contains("model.toml:15:") && Contains("must be non-negative"));
    CHECK_THAT(testing_error_of(model + "normalize = \"minmax\"\n"),
               Contains("model.toml:14:13: task.normalize:") && Contains("minmax"));
    CHECK_THAT(testing_error_of(model + "input_scale = 0.0\n"),
               Contains("model.toml:14:15: task.input_scale: must be positive"));
    CHECK(testing_error_of(model + "eta_schedule = \"cosine\"\neta_final = 0.1\ndecay_after = 1\n"
                                   "normalize = \"standardize\"\ninput_scale = 0.5\n") == "<no error>");
}

// bench_rule_comparison: the learning rules of the literature on one network, through the
// same run session as `cortexsim run` (docs/rules/README.md, "The comparison"). Each method is
// a model file examples/rule_comparison/<task>_<method>.toml; the files of one task share the
// populations, the forward projections and the task and differ in the plasticity lines and the
// pathway that carries each rule's error. Every method runs for every seed (one run folder
// each); the program writes one row per run (runs.csv) and one line per method (table.csv,
// table.md: mean and sample standard deviation over the seeds, wall time of the training
// presentations and samples per second). For Fashion-MNIST it adds, as an independent
// reference outside the simulator, the backprop MLP of bench/backprop_mlp.cpp (Adam,
// cross-entropy) on the same samples and epochs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/backprop_mlp.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/tasks/dataset.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "core/random.hpp"
#include "cortex_models/template_registry.hpp"

using namespace cortexsim;
namespace fs = std::filesystem;

namespace {

const char* usage =
    "usage: bench_rule_comparison [--task fashion|teacher] [--methods a,b,...] [--seeds 1,2,3]\n"
    "                             [--epochs N] [--n-train N] [--n-test N] [--examples DIR]\n"
    "                             [--out DIR] [--mlp 0|1]\n"
    "  --task       fashion (784-100-10 on Fashion-MNIST, default) or teacher (30-50-10\n"
    "               teacher-student regression)\n"
    "  --methods    default: backprop,feedback_alignment,direct_feedback_alignment,\n"
    "               microcircuit,equilibrium_propagation,generec (files <task>_<method>.toml)\n"
    "  --seeds      default 1,2,3\n"
    "  --epochs, --n-train, --n-test   override the files' task settings (fashion: epochs,\n"
    "               n_train, n_test; teacher: n_train, n_test)\n"
    "  --examples   the folder of the model files (default: the source tree's\n"
    "               examples/rule_comparison)\n"
    "  --out        where the run folders and tables go (default runs/rule_comparison_<task>)\n"
    "  --mlp        1 (default for fashion): also train bench/backprop_mlp.cpp's MLP\n";

struct settings {
    std::string task = "fashion";
    std::vector<std::string> methods{"backprop",     "feedback_alignment",      "direct_feedback_alignment",
                                     "microcircuit", "equilibrium_propagation", "generec"};
    std::vector<std::uint64_t> seeds{1, 2, 3};
    long epochs = -1, n_train = -1, n_test = -1;
    std::string examples = CORTEXSIM_SOURCE_DIR "/examples/rule_comparison";
    std::string out;
    int mlp = -1;
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

long count_arg(const std::string& flag, const std::string& v) {
    std::size_t used = 0;
    long n = -1;
    try {
        n = std::stol(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || n < 1) throw std::invalid_argument(flag + " needs a positive integer, got '" + v + "'");
    return n;
}

settings parse(int argc, char** argv) {
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::cout << usage;
            std::exit(0);
        }
        if (a.rfind("--", 0) != 0 || i + 1 >= argc)
            throw std::invalid_argument("bad argument '" + a + "' (flags take one value each)");
        const std::string v = argv[++i];
        if (a == "--task") s.task = v;
        else if (a == "--methods") s.methods = split(v);
        else if (a == "--seeds") {
            s.seeds.clear();
            for (const std::string& x : split(v)) s.seeds.push_back(static_cast<std::uint64_t>(count_arg(a, x)));
        } else if (a == "--epochs") s.epochs = count_arg(a, v);
        else if (a == "--n-train") s.n_train = count_arg(a, v);
        else if (a == "--n-test") s.n_test = count_arg(a, v);
        else if (a == "--examples") s.examples = v;
        else if (a == "--out") s.out = v;
        else if (a == "--mlp") s.mlp = v == "1" ? 1 : v == "0" ? 0 : throw std::invalid_argument("--mlp takes 0 or 1");
        else throw std::invalid_argument("unknown flag '" + a + "'");
    }
    if (s.task != "fashion" && s.task != "teacher")
        throw std::invalid_argument("--task must be 'fashion' or 'teacher', got '" + s.task + "'");
    if (s.task == "teacher" && s.epochs > 0) throw std::invalid_argument("--epochs applies to --task fashion");
    if (s.methods.empty() || s.seeds.empty()) throw std::invalid_argument("--methods and --seeds need values");
    for (const std::string& m : s.methods)
        if (!fs::exists(fs::path(s.examples) / (s.task + "_" + m + ".toml")))
            throw std::invalid_argument("no model file " + (fs::path(s.examples) / (s.task + "_" + m + ".toml")).string());
    if (s.out.empty()) s.out = "runs/rule_comparison_" + s.task;
    if (s.mlp < 0) s.mlp = s.task == "fashion" ? 1 : 0;
    if (s.mlp == 1 && s.task != "fashion") throw std::invalid_argument("--mlp applies to --task fashion");
    return s;
}

struct run_row {
    std::string method;
    std::uint64_t seed = 0;
    double score = 0.0, untrained = 0.0, train_wall_s = 0.0, samples = 0.0;
};

double mean(const std::vector<double>& v) {
    double s = 0.0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}
double sd(const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const double m = mean(v);
    double s = 0.0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

run_row run_one(const settings& s, const std::string& method, std::uint64_t seed) {
    const std::string file = (fs::path(s.examples) / (s.task + "_" + method + ".toml")).string();
    std::vector<config::override_setting> sets{{"simulation.seed", std::to_string(seed)}};
    if (s.epochs > 0) sets.push_back({"task.epochs", std::to_string(s.epochs)});
    if (s.n_train > 0) sets.push_back({"task.n_train", std::to_string(s.n_train)});
    if (s.n_test > 0) sets.push_back({"task.n_test", std::to_string(s.n_test)});
    if (s.task == "teacher" && s.n_train > 0)  // the learning curve's points must divide the run
        sets.push_back({"task.eval_every", std::to_string(std::max(1L, s.n_train / 10))});
    run_options o;
    o.out_dir = (fs::path(s.out) / (method + "_seed" + std::to_string(seed))).string();
    o.force = true;
    o.format = report_format::csv;
    o.show_progress = false;
    std::ostringstream log;
    const run_result r = run_model(config::load_model_file(file, default_templates().names(), sets), o, log);
    run_row row;
    row.method = method;
    row.seed = seed;
    const bool fashion = s.task == "fashion";
    row.score = r.metrics.at(fashion ? "final_test_accuracy" : "final_test_mse");
    row.untrained = r.metrics.at(fashion ? "untrained_test_accuracy" : "untrained_test_mse");
    row.train_wall_s = r.metrics.at("train_wall_s");
    row.samples = r.metrics.at("samples_trained");
    return row;
}

/// The MLP reference on the samples the classification task draws for this seed.
run_row run_mlp(const settings& s, std::uint64_t seed) {
    const std::string dir = find_fashion_mnist_dir();
    if (dir.empty()) throw std::runtime_error("Fashion-MNIST not found: install Debian's dataset-fashion-mnist");
    const auto file = [&](const char* stem) {
        const fs::path gz = fs::path(dir) / (std::string(stem) + ".gz");
        return (fs::exists(gz) ? gz : fs::path(dir) / stem).string();
    };
    // Fashion-MNIST has 10 classes: a label beyond them is a damaged file, not an 11th class.
    const dataset train = read_idx_pair(file("train-images-idx3-ubyte"), file("train-labels-idx1-ubyte"), 0, 10);
    const dataset test = read_idx_pair(file("t10k-images-idx3-ubyte"), file("t10k-labels-idx1-ubyte"), 0, 10);
    // The task's subsets (circuits/experiments/tasks/classification_task.cpp): the first n of
    // a seeded shuffle.
    std::vector<std::size_t> tr = shuffled_indices(train.n_samples, seed, "train subset");
    std::vector<std::size_t> te = shuffled_indices(test.n_samples, seed, "test subset");
    if (s.n_train > 0 && static_cast<std::size_t>(s.n_train) < tr.size()) tr.resize(static_cast<std::size_t>(s.n_train));
    if (s.n_test > 0 && static_cast<std::size_t>(s.n_test) < te.size()) te.resize(static_cast<std::size_t>(s.n_test));
    bench::mlp_options o;
    o.epochs = static_cast<std::size_t>(s.epochs > 0 ? s.epochs : 1);
    o.seed = seed;
    const bench::mlp_result r = bench::train_backprop_mlp(train, tr, test, te, o);
    run_row row;
    row.method = "backprop_mlp_adam";
    row.seed = seed;
    row.score = r.test_accuracy.back();
    row.untrained = std::nan("");
    for (double w : r.epoch_wall_s) row.train_wall_s += w;
    row.samples = static_cast<double>(tr.size() * o.epochs);
    return row;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const settings s = parse(argc, argv);
        fs::create_directories(s.out);
        std::vector<run_row> rows;
        std::vector<std::string> order = s.methods;
        if (s.mlp == 1) order.push_back("backprop_mlp_adam");
        std::ofstream runs(fs::path(s.out) / "runs.csv");
        const std::string score = s.task == "fashion" ? "test_accuracy" : "test_mse";
        runs << "method,seed," << score << "," << score << "_untrained,train_wall_s,samples,samples_per_s\n";
        // Seed-major order: a change in the machine's load spreads over every method alike.
        for (std::uint64_t seed : s.seeds)
            for (const std::string& m : order) {
                const run_row r = m == "backprop_mlp_adam" ? run_mlp(s, seed) : run_one(s, m, seed);
                rows.push_back(r);
                char line[300];
                std::snprintf(line, sizeof line, "%s,%llu,%.6g,%.6g,%.4g,%.0f,%.4g\n", r.method.c_str(),
                              static_cast<unsigned long long>(r.seed), r.score, r.untrained, r.train_wall_s, r.samples,
                              r.samples / r.train_wall_s);
                runs << line << std::flush;
                std::cout << line << std::flush;
            }
        std::ofstream csv(fs::path(s.out) / "table.csv"), md(fs::path(s.out) / "table.md");
        csv << "method,seeds," << score << "_mean," << score << "_sd," << score
            << "_per_seed,train_wall_s_mean,samples_per_s_mean\n";
        md << "| method | " << score << " (mean ± sd over " << s.seeds.size()
           << " seeds) | per seed | training wall time (s) | samples/s |\n|---|---|---|---|---|\n";
        for (const std::string& m : order) {
            std::vector<double> sc, wall, rate;
            std::string per;
            for (const run_row& r : rows)
                if (r.method == m) {
                    sc.push_back(r.score);
                    wall.push_back(r.train_wall_s);
                    rate.push_back(r.samples / r.train_wall_s);
                    char b[40];
                    std::snprintf(b, sizeof b, "%s%.4g", per.empty() ? "" : " ", r.score);
                    per += b;
                }
            char line[400];
            std::snprintf(line, sizeof line, "%s,%zu,%.6g,%.3g,%s,%.4g,%.4g\n", m.c_str(), sc.size(), mean(sc), sd(sc),
                          per.c_str(), mean(wall), mean(rate));
            csv << line;
            const bool pct = s.task == "fashion";
            std::snprintf(line, sizeof line, "| %s | %.2f%s ± %.2f | %s | %.1f | %.0f |\n", m.c_str(),
                          pct ? 100 * mean(sc) : mean(sc), pct ? "%" : "", pct ? 100 * sd(sc) : sd(sc), per.c_str(),
                          mean(wall), mean(rate));
            md << line;
        }
        std::cout << "tables: " << (fs::path(s.out) / "table.md").string() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_rule_comparison: %s\n%s", e.what(), usage);
        return 1;
    }
}

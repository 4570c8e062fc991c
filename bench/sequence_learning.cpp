// bench_sequence_learning: trials to criterion of a sequence-task model over seeds, through
// the same run session as `cortexsim run` (the model and its rules are the TOML file; --set
// overrides any key, as the CLI's). Prints one row per seed and a summary: the median and the
// largest trials to criterion, the errors after it, the accuracy over the last trials (and, for
// embedded Reber, at the long-range position). bench/README.md records measured tables.
//
//   bench_sequence_learning examples/reber_column.toml --seeds 1-10
//   bench_sequence_learning examples/reber_column.toml --seeds 1-3 --set task.sequence=\"embedded_reber\"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "circuits/experiments/session.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"

using namespace cortexsim;
namespace fs = std::filesystem;

namespace {

const char* usage =
    "usage: bench_sequence_learning MODEL.toml [--seeds A-B|A,B,C] [--set key.path=value]...\n"
    "                               [--out DIR] [--keep] [--csv FILE]\n"
    "  Runs MODEL.toml (a [task] kind = \"sequence\" model) once per seed and prints trials to\n"
    "  criterion, errors after it and accuracies. --out: where the run folders go (default\n"
    "  /tmp/bench_sequence); they are removed unless --keep. --csv: also write the table.\n";

std::vector<std::uint64_t> parse_seeds(const std::string& s) {
    std::vector<std::uint64_t> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto dash = item.find('-');
        if (dash != std::string::npos) {
            const std::uint64_t a = std::stoull(item.substr(0, dash)), b = std::stoull(item.substr(dash + 1));
            if (b < a) throw std::invalid_argument("bad seed range '" + item + "'");
            for (std::uint64_t k = a; k <= b; ++k) out.push_back(k);
        } else {
            out.push_back(std::stoull(item));
        }
    }
    if (out.empty()) throw std::invalid_argument("no seeds");
    return out;
}

double metric(const run_result& r, const std::string& key, double fallback = -1.0) {
    auto it = r.metrics.find(key);
    return it == r.metrics.end() ? fallback : it->second;
}

} // namespace

int main(int argc, char** argv) try {
    std::string model, out = (fs::temp_directory_path() / "bench_sequence").string(), csv;
    std::vector<std::uint64_t> seeds = {1};
    std::vector<config::override_setting> overrides;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            std::cout << usage;
            return 0;
        } else if (a == "--seeds") {
            seeds = parse_seeds(value());
        } else if (a == "--set") {
            overrides.push_back(config::parse_override(value()));
        } else if (a == "--out") {
            out = value();
        } else if (a == "--csv") {
            csv = value();
        } else if (a == "--keep") {
            keep = true;
        } else if (!a.empty() && a[0] == '-') {
            throw std::invalid_argument("unknown option '" + a + "'");
        } else if (model.empty()) {
            model = a;
        } else {
            throw std::invalid_argument("more than one model file given");
        }
    }
    if (model.empty()) throw std::invalid_argument("no model file given");

    std::printf("%s, seeds", model.c_str());
    for (auto s : seeds) std::printf(" %llu", static_cast<unsigned long long>(s));
    for (const auto& o : overrides) std::printf(", --set %s=%s", o.path.c_str(), o.value.c_str());
    std::printf("\n%6s %12s %10s %12s %12s %12s %9s\n", "seed", "criterion", "after", "errors after",
                "accuracy", "long-range", "wall s");
    std::vector<double> to_criterion;
    std::vector<std::string> rows;
    for (const std::uint64_t seed : seeds) {
        model_desc desc = config::load_model_file(model, default_templates().names(), overrides);
        desc.simulation.seed.value = seed;
        run_session session(std::move(desc));
        run_options o;
        o.out_dir = (fs::path(out) / ("seed" + std::to_string(seed))).string();
        fs::remove_all(o.out_dir);
        o.show_progress = false;
        o.format = report_format::csv;
        std::ostringstream log;
        const run_result r = session.run(o, log);
        const double crit = metric(r, "trials_to_criterion", 0.0);
        const double after = metric(r, "trials_after_criterion", 0.0), err = metric(r, "errors_after_criterion", 0.0);
        const double acc = metric(r, "accuracy_window"), lr = metric(r, "long_range_accuracy");
        char line[256];
        std::snprintf(line, sizeof line, "%6llu %12s %10.0f %12s %11.2f%% %11s %9.1f",
                      static_cast<unsigned long long>(seed),
                      crit > 0 ? std::to_string(static_cast<long>(crit)).c_str() : "not reached", after,
                      after > 0 ? (std::to_string(static_cast<long>(err)) + " (" +
                                   std::to_string(100.0 * err / after).substr(0, 4) + "%)").c_str()
                                : "-",
                      100.0 * acc, lr >= 0 ? (std::to_string(100.0 * lr).substr(0, 5) + "%").c_str() : "-", r.wall_s);
        std::printf("%s\n", line);
        std::fflush(stdout);
        rows.push_back(std::to_string(seed) + "," + std::to_string(crit) + "," + std::to_string(after) + "," +
                       std::to_string(err) + "," + std::to_string(acc) + "," + std::to_string(lr) + "," +
                       std::to_string(r.wall_s));
        to_criterion.push_back(crit > 0 ? crit : 1e18);
        if (!keep) fs::remove_all(o.out_dir);
    }
    std::vector<double> sorted = to_criterion;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    const auto reached = std::count_if(to_criterion.begin(), to_criterion.end(), [](double x) { return x < 1e18; });
    std::printf("criterion reached by %ld of %zu seeds; median %s, largest %s trials\n", static_cast<long>(reached), n,
                median < 1e18 ? std::to_string(static_cast<long>(median)).c_str() : "not reached",
                sorted.back() < 1e18 ? std::to_string(static_cast<long>(sorted.back())).c_str() : "not reached");
    if (!csv.empty()) {
        std::ofstream f(csv);
        f << "seed,trials_to_criterion,trials_after,errors_after,accuracy_window,long_range_accuracy,wall_s\n";
        for (const auto& r : rows) f << r << "\n";
    }
    return 0;
} catch (const model_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_sequence_learning: %s\n%s", e.what(), usage);
    return 2;
}

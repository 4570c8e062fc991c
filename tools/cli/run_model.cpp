#include "tools/cli/run_model.hpp"

#include <Eigen/Core>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>

#include "circuits/network.hpp"
#include "circuits/trace_recorder.hpp"
#include "core/config/toml_loader.hpp"
#include "core/config/toml_version.hpp"
#include "core/progress.hpp"
#include "core/simulation.hpp"

namespace cortexsim {

namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> provenance() {
    return {
        {"cortexsim_version", CORTEXSIM_VERSION},
        {"sundials_version", ode::sundials_version()},
        {"eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                              std::to_string(EIGEN_MAJOR_VERSION) + "." +
                              std::to_string(EIGEN_MINOR_VERSION)},
        {"tomlplusplus_version", config::tomlplusplus_version()},
    };
}

std::string choose_run_dir(const model_desc& desc, const run_options& options) {
    if (!options.out_dir.empty()) return options.out_dir;
    if (!desc.simulation.output.value.empty()) return desc.simulation.output.value;
    return (fs::path("runs") / desc.simulation.name.value).string();
}

} // namespace

run_result run_model(const model_desc& desc, const run_options& options, std::ostream& log) {
    // Lower and build before touching the file system: an invalid model leaves nothing behind.
    network net(lower(desc));
    const lowered_model& m = net.model();

    run_result result;
    result.run_dir = choose_run_dir(desc, options);
    result.duration_ms = m.duration_ms;
    fs::create_directories(result.run_dir);
    {
        std::ofstream resolved(fs::path(result.run_dir) / "model.resolved.toml");
        resolved << config::write_model_toml(desc, provenance());
        if (!resolved) throw std::runtime_error("cannot write the resolved model to " + result.run_dir);
    }

    simulation sim(net, net.integrator_options(), m.solver.atol, m.solver.atol_per_variable);
    std::vector<std::unique_ptr<trace_recorder>> recorders;
    std::map<std::size_t, int> per_population;
    for (const auto& r : m.records) {
        const std::string& pop = m.populations[r.population].name;
        const int k = per_population[r.population]++;
        const std::string file = k == 0 ? pop + ".csv" : pop + "_" + std::to_string(k) + ".csv";
        recorders.push_back(std::make_unique<trace_recorder>(
            net, r, (fs::path(result.run_dir) / file).string()));
        trace_recorder* rec = recorders.back().get();
        sim.add_sampler(r.interval_ms, [rec](double t, const double* y) { rec->sample(t, y); });
    }

    progress_reporter progress(log, options.progress_on_terminal, m.duration_ms);
    if (options.show_progress) sim.set_progress([&progress](double t) { progress.update(t); });

    const auto t0 = std::chrono::steady_clock::now();
    sim.run(m.duration_ms);
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish();

    for (auto& rec : recorders) {
        rec->close();
        result.samples += rec->rows();
    }
    result.solver = sim.solver();
    result.stats = sim.stats();
    std::ofstream summary(fs::path(result.run_dir) / "run_summary.txt");
    summary << format_summary(desc, result);
    return result;
}

std::string format_summary(const model_desc& desc, const run_result& r) {
    char buf[512];
    const auto& s = r.stats;
    std::snprintf(buf, sizeof buf,
                  "model '%s': %g ms simulated in %.3f s wall (seed %llu)\n"
                  "solver %s: %ld steps, %ld RHS evaluations, %ld nonlinear iterations "
                  "(%ld convergence failures), %ld linear iterations, %ld error-test failures, "
                  "%ld Jacobian evaluations, %ld preconditioner setups / %ld solves, "
                  "%ld re-initialisations\n"
                  "%zu samples recorded\nrun folder: %s\n",
                  desc.simulation.name.value.c_str(), r.duration_ms, r.wall_s,
                  static_cast<unsigned long long>(desc.simulation.seed.value),
                  ode::to_string(r.solver).c_str(), s.steps, s.rhs_evals, s.nonlin_iters,
                  s.nonlin_conv_fails, s.lin_iters, s.err_test_fails, s.jac_evals, s.prec_evals,
                  s.prec_solves, s.reinits, r.samples, r.run_dir.c_str());
    return buf;
}

} // namespace cortexsim

// cortexsim: validate, describe and run TOML models; inspect and plot run folders.
// Exit codes: 0 success, 1 model error, 2 usage error, 3 numerical failure, 4 an output file
// could not be written (disk full, read-only or removed folder; the files written before are
// readable), 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM) with the run folder closed
// and readable.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "circuits/budget.hpp"
#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/session.hpp"
#include "circuits/experiments/sweep.hpp"
#include "circuits/threads.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"
#include "tools/cli/inspect_run.hpp"
#include "tools/cli/plot_command.hpp"

namespace {

constexpr int exit_ok = 0, exit_model = 1, exit_usage = 2, exit_numerical = 3, exit_output = 4;

const char* usage_text =
    "usage: cortexsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run MODEL.toml [--out DIR] [--seed N] [--quiet]   simulate and write a run folder\n"
    "      [--force]                                     replace a non-empty run folder\n"
    "      [--format hdf5|csv|both]                      trace files (default both)\n"
    "      [--precision float32|float64]                 report.h5's values (default float32)\n"
    "      [--checkpoint-every T]                        write the full state to checkpoint.bin\n"
    "                                                    every T of model time (500ms) or wall\n"
    "                                                    time (30s, 10min, 2h); see resume\n"
    "      [--threads N]                                 threads for large projections (default\n"
    "                                                    1, or OMP_NUM_THREADS); same results\n"
    "      [--set key.path=value]...                     override any key of the model (e.g.\n"
    "                                                    task.trials=500); checked like the\n"
    "                                                    file's own, written to the resolved\n"
    "                                                    model (validate and describe too)\n"
    "  sweep MODEL.toml --grid 'key.path=[v1, v2]'...    run every point of the grid (key 'seed'\n"
    "      [--processes N] [--out DIR] [--set ...]       sets the seed), N at a time, each into\n"
    "      [--force] [--format ...] [--precision ...]    DIR/run_<k>; the table in DIR/sweep.csv\n"
    "  resume RUN_DIR [--quiet] [--threads N]            continue a run from its checkpoint.bin;\n"
    "                                                    it ends as the uninterrupted run would\n"
    "  validate MODEL.toml                               check the model, print nothing else\n"
    "  describe MODEL.toml                               populations, projections, rules,\n"
    "                                                    protocol, task, state size, budget\n"
    "  run, validate and describe also take:\n"
    "      [--max-memory SIZE]                           refuse a model needing more memory\n"
    "                                                    (default: the memory available now)\n"
    "      [--max-output SIZE]                           refuse a run writing more (default: the\n"
    "                                                    free space where its folder goes);\n"
    "                                                    SIZE in MB, or with kB, MB, GB, TB\n"
    "  inspect RUN_DIR                                   what a run folder holds: files, seed,\n"
    "                                                    solver, report.h5 groups, CSV columns\n"
    "  plot RUN_DIR [--out DIR]                          PNG and SVG figures of a run, by\n"
    "                                                    /usr/bin/python3 (into RUN_DIR/plots)\n"
    "      [--record NAME] [--neurons 0,3,5]             the traces figure: which record and\n"
    "      [--window A:B | --trials A:B]                 neurons, a time window in ms or trials\n"
    "                                                    A to B (default: the first and the last\n"
    "                                                    trial around a phase switch)\n"
    "  --version                                         print the version\n"
    "\n"
    "exit codes: 0 success, 1 model error (or an unreadable run folder), 2 usage error,\n"
    "            3 numerical failure, 4 an output file could not be written (disk\n"
    "            full, read-only or removed folder; what was written stays readable),\n"
    "            130 / 143 stopped by SIGINT / SIGTERM (the run folder keeps every sample)\n";

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct cli_args {
    std::string command, model, out;  // model: the model file, or the run folder (inspect, plot)
    std::vector<std::string> plot_options;  ///< --record, --neurons, --window, --trials, passed on
    bool has_seed = false, quiet = false, force = false;
    cortexsim::run_options checkpoints;  ///< --checkpoint-every (its two interval fields)
    int threads = 0;  ///< 0: the default (circuits/threads.hpp)
    std::uint64_t seed = 0;
    std::vector<cortexsim::config::override_setting> overrides;
    std::vector<cortexsim::sweep_axis> grid;
    int processes = 1;
    cortexsim::budget_limits limits;  ///< --max-memory, --max-output
    cortexsim::report_format format = cortexsim::report_format::both;
    cortexsim::sample_precision precision = cortexsim::sample_precision::float32;
};

/// "100" (MB), "512kB", "100MB", "2GB", "1TB" (decimal units; K, M, G, T too) in bytes; 0 if
/// malformed.
double parse_size(const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || errno == ERANGE || !(v > 0.0) || !std::isfinite(v)) return 0.0;
    const std::string unit = end;
    if (unit.empty() || unit == "MB" || unit == "M") return v * 1e6;
    if (unit == "kB" || unit == "KB" || unit == "k" || unit == "K") return v * 1e3;
    if (unit == "GB" || unit == "G") return v * 1e9;
    if (unit == "TB" || unit == "T") return v * 1e12;
    return 0.0;
}

cli_args parse_args(const std::vector<std::string>& args) {
    cli_args a;
    if (args.empty()) throw usage_error("no command given");
    a.command = args[0];
    // inspect, plot and resume read a run folder; the other commands a model file.
    const bool on_run_dir = a.command == "inspect" || a.command == "plot" || a.command == "resume";
    // run and sweep write run folders and take the same options.
    const bool runs = a.command == "run" || a.command == "sweep";
    if (!runs && a.command != "validate" && a.command != "describe" && !on_run_dir)
        throw usage_error("unknown command '" + a.command + "'");
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& s = args[i];
        auto value = [&](const std::string& flag) {
            if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
            return args[++i];
        };
        if (s == "--out" && (runs || a.command == "plot")) {
            a.out = value(s);
        } else if (a.command == "plot" && (s == "--record" || s == "--neurons" || s == "--window" || s == "--trials")) {
            a.plot_options.push_back(s);  // checked by the script, which knows the run's records
            a.plot_options.push_back(value(s));
        } else if (s == "--seed" && a.command == "run") {
            const std::string v = value(s);
            const auto seed = cortexsim::parse_seed(v);
            if (!seed) throw usage_error("--seed needs an integer from 0 to 2^63 - 1, got '" + v + "'");
            a.seed = *seed;
            a.has_seed = true;
        } else if (s == "--grid" && a.command == "sweep") {
            try {
                a.grid.push_back(cortexsim::parse_sweep_axis(value(s)));
            } catch (const cortexsim::model_error& e) {
                throw usage_error(e.what());
            }
        } else if (s == "--processes" && a.command == "sweep") {
            const std::string v = value(s);
            char* end = nullptr;
            errno = 0;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || errno == ERANGE || n < 1 || n > 1024)
                throw usage_error("--processes needs an integer from 1 to 1024, got '" + v + "'");
            a.processes = static_cast<int>(n);
        } else if ((s == "--max-memory" || s == "--max-output") && a.command != "sweep" && !on_run_dir) {
            const std::string v = value(s);
            const double bytes = parse_size(v);
            if (!(bytes > 0.0))
                throw usage_error(s + " needs a size: a positive number of MB, or with a unit (512kB, 100MB, 2GB, "
                                      "1TB), got '" + v + "'");
            (s == "--max-memory" ? a.limits.memory_bytes : a.limits.output_bytes) = bytes;
        } else if (s == "--format" && runs) {
            const std::string v = value(s);
            try {
                a.format = cortexsim::parse_report_format(v);
            } catch (const std::invalid_argument&) {
                throw usage_error("--format needs 'hdf5', 'csv' or 'both', got '" + v + "'");
            }
        } else if (s == "--precision" && runs) {
            const std::string v = value(s);
            if (v == "float32") a.precision = cortexsim::sample_precision::float32;
            else if (v == "float64") a.precision = cortexsim::sample_precision::float64;
            else throw usage_error("--precision needs 'float32' or 'float64', got '" + v + "'");
        } else if (s == "--checkpoint-every" && a.command == "run") {
            try {
                cortexsim::set_checkpoint_interval(value(s), a.checkpoints);
            } catch (const std::invalid_argument& e) {
                throw usage_error(std::string("--checkpoint-every: ") + e.what());
            }
        } else if (s == "--threads" && (a.command == "run" || a.command == "resume")) {
            const std::string v = value(s);
            char* end = nullptr;
            errno = 0;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || errno == ERANGE || n < 1 || n > 1024)
                throw usage_error("--threads needs an integer from 1 to 1024, got '" + v + "'");
            a.threads = static_cast<int>(n);
        } else if (s == "--set" && !on_run_dir) {
            const std::string v = value(s);
            if (v.find('=') == std::string::npos || v[0] == '=')
                throw usage_error("--set needs key.path=value, got '" + v + "'");
            a.overrides.push_back(cortexsim::config::parse_override(v));
        } else if (s == "--quiet" && (runs || a.command == "resume")) {
            a.quiet = true;
        } else if (s == "--force" && runs) {
            a.force = true;
        } else if (!s.empty() && s[0] == '-') {
            throw usage_error("unknown option '" + s + "' for '" + a.command + "'");
        } else if (a.model.empty()) {
            a.model = s;
        } else {
            throw usage_error(on_run_dir ? "more than one run folder given"
                                         : "more than one model file given");
        }
    }
    if (a.model.empty())
        throw usage_error("'" + a.command + "' needs " +
                          (on_run_dir ? "a run folder" : "a model file"));
    if (a.command == "sweep" && a.grid.empty()) throw usage_error("'sweep' needs at least one --grid");
    return a;
}

/*
 * SIGINT and SIGTERM during `run`: the handler only records the signal; run_model polls the
 * flag, stops the simulation at the next sample time, closes every file and returns. The
 * handler is installed with SA_RESETHAND, so a second signal terminates at once (the report
 * then still holds every completed chunk, see core/recording/sonata_writer.cpp).
 */
volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int signal) { stop_signal = signal; }

void install_stop_handlers() {
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (int signal : {SIGINT, SIGTERM})
        if (sigaction(signal, &action, nullptr) != 0)
            std::cerr << "cortexsim: warning: cannot handle " << cortexsim::signal_name(signal)
                      << "; stopping the run will not close its files\n";
}

/// `sweep`: the grid's runs in worker processes; exit code 1 if any run failed, 128 + N if a
/// signal stopped the sweep.
int run_sweep_command(const cli_args& a, const cortexsim::model_source& source) {
    using namespace cortexsim;
    sweep_options o;
    o.out_dir = a.out.empty() ? default_sweep_dir(source.load()) : a.out;
    o.processes = a.processes;
    o.force = a.force;
    o.format = a.format;
    o.precision = a.precision;
    o.should_stop = [] { return stop_signal != 0; };
    install_stop_handlers();
    std::ostringstream quiet;
    const sweep_table t = run_sweep(source, a.grid, o, a.quiet ? static_cast<std::ostream&>(quiet) : std::cerr);
    std::size_t ok = 0, failed = 0;
    for (const sweep_row& r : t.rows) {
        ok += r.status == "ok";
        failed += r.status == "failed";
    }
    std::cout << "sweep: " << ok << " of " << t.rows.size() << " runs completed; table in "
              << o.out_dir << "/sweep.csv\n";
    if (stop_signal != 0) return 128 + stop_signal;
    return failed > 0 ? exit_model : exit_ok;
}

/// The summary of a finished (or stopped) run; its exit code.
int report_run(const cortexsim::run_session& session, const cortexsim::run_result& r) {
    using namespace cortexsim;
    std::cout << format_summary(session.resolved_model(), r);
    if (r.stop_signal != 0) {
        std::cerr << "cortexsim: stopped by " << signal_name(r.stop_signal) << " at t = "
                  << r.stopped_at_ms << " ms; partial results (every sample up to then) in "
                  << r.run_dir << "\n";
        if (r.checkpoints > 0 || r.resumed_from_ms >= 0.0)
            std::cerr << "cortexsim: continue it with: cortexsim resume " << r.run_dir << "\n";
        return 128 + r.stop_signal;
    }
    return exit_ok;
}

/// `resume RUN_DIR`: the folder's model.resolved.toml, continued from its checkpoint.bin with
/// the options the run was started with.
int resume_command(const cli_args& a) {
    using namespace cortexsim;
    const std::string model = (std::filesystem::path(a.model) / "model.resolved.toml").string();
    if (!std::filesystem::exists(run_session::checkpoint_path(a.model)))
        throw std::runtime_error("'" + a.model + "' holds no checkpoint.bin: only a run started with "
                                 "--checkpoint-every can be resumed");
    run_options opts = run_session::checkpoint_options(a.model);
    model_source source;
    source.path = model;
    run_session session(source.load(), a.limits, opts);
    if (a.threads > 0) set_worker_threads(a.threads);
    opts.progress_on_terminal = isatty(STDERR_FILENO) != 0;
    opts.show_progress = !a.quiet;
    opts.stop_flag = &stop_signal;
    install_stop_handlers();
    session.resume(a.model, opts, std::cerr);
    if (!a.quiet)
        std::cerr << "cortexsim: resuming " << a.model << " at t = " << session.time() << " ms\n";
    if (session.the_task()) session.run_task();
    else session.advance_to(session.net().model().start_ms + session.net().model().duration_ms);
    return report_run(session, session.finish());
}

} // namespace

int main(int argc, char** argv) {
    using namespace cortexsim;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << usage_text;
        return exit_ok;
    }
    if (args.size() == 1 && args[0] == "--version") {
        std::cout << "cortexsim " << CORTEXSIM_VERSION << " (" << ode::sundials_version() << ")\n";
        return exit_ok;
    }
    cli_args a;
    try {
        a = parse_args(args);
    } catch (const usage_error& e) {
        std::cerr << "cortexsim: " << e.what() << "\n\n" << usage_text;
        return exit_usage;
    }
    try {
        if (a.command == "inspect") {
            std::cout << inspect_run(a.model);
            return exit_ok;
        }
        if (a.command == "plot") return plot_run(a.model, a.out, argv[0], a.plot_options);
        if (a.command == "resume") return resume_command(a);
        model_source source;
        source.path = a.model;
        source.overrides = a.overrides;
        if (a.has_seed) source.seed = a.seed;
        if (a.command == "sweep") return run_sweep_command(a, source);
        run_options planned;  // the folder and format the output budget is held to
        planned.out_dir = a.out;
        planned.format = a.format;
        planned.precision = a.precision;
        run_session session(source.load(), a.limits, planned);  // everything checked, nothing written yet
        if (a.command == "validate") {
            std::cout << a.model << ": valid (" << session.net().model().populations.size()
                      << " populations, " << session.net().size() << " state variables)\n";
            return exit_ok;
        }
        if (a.command == "describe") {
            std::cout << session.describe();
            return exit_ok;
        }
        if (a.threads > 0) set_worker_threads(a.threads);
        run_options opts;
        opts.out_dir = a.out;
        opts.force = a.force;
        opts.progress_on_terminal = isatty(STDERR_FILENO) != 0;
        opts.show_progress = !a.quiet;
        opts.format = a.format;
        opts.precision = a.precision;
        opts.stop_flag = &stop_signal;
        opts.checkpoint_every_ms = a.checkpoints.checkpoint_every_ms;
        opts.checkpoint_every_s = a.checkpoints.checkpoint_every_s;
        install_stop_handlers();
        return report_run(session, session.run(opts, std::cerr));
    } catch (const model_error& e) {
        std::cerr << e.what() << "\n";
        return exit_model;
    } catch (const output_error& e) {
        std::cerr << "cortexsim: output error: " << e.what() << "\n";
        return exit_output;
    } catch (const numerical_error& e) {
        std::cerr << "cortexsim: numerical failure: " << e.what() << "\n";
        return exit_numerical;
    } catch (const std::exception& e) {
        std::cerr << "cortexsim: error: " << e.what() << "\n";
        return exit_model;
    }
}

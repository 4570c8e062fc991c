// cortexsim: validate, describe and run TOML models.
// Exit codes: 0 success, 1 model error, 2 usage error, 3 numerical failure.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "circuits/describe.hpp"
#include "circuits/network.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "tools/cli/run_model.hpp"

namespace {

constexpr int exit_ok = 0, exit_model = 1, exit_usage = 2, exit_numerical = 3;

const char* usage_text =
    "usage: cortexsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run MODEL.toml [--out DIR] [--seed N] [--quiet]   simulate and write a run folder\n"
    "  validate MODEL.toml                               check the model, print nothing else\n"
    "  describe MODEL.toml                               populations, projections, state size\n"
    "  --version                                         print the version\n"
    "\n"
    "exit codes: 0 success, 1 model error, 2 usage error, 3 numerical failure\n";

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct cli_args {
    std::string command, model, out;
    bool has_seed = false, quiet = false;
    std::uint64_t seed = 0;
};

cli_args parse_args(const std::vector<std::string>& args) {
    cli_args a;
    if (args.empty()) throw usage_error("no command given");
    a.command = args[0];
    if (a.command != "run" && a.command != "validate" && a.command != "describe")
        throw usage_error("unknown command '" + a.command + "'");
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& s = args[i];
        auto value = [&](const std::string& flag) {
            if (i + 1 >= args.size()) throw usage_error(flag + " needs a value");
            return args[++i];
        };
        if (s == "--out" && a.command == "run") {
            a.out = value(s);
        } else if (s == "--seed" && a.command == "run") {
            const std::string v = value(s);
            char* end = nullptr;
            if (v.empty() || v[0] == '-' || (a.seed = std::strtoull(v.c_str(), &end, 10), *end))
                throw usage_error("--seed needs a non-negative integer, got '" + v + "'");
            a.has_seed = true;
        } else if (s == "--quiet" && a.command == "run") {
            a.quiet = true;
        } else if (!s.empty() && s[0] == '-') {
            throw usage_error("unknown option '" + s + "' for '" + a.command + "'");
        } else if (a.model.empty()) {
            a.model = s;
        } else {
            throw usage_error("more than one model file given");
        }
    }
    if (a.model.empty()) throw usage_error("'" + a.command + "' needs a model file");
    return a;
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
        model_desc desc = config::load_model_file(a.model);
        if (a.has_seed) desc.simulation.seed.value = a.seed;
        if (a.command == "validate") {
            network net(lower(desc));
            std::cout << a.model << ": valid (" << net.model().populations.size()
                      << " populations, " << net.size() << " state variables)\n";
            return exit_ok;
        }
        if (a.command == "describe") {
            network net(lower(desc));
            std::cout << describe(net);
            return exit_ok;
        }
        run_options opts;
        opts.out_dir = a.out;
        opts.progress_on_terminal = isatty(STDERR_FILENO) != 0;
        opts.show_progress = !a.quiet;
        const run_result r = run_model(desc, opts, std::cerr);
        std::cout << format_summary(desc, r);
        return exit_ok;
    } catch (const model_error& e) {
        std::cerr << e.what() << "\n";
        return exit_model;
    } catch (const numerical_error& e) {
        std::cerr << "cortexsim: numerical failure: " << e.what() << "\n";
        return exit_numerical;
    } catch (const std::exception& e) {
        std::cerr << "cortexsim: error: " << e.what() << "\n";
        return exit_model;
    }
}

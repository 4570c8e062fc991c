#include "tools/cli/plot_command.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tools/cli/inspect_run.hpp"

extern char** environ;

namespace cortexsim {

namespace fs = std::filesystem;

namespace {

const char* const default_python = "/usr/bin/python3";
const char* const python_packages = "python3-matplotlib, python3-numpy and python3-h5py";

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : fallback;
}

} // namespace

std::vector<std::string> plot_script_candidates(const char* argv0) {
    std::vector<std::string> out;
    if (const char* v = std::getenv("CORTEXSIM_PLOT_SCRIPT"); v != nullptr && *v != '\0')
        out.push_back(v);
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec && argv0 != nullptr) exe = fs::absolute(argv0, ec);
    if (!exe.empty()) out.push_back((exe.parent_path() / "plot_run.py").string());
    out.push_back(std::string(CORTEXSIM_SOURCE_DIR) + "/tools/plot_run.py");
    return out;
}

int plot_run(const std::string& run_dir, const std::string& out_dir, const char* argv0,
             const std::vector<std::string>& options) {
    check_run_folder(run_dir);
    const std::string python = env_or("CORTEXSIM_PYTHON", default_python);
    if (access(python.c_str(), X_OK) != 0)
        throw std::runtime_error("plot needs the Python interpreter '" + python + "' (" +
                                 std::strerror(errno) + "), with " + python_packages +
                                 ": apt-get install python3 python3-matplotlib python3-numpy "
                                 "python3-h5py");
    std::string script;
    if (const char* v = std::getenv("CORTEXSIM_PLOT_SCRIPT"); v != nullptr && *v != '\0' &&
                                                              !fs::is_regular_file(v))
        throw std::runtime_error(std::string("CORTEXSIM_PLOT_SCRIPT names '") + v +
                                 "', which is not a file");
    const std::vector<std::string> candidates = plot_script_candidates(argv0);
    for (const auto& c : candidates)
        if (fs::is_regular_file(c)) {
            script = c;
            break;
        }
    if (script.empty()) {
        std::string tried;
        for (const auto& c : candidates) tried += (tried.empty() ? "" : ", ") + c;
        throw std::runtime_error("cannot find the plotting script plot_run.py; looked at " + tried +
                                 " (set CORTEXSIM_PLOT_SCRIPT to its path)");
    }
    const std::string out = out_dir.empty() ? (fs::path(run_dir) / "plots").string() : out_dir;
    std::vector<std::string> args = {python, script, run_dir, "--out", out};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = 0;
    const int rc = posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
    if (rc != 0)
        throw std::runtime_error("cannot start '" + python + "': " + std::strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("waiting for plot_run.py: ") +
                                                     std::strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        throw std::runtime_error("plot_run.py is missing a Python module (see above); plot needs " +
                                 python + " with " + python_packages);
    throw std::runtime_error("plot_run.py " +
                             (WIFEXITED(status)
                                  ? "failed with exit code " + std::to_string(WEXITSTATUS(status))
                                  : "was killed by signal " + std::to_string(WTERMSIG(status))) +
                             " (" + python + " " + script + ")");
}

} // namespace cortexsim

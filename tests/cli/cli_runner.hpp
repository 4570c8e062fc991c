#pragma once
// Runs the cortexsim program as a user would, for the CLI tests.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace cortexsim::testing {

struct cli_result {
    int code;         ///< exit code, -1 if killed by a signal
    std::string out;  ///< stdout and stderr together
};

/// Runs the CLI with `args`, capturing stdout and stderr together. `env` ("NAME=value ...")
/// is added to its environment.
inline cli_result cli_env(const std::string& env, const std::string& args) {
    const std::string cmd =
        (env.empty() ? "" : "env " + env + " ") + std::string(CORTEXSIM_CLI) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// Runs the CLI with `args`, capturing stdout and stderr together.
inline cli_result cli(const std::string& args) { return cli_env("", args); }

} // namespace cortexsim::testing

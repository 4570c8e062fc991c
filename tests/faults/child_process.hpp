#pragma once
// Runs the cortexsim program as a child process the test can signal, time and measure: the
// fault tests kill it at chosen moments, remove its folder under it, and read its peak memory.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../file_text.hpp"

namespace cortexsim::testing {

struct child_exit {
    bool signalled = false;  ///< ended by a signal (then `code` is the signal)
    int code = 0;            ///< exit code, or the signal number
    double wall_s = 0.0;     ///< from start to exit
    long peak_rss_kb = 0;    ///< the child's peak resident memory (getrusage via wait4)
    std::string out;         ///< stdout and stderr together
};

/// A running `cortexsim ARGS...`; stdout and stderr go to `log`.
class child_process {
public:
    child_process(const std::vector<std::string>& args, const std::string& log)
        : log_(log), start_(std::chrono::steady_clock::now()) {
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) ::_exit(126);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<std::string> all{CORTEXSIM_CLI};
            all.insert(all.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& a : all) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(CORTEXSIM_CLI, argv.data());
            ::_exit(127);
        }
    }
    ~child_process() {
        if (pid_ > 0 && !done_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    double elapsed_s() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    /// Whether it has ended (without waiting); the result is kept for wait().
    bool ended() {
        if (done_) return true;
        int status = 0;
        rusage usage{};
        if (::wait4(pid_, &status, WNOHANG, &usage) == pid_) finish(status, usage);
        return done_;
    }
    void signal(int sig) {
        if (!done_) ::kill(pid_, sig);
    }
    /// Waits for the end; a child still running after `timeout_s` is killed (signalled, 9).
    child_exit wait(double timeout_s = 60.0) {
        while (!ended()) {
            if (elapsed_s() > timeout_s) {
                ::kill(pid_, SIGKILL);
                int status = 0;
                rusage usage{};
                ::wait4(pid_, &status, 0, &usage);
                finish(status, usage);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        result_.out = slurp(log_);
        return result_;
    }

private:
    void finish(int status, const rusage& usage) {
        done_ = true;
        result_.wall_s = elapsed_s();
        result_.signalled = WIFSIGNALED(status);
        result_.code = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
        result_.peak_rss_kb = usage.ru_maxrss;
    }
    std::string log_;
    std::chrono::steady_clock::time_point start_;
    pid_t pid_ = -1;
    bool done_ = false;
    child_exit result_;
};

/// Runs `cortexsim ARGS...` to its end.
inline child_exit run_child(const std::vector<std::string>& args, const std::string& log,
                            double timeout_s = 60.0) {
    child_process c(args, log);
    return c.wait(timeout_s);
}

} // namespace cortexsim::testing

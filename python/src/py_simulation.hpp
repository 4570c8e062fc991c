#pragma once
// A started run session held by Python: stepped by run(), or run whole by run_task(), with a
// progress callback and Ctrl-C polled while it integrates; its network's weights and state
// as numpy arrays. The run folder is the session's own (circuits/experiments/session.hpp).

#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <pybind11/pybind11.h>

#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/session.hpp"

namespace cortexsim::python {

class py_simulation {
public:
    /// Builds the session and starts it: the run folder and its recorders exist afterwards.
    py_simulation(const model_source& source, run_options options);
    /// Continues the run in `run_dir` from its checkpoint.bin (as `cortexsim resume`).
    explicit py_simulation(const std::string& run_dir);
    ~py_simulation();
    py_simulation(const py_simulation&) = delete;
    py_simulation& operator=(const py_simulation&) = delete;

    /// A plain run: duration_ms more of model time (none: to the model's duration_ms). A model
    /// with a task runs it (duration_ms must then be none).
    void run(std::optional<double> duration_ms, pybind11::object progress, double progress_interval_ms);
    void run_task(pybind11::object progress, double progress_interval_ms);
    /// Closes the run folder; the summary as a dict. Idempotent.
    pybind11::dict close();
    bool closed() const { return session_->finished(); }

    double time_ms() const { return session_->time(); }
    run_session& session() { return *session_; }
    const std::string& run_dir() const { return run_dir_; }
    /// The integrator starts again at the current time before the next step: the weights were
    /// changed from outside (set_weights, or a writable view was handed out).
    void weights_changed(bool every_run) {
        if (every_run) views_out_ = true;
        else restart_ = true;
    }

private:
    /// The options every Python run gets: a callback instead of the terminal bar, Ctrl-C.
    void hook(run_options& options);
    void guarded(pybind11::object progress, double interval_ms, const std::function<bool()>& step);
    void on_progress(double t_ms);

    std::unique_ptr<run_session> session_;
    std::ostringstream log_;
    volatile std::sig_atomic_t stop_flag_ = 0;
    std::string run_dir_;
    pybind11::dict summary_;
    // While a step runs: the user's callback and when it is due next; a Python exception
    // (KeyboardInterrupt or the callback's) that stopped the run, re-raised after closing.
    pybind11::object callback_;
    double callback_interval_ms_ = 0.0, callback_next_ms_ = 0.0;
    std::unique_ptr<pybind11::error_already_set> pending_;
    bool restart_ = false, views_out_ = false;
};

} // namespace cortexsim::python

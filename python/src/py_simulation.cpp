#include "py_simulation.hpp"

#include <pybind11/stl.h>

#include "core/simulation.hpp"

namespace py = pybind11;

namespace cortexsim::python {

void py_simulation::hook(run_options& options) {
    options.show_progress = false;  // Python gets a callback instead of the terminal bar
    options.stop_flag = &stop_flag_;
    options.on_progress = [this](double t) { on_progress(t); };
}

py_simulation::py_simulation(const model_source& source, run_options options)
    : session_(std::make_unique<run_session>(source.load())) {
    hook(options);
    session_->start(options, log_);
    run_dir_ = choose_run_dir(session_->resolved_model(), options);
}

py_simulation::py_simulation(const std::string& run_dir) : run_dir_(run_dir) {
    run_options options = run_session::checkpoint_options(run_dir);
    model_source source;
    source.path = run_dir + "/model.resolved.toml";
    session_ = std::make_unique<run_session>(source.load(), budget_limits{}, options);
    hook(options);
    session_->resume(run_dir, options, log_);
}

py_simulation::~py_simulation() {
    // A simulation dropped without close() still leaves a complete run folder.
    if (session_ && session_->started() && !session_->finished()) {
        try {
            session_->finish();
        } catch (...) {  // nothing can be raised from a destructor; the folder keeps what it has
        }
    }
}

/*
 * Ctrl-C: Python's own SIGINT handler only notes the signal; PyErr_CheckSignals() turns it into
 * KeyboardInterrupt. It is polled wherever the session polls its stop flag (after the samplers
 * due at that time), and raises the flag, so the session stops there with every record at the
 * same sample, as `cortexsim run` does on SIGINT. The exception is re-raised after the run
 * folder is closed.
 */
void py_simulation::on_progress(double t_ms) {
    if (pending_) return;
    if (PyErr_CheckSignals() != 0) {
        pending_ = std::make_unique<py::error_already_set>();
        stop_flag_ = SIGINT;
        return;
    }
    if (callback_.is_none() || t_ms < callback_next_ms_) return;
    callback_next_ms_ = t_ms + callback_interval_ms_;
    try {
        callback_(t_ms);
    } catch (py::error_already_set& e) {
        pending_ = std::make_unique<py::error_already_set>(std::move(e));
        stop_flag_ = SIGINT;
    }
}

void py_simulation::guarded(py::object progress, double interval_ms, const std::function<bool()>& step) {
    if (session_->finished()) throw std::runtime_error("the simulation is closed (its run folder is " + run_dir_ + ")");
    if (!(interval_ms >= 0.0)) throw std::invalid_argument("progress_interval_ms must be >= 0");
    if (restart_ || views_out_) {
        session_->sim().restart();
        restart_ = false;
    }
    callback_ = std::move(progress);
    callback_interval_ms_ = interval_ms;
    callback_next_ms_ = session_->time();
    bool completed = false;
    try {
        completed = step();
    } catch (const std::logic_error&) {
        // Refused before integrating (a step inside a trial, a task run twice): nothing ran.
        callback_ = py::none();
        throw;
    } catch (...) {
        // A failure while integrating (a numerical error) leaves no state to go on from: the
        // run folder is closed, as far as it got, and the error raised.
        callback_ = py::none();
        try {
            close();
        } catch (...) {  // the integration's error is the one to report
        }
        throw;
    }
    callback_ = py::none();
    if (completed) return;
    close();
    if (pending_) {
        std::unique_ptr<py::error_already_set> e = std::move(pending_);
        throw py::error_already_set(*e);
    }
}

void py_simulation::run(std::optional<double> duration_ms, py::object progress, double progress_interval_ms) {
    if (session_->the_task()) {
        if (duration_ms)
            throw std::invalid_argument("the model has a [task], which decides how long it runs: "
                                        "call run() without duration_ms, or run_task()");
        run_task(std::move(progress), progress_interval_ms);
        return;
    }
    if (duration_ms && !(*duration_ms >= 0.0))
        throw std::invalid_argument("duration_ms must be >= 0, got " + std::to_string(*duration_ms));
    const lowered_model& m = session_->net().model();
    const double t_end = duration_ms ? session_->time() + *duration_ms : m.start_ms + m.duration_ms;
    guarded(std::move(progress), progress_interval_ms, [&] { return session_->advance_to(t_end); });
}

void py_simulation::run_task(py::object progress, double progress_interval_ms) {
    guarded(std::move(progress), progress_interval_ms, [&] { return session_->run_task(); });
}

py::dict py_simulation::close() {
    if (session_->finished()) return summary_;
    const run_result r = session_->finish();
    summary_["run_dir"] = r.run_dir;
    summary_["duration_ms"] = r.duration_ms;
    summary_["wall_s"] = r.wall_s;
    summary_["samples"] = r.samples;
    summary_["files"] = r.files;
    summary_["stop_signal"] = r.stop_signal;
    summary_["stopped_at_ms"] = r.stopped_at_ms;
    summary_["solver"] = ode::to_string(r.solver);
    summary_["metrics"] = r.metrics;
    summary_["task_summary"] = r.task_summary;
    summary_["learning_table"] = r.learning_table;
    summary_["text"] = format_summary(session_->resolved_model(), r);
    return summary_;
}

} // namespace cortexsim::python

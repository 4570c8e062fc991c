#pragma once
/// What a run is asked to do and what it reports: the options of a run session
/// (circuits/experiments/session.hpp), its result and summary, and stopping on a signal.
/// docs/output_files.md describes the run folder.

#include <csignal>
#include <functional>
#include <iosfwd>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model_desc.hpp"
#include "core/ode/integrator.hpp"
#include "core/recording/sonata_writer.hpp"

namespace cortexsim {

/// Which trace files a run writes: report.h5 (SONATA layout), one CSV per record, or both.
enum class report_format { both, hdf5, csv };
std::string to_string(report_format f);
/// "both", "hdf5" or "csv"; throws std::invalid_argument otherwise.
report_format parse_report_format(const std::string& s);

struct run_options {
    std::string out_dir;            ///< "" -> [simulation] output, or runs/<name>
    /// A run folder that exists and is not empty is an error (the files of two runs would
    /// mix) unless `force`, which empties it first.
    bool force = false;
    bool progress_on_terminal = false;
    bool show_progress = true;
    report_format format = report_format::both;
    sample_precision precision = sample_precision::float32;  ///< of report.h5's data sets
    /// Polled during the run when set. A non-zero value (the CLI's signal handler stores the
    /// signal number) stops the run at the next sample time or integrator stop; run_model then
    /// closes every file, so they hold every sample taken, and returns with
    /// run_result::stop_signal set.
    const volatile std::sig_atomic_t* stop_flag = nullptr;
    /// Called with the model time wherever the run polls stop_flag (after the samplers due at
    /// that time), before the poll: a front end's progress display, or its own check for a
    /// stop request that raises *stop_flag (Python's Ctrl-C).
    std::function<void(double t_ms)> on_progress;
    /// Checkpoints (docs/checkpoints.md): the full state is written to <run folder>/checkpoint.bin
    /// at the first point where the run can be resumed (a task's block end, a trial end, an
    /// integrator restart) once this much model time (ms) or wall time (s) has passed since
    /// the last one; 0: never.
    double checkpoint_every_ms = 0.0;
    double checkpoint_every_s = 0.0;
    /// Called with the model time after each checkpoint is on disk (a front end's notice).
    std::function<void(double t_ms)> on_checkpoint;
};

/// A checkpoint interval as the CLI's --checkpoint-every and Python take it: model time
/// ("500ms") or wall time ("30s", "10min", "2h"), the unit required; sets the options'
/// checkpoint_every_ms or checkpoint_every_s. Throws std::invalid_argument saying what it takes.
void set_checkpoint_interval(const std::string& text, run_options& o);

struct run_result {
    std::string run_dir;
    double wall_s = 0.0;
    double duration_ms = 0.0;
    ode::solver_kind solver = ode::solver_kind::bdf_dense;
    ode::integrator_stats stats;
    std::size_t samples = 0;
    std::vector<std::string> files;  ///< trace files written (report.h5, CSVs)
    int stop_signal = 0;             ///< non-zero: stopped early by this signal
    double stopped_at_ms = 0.0;      ///< simulated time when stopped early
    /// Each error signal's mean |value| at the start and the end (learning_summary.hpp); "" if
    /// the model has no error signals.
    std::string learning_table;
    std::string task_summary;  ///< a task's outcome in a line or two (e.g. trials to criterion)
    std::map<std::string, double> metrics;  ///< the task's outcome as named numbers (task::metrics)
    std::size_t checkpoints = 0;     ///< checkpoints written by this process
    double resumed_from_ms = -1.0;   ///< a resumed run: the checkpoint's model time
};

/// Raised inside the simulation loop's callbacks when run_options::stop_flag is set. The
/// simulation clock cannot be asked to stop, so the callbacks unwind it; run_model catches this
/// exception and finishes the run folder.
class run_interrupted : public std::runtime_error {
public:
    run_interrupted(int signal, double t_ms);
    int signal() const noexcept { return signal_; }
    double t_ms() const noexcept { return t_ms_; }

private:
    int signal_;
    double t_ms_;
};

/// "SIGINT", "SIGTERM", or "signal N".
std::string signal_name(int signal);

/*
 * Stopping on a signal. The simulation clock has no stop request, so the callbacks it calls
 * throw run_interrupted when the flag is up. They do so only where every record holds the
 * same sample times: in the progress callback (after all samplers due at t have fired) and in
 * a sampler only if it is the first to fire at its time. A stop never leaves one record a
 * sample ahead of another.
 */
class stop_check {
public:
    explicit stop_check(const volatile std::sig_atomic_t* flag) : flag_(flag) {}
    void poll(double t_ms) const {
        if (flag_ != nullptr && *flag_ != 0) throw run_interrupted(*flag_, t_ms);
    }
    void before_sample(double t_ms) {
        if (t_ms != last_sample_ms_) poll(t_ms);
        last_sample_ms_ = t_ms;
    }

private:
    const volatile std::sig_atomic_t* flag_;
    double last_sample_ms_ = -1e300;
};

/// The summary printed at the end of a run and stored as run_summary.txt, followed by the
/// learning table.
std::string format_summary(const model_desc& desc, const run_result& r);

} // namespace cortexsim

#pragma once
/// What every run writes to its folder, shared by plain runs (run_model.cpp) and task runs
/// (run_task.cpp): the resolved model with provenance, the recorded traces (report.h5 and/or
/// CSV), error_summary.csv, and the stop-on-signal check. docs/output_files.md describes them.

#include <csignal>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "circuits/error_summary.hpp"
#include "circuits/network.hpp"
#include "circuits/trace_recorder.hpp"
#include "core/recording/csv_writer.hpp"
#include "core/recording/sonata_writer.hpp"
#include "core/simulation.hpp"
#include "tools/cli/learning_summary.hpp"
#include "tools/cli/run_model.hpp"
#include "tools/cli/weight_outputs.hpp"

namespace cortexsim {

/// cortexsim, SUNDIALS, Eigen and TOML++ versions.
std::map<std::string, std::string> provenance();
/// --out, else [simulation] output, else runs/<name>.
std::string choose_run_dir(const model_desc& desc, const run_options& options);
/// Creates the folder and writes model.resolved.toml: the expanded model with every default
/// (circuits' fill_defaults) and the provenance table.
void write_resolved_model(const model_desc& desc, const std::string& run_dir);

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
    double last_sample_ms_ = -std::numeric_limits<double>::infinity();
};

/// The recorders of one run: [[record]] traces and weights and the error summary, attached to the
/// simulation as samplers. close() flushes everything (also after an interrupted run).
class run_outputs {
public:
    run_outputs(network& net, const model_desc& desc, const run_options& options,
                const std::string& run_dir, simulation& sim, stop_check& stop);
    void close(run_result& result);
    /// A task's own table in report.h5 (e.g. /summary/learning_curve, next to the CSV copy);
    /// without report.h5 (--format csv) the table and its rows are dropped.
    std::size_t add_table(const report_table_desc& desc);
    void append_table_row(std::size_t table, const double* row);

private:
    network& net_;
    std::unique_ptr<sonata_writer> report_;  // outlives the sinks that point to it
    std::vector<std::unique_ptr<trace_recorder>> recorders_;
    std::unique_ptr<error_summary> summary_;
    std::unique_ptr<csv_writer> summary_csv_;
    std::vector<double> summary_row_;
    std::vector<std::string> files_;
    // The error summary's copy in report.h5 (/summary/error_signals) and its start/end view.
    std::size_t summary_table_ = 0;
    std::vector<double> summary_table_row_;  // t_ms, then the error summary's row
    std::unique_ptr<learning_summary> learning_;
    std::unique_ptr<weight_outputs> weights_;  // [[record]] projection = ...
    void record_summary(double t_ms);
};

} // namespace cortexsim

#pragma once
/// What every run writes to its folder (circuits/experiments/session.cpp): the resolved model
/// with provenance, the recorded traces (report.h5 and/or CSV), error_summary.csv, and the
/// tables a task keeps (learning_curve.csv, ..., with their copies in report.h5).
/// docs/output_files.md describes them.

#include <csignal>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "circuits/error_summary.hpp"
#include "circuits/network.hpp"
#include "circuits/trace_recorder.hpp"
#include "circuits/trial_runner.hpp"
#include "core/recording/csv_writer.hpp"
#include "core/recording/disk_reserve.hpp"
#include "core/recording/sonata_writer.hpp"
#include "core/simulation.hpp"
#include "circuits/experiments/learning_summary.hpp"
#include "circuits/experiments/run_types.hpp"
#include "circuits/experiments/weight_outputs.hpp"

namespace cortexsim {

/// cortexsim, SUNDIALS, Eigen and TOML++ versions.
std::map<std::string, std::string> provenance();
/// --out, else [simulation] output, else runs/<name>.
std::string choose_run_dir(const model_desc& desc, const run_options& options);
/// Creates the folder and writes model.resolved.toml: `resolved` (the expanded model with every
/// default) and the provenance table.
void write_resolved_model(const model_desc& resolved, const std::string& run_dir);

class run_outputs;

/// A task's table: one CSV file in the run folder and its copy /summary/<name> in report.h5,
/// written row by row and flushed, in both files, at the end of each of the task's blocks
/// (run_outputs::end_block), so a killed run keeps every completed block.
class task_table {
public:
    /// Appends one row: the key column's value, then one value per column.
    void write(double key, const std::vector<double>& values);
    const std::string& path() const { return path_; }

private:
    friend class run_outputs;
    std::unique_ptr<csv_writer> csv_;
    run_outputs* outputs_ = nullptr;
    std::size_t h5_table_ = 0;
    std::string path_;
    std::vector<double> row_;
};

/// The recorders of one run: [[record]] traces and weights and the error summary, attached to the
/// simulation as samplers. close() flushes everything (also after an interrupted run).
class run_outputs {
public:
    /// `trials` (null without a protocol) samples the records taken at phase ends (`at`).
    /// With `resume` (a run resumed from that checkpoint) every file is continued where the
    /// checkpoint saw it end, rows written after it dropped.
    run_outputs(network& net, const model_desc& desc, const run_options& options,
                const std::string& run_dir, simulation& sim, stop_check& stop,
                trial_runner* trials = nullptr, const class state_reader* resume = nullptr);
    /// Without close() (an exception unwinds the run) the files are closed here: normally,
    /// or, after a failed write (output_failed), by dropping what is buffered so report.h5
    /// is closed with the space the disk reserve gave back. Never throws.
    ~run_outputs();
    run_outputs(const run_outputs&) = delete;
    run_outputs& operator=(const run_outputs&) = delete;
    /// Writes what is buffered and closes every file. A failed write throws output_error,
    /// after closing report.h5 on the error path.
    void close(run_result& result);
    /// The end of one of the task's blocks (a learning-curve row): every task table is
    /// written out, CSV and report.h5, and the report flushed. Throws output_error if that
    /// fails or if the run folder was removed.
    void end_block();
    /// A write of the run failed (the session saw an output_error): close on the error path.
    void output_failed() noexcept { output_failed_ = true; }
    /// A task's table `<name>.csv` (key column `key`, then `columns`) and /summary/<name>.
    task_table& add_task_table(const std::string& name, const std::string& key,
                               const std::vector<std::string>& columns);
    /// A task's own table in report.h5 (e.g. /summary/learning_curve, next to the CSV copy);
    /// without report.h5 (--format csv) the table and its rows are dropped.
    std::size_t add_table(const report_table_desc& desc);
    void append_table_row(std::size_t table, const double* row);
    /// Checkpoints: writes out every buffered row of every file (CSV and report.h5) and saves
    /// where each file ends, the recorders' sample counts and the learning summary.
    void save_state(class state_writer& w);

private:
    const class state_reader* resume_ = nullptr;
    csv_resume csv_resume_;  ///< the CSV files' sizes at the checkpoint (resumed runs)
    /// Phase-end records: the phase ends seen, for every_trials.
    std::vector<std::size_t> phase_end_seen_;
    /// open_csv with this run's resume sizes.
    std::unique_ptr<csv_writer> open_file(const std::string& path, const std::vector<std::string>& columns,
                                          const std::string& first_column = "t_ms");
    network& net_;
    std::unique_ptr<sonata_writer> report_;  // outlives the sinks that point to it
    // Given back before report.h5 is closed on the error path; declared after report_, so
    // that it is also destroyed first when a constructor fails half-way.
    disk_reserve reserve_;
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
    std::vector<std::unique_ptr<task_table>> tables_;
    std::string run_dir_;
    bool csv_ = true;
    bool closed_ = false, output_failed_ = false;
    // The run folder as created (device, inode), to notice that it was removed.
    unsigned long long folder_device_ = 0, folder_inode_ = 0;
    /// output_error if the run folder is gone or replaced.
    void check_folder() const;
    void record_summary(double t_ms);
    /// The error path of report.h5: the reserve given back, buffered rows dropped.
    void abandon_report() noexcept;
};

} // namespace cortexsim

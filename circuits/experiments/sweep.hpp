#pragma once
/// Parameter sweeps: every point of a grid of overrides (and seeds) run as its own, resolved
/// run folder, in parallel worker processes, and one table of the points and their outcomes.
/// `cortexsim sweep` and Python's cortexsim.sweep are front ends over run_sweep.

#include <csignal>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "circuits/experiments/model_source.hpp"
#include "circuits/experiments/run_types.hpp"

namespace cortexsim {

/// One axis of the grid: a key path and its values as TOML text ("0.03", "\"reber\""). The key
/// `seed` sets the seed, as `--seed` does; any other key is a `--set` override.
struct sweep_axis {
    std::string key;
    std::vector<std::string> values;
};

/// "key.path=[v1, v2, ...]" (the CLI's --grid): the values are a TOML array. Throws
/// model_error naming the argument.
sweep_axis parse_sweep_axis(const std::string& assignment);

struct sweep_options {
    std::string out_dir;  ///< the sweep folder: sweep.csv and one run folder per point
    int processes = 1;    ///< worker processes running points at once
    bool force = false;   ///< replace a sweep folder that is not empty
    report_format format = report_format::both;
    sample_precision precision = sample_precision::float32;
    /// Polled while workers run (false: go on). True stops launching points and waits for the
    /// running ones, which stop themselves on SIGINT or SIGTERM as `cortexsim run` does.
    std::function<bool()> should_stop;
};

/// One point of the grid and its outcome.
struct sweep_row {
    std::vector<std::string> values;  ///< per axis, as given
    std::string run_dir;
    std::string status = "not run";  ///< "ok", "stopped", "failed" or "not run"
    std::string error;                ///< what went wrong, for "failed"
    double wall_s = 0.0;
    std::map<std::string, double> metrics;  ///< the task's (task::metrics)
};

struct sweep_table {
    std::vector<std::string> keys;  ///< the axes' keys
    std::vector<sweep_row> rows;    ///< row-major over the axes: the last axis varies fastest
    /// Every metric name of any row, sorted: the table's metric columns.
    std::vector<std::string> metric_names() const;
};

/// Where a sweep goes unless told: runs/<name>_sweep.
std::string default_sweep_dir(const model_desc& desc);

/// The grid's points in order, each `base` with its overrides and seed.
std::vector<model_source> sweep_points(const model_source& base, const std::vector<sweep_axis>& grid);

/*
 * Runs every point of the grid: each point is loaded and its session built first, so a bad
 * value fails with its located error before anything runs or is written; then up to
 * `processes` forked workers each run one point into out_dir/run_<k> (a complete run folder,
 * as `cortexsim run --out` writes it: its model.resolved.toml reproduces it alone) and report
 * back through a small file. Writes out_dir/sweep.csv and returns the same table. Progress
 * lines (one per finished point) go to `log`.
 */
sweep_table run_sweep(const model_source& base, const std::vector<sweep_axis>& grid,
                      const sweep_options& options, std::ostream& log);

} // namespace cortexsim

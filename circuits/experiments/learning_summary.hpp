#pragma once
/// The learning summary printed after a run's summary (and stored in run_summary.txt): for
/// every population and error signal of the error summary (circuits/error_summary.hpp), its
/// mean |value| over neurons near the start and near the end of the run. It sees the same
/// rows as error_summary.csv and keeps only the first and last `window_samples` of them, so
/// memory stays bounded however long the run is.

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace cortexsim {

class learning_summary {
public:
    /// Start and end are averages over this many samples at each end of the run (or over the
    /// first and last half of a run with fewer than twice as many samples).
    static constexpr std::size_t window_samples = 10;

    /// `columns`: the error summary's columns (without t_ms); the `<population>.<signal>.mean_abs`
    /// ones are summarised.
    explicit learning_summary(const std::vector<std::string>& columns);

    /// One error-summary row (values in the order of `columns`).
    void add_row(const double* row);

    struct entry {
        std::string population, signal;
        double start = 0.0, end = 0.0;
    };
    /// One entry per mean_abs column, in column order; empty before the first row.
    std::vector<entry> entries() const;
    /// Samples averaged at each end (0 before the first row).
    std::size_t window() const;
    /// The table as printed; "" without rows or signals.
    std::string format() const;
    /// Checkpoints: the rows kept at both ends and the count.
    void save_state(class state_writer& w) const;
    void restore_state(const class state_reader& r);

private:
    std::vector<std::size_t> columns_;  ///< indices of the mean_abs columns in a row
    std::vector<std::string> population_, signal_;
    std::vector<std::vector<double>> first_;  ///< first rows (mean_abs values only)
    std::deque<std::vector<double>> last_;    ///< latest rows
    std::size_t rows_ = 0;
};

} // namespace cortexsim

#pragma once
/// Binds a [[record]] entry to the network: at every sample it reads the chosen variables of
/// the chosen neurons once and hands the row to each of its sinks (a CSV file, an HDF5 report,
/// ...). The row is variable-major, the CSV column order `<variable>[<neuron>]`:
///   row[v * neurons.size() + k] = variable v of the k-th listed neuron.

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "circuits/network.hpp"
#include "core/recording/csv_writer.hpp"

namespace cortexsim {

/// Where a recorder's rows go. Sinks must not keep `row` beyond the call.
class trace_sink {
public:
    virtual ~trace_sink() = default;
    /// One sample at t_ms: `row` holds variables x neurons values, variable-major.
    virtual void write_row(double t_ms, const double* row) = 0;
    /// Writes out anything buffered; throws if writing failed (disk full, ...).
    virtual void close() = 0;
    /// Writes out what is buffered and keeps the file open (a checkpoint). Sinks into a shared
    /// file (report.h5) do nothing: the file is flushed once.
    virtual void flush() {}
};

/// Calls close() on every element of `items` (pointers), each one even if another throws, then
/// rethrows the first failure: one full disk must not leave the other files unflushed.
template <class Items> void close_each(Items& items) {
    std::exception_ptr first;
    for (auto& item : items) {
        try {
            item->close();
        } catch (...) {
            if (!first) first = std::current_exception();
        }
    }
    if (first) std::rethrow_exception(first);
}

class trace_recorder {
public:
    /// A recorder without sinks; add them with add_csv() / add_sink() before the first sample.
    trace_recorder(network& net, const lowered_record& record);
    /// A recorder writing the CSV file `csv_path` (run folder convention: `<population>.csv`, or
    /// `<population>_<k>.csv` for the k-th further record of the same population).
    trace_recorder(network& net, const lowered_record& record, const std::string& csv_path);

    /// Adds a CSV sink: header `t_ms,<variable>[<neuron>],...`, 17 significant digits.
    /// With `resume` (a run resumed from a checkpoint) the file is continued (csv_writer.hpp).
    void add_csv(const std::string& path, const csv_resume* resume = nullptr);
    void add_sink(std::unique_ptr<trace_sink> sink);

    /// Samples the state y at t (the network recomputes its algebraic quantities first) and
    /// passes the row to every sink.
    void sample(double t_ms, const double* y);
    /// Closes every sink (each one even if another fails); rethrows the first failure.
    void close();
    /// Writes out every sink's buffer (checkpoints).
    void flush();
    /// A resumed run counts the samples taken before the checkpoint too.
    void set_rows(std::size_t n) { rows_ = n; }

    const lowered_record& record() const { return record_; }
    /// The CSV column names, `<variable>[<neuron>]`, variable-major (without `t_ms`).
    const std::vector<std::string>& columns() const { return columns_; }
    /// Path of the first CSV sink, "" if there is none.
    const std::string& path() const { return csv_path_; }
    /// Samples taken.
    std::size_t rows() const { return rows_; }

private:
    network& net_;
    lowered_record record_;
    std::vector<variable_ref> vars_;
    std::vector<std::string> columns_;
    std::vector<double> row_;
    std::vector<std::unique_ptr<trace_sink>> sinks_;
    std::string csv_path_;
    std::size_t rows_ = 0;
};

} // namespace cortexsim

#pragma once
/// Binds a weight [[record]] (lowered_weight_record) to the network: at every sample it reads
/// one projection's weight matrix and hands one row to each of its sinks (trace_sink, as the
/// trace recorders do):
///   weights       the whole matrix, target-major: row[i * n_source + j] = W(i, j), with 0
///                 where there is no synapse (connected() tells which entries are synapses);
///   weight_stats  mean, std, min, max and mean |w| over the synapses (stat_names()).
/// The weights are the stored W, without a task's gain on the projection.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "circuits/network.hpp"
#include "circuits/trace_recorder.hpp"

namespace cortexsim {

/// The statistics of a weight record, in row order.
struct weight_stats {
    double mean = 0.0;
    double std = 0.0;   ///< population standard deviation (divides by the synapse count)
    double min = 0.0;
    double max = 0.0;
    double mean_abs = 0.0;
};

/// Statistics of `w` over the entries with `connected` 1 (row-major, w.rows() x w.cols());
/// all 0 when there is none.
weight_stats compute_weight_stats(const Eigen::MatrixXd& w,
                                  const std::vector<std::uint8_t>& connected);

class weight_recorder {
public:
    weight_recorder(const network& net, const lowered_weight_record& record);

    /// "mean", "std", "min", "max", "mean_abs": the row of a weight_stats record.
    static const std::vector<std::string>& stat_names();

    void add_sink(std::unique_ptr<trace_sink> sink);
    /// Reads the projection's current weights and passes the row to every sink.
    void sample(double t_ms);
    /// Closes every sink (each one even if another fails); rethrows the first failure.
    void close();
    /// Writes out every sink's buffer (checkpoints).
    void flush();
    void set_rows(std::size_t n) { rows_ = n; }

    const lowered_weight_record& record() const { return record_; }
    const projection& proj() const { return net_.projections()[record_.projection]; }
    const std::vector<std::uint8_t>& connected() const { return connected_; }
    /// Values per row: target x source for weights, 5 for weight_stats.
    std::size_t row_size() const { return row_.size(); }
    std::size_t rows() const { return rows_; }

private:
    const network& net_;
    lowered_weight_record record_;
    std::vector<std::uint8_t> connected_;
    std::vector<double> row_;
    std::vector<std::unique_ptr<trace_sink>> sinks_;
    std::size_t rows_ = 0;
};

} // namespace cortexsim

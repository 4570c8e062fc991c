#pragma once
/// Binds a [[record]] entry to the network and a CSV file: one row per sample with the chosen
/// variables of the chosen neurons, named `<variable>[<neuron>]`.

#include <memory>
#include <string>
#include <vector>

#include "circuits/network.hpp"
#include "core/recording/csv_writer.hpp"

namespace cortexsim {

class trace_recorder {
public:
    /// Opens `<dir>/<population>.csv` (or `<population>_<k>.csv` for the k-th record of the same
    /// population, k > 0).
    trace_recorder(network& net, const lowered_record& record, const std::string& path);
    /// Samples the state y at t (the network recomputes its algebraic quantities first).
    void sample(double t_ms, const double* y);
    void close() { writer_->close(); }
    const std::string& path() const { return writer_->path(); }
    std::size_t rows() const { return writer_->rows(); }

private:
    network& net_;
    lowered_record record_;
    std::vector<variable_ref> vars_;
    std::vector<double> row_;
    std::unique_ptr<csv_writer> writer_;
};

} // namespace cortexsim

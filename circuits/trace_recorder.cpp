#include "circuits/trace_recorder.hpp"

namespace cortexsim {

trace_recorder::trace_recorder(network& net, const lowered_record& record, const std::string& path)
    : net_(net), record_(record) {
    std::vector<std::string> columns;
    for (const auto& v : record_.variables) {
        vars_.push_back(net_.resolve_variable(record_.population, v));
        for (std::size_t i : record_.neurons) columns.push_back(v + "[" + std::to_string(i) + "]");
    }
    row_.resize(columns.size());
    writer_ = std::make_unique<csv_writer>(path, columns);
}

void trace_recorder::sample(double t_ms, const double* y) {
    net_.observe(t_ms, y);
    std::size_t k = 0;
    for (const auto& v : vars_)
        for (std::size_t i : record_.neurons) row_[k++] = net_.value(record_.population, v, i, y);
    writer_->write_row(t_ms, row_.data());
}

} // namespace cortexsim

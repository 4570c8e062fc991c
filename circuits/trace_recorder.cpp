#include "circuits/trace_recorder.hpp"

#include <exception>

#include "core/recording/csv_writer.hpp"

namespace cortexsim {

namespace {
class csv_sink final : public trace_sink {
public:
    csv_sink(const std::string& path, const std::vector<std::string>& columns, const csv_resume* resume)
        : writer_(open_csv(path, columns, "t_ms", resume)) {}
    void write_row(double t_ms, const double* row) override { writer_->write_row(t_ms, row); }
    void close() override { writer_->close(); }
    void flush() override { writer_->flush(); }

private:
    std::unique_ptr<csv_writer> writer_;
};
} // namespace

trace_recorder::trace_recorder(network& net, const lowered_record& record)
    : net_(net), record_(record) {
    for (const auto& v : record_.variables) {
        vars_.push_back(net_.resolve_variable(record_.population, v));
        for (std::size_t i : record_.neurons) columns_.push_back(v + "[" + std::to_string(i) + "]");
    }
    row_.resize(columns_.size());
}

trace_recorder::trace_recorder(network& net, const lowered_record& record,
                               const std::string& csv_path)
    : trace_recorder(net, record) {
    add_csv(csv_path);
}

void trace_recorder::add_csv(const std::string& path, const csv_resume* resume) {
    add_sink(std::make_unique<csv_sink>(path, columns_, resume));
    if (csv_path_.empty()) csv_path_ = path;
}

void trace_recorder::add_sink(std::unique_ptr<trace_sink> sink) {
    sinks_.push_back(std::move(sink));
}

void trace_recorder::sample(double t_ms, const double* y) {
    net_.observe(t_ms, y);
    std::size_t k = 0;
    for (const auto& v : vars_)
        for (std::size_t i : record_.neurons) row_[k++] = net_.value(record_.population, v, i, y);
    for (auto& s : sinks_) s->write_row(t_ms, row_.data());
    ++rows_;
}

void trace_recorder::close() { close_each(sinks_); }

void trace_recorder::flush() {
    for (auto& s : sinks_) s->flush();
}

} // namespace cortexsim

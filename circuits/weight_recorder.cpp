#include "circuits/weight_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

namespace cortexsim {

weight_stats compute_weight_stats(const Eigen::MatrixXd& w,
                                  const std::vector<std::uint8_t>& connected) {
    weight_stats s;
    const std::size_t cols = static_cast<std::size_t>(w.cols());
    double sum = 0.0, abs_sum = 0.0;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::size_t n = 0;
    for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index j = 0; j < w.cols(); ++j) {
            if (!connected[static_cast<std::size_t>(i) * cols + static_cast<std::size_t>(j)])
                continue;
            const double x = w(i, j);
            sum += x;
            abs_sum += std::fabs(x);
            lo = std::min(lo, x);
            hi = std::max(hi, x);
            ++n;
        }
    if (n == 0) return s;
    s.mean = sum / static_cast<double>(n);
    s.mean_abs = abs_sum / static_cast<double>(n);
    s.min = lo;
    s.max = hi;
    // Two passes: the variance from sums of squares cancels badly when |mean| >> std.
    double sq = 0.0;
    for (Eigen::Index i = 0; i < w.rows(); ++i)
        for (Eigen::Index j = 0; j < w.cols(); ++j)
            if (connected[static_cast<std::size_t>(i) * cols + static_cast<std::size_t>(j)])
                sq += (w(i, j) - s.mean) * (w(i, j) - s.mean);
    s.std = std::sqrt(sq / static_cast<double>(n));
    return s;
}

const std::vector<std::string>& weight_recorder::stat_names() {
    static const std::vector<std::string> names = {"mean", "std", "min", "max", "mean_abs"};
    return names;
}

weight_recorder::weight_recorder(const network& net, const lowered_weight_record& record)
    : net_(net), record_(record), connected_(proj().connection_mask()) {
    row_.resize(record_.kind == weight_record_kind::stats
                    ? stat_names().size()
                    : proj().target_size() * proj().source_size());
}

void weight_recorder::add_sink(std::unique_ptr<trace_sink> sink) {
    sinks_.push_back(std::move(sink));
}

void weight_recorder::sample(double t_ms) {
    const Eigen::MatrixXd w = proj().weights();
    if (record_.kind == weight_record_kind::stats) {
        const weight_stats s = compute_weight_stats(w, connected_);
        row_ = {s.mean, s.std, s.min, s.max, s.mean_abs};
    } else {
        // Eigen stores column-major; rows are written target by target.
        std::size_t k = 0;
        for (Eigen::Index i = 0; i < w.rows(); ++i)
            for (Eigen::Index j = 0; j < w.cols(); ++j) row_[k++] = w(i, j);
    }
    for (auto& s : sinks_) s->write_row(t_ms, row_.data());
    ++rows_;
}

void weight_recorder::close() { close_each(sinks_); }

void weight_recorder::flush() {
    for (auto& s : sinks_) s->flush();
}

} // namespace cortexsim

#include "circuits/experiments/learning_summary.hpp"

#include <algorithm>
#include <cstdio>
#include "core/checkpoint/state_archive.hpp"

namespace cortexsim {

namespace {
const std::string mean_abs_suffix = ".mean_abs";
}

learning_summary::learning_summary(const std::vector<std::string>& columns) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string& name = columns[c];
        if (name.size() <= mean_abs_suffix.size() ||
            name.compare(name.size() - mean_abs_suffix.size(), mean_abs_suffix.size(),
                         mean_abs_suffix) != 0)
            continue;
        // "<population>.<signal>.mean_abs": signal names hold no dot, population names may.
        const std::string stem = name.substr(0, name.size() - mean_abs_suffix.size());
        const std::size_t dot = stem.rfind('.');
        if (dot == std::string::npos) continue;
        columns_.push_back(c);
        population_.push_back(stem.substr(0, dot));
        signal_.push_back(stem.substr(dot + 1));
    }
}

void learning_summary::add_row(const double* row) {
    std::vector<double> values(columns_.size());
    for (std::size_t k = 0; k < columns_.size(); ++k) values[k] = row[columns_[k]];
    if (first_.size() < window_samples) first_.push_back(values);
    last_.push_back(std::move(values));
    if (last_.size() > window_samples) last_.pop_front();
    ++rows_;
}

std::size_t learning_summary::window() const {
    return rows_ == 0 ? 0 : std::min(window_samples, std::max<std::size_t>(1, rows_ / 2));
}

std::vector<learning_summary::entry> learning_summary::entries() const {
    std::vector<entry> out;
    const std::size_t k = window();
    if (k == 0) return out;
    for (std::size_t s = 0; s < columns_.size(); ++s) {
        entry e{population_[s], signal_[s], 0.0, 0.0};
        for (std::size_t i = 0; i < k; ++i) {
            e.start += first_[i][s];
            e.end += last_[last_.size() - k + i][s];
        }
        e.start /= static_cast<double>(k);
        e.end /= static_cast<double>(k);
        out.push_back(e);
    }
    return out;
}

std::string learning_summary::format() const {
    const std::vector<entry> rows = entries();
    if (rows.empty()) return "";
    std::size_t pop_width = 10, signal_width = 6;
    for (const entry& e : rows) {
        pop_width = std::max(pop_width, e.population.size());
        signal_width = std::max(signal_width, e.signal.size());
    }
    const int pw = static_cast<int>(pop_width), sw = static_cast<int>(signal_width);
    char line[512];
    std::snprintf(line, sizeof line,
                  "error signals, mean |value| over neurons (first vs last %zu of %zu samples "
                  "of error_summary.csv):\n",
                  window(), rows_);
    std::string out = line;
    std::snprintf(line, sizeof line, "  %-*s  %-*s  %12s  %12s  %9s\n", pw, "population", sw,
                  "signal", "start", "end", "end/start");
    out += line;
    for (const entry& e : rows) {
        char ratio[32] = "-";
        if (e.start > 0.0) std::snprintf(ratio, sizeof ratio, "%.3g", e.end / e.start);
        std::snprintf(line, sizeof line, "  %-*s  %-*s  %12.5g  %12.5g  %9s\n", pw,
                      e.population.c_str(), sw, e.signal.c_str(), e.start, e.end, ratio);
        out += line;
    }
    return out;
}

void learning_summary::save_state(state_writer& w) const {
    std::vector<double> first, last;
    for (const auto& row : first_) first.insert(first.end(), row.begin(), row.end());
    for (const auto& row : last_) last.insert(last.end(), row.begin(), row.end());
    w.put("out/learning/first", first);
    w.put("out/learning/last", last);
    w.put_u64("out/learning/rows", static_cast<std::uint64_t>(rows_));
}

void learning_summary::restore_state(const state_reader& r) {
    const std::size_t width = columns_.size();
    auto rows_of = [&](const std::vector<double>& flat) {
        std::vector<std::vector<double>> rows;
        if (width == 0) return rows;
        for (std::size_t k = 0; k + width <= flat.size(); k += width)
            rows.emplace_back(flat.begin() + static_cast<long>(k), flat.begin() + static_cast<long>(k + width));
        return rows;
    };
    first_ = rows_of(r.doubles("out/learning/first"));
    const auto last = rows_of(r.doubles("out/learning/last"));
    last_.assign(last.begin(), last.end());
    rows_ = static_cast<std::size_t>(r.u64("out/learning/rows"));
}

} // namespace cortexsim

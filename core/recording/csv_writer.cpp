#include "core/recording/csv_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace cortexsim {

csv_writer::csv_writer(const std::string& path, const std::vector<std::string>& columns,
                       const std::string& first_column)
    : path_(path), width_(columns.size()) {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_)
        throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    std::fputs(first_column.c_str(), file_);
    for (const auto& c : columns) {
        std::fputc(',', file_);
        std::fputs(c.c_str(), file_);
    }
    std::fputc('\n', file_);
}

csv_writer::~csv_writer() {
    if (file_) std::fclose(file_);
}

void csv_writer::write_row(double t_ms, const double* values) {
    std::fprintf(file_, "%.17g", t_ms);
    for (std::size_t i = 0; i < width_; ++i) std::fprintf(file_, ",%.17g", values[i]);
    std::fputc('\n', file_);
    ++rows_;
}

void csv_writer::close() {
    if (!file_) return;
    const bool failed = std::ferror(file_) != 0;
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (failed || rc != 0) throw std::runtime_error("writing '" + path_ + "' failed");
}

} // namespace cortexsim

#pragma once
/// A CSV trace file written as samples arrive (nothing accumulates in memory). Values are
/// printed with 17 significant digits so a file reproduces the doubles bit for bit.

#include <cstdio>
#include <string>
#include <vector>

namespace cortexsim {

class csv_writer {
public:
    /// Creates (truncates) `path` and writes the header `<first_column>,<columns...>`; each row
    /// then starts with its key (by default the time, `t_ms`).
    csv_writer(const std::string& path, const std::vector<std::string>& columns,
               const std::string& first_column = "t_ms");
    ~csv_writer();
    csv_writer(const csv_writer&) = delete;
    csv_writer& operator=(const csv_writer&) = delete;

    void write_row(double t_ms, const double* values);
    /// Flushes and closes; throws if any write failed (disk full, ...).
    void close();
    const std::string& path() const { return path_; }
    std::size_t rows() const { return rows_; }

private:
    std::string path_;
    std::size_t width_;
    std::FILE* file_ = nullptr;
    std::size_t rows_ = 0;
};

} // namespace cortexsim

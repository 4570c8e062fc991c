#include "core/recording/csv_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/errors.hpp"

namespace cortexsim {

namespace {
/// A block this large is written even before block_rows lines (wide records).
constexpr std::size_t max_block_bytes = std::size_t{64} << 10;
} // namespace

/*
 * Whole lines under any interruption. A block is handed to the kernel with one write(2) of
 * whole lines. A process killed between two writes leaves whole lines only. Linux copies a
 * write into the file page by page and may stop between pages for a fatal signal, so a
 * SIGKILL landing inside the microseconds of a multi-page write could still cut a line; that
 * window is the write itself, as HDF5's is its flush (docs/output_files.md). A write that
 * fails or comes up short (ENOSPC) is cut back with ftruncate to the last whole line, so the
 * file stays a valid CSV of every row written before the fault.
 */

csv_writer::csv_writer(const std::string& path, const std::vector<std::string>& columns,
                       const std::string& first_column, std::size_t block_rows)
    : path_(path), width_(columns.size()), block_rows_(block_rows == 0 ? 1 : block_rows) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) throw output_error(path, std::strerror(errno));
    block_ = first_column;
    for (const auto& c : columns) {
        block_ += ',';
        block_ += c;
    }
    block_ += '\n';
    try {
        flush();
    } catch (...) {
        ::close(fd_);  // the destructor does not run for a throwing constructor
        throw;
    }
}

csv_writer::csv_writer(const std::string& path, std::size_t n_columns, long long resume_bytes,
                       std::size_t block_rows)
    : path_(path), width_(n_columns), block_rows_(block_rows == 0 ? 1 : block_rows) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) throw output_error(path, std::string("cannot continue it: ") + std::strerror(errno));
    const off_t size = ::lseek(fd_, 0, SEEK_END);
    if (size < resume_bytes || resume_bytes <= 0) {
        ::close(fd_);
        throw output_error(path, "it has " + std::to_string(size) + " bytes, the checkpoint saw " +
                                     std::to_string(resume_bytes) + ": not the file the checkpoint was taken with");
    }
    if (::ftruncate(fd_, resume_bytes) != 0 || ::lseek(fd_, resume_bytes, SEEK_SET) != resume_bytes) {
        const int error = errno;
        ::close(fd_);
        throw output_error(path, std::strerror(error));
    }
    written_bytes_ = resume_bytes;
}

csv_writer::~csv_writer() {
    try {
        close();
    } catch (...) {
        // Best effort only; close() reports errors to callers who want them.
    }
    if (fd_ >= 0) ::close(fd_);
}

void csv_writer::write_row(double t_ms, const double* values) {
    if (failed_) throw output_error(path_, "an earlier write failed");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", t_ms);
    block_ += buf;
    for (std::size_t i = 0; i < width_; ++i) {
        std::snprintf(buf, sizeof buf, ",%.17g", values[i]);
        block_ += buf;
    }
    block_ += '\n';
    ++rows_;
    if (++block_lines_ >= block_rows_ || block_.size() >= max_block_bytes) flush();
}

void csv_writer::flush() {
    if (fd_ < 0 || block_.empty()) return;
    if (failed_) throw output_error(path_, "an earlier write failed");
    std::size_t done = 0;
    while (done < block_.size()) {
        const ssize_t n = ::write(fd_, block_.data() + done, block_.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        const int error = n < 0 ? errno : ENOSPC;  // a zero-byte write: nothing fits
        failed_ = true;
        // Back to the last whole line (a partial block would end mid-line).
        if (::ftruncate(fd_, written_bytes_) != 0 || ::lseek(fd_, written_bytes_, SEEK_SET) < 0) {
            // The file keeps a cut line; say so rather than hide it.
            throw output_error(path_, std::string(std::strerror(error)) +
                                          " (and cutting the file back to its last whole line failed: " +
                                          std::strerror(errno) + ")");
        }
        block_.clear();
        throw output_error(path_, std::strerror(error));
    }
    written_bytes_ += static_cast<long long>(block_.size());
    block_.clear();
    block_lines_ = 0;
}

void csv_writer::close() {
    if (fd_ < 0) return;
    try {
        flush();
    } catch (...) {
        ::close(fd_);
        fd_ = -1;
        throw;
    }
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw output_error(path_, std::strerror(errno));
}

std::unique_ptr<csv_writer> open_csv(const std::string& path, const std::vector<std::string>& columns,
                                     const std::string& first_column, const csv_resume* resume) {
    if (resume) {
        const auto it = resume->bytes.find(path);
        if (it != resume->bytes.end()) return std::make_unique<csv_writer>(path, columns.size(), it->second);
    }
    return std::make_unique<csv_writer>(path, columns, first_column);
}

} // namespace cortexsim

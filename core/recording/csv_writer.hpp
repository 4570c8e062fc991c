#pragma once
/// A CSV file written as rows arrive, crash-consistently: rows collect as whole lines in a
/// block buffer, and a block is handed to the kernel in one write(2) when it is full
/// (`block_rows` rows or 64 KiB), on flush() and on close(). So the file on disk always ends
/// with a whole line (a SIGKILL loses at most the lines of the unwritten block), memory stays
/// bounded whatever the run length, and a failed write (disk full, removed folder) throws
/// output_error naming the file after cutting the file back to its last whole line. Values
/// are printed with 17 significant digits so a file reproduces the doubles bit for bit.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cortexsim {

class csv_writer;

/// The CSV files of a run resumed from a checkpoint: each file's size when the checkpoint was
/// taken, by path. open_csv continues a file the map names and creates any other.
struct csv_resume {
    std::map<std::string, long long> bytes;
};

class csv_writer {
public:
    static constexpr std::size_t default_block_rows = 256;

    /// Creates (truncates) `path` and writes the header `<first_column>,<columns...>` at once;
    /// each row then starts with its key (by default the time, `t_ms`). Throws output_error.
    csv_writer(const std::string& path, const std::vector<std::string>& columns,
               const std::string& first_column = "t_ms",
               std::size_t block_rows = default_block_rows);
    /// Continues the file of a run resumed from a checkpoint: `path` is opened as it is and
    /// cut back to `resume_bytes` (its size when the checkpoint was taken, header included),
    /// dropping lines written after it; rows are appended from there. Throws output_error if
    /// the file is missing or shorter.
    csv_writer(const std::string& path, std::size_t n_columns, long long resume_bytes,
               std::size_t block_rows = default_block_rows);
    /// Writes the buffered lines if it can and closes; never throws (call close() to see
    /// errors).
    ~csv_writer();
    csv_writer(const csv_writer&) = delete;
    csv_writer& operator=(const csv_writer&) = delete;

    /// Buffers one line; a full block is written (output_error if that fails).
    void write_row(double t_ms, const double* values);
    /// Writes every buffered line now (the end of a task's block). Throws output_error.
    void flush();
    /// flush(), then closes; later calls do nothing. Throws output_error.
    void close();
    const std::string& path() const { return path_; }
    /// Rows written by this writer (a resumed one counts from the checkpoint on).
    std::size_t rows() const { return rows_; }
    /// Bytes on disk, all whole lines (after flush(): everything written so far).
    long long bytes_written() const { return written_bytes_; }

private:
    std::string path_;
    std::size_t width_;
    std::size_t block_rows_;
    int fd_ = -1;
    std::string block_;          ///< whole lines not yet written
    std::size_t block_lines_ = 0;
    long long written_bytes_ = 0;  ///< bytes on disk, all whole lines
    std::size_t rows_ = 0;
    bool failed_ = false;        ///< a write failed: nothing more is written
};

/// A new file with its header, or, with `resume` naming `path`, that file continued from the
/// checkpoint's size (the columns are the header already in it).
std::unique_ptr<csv_writer> open_csv(const std::string& path, const std::vector<std::string>& columns,
                                     const std::string& first_column = "t_ms",
                                     const csv_resume* resume = nullptr);

} // namespace cortexsim

#pragma once
// Internal to cortexsim_hdf5: the state behind sonata_writer, shared by sonata_writer.cpp (the
// file and its /report populations) and sonata_writer_series.cpp (tables and weight snapshots).

#include <cstddef>
#include <string>
#include <vector>

#include "core/recording/h5_support.hpp"
#include "core/recording/sonata_writer.hpp"

namespace cortexsim {

/*
 * One extendible series of the file: rows collect in a buffer of chunk_rows rows; a full
 * buffer is appended to the data set(s) with one hyperslab write each, `mapping/time` (if the
 * series has one) gets the new stop, and the file is flushed. A row is either one slice of
 * `data` ([rows, row_dims...]) or, for tables, one value of each column data set.
 */
struct report_series {
    std::string path;               ///< "/report/hidden", "/weights/x", ... (messages)
    std::vector<hsize_t> row_dims;  ///< shape of one row of `data`; empty for tables
    std::size_t row_size = 0;       ///< values per row
    std::size_t chunk_rows = 1;
    bool timed = false;             ///< has mapping/time and checks append times
    double start_ms = 0.0, step_ms = 1.0;
    h5::handle data, time;          ///< kept open: appended to / rewritten at every chunk
    std::vector<h5::handle> columns;  ///< tables: one 1-d data set per column
    std::vector<double> buffer;     ///< chunk_rows x row_size, row-major
    std::size_t buffered = 0;       ///< rows in the buffer
    std::size_t written = 0;        ///< rows in the file
    std::size_t rows() const { return written + buffered; }
};

struct sonata_writer::impl {
    impl(const std::string& p, sample_precision prec, std::size_t rows)
        : ops(p, true), precision(prec), chunk_rows(rows) {}

    h5::ops ops;
    std::string folder;  ///< the file's folder, for the free space (require_space)
    sample_precision precision;
    std::size_t chunk_rows;
    // Declared first, destroyed last: every other identifier lives in this file.
    h5::handle file;
    h5::handle report;
    std::vector<report_series> pops, tables, weights;
    /// A resumed report (sonata_writer's second constructor): the rows each series keeps.
    bool resuming = false;
    sonata_positions resume_at;
    /// A resumed series: `s`'s group (s.path) and data sets opened (`columns` for a table),
    /// cut back to the rows the checkpoint saved for it (`rows`, by its index in `list`, a
    /// list of `kind`), its time mapping rewritten; appended to `list`. Returns its index.
    std::size_t resume(report_series s, std::vector<report_series>& list, const std::vector<std::size_t>& rows,
                       const char* kind, const std::vector<std::string>& columns);

    /// pops / tables / weights [i], or std::out_of_range naming `kind`.
    report_series& at(std::vector<report_series>& list, std::size_t i, const char* kind);
    hid_t value_type() const {
        return precision == sample_precision::float64 ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
    }
    std::size_t value_bytes() const { return precision == sample_precision::float64 ? 8 : 4; }
    /// Throws std::logic_error unless t_ms is start + rows * step.
    void check_time(const report_series& s, double t_ms) const;
    /// Buffers one row; a full buffer is written and the file flushed.
    void push_row(report_series& s, const double* row);
    /// Appends the buffered rows of `s` to the file.
    void write_buffer(report_series& s);
    void write_time(report_series& s);
    /// Sets the extent of `s`'s data sets back to the rows written (after a failed append).
    void shrink_to_written(report_series& s) noexcept;
    /// The error path: drops buffered rows, flushes what was written and closes everything.
    void abandon() noexcept;
    void flush_file();
    /// Writes what is buffered and closes every identifier, file last; the first failure is
    /// rethrown after every step was tried. With `check_space`, first refuses (output_error)
    /// if the buffered rows might not fit on the disk.
    void close(bool check_space = true);
    /// Room a flush's metadata may take: 64 KiB, and 4 KiB for each extendible data set,
    /// whose chunk index node (about 2-2.6 KiB for HDF5's v1 B-tree) HDF5 writes at the
    /// first flush after its first chunk, all at once for a new file (92 KiB for the 38 data
    /// sets of the Reber example's report, seen with strace).
    double metadata_margin_bytes() const;
    /// Bytes writing `s`'s buffer may take, at most (sonata_writer.cpp).
    double pending_bytes(const report_series& s) const;
    /// output_error (ENOSPC) if the file system has less than `bytes` + the margin free.
    void require_space(double bytes) const;
    void require_open(const std::string& where) const;
};

} // namespace cortexsim

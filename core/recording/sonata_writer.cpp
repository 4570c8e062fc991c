#include "core/recording/sonata_writer.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/errors.hpp"
#include "core/recording/sonata_writer_impl.hpp"

namespace cortexsim {

/*
 * Incremental, crash-tolerant writing. Each population's `data` set is chunked (chunk_rows
 * rows) and extendible along time. Rows collect in a buffer of one chunk; a full buffer is
 * appended (H5Dset_extent + one hyperslab write), `mapping/time` gets the new stop, and the
 * file is flushed (H5Fflush), which puts HDF5's cached metadata on disk. Between two flushes
 * the file on disk is a complete, consistent HDF5 file describing every chunk written so far:
 * a process killed there leaves a file that opens and holds those chunks. (A kill during the
 * few milliseconds of a write or a flush is not covered; HDF5 1.10 without SWMR cannot promise
 * more.) The file keeps HDF5's default, earliest format (superblock 0), which has no
 * "open for writing" flag, so such a file opens without `h5clear`. Tables and weight
 * snapshots (sonata_writer_series.cpp) follow the same scheme.
 *
 * `time` = [start, stop, step] with stop exclusive, as libsonata reads it: rows =
 * (stop - start) / step. It always describes the rows on disk.
 */

std::string to_string(sample_precision p) {
    return p == sample_precision::float64 ? "float64" : "float32";
}

node_major_layout make_node_major_layout(std::size_t n_variables,
                                         const std::vector<std::size_t>& neurons) {
    node_major_layout out;
    std::vector<std::size_t> position;  // first position of each distinct neuron
    std::set<std::size_t> seen;
    for (std::size_t k = 0; k < neurons.size(); ++k)
        if (seen.insert(neurons[k]).second) {
            out.node_ids.push_back(neurons[k]);
            position.push_back(k);
        }
    for (std::size_t pos : position)
        for (std::size_t v = 0; v < n_variables; ++v)
            out.source_column.push_back(v * neurons.size() + pos);
    return out;
}

// ---- the series machinery shared by populations, tables and weights -------------------------

report_series& sonata_writer::impl::at(std::vector<report_series>& list, std::size_t i,
                                       const char* kind) {
    if (i >= list.size())
        throw std::out_of_range("HDF5 report '" + ops.file() + "': no " + kind + " #" +
                                std::to_string(i));
    return list[i];
}

void sonata_writer::impl::require_open(const std::string& where) const {
    if (!file) throw std::logic_error(where + "the file is closed");
}

void sonata_writer::impl::check_time(const report_series& s, double t_ms) const {
    const double expected = s.start_ms + static_cast<double>(s.rows()) * s.step_ms;
    if (!(std::abs(t_ms - expected) <= 1e-6 * s.step_ms))
        throw std::logic_error("HDF5 report '" + ops.file() + "', " + s.path + ": row at t = " +
                               std::to_string(t_ms) + " ms, expected " +
                               std::to_string(expected) + " ms (start + rows * step)");
}

void sonata_writer::impl::write_time(report_series& s) {
    const double t[3] = {s.start_ms, s.start_ms + static_cast<double>(s.written) * s.step_ms,
                         s.step_ms};
    ops.check(H5Dwrite(s.time.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t),
              "writing " + s.path + "/mapping/time");
}

void sonata_writer::impl::write_buffer(report_series& s) {
    if (s.buffered == 0) return;
    try {
        if (s.columns.empty()) {
            ops.append_rows(s.data.get(), s.path + "/data", s.written, s.buffered, s.row_dims,
                            s.buffer.data());
        } else {
            std::vector<double> column(s.buffered);
            for (std::size_t c = 0; c < s.columns.size(); ++c) {
                for (std::size_t r = 0; r < s.buffered; ++r) column[r] = s.buffer[r * s.row_size + c];
                ops.append_rows(s.columns[c].get(), s.path, s.written, s.buffered, {}, column.data());
            }
        }
    } catch (...) {
        // A failed append (disk full) leaves the data sets as they were before it: every
        // column of a table, and `data`, back to the rows `time` describes.
        shrink_to_written(s);
        throw;
    }
    s.written += s.buffered;
    s.buffered = 0;
    if (s.timed) write_time(s);
}

/*
 * Room before writing. HDF5 does not recover from a write that fails half-way: after a
 * failed flush on a full disk the file opened, but data sets whose chunks or index nodes
 * were being written no longer read back, and no later flush repaired them. So the writer
 * asks the file system first (statvfs) and refuses a write that might not fit with an
 * output_error, before HDF5 starts it; the file on disk then stays as the last flush left
 * it. The estimate is generous: every buffered row plus one whole chunk per data set (a new
 * chunk is allocated whole), plus room for the metadata a flush writes (metadata_margin_bytes).
 */
double sonata_writer::impl::pending_bytes(const report_series& s) const {
    if (s.buffered == 0) return 0.0;
    const double rows = static_cast<double>(s.buffered + s.chunk_rows);
    if (!s.columns.empty()) return static_cast<double>(s.columns.size()) * rows * 8.0;
    return rows * static_cast<double>(s.row_size) * static_cast<double>(value_bytes());
}

double sonata_writer::impl::metadata_margin_bytes() const {
    std::size_t sets = pops.size() + weights.size();
    for (const auto& t : tables) sets += t.columns.size();
    return (64.0 + 4.0 * static_cast<double>(sets)) * 1024.0;
}

void sonata_writer::impl::require_space(double bytes) const {
    struct statvfs st {};
    if (::statvfs(folder.c_str(), &st) != 0) return;  // unknown: HDF5 reports what fails
    const double free = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
    const double needed = bytes + metadata_margin_bytes();
    if (free < needed)
        throw output_error(ops.file(), std::string(std::strerror(ENOSPC)) + " (" +
                                           std::to_string(static_cast<long long>(free / 1024)) +
                                           " KiB free; the next write of the report needs up to " +
                                           std::to_string(static_cast<long long>(needed / 1024)) + " KiB)");
}

void sonata_writer::impl::push_row(report_series& s, const double* row) {
    std::copy(row, row + s.row_size, s.buffer.data() + s.buffered * s.row_size);
    if (++s.buffered == s.chunk_rows) {
        require_space(pending_bytes(s));
        h5::quiet_errors quiet;
        write_buffer(s);
        flush_file();
    }
}

void sonata_writer::impl::shrink_to_written(report_series& s) noexcept {
    auto shrink = [&s](const h5::handle& set) {
        if (!set) return;
        std::vector<hsize_t> dims{s.written};
        dims.insert(dims.end(), s.row_dims.begin(), s.row_dims.end());
        H5Dset_extent(set.get(), dims.data());
    };
    shrink(s.data);
    for (const auto& c : s.columns) shrink(c);
}

void sonata_writer::impl::abandon() noexcept {
    if (!file) return;
    for (auto* list : {&pops, &tables, &weights})
        for (auto& s : *list) {
            s.buffered = 0;
            shrink_to_written(s);
        }
    try {
        close(false);
    } catch (...) {
        // Nothing more can be done for a file whose flush failed; every identifier is
        // released either way, so nothing is left for an exit-time cleanup.
    }
}

void sonata_writer::impl::flush_file() {
    ops.check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flushing");
}

void sonata_writer::impl::close(bool check_space) {
    if (!file) return;
    if (check_space) {
        double bytes = 0.0;
        for (auto* list : {&pops, &tables, &weights})
            for (const auto& s : *list) bytes += pending_bytes(s);
        require_space(bytes);
    }
    std::exception_ptr error;
    auto attempt = [&error](auto&& step) {
        try {
            step();
        } catch (...) {
            if (!error) error = std::current_exception();
        }
    };
    for (auto* list : {&pops, &tables, &weights})
        for (auto& s : *list) attempt([&] { write_buffer(s); });
    attempt([&] { flush_file(); });
    for (auto* list : {&pops, &tables, &weights}) {
        for (auto& s : *list) {
            attempt([&] { ops.close(s.data, "closing " + s.path + "/data"); });
            attempt([&] { ops.close(s.time, "closing " + s.path + "/mapping/time"); });
            for (auto& c : s.columns) attempt([&] { ops.close(c, "closing " + s.path); });
            std::vector<double>().swap(s.buffer);  // sizes stay available for rows()
        }
    }
    attempt([&] { ops.close(report, "closing /report"); });
    attempt([&] { ops.close(file, "closing the file"); });
    if (error) std::rethrow_exception(error);
}

// ---- the writer -----------------------------------------------------------------------------

sonata_writer::sonata_writer(const std::string& path, sample_precision precision,
                             std::size_t chunk_rows)
    : impl_(std::make_unique<impl>(path, precision, chunk_rows)) {
    if (chunk_rows == 0) throw std::invalid_argument("HDF5 report: chunk_rows must be positive");
    const std::string parent = std::filesystem::path(path).parent_path().string();
    impl_->folder = parent.empty() ? "." : parent;
    impl_->require_space(0.0);
    h5::quiet_errors quiet;
    // Created under a temporary name and renamed once it is a whole HDF5 file: a process
    // killed while the superblock is being written leaves no report.h5 rather than one that
    // does not open.
    const std::string part = path + ".part";
    impl_->file = impl_->ops.own(H5Fcreate(part.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                                 H5Fclose, "creating the file");
    try {
        impl_->report = impl_->ops.group(impl_->file.get(), "report");
        impl_->flush_file();
        if (std::rename(part.c_str(), path.c_str()) != 0)
            throw output_error(path, std::string("renaming from ") + part + ": " + std::strerror(errno));
    } catch (...) {
        impl_->abandon();
        std::remove(part.c_str());
        throw;
    }
}

sonata_writer::sonata_writer(const std::string& path, sample_precision precision,
                             std::size_t chunk_rows, const sonata_positions& at)
    : impl_(std::make_unique<impl>(path, precision, chunk_rows)) {
    if (chunk_rows == 0) throw std::invalid_argument("HDF5 report: chunk_rows must be positive");
    const std::string parent = std::filesystem::path(path).parent_path().string();
    impl_->folder = parent.empty() ? "." : parent;
    impl_->resuming = true;
    impl_->resume_at = at;
    h5::quiet_errors quiet;
    impl_->file = impl_->ops.own(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose,
                                 "opening the report of the run to resume");
    impl_->report = impl_->ops.own(H5Gopen2(impl_->file.get(), "report", H5P_DEFAULT), H5Gclose,
                                   "opening /report");
}

std::size_t sonata_writer::impl::resume(report_series s, std::vector<report_series>& list,
                                        const std::vector<std::size_t>& rows, const char* kind,
                                        const std::vector<std::string>& columns) {
    const std::size_t index = list.size();
    if (index >= rows.size())
        throw output_error(ops.file(), std::string("the checkpoint knows ") + std::to_string(rows.size()) + " " +
                                           kind + "(s); the model adds more (" + s.path + ")");
    const h5::handle group = ops.own(H5Gopen2(file.get(), s.path.c_str(), H5P_DEFAULT), H5Gclose, "opening " + s.path);
    if (columns.empty()) {
        s.data = ops.own(H5Dopen2(group.get(), "data", H5P_DEFAULT), H5Dclose, "opening " + s.path + "/data");
        if (s.timed)
            s.time = ops.own(H5Dopen2(group.get(), "mapping/time", H5P_DEFAULT), H5Dclose,
                             "opening " + s.path + "/mapping/time");
    } else {
        for (const auto& c : columns)
            s.columns.push_back(ops.own(H5Dopen2(group.get(), c.c_str(), H5P_DEFAULT), H5Dclose,
                                        "opening " + s.path + "/" + c));
    }
    s.written = rows[index];
    // Rows written after the checkpoint (the run went on before it stopped) are dropped.
    auto cut = [&](const h5::handle& set) {
        std::vector<hsize_t> dims{s.written};
        dims.insert(dims.end(), s.row_dims.begin(), s.row_dims.end());
        ops.check(H5Dset_extent(set.get(), dims.data()), "cutting " + s.path + " back to the checkpoint");
    };
    if (s.data) cut(s.data);
    for (const auto& c : s.columns) cut(c);
    if (s.timed) write_time(s);
    s.buffer.assign(s.chunk_rows * s.row_size, 0.0);
    list.push_back(std::move(s));
    return index;
}

sonata_positions sonata_writer::positions() const {
    sonata_positions p;
    for (const auto& s : impl_->pops) p.populations.push_back(s.rows());
    for (const auto& s : impl_->tables) p.tables.push_back(s.rows());
    for (const auto& s : impl_->weights) p.weights.push_back(s.rows());
    return p;
}

sonata_writer::~sonata_writer() {
    if (!impl_) return;
    h5::quiet_errors quiet;
    try {
        impl_->close();
    } catch (...) {
        // close() reports errors to callers who want them; here the file is at least closed
        // on the error path, so no identifier is left open.
        impl_->abandon();
    }
}

sonata_writer::sonata_writer(sonata_writer&&) noexcept = default;
sonata_writer& sonata_writer::operator=(sonata_writer&&) noexcept = default;

void sonata_writer::set_file_attribute(const std::string& name, const std::string& value) {
    if (!impl_->file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    if (impl_->resuming) return;  // the run being continued wrote them
    h5::quiet_errors quiet;
    impl_->ops.string_attribute(impl_->file.get(), name, value);
}

std::size_t sonata_writer::add_population(const sonata_population_desc& d) {
    impl& w = *impl_;
    const std::string where = "HDF5 report '" + w.ops.file() + "', population '" + d.name + "': ";
    w.require_open(where);
    if (d.name.empty() || d.name.find('/') != std::string::npos || d.name == ".")
        throw std::invalid_argument(where + "needs a non-empty name without '/'");
    for (const auto& p : w.pops)
        if (p.path == "/report/" + d.name) throw std::invalid_argument(where + "added twice");
    if (d.node_ids.empty()) throw std::invalid_argument(where + "records no nodes");
    if (std::set<std::uint64_t>(d.node_ids.begin(), d.node_ids.end()).size() != d.node_ids.size())
        throw std::invalid_argument(where + "lists a node twice");
    if (d.variables.empty()) throw std::invalid_argument(where + "records no variables");
    if (!d.units.empty() && d.units.size() != d.variables.size())
        throw std::invalid_argument(where + "needs one unit per variable");
    if (!(d.step_ms > 0.0) || !std::isfinite(d.step_ms) || !std::isfinite(d.start_ms))
        throw std::invalid_argument(where + "needs a finite start and a positive step");

    h5::quiet_errors quiet;
    const h5::ops& ops = w.ops;
    const std::size_t n_vars = d.variables.size(), n_nodes = d.node_ids.size();
    report_series p;
    p.path = "/report/" + d.name;
    p.row_size = n_nodes * n_vars;
    p.row_dims = {p.row_size};
    p.chunk_rows = w.chunk_rows;
    p.timed = true;
    p.start_ms = d.start_ms;
    p.step_ms = d.step_ms;

    if (w.resuming) return w.resume(std::move(p), w.pops, w.resume_at.populations, "population", {});
    h5::handle group = ops.group(w.report.get(), d.name);
    for (const auto& [key, value] : d.attributes) ops.string_attribute(group.get(), key, value);
    h5::handle mapping = ops.group(group.get(), "mapping");

    // Mapping: node k owns columns [k * n_vars, (k + 1) * n_vars), one per variable.
    {
        h5::handle node_ids = ops.vector(mapping.get(), "node_ids", H5T_STD_U64LE,
                                         H5T_NATIVE_UINT64, d.node_ids);
        ops.u8_attribute(node_ids.get(), "sorted",
                         std::is_sorted(d.node_ids.begin(), d.node_ids.end()) ? 1 : 0);
        std::vector<std::uint64_t> index_pointers(n_nodes + 1);
        for (std::size_t k = 0; k <= n_nodes; ++k) index_pointers[k] = k * n_vars;
        ops.vector(mapping.get(), "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                   index_pointers);
        std::vector<std::uint32_t> element_ids(p.row_size);
        for (std::size_t c = 0; c < p.row_size; ++c)
            element_ids[c] = static_cast<std::uint32_t>(c % n_vars);
        ops.vector(mapping.get(), "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, element_ids);
    }
    const std::vector<std::string> units =
        d.units.empty() ? std::vector<std::string>(n_vars, "1") : d.units;
    {
        h5::handle variables = ops.strings(mapping.get(), "variables", d.variables);
        ops.strings_attribute(variables.get(), "units", units);
    }
    {
        const std::vector<double> t = {d.start_ms, d.start_ms, d.step_ms};
        p.time = ops.vector(mapping.get(), "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, t);
        ops.string_attribute(p.time.get(), "units", "ms");
    }

    // data: time x elements, extendible along time, chunked; a very wide record is split into
    // column blocks of at most max_chunk_bytes per chunk.
    {
        const std::size_t chunk_cols = std::clamp<std::size_t>(
            h5::max_chunk_bytes / (w.chunk_rows * w.value_bytes()), 1, p.row_size);
        p.data = ops.extendible(group.get(), "data", w.value_type(), p.row_dims,
                                {w.chunk_rows, chunk_cols});
        // SONATA has one unit per data set; with mixed units the per-variable list in
        // mapping/variables is the reference.
        const bool same = std::all_of(units.begin(), units.end(),
                                      [&](const std::string& u) { return u == units.front(); });
        ops.string_attribute(p.data.get(), "units", same ? units.front() : "mixed");
    }
    ops.close(mapping, "closing " + p.path + "/mapping");
    ops.close(group, "closing " + p.path);
    w.require_space(0.0);  // the new objects' metadata
    w.flush_file();

    p.buffer.assign(p.chunk_rows * p.row_size, 0.0);
    w.pops.push_back(std::move(p));
    return w.pops.size() - 1;
}

void sonata_writer::append(std::size_t population, double t_ms, const double* row) {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    report_series& p = w.at(w.pops, population, "population");
    w.check_time(p, t_ms);
    w.push_row(p, row);
}

void sonata_writer::flush() {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    double bytes = 0.0;
    for (auto* list : {&w.pops, &w.tables, &w.weights})
        for (const auto& s : *list) bytes += w.pending_bytes(s);
    w.require_space(bytes);
    h5::quiet_errors quiet;
    for (auto* list : {&w.pops, &w.tables, &w.weights})
        for (auto& s : *list) w.write_buffer(s);
    w.flush_file();
}

void sonata_writer::flush_tables() {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    double bytes = 0.0;
    for (const auto& s : w.tables) bytes += w.pending_bytes(s);
    w.require_space(bytes);
    h5::quiet_errors quiet;
    for (auto& s : w.tables) w.write_buffer(s);
    w.flush_file();
}

void sonata_writer::abandon() noexcept {
    h5::quiet_errors quiet;
    impl_->abandon();
}

void sonata_writer::close() {
    h5::quiet_errors quiet;
    impl_->close();
}

const std::string& sonata_writer::path() const { return impl_->ops.file(); }
std::size_t sonata_writer::populations() const { return impl_->pops.size(); }
std::size_t sonata_writer::width(std::size_t population) const {
    return impl_->at(impl_->pops, population, "population").row_size;
}
std::size_t sonata_writer::rows(std::size_t population) const {
    return impl_->at(impl_->pops, population, "population").rows();
}
std::size_t sonata_writer::chunk_rows() const { return impl_->chunk_rows; }

} // namespace cortexsim

// sonata_writer's series outside /report: tables stored column by column (/summary/...,
// /weight_stats/<name>) and weight-matrix snapshots (/weights/<name>). Both are buffered and
// flushed chunk by chunk like the report's populations (sonata_writer.cpp).
#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/recording/sonata_writer.hpp"
#include "core/recording/sonata_writer_impl.hpp"

namespace cortexsim {

namespace {

bool valid_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::size_t sonata_writer::add_table(const report_table_desc& d) {
    impl& w = *impl_;
    const std::string where = "HDF5 report '" + w.ops.file() + "', table '" + d.path + "': ";
    w.require_open(where);
    if (d.path.empty() || d.path.front() == '/' || d.path.back() == '/')
        throw std::invalid_argument(where + "needs a relative group path");
    for (const auto& t : w.tables)
        if (t.path == "/" + d.path) throw std::invalid_argument(where + "added twice");
    if (d.columns.empty()) throw std::invalid_argument(where + "has no columns");
    if (std::set<std::string>(d.columns.begin(), d.columns.end()).size() != d.columns.size())
        throw std::invalid_argument(where + "lists a column twice");
    for (const auto& c : d.columns)
        if (!valid_name(c)) throw std::invalid_argument(where + "bad column name '" + c + "'");

    h5::quiet_errors quiet;
    const h5::ops& ops = w.ops;
    report_series t;
    t.path = "/" + d.path;
    t.row_size = d.columns.size();
    t.chunk_rows = w.chunk_rows;
    if (w.resuming) return w.resume(std::move(t), w.tables, w.resume_at.tables, "table", d.columns);
    h5::handle group = ops.open_or_create_group(w.file.get(), d.path);
    ops.strings_attribute(group.get(), "columns", d.columns);
    for (const auto& [key, value] : d.attributes) ops.string_attribute(group.get(), key, value);
    for (const auto& c : d.columns) {
        t.columns.push_back(ops.extendible(group.get(), c, H5T_IEEE_F64LE, {}, {w.chunk_rows}));
        ops.string_attribute(t.columns.back().get(), "units", ends_with(c, "_ms") ? "ms" : "1");
    }
    ops.close(group, "closing " + t.path);
    w.require_space(0.0);  // the new objects' metadata
    w.flush_file();
    t.buffer.assign(t.chunk_rows * t.row_size, 0.0);
    w.tables.push_back(std::move(t));
    return w.tables.size() - 1;
}

void sonata_writer::append_table_row(std::size_t table, const double* row) {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    w.push_row(w.at(w.tables, table, "table"), row);
}

std::size_t sonata_writer::table_rows(std::size_t table) const {
    return impl_->at(impl_->tables, table, "table").rows();
}

std::size_t sonata_writer::add_weight_series(const weight_series_desc& d) {
    impl& w = *impl_;
    const std::string where = "HDF5 report '" + w.ops.file() + "', weights '" + d.name + "': ";
    w.require_open(where);
    if (!valid_name(d.name))
        throw std::invalid_argument(where + "needs a non-empty name without '/'");
    for (const auto& s : w.weights)
        if (s.path == "/weights/" + d.name) throw std::invalid_argument(where + "added twice");
    if (d.post == 0 || d.pre == 0) throw std::invalid_argument(where + "needs a non-empty matrix");
    if (!d.connected.empty() && d.connected.size() != d.post * d.pre)
        throw std::invalid_argument(where + "needs one 'connected' flag per matrix entry");
    if (!(d.step_ms > 0.0) || !std::isfinite(d.step_ms) || !std::isfinite(d.start_ms))
        throw std::invalid_argument(where + "needs a finite start and a positive step");

    h5::quiet_errors quiet;
    const h5::ops& ops = w.ops;
    report_series s;
    s.path = "/weights/" + d.name;
    s.row_dims = {d.post, d.pre};
    s.row_size = d.post * d.pre;
    s.timed = true;
    s.start_ms = d.start_ms;
    s.step_ms = d.step_ms;
    // Whole snapshots per chunk while they fit in max_chunk_bytes (at most chunk_rows of
    // them); a larger matrix is split into blocks of target rows, one snapshot deep.
    const std::size_t snapshot_bytes = s.row_size * w.value_bytes();
    s.chunk_rows = std::clamp<std::size_t>(h5::max_chunk_bytes / snapshot_bytes, 1, w.chunk_rows);
    const std::size_t post_block =
        std::clamp<std::size_t>(h5::max_chunk_bytes / (d.pre * w.value_bytes()), 1, d.post);

    if (w.resuming) return w.resume(std::move(s), w.weights, w.resume_at.weights, "weight series", {});
    h5::handle parent = ops.open_or_create_group(w.file.get(), "weights");
    h5::handle group = ops.group(parent.get(), d.name);
    for (const auto& [key, value] : d.attributes) ops.string_attribute(group.get(), key, value);
    s.data = ops.extendible(group.get(), "data", w.value_type(), s.row_dims,
                            {s.chunk_rows, post_block, d.pre});
    ops.string_attribute(s.data.get(), "units", "1");
    h5::handle mapping = ops.group(group.get(), "mapping");
    {
        const std::vector<double> t = {d.start_ms, d.start_ms, d.step_ms};
        s.time = ops.vector(mapping.get(), "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, t);
        ops.string_attribute(s.time.get(), "units", "ms");
    }
    {
        const std::vector<std::uint8_t> connected =
            d.connected.empty() ? std::vector<std::uint8_t>(s.row_size, 1) : d.connected;
        const hsize_t dims[2] = {d.post, d.pre};
        h5::handle space = ops.own(H5Screate_simple(2, dims, nullptr), H5Sclose,
                                   "creating a dataspace");
        h5::handle set = ops.own(H5Dcreate2(mapping.get(), "connected", H5T_STD_U8LE, space.get(),
                                            H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 H5Dclose, "creating " + s.path + "/mapping/connected");
        ops.check(H5Dwrite(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           connected.data()),
                  "writing " + s.path + "/mapping/connected");
    }
    ops.close(mapping, "closing " + s.path + "/mapping");
    ops.close(group, "closing " + s.path);
    w.require_space(0.0);  // the new objects' metadata
    w.flush_file();
    s.buffer.assign(s.chunk_rows * s.row_size, 0.0);
    w.weights.push_back(std::move(s));
    return w.weights.size() - 1;
}

void sonata_writer::append_weights(std::size_t series, double t_ms, const double* weights) {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    report_series& s = w.at(w.weights, series, "weight series");
    w.check_time(s, t_ms);
    w.push_row(s, weights);
}

std::size_t sonata_writer::weight_snapshots(std::size_t series) const {
    return impl_->at(impl_->weights, series, "weight series").rows();
}

} // namespace cortexsim

#include "core/recording/sonata_writer.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>
#include <utility>

#include <hdf5.h>

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
 * "open for writing" flag, so such a file opens without `h5clear`.
 *
 * `time` = [start, stop, step] with stop exclusive, as libsonata reads it: rows =
 * (stop - start) / step. It always describes the rows on disk.
 */

namespace {

// ---- errors ---------------------------------------------------------------------------------

herr_t collect_error(unsigned, const H5E_error2_t* e, void* data) {
    auto* out = static_cast<std::vector<std::string>*>(data);
    if (e->desc != nullptr && *e->desc != '\0' && out->size() < 4) out->emplace_back(e->desc);
    return 0;
}

/// Throws std::runtime_error for the failed operation `what`, with the messages on HDF5's
/// error stack (which the failing call left there).
[[noreturn]] void fail(const std::string& file, const std::string& what) {
    std::vector<std::string> messages;
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &messages) < 0) messages.clear();
    std::string detail;
    for (const auto& m : messages) detail += (detail.empty() ? ": " : "; ") + m;
    throw std::runtime_error("HDF5 report '" + file + "': " + what + " failed" + detail);
}

/// Turns HDF5's automatic printing of its error stack to stderr off while it lives (our
/// exceptions carry the messages instead) and restores the previous setting.
class quiet_errors {
public:
    quiet_errors() noexcept {
        saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
        if (saved_) saved_ = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
    }
    ~quiet_errors() {
        if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
    }
    quiet_errors(const quiet_errors&) = delete;
    quiet_errors& operator=(const quiet_errors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
    bool saved_ = false;
};

// ---- handles --------------------------------------------------------------------------------

/// Owns one HDF5 identifier and closes it with the matching H5?close; move-only.
class h5_handle {
public:
    using closer = herr_t (*)(hid_t);
    h5_handle() noexcept = default;
    h5_handle(hid_t id, closer close) noexcept : id_(id), close_(close) {}
    ~h5_handle() { close(); }
    h5_handle(const h5_handle&) = delete;
    h5_handle& operator=(const h5_handle&) = delete;
    h5_handle(h5_handle&& o) noexcept
        : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    h5_handle& operator=(h5_handle&& o) noexcept {
        if (this != &o) {
            close();
            id_ = std::exchange(o.id_, H5I_INVALID_HID);
            close_ = o.close_;
        }
        return *this;
    }

    hid_t get() const noexcept { return id_; }
    explicit operator bool() const noexcept { return id_ >= 0; }
    /// Closes now; false if HDF5 reported a failure (the identifier is released either way).
    bool close() noexcept {
        if (id_ < 0) return true;
        const herr_t rc = close_(std::exchange(id_, H5I_INVALID_HID));
        return rc >= 0;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    closer close_ = nullptr;
};

/// Creation and checking bound to one file name, for the error messages.
class h5_ops {
public:
    explicit h5_ops(std::string file) : file_(std::move(file)) {}

    h5_handle own(hid_t id, h5_handle::closer close, const std::string& what) const {
        if (id < 0) fail(file_, what);
        return {id, close};
    }
    void check(herr_t rc, const std::string& what) const {
        if (rc < 0) fail(file_, what);
    }
    /// Closes `h`, throwing if HDF5 reports a failure.
    void close(h5_handle& h, const std::string& what) const {
        if (!h.close()) fail(file_, what);
    }
    const std::string& file() const { return file_; }

    h5_handle string_type() const {
        h5_handle t = own(H5Tcopy(H5T_C_S1), H5Tclose, "creating a string type");
        check(H5Tset_size(t.get(), H5T_VARIABLE), "setting a variable string size");
        check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "setting UTF-8 strings");
        return t;
    }
    h5_handle group(hid_t loc, const std::string& name) const {
        return own(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Gclose, "creating group '" + name + "'");
    }

    /// A one-dimensional, contiguous data set holding `values` (converted to `file_type`).
    template <class T>
    h5_handle vector(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type,
                     const std::vector<T>& values) const {
        const hsize_t n = values.size();
        h5_handle space = own(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
        h5_handle set = own(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                       H5P_DEFAULT, H5P_DEFAULT),
                            H5Dclose, "creating data set '" + name + "'");
        if (n > 0)
            check(H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                  "writing '" + name + "'");
        return set;
    }
    h5_handle strings(hid_t loc, const std::string& name,
                      const std::vector<std::string>& values) const {
        std::vector<const char*> ptrs;
        for (const auto& s : values) ptrs.push_back(s.c_str());
        h5_handle type = string_type();
        return vector(loc, name, type.get(), type.get(), ptrs);
    }

    void string_attribute(hid_t loc, const std::string& name, const std::string& value) const {
        h5_handle type = string_type();
        h5_handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
        const htri_t exists = H5Aexists(loc, name.c_str());
        check(exists, "looking up attribute '" + name + "'");
        if (exists > 0) check(H5Adelete(loc, name.c_str()), "replacing attribute '" + name + "'");
        h5_handle attr = own(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                        H5P_DEFAULT),
                             H5Aclose, "creating attribute '" + name + "'");
        const char* p = value.c_str();
        check(H5Awrite(attr.get(), type.get(), &p), "writing attribute '" + name + "'");
        close(attr, "closing attribute '" + name + "'");
    }
    void strings_attribute(hid_t loc, const std::string& name,
                           const std::vector<std::string>& values) const {
        std::vector<const char*> ptrs;
        for (const auto& s : values) ptrs.push_back(s.c_str());
        const hsize_t n = ptrs.size();
        h5_handle type = string_type();
        h5_handle space = own(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
        h5_handle attr = own(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                        H5P_DEFAULT),
                             H5Aclose, "creating attribute '" + name + "'");
        check(H5Awrite(attr.get(), type.get(), ptrs.data()), "writing attribute '" + name + "'");
        close(attr, "closing attribute '" + name + "'");
    }
    void u8_attribute(hid_t loc, const std::string& name, std::uint8_t value) const {
        h5_handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
        h5_handle attr = own(H5Acreate2(loc, name.c_str(), H5T_STD_U8LE, space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT),
                             H5Aclose, "creating attribute '" + name + "'");
        check(H5Awrite(attr.get(), H5T_NATIVE_UINT8, &value), "writing attribute '" + name + "'");
        close(attr, "closing attribute '" + name + "'");
    }

private:
    std::string file_;
};

/// Largest chunk, in bytes, of a `data` set: bounds the columns per chunk for very wide
/// records, so reading one column back does not drag in the whole row block.
constexpr std::size_t max_chunk_bytes = std::size_t{1} << 20;

} // namespace

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

// ---- the writer -----------------------------------------------------------------------------

namespace {
struct population_state {
    std::string name;
    std::size_t width = 0;
    double start_ms = 0.0, step_ms = 1.0;
    h5_handle data, time;       // kept open: appended to / rewritten at every chunk
    std::vector<double> buffer; // chunk_rows x width, row-major
    std::size_t buffered = 0;   // rows in the buffer
    std::size_t written = 0;    // rows in the file
};
} // namespace

struct sonata_writer::impl {
    impl(const std::string& p, sample_precision prec, std::size_t rows)
        : ops(p), precision(prec), chunk_rows(rows) {}

    h5_ops ops;
    sample_precision precision;
    std::size_t chunk_rows;
    // Declared first, destroyed last: every other identifier lives in this file.
    h5_handle file;
    h5_handle report;
    std::vector<population_state> pops;

    population_state& population(std::size_t i) {
        if (i >= pops.size())
            throw std::out_of_range("HDF5 report '" + ops.file() + "': no population #" +
                                    std::to_string(i));
        return pops[i];
    }

    void write_time(population_state& p) {
        const double t[3] = {p.start_ms, p.start_ms + static_cast<double>(p.written) * p.step_ms,
                             p.step_ms};
        ops.check(H5Dwrite(p.time.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t),
                  "writing /report/" + p.name + "/mapping/time");
    }

    /// Appends the buffered rows of `p` to its data set.
    void write_buffer(population_state& p) {
        if (p.buffered == 0) return;
        const std::string where = "appending to /report/" + p.name + "/data";
        const hsize_t dims[2] = {p.written + p.buffered, p.width};
        ops.check(H5Dset_extent(p.data.get(), dims), where);
        h5_handle file_space = ops.own(H5Dget_space(p.data.get()), H5Sclose, where);
        const hsize_t start[2] = {p.written, 0}, count[2] = {p.buffered, p.width};
        ops.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count,
                                      nullptr),
                  where);
        h5_handle mem_space = ops.own(H5Screate_simple(2, count, nullptr), H5Sclose, where);
        ops.check(H5Dwrite(p.data.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(),
                           H5P_DEFAULT, p.buffer.data()),
                  where);
        p.written += p.buffered;
        p.buffered = 0;
        write_time(p);
    }

    void flush_file() { ops.check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flushing"); }

    /// Writes what is buffered and closes every identifier, file last. Every step is tried
    /// even after a failure (identifiers are released either way); the first failure is
    /// rethrown. Population sizes stay available for rows() and width().
    void close() {
        if (!file) return;
        std::exception_ptr error;
        auto attempt = [&error](auto&& step) {
            try {
                step();
            } catch (...) {
                if (!error) error = std::current_exception();
            }
        };
        for (auto& p : pops) attempt([&] { write_buffer(p); });
        attempt([&] { flush_file(); });
        for (auto& p : pops) {
            attempt([&] { ops.close(p.data, "closing /report/" + p.name + "/data"); });
            attempt([&] { ops.close(p.time, "closing /report/" + p.name + "/mapping/time"); });
            std::vector<double>().swap(p.buffer);
        }
        attempt([&] { ops.close(report, "closing /report"); });
        attempt([&] { ops.close(file, "closing the file"); });
        if (error) std::rethrow_exception(error);
    }
};

sonata_writer::sonata_writer(const std::string& path, sample_precision precision,
                             std::size_t chunk_rows)
    : impl_(std::make_unique<impl>(path, precision, chunk_rows)) {
    if (chunk_rows == 0) throw std::invalid_argument("HDF5 report: chunk_rows must be positive");
    quiet_errors quiet;
    impl_->file = impl_->ops.own(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                                 H5Fclose, "creating the file");
    impl_->report = impl_->ops.group(impl_->file.get(), "report");
    impl_->flush_file();
}

sonata_writer::~sonata_writer() {
    if (!impl_) return;
    quiet_errors quiet;
    try {
        impl_->close();
    } catch (...) {
        // Best effort only; close() reports errors to callers who want them.
    }
}

sonata_writer::sonata_writer(sonata_writer&&) noexcept = default;
sonata_writer& sonata_writer::operator=(sonata_writer&&) noexcept = default;

void sonata_writer::set_file_attribute(const std::string& name, const std::string& value) {
    if (!impl_->file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    quiet_errors quiet;
    impl_->ops.string_attribute(impl_->file.get(), name, value);
}

std::size_t sonata_writer::add_population(const sonata_population_desc& d) {
    impl& w = *impl_;
    const std::string where = "HDF5 report '" + w.ops.file() + "', population '" + d.name + "': ";
    if (!w.file) throw std::logic_error(where + "the file is closed");
    if (d.name.empty() || d.name.find('/') != std::string::npos || d.name == ".")
        throw std::invalid_argument(where + "needs a non-empty name without '/'");
    for (const auto& p : w.pops)
        if (p.name == d.name) throw std::invalid_argument(where + "added twice");
    if (d.node_ids.empty()) throw std::invalid_argument(where + "records no nodes");
    if (std::set<std::uint64_t>(d.node_ids.begin(), d.node_ids.end()).size() != d.node_ids.size())
        throw std::invalid_argument(where + "lists a node twice");
    if (d.variables.empty()) throw std::invalid_argument(where + "records no variables");
    if (!d.units.empty() && d.units.size() != d.variables.size())
        throw std::invalid_argument(where + "needs one unit per variable");
    if (!(d.step_ms > 0.0) || !std::isfinite(d.step_ms) || !std::isfinite(d.start_ms))
        throw std::invalid_argument(where + "needs a finite start and a positive step");

    quiet_errors quiet;
    const h5_ops& ops = w.ops;
    const std::size_t n_vars = d.variables.size(), n_nodes = d.node_ids.size();
    population_state p;
    p.name = d.name;
    p.width = n_nodes * n_vars;
    p.start_ms = d.start_ms;
    p.step_ms = d.step_ms;

    h5_handle group = ops.group(w.report.get(), d.name);
    for (const auto& [key, value] : d.attributes) ops.string_attribute(group.get(), key, value);
    h5_handle mapping = ops.group(group.get(), "mapping");

    // Mapping: node k owns columns [k * n_vars, (k + 1) * n_vars), one per variable.
    {
        h5_handle node_ids = ops.vector(mapping.get(), "node_ids", H5T_STD_U64LE,
                                        H5T_NATIVE_UINT64, d.node_ids);
        ops.u8_attribute(node_ids.get(), "sorted",
                         std::is_sorted(d.node_ids.begin(), d.node_ids.end()) ? 1 : 0);
        std::vector<std::uint64_t> index_pointers(n_nodes + 1);
        for (std::size_t k = 0; k <= n_nodes; ++k) index_pointers[k] = k * n_vars;
        ops.vector(mapping.get(), "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                   index_pointers);
        std::vector<std::uint32_t> element_ids(p.width);
        for (std::size_t c = 0; c < p.width; ++c)
            element_ids[c] = static_cast<std::uint32_t>(c % n_vars);
        ops.vector(mapping.get(), "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, element_ids);
    }
    const std::vector<std::string> units =
        d.units.empty() ? std::vector<std::string>(n_vars, "1") : d.units;
    {
        h5_handle variables = ops.strings(mapping.get(), "variables", d.variables);
        ops.strings_attribute(variables.get(), "units", units);
    }
    {
        const std::vector<double> t = {d.start_ms, d.start_ms, d.step_ms};
        p.time = ops.vector(mapping.get(), "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, t);
        ops.string_attribute(p.time.get(), "units", "ms");
    }

    // data: time x elements, extendible along time, chunked.
    {
        const std::size_t value_bytes = w.precision == sample_precision::float64 ? 8 : 4;
        const std::size_t chunk_cols = std::clamp<std::size_t>(
            max_chunk_bytes / (w.chunk_rows * value_bytes), 1, p.width);
        const hsize_t dims[2] = {0, p.width}, max_dims[2] = {H5S_UNLIMITED, p.width};
        const hsize_t chunk[2] = {w.chunk_rows, chunk_cols};
        h5_handle space = ops.own(H5Screate_simple(2, dims, max_dims), H5Sclose,
                                  "creating the data space of '" + d.name + "'");
        h5_handle dcpl = ops.own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose,
                                 "creating a property list");
        ops.check(H5Pset_chunk(dcpl.get(), 2, chunk), "setting the chunk size");
        const hid_t file_type =
            w.precision == sample_precision::float64 ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
        p.data = ops.own(H5Dcreate2(group.get(), "data", file_type, space.get(), H5P_DEFAULT,
                                    dcpl.get(), H5P_DEFAULT),
                         H5Dclose, "creating /report/" + d.name + "/data");
        // SONATA has one unit per data set; with mixed units the per-variable list in
        // mapping/variables is the reference.
        const bool same = std::all_of(units.begin(), units.end(),
                                      [&](const std::string& u) { return u == units.front(); });
        ops.string_attribute(p.data.get(), "units", same ? units.front() : "mixed");
    }
    ops.close(mapping, "closing /report/" + d.name + "/mapping");
    ops.close(group, "closing /report/" + d.name);
    w.flush_file();

    p.buffer.assign(w.chunk_rows * p.width, 0.0);
    w.pops.push_back(std::move(p));
    return w.pops.size() - 1;
}

void sonata_writer::append(std::size_t population, double t_ms, const double* row) {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    population_state& p = w.population(population);
    const double expected = p.start_ms + static_cast<double>(p.written + p.buffered) * p.step_ms;
    if (!(std::abs(t_ms - expected) <= 1e-6 * p.step_ms))
        throw std::logic_error("HDF5 report '" + path() + "', population '" + p.name +
                               "': row at t = " + std::to_string(t_ms) + " ms, expected " +
                               std::to_string(expected) + " ms (start + rows * step)");
    std::copy(row, row + p.width, p.buffer.data() + p.buffered * p.width);
    if (++p.buffered == w.chunk_rows) {
        quiet_errors quiet;
        w.write_buffer(p);
        w.flush_file();
    }
}

void sonata_writer::flush() {
    impl& w = *impl_;
    if (!w.file) throw std::logic_error("HDF5 report '" + path() + "' is closed");
    quiet_errors quiet;
    for (auto& p : w.pops) w.write_buffer(p);
    w.flush_file();
}

void sonata_writer::close() {
    quiet_errors quiet;
    impl_->close();
}

const std::string& sonata_writer::path() const { return impl_->ops.file(); }
std::size_t sonata_writer::populations() const { return impl_->pops.size(); }
std::size_t sonata_writer::width(std::size_t population) const {
    return impl_->population(population).width;
}
std::size_t sonata_writer::rows(std::size_t population) const {
    const population_state& p = impl_->population(population);
    return p.written + p.buffered;
}
std::size_t sonata_writer::chunk_rows() const { return impl_->chunk_rows; }

} // namespace cortexsim

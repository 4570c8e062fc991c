#pragma once
// Test support: read report files back with the HDF5 C API (independently of the writer's own
// code) and CSV traces back as doubles. Failures throw std::runtime_error naming what failed.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace cortexsim::testing {

/// Owns one HDF5 identifier.
class h5_id {
public:
    h5_id(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
        if (id < 0) throw std::runtime_error("HDF5: " + what + " failed");
    }
    ~h5_id() {
        if (id_ >= 0) close_(id_);
    }
    h5_id(const h5_id&) = delete;
    h5_id& operator=(const h5_id&) = delete;
    h5_id(h5_id&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
    hid_t get() const { return id_; }

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

inline void h5_check(herr_t rc, const std::string& what) {
    if (rc < 0) throw std::runtime_error("HDF5: " + what + " failed");
}

/// Opens a report read-only, without HDF5 printing its error stack on failure.
inline h5_id h5_open(const std::string& path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return h5_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening " + path);
}

/// Whether `path` (absolute, "/a/b/c") names an object; every prefix is checked first.
inline bool h5_exists(hid_t file, const std::string& path) {
    std::size_t pos = 0;
    while ((pos = path.find('/', pos + 1)) != std::string::npos)
        if (H5Lexists(file, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
    return H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0;
}

struct h5_dataset_info {
    H5T_class_t type_class = H5T_NO_CLASS;
    std::size_t type_size = 0;
    bool is_signed = false;
    std::vector<hsize_t> dims, max_dims, chunk;  ///< chunk empty if not chunked
};

inline h5_dataset_info h5_info(hid_t file, const std::string& path) {
    h5_id set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "opening " + path);
    h5_id type(H5Dget_type(set.get()), H5Tclose, "type of " + path);
    h5_id space(H5Dget_space(set.get()), H5Sclose, "space of " + path);
    h5_id dcpl(H5Dget_create_plist(set.get()), H5Pclose, "plist of " + path);
    h5_dataset_info info;
    info.type_class = H5Tget_class(type.get());
    info.type_size = H5Tget_size(type.get());
    if (info.type_class == H5T_INTEGER) info.is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0) throw std::runtime_error("HDF5: rank of " + path);
    info.dims.resize(static_cast<std::size_t>(rank));
    info.max_dims.resize(static_cast<std::size_t>(rank));
    h5_check(H5Sget_simple_extent_dims(space.get(), info.dims.data(), info.max_dims.data()),
             "dims of " + path);
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
        info.chunk.resize(static_cast<std::size_t>(rank));
        h5_check(H5Pget_chunk(dcpl.get(), rank, info.chunk.data()), "chunk of " + path);
    }
    return info;
}

/// A whole numeric data set, converted by HDF5 to the memory type `mem_type` (T must match).
template <class T>
std::vector<T> h5_read(hid_t file, const std::string& path, hid_t mem_type) {
    const h5_dataset_info info = h5_info(file, path);
    std::size_t n = 1;
    for (hsize_t d : info.dims) n *= d;
    std::vector<T> out(n);
    h5_id set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "opening " + path);
    if (n > 0)
        h5_check(H5Dread(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 "reading " + path);
    return out;
}
inline std::vector<double> h5_doubles(hid_t f, const std::string& p) {
    return h5_read<double>(f, p, H5T_NATIVE_DOUBLE);
}
inline std::vector<float> h5_floats(hid_t f, const std::string& p) {
    return h5_read<float>(f, p, H5T_NATIVE_FLOAT);
}
inline std::vector<std::uint64_t> h5_u64(hid_t f, const std::string& p) {
    return h5_read<std::uint64_t>(f, p, H5T_NATIVE_UINT64);
}

namespace detail {
inline std::vector<std::string> read_vlen_strings(hid_t obj, hid_t space, bool attribute,
                                                  const std::string& what) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) throw std::runtime_error("HDF5: size of " + what);
    h5_id type(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    h5_check(H5Tset_size(type.get(), H5T_VARIABLE), "string size");
    h5_check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string cset");
    std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
    h5_check(attribute ? H5Aread(obj, type.get(), ptrs.data())
                       : H5Dread(obj, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
             "reading " + what);
    std::vector<std::string> out(ptrs.begin(), ptrs.end());
    h5_check(H5Dvlen_reclaim(type.get(), space, H5P_DEFAULT, ptrs.data()), "reclaiming " + what);
    return out;
}
} // namespace detail

/// A data set of variable-length strings.
inline std::vector<std::string> h5_strings(hid_t file, const std::string& path) {
    h5_id set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "opening " + path);
    h5_id space(H5Dget_space(set.get()), H5Sclose, "space of " + path);
    return detail::read_vlen_strings(set.get(), space.get(), false, path);
}

/// A string attribute (scalar: one element; array: all) of the object at `path`.
inline std::vector<std::string> h5_string_attribute(hid_t file, const std::string& path,
                                                    const std::string& name) {
    const std::string what = path + "@" + name;
    h5_id attr(H5Aopen_by_name(file, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, "opening " + what);
    h5_id space(H5Aget_space(attr.get()), H5Sclose, "space of " + what);
    return detail::read_vlen_strings(attr.get(), space.get(), true, what);
}

inline std::uint8_t h5_u8_attribute(hid_t file, const std::string& path, const std::string& name) {
    h5_id attr(H5Aopen_by_name(file, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose, "opening " + path + "@" + name);
    std::uint8_t v = 0;
    h5_check(H5Aread(attr.get(), H5T_NATIVE_UINT8, &v), "reading " + path + "@" + name);
    return v;
}

/// Names of the members of a group.
inline std::vector<std::string> h5_members(hid_t file, const std::string& path) {
    h5_id group(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose, "opening " + path);
    H5G_info_t info;
    h5_check(H5Gget_info(group.get(), &info), "info of " + path);
    std::vector<std::string> out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t len = H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                               nullptr, 0, H5P_DEFAULT);
        if (len < 0) throw std::runtime_error("HDF5: member names of " + path);
        std::string name(static_cast<std::size_t>(len) + 1, '\0');
        H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                           name.size(), H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(len));
        out.push_back(name);
    }
    return out;
}

/// A trace CSV: header names after `t_ms`, then one row of doubles (t_ms first) per line.
struct csv_table {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;
    std::size_t column(const std::string& name) const {
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i] == name) return i;
        throw std::runtime_error("no CSV column '" + name + "'");
    }
};

/// Reads only complete lines (a killed writer may leave half a line).
inline csv_table read_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    csv_table t;
    std::size_t begin = 0;
    bool header = true;
    while (begin < text.size()) {
        const std::size_t end = text.find('\n', begin);
        if (end == std::string::npos) break;
        const std::string line = text.substr(begin, end - begin);
        begin = end + 1;
        std::stringstream fields(line);
        std::string field;
        std::vector<double> row;
        bool first = true;
        while (std::getline(fields, field, ',')) {
            if (header) {
                if (!first) t.columns.push_back(field);
            } else {
                row.push_back(std::strtod(field.c_str(), nullptr));
            }
            first = false;
        }
        if (!header) t.rows.push_back(std::move(row));
        header = false;
    }
    return t;
}

} // namespace cortexsim::testing

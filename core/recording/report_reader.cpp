#include "core/recording/report_reader.hpp"

#include <stdexcept>

#include "core/recording/h5_support.hpp"

namespace cortexsim {

struct report_reader::impl {
    explicit impl(const std::string& p) : ops(p) {}
    h5::ops ops;
    h5::handle file;

    h5::handle dataset(const std::string& path) const {
        return ops.own(H5Dopen2(file.get(), path.c_str(), H5P_DEFAULT), H5Dclose,
                       "opening data set '" + path + "'");
    }
    /// Reads variable-length (or fixed-length) strings from a data set or attribute.
    std::vector<std::string> read_strings(hid_t obj, hid_t stored_type, hid_t space,
                                          bool attribute, const std::string& what) const {
        const hssize_t n = H5Sget_simple_extent_npoints(space);
        if (n < 0) h5::fail(ops.file(), "sizing " + what);
        std::vector<std::string> out;
        if (H5Tis_variable_str(stored_type) > 0) {
            h5::handle type = ops.string_type();
            std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
            ops.check(attribute ? H5Aread(obj, type.get(), ptrs.data())
                                : H5Dread(obj, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                          ptrs.data()),
                      "reading " + what);
            for (char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
            ops.check(H5Dvlen_reclaim(type.get(), space, H5P_DEFAULT, ptrs.data()),
                      "releasing " + what);
        } else {
            const std::size_t size = H5Tget_size(stored_type);
            std::vector<char> buf(size * static_cast<std::size_t>(n) + 1, '\0');
            ops.check(attribute ? H5Aread(obj, stored_type, buf.data())
                                : H5Dread(obj, stored_type, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                          buf.data()),
                      "reading " + what);
            for (hssize_t i = 0; i < n; ++i) {
                const char* s = buf.data() + static_cast<std::size_t>(i) * size;
                std::size_t len = 0;
                while (len < size && s[len] != '\0') ++len;
                out.emplace_back(s, len);
            }
        }
        return out;
    }
};

std::size_t report_reader::dataset_info::elements() const {
    std::size_t n = 1;
    for (std::uint64_t d : shape) n *= static_cast<std::size_t>(d);
    return n;
}

report_reader::report_reader(const std::string& path) : impl_(std::make_unique<impl>(path)) {
    h5::quiet_errors quiet;
    impl_->file = impl_->ops.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                                 "opening the file");
}

report_reader::~report_reader() = default;

const std::string& report_reader::path() const { return impl_->ops.file(); }

bool report_reader::exists(const std::string& object) const {
    h5::quiet_errors quiet;
    if (object == "/") return true;
    // H5Lexists needs every parent to exist: check the path level by level.
    std::size_t pos = 0;
    while ((pos = object.find('/', pos + 1)) != std::string::npos)
        if (H5Lexists(impl_->file.get(), object.substr(0, pos).c_str(), H5P_DEFAULT) <= 0)
            return false;
    return H5Lexists(impl_->file.get(), object.c_str(), H5P_DEFAULT) > 0;
}

bool report_reader::is_group(const std::string& object) const {
    if (!exists(object)) return false;
    h5::quiet_errors quiet;
    H5O_info_t info;
    impl_->ops.check(H5Oget_info_by_name(impl_->file.get(), object.c_str(), &info, H5P_DEFAULT),
                     "looking up '" + object + "'");
    return info.type == H5O_TYPE_GROUP;
}

std::vector<std::string> report_reader::members(const std::string& group) const {
    if (!is_group(group)) return {};
    h5::quiet_errors quiet;
    const h5::ops& ops = impl_->ops;
    h5::handle g = ops.own(H5Gopen2(impl_->file.get(), group.c_str(), H5P_DEFAULT), H5Gclose,
                           "opening group '" + group + "'");
    H5G_info_t info;
    ops.check(H5Gget_info(g.get(), &info), "listing '" + group + "'");
    std::vector<std::string> out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                               nullptr, 0, H5P_DEFAULT);
        if (len < 0) h5::fail(ops.file(), "listing '" + group + "'");
        std::string name(static_cast<std::size_t>(len) + 1, '\0');
        if (H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                               name.size(), H5P_DEFAULT) < 0)
            h5::fail(ops.file(), "listing '" + group + "'");
        name.resize(static_cast<std::size_t>(len));
        out.push_back(name);
    }
    return out;
}

report_reader::dataset_info report_reader::info(const std::string& path) const {
    h5::quiet_errors quiet;
    const h5::ops& ops = impl_->ops;
    h5::handle set = impl_->dataset(path);
    h5::handle type = ops.own(H5Dget_type(set.get()), H5Tclose, "typing '" + path + "'");
    h5::handle space = ops.own(H5Dget_space(set.get()), H5Sclose, "sizing '" + path + "'");
    dataset_info out;
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0) h5::fail(ops.file(), "sizing '" + path + "'");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) ops.check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr),
                            "sizing '" + path + "'");
    out.shape.assign(dims.begin(), dims.end());
    const std::size_t size = H5Tget_size(type.get());
    switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
        out.dtype = "float" + std::to_string(8 * size);
        out.element_bytes = size;
        break;
    case H5T_INTEGER:
        out.dtype = (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") +
                    std::to_string(8 * size);
        out.element_bytes = size;
        break;
    case H5T_STRING:
        out.dtype = "string";
        out.element_bytes = H5Tis_variable_str(type.get()) > 0 ? 0 : size;
        break;
    default:
        out.dtype = "other";
        out.element_bytes = size;
    }
    return out;
}

std::vector<double> report_reader::doubles(const std::string& path) const {
    const dataset_info i = info(path);
    if (i.dtype == "string" || i.dtype == "other")
        throw std::runtime_error("HDF5 report '" + impl_->ops.file() + "': '" + path +
                                 "' holds " + i.dtype + " values, not numbers");
    h5::quiet_errors quiet;
    h5::handle set = impl_->dataset(path);
    std::vector<double> out(i.elements());
    if (!out.empty())
        impl_->ops.check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                 out.data()),
                         "reading '" + path + "'");
    return out;
}

std::vector<double> report_reader::doubles_at(const std::string& path, std::uint64_t index) const {
    const dataset_info i = info(path);
    if (i.dtype == "string" || i.dtype == "other")
        throw std::runtime_error("HDF5 report '" + impl_->ops.file() + "': '" + path +
                                 "' holds " + i.dtype + " values, not numbers");
    if (i.shape.empty() || index >= i.shape[0])
        throw std::runtime_error("HDF5 report '" + impl_->ops.file() + "': '" + path + "' has " +
                                 std::to_string(i.shape.empty() ? 0 : i.shape[0]) +
                                 " rows, no row " + std::to_string(index));
    h5::quiet_errors quiet;
    h5::handle set = impl_->dataset(path);
    auto& ops = impl_->ops;
    h5::handle space = ops.own(H5Dget_space(set.get()), H5Sclose, "sizing '" + path + "'");
    std::vector<hsize_t> start(i.shape.size(), 0), count(i.shape.begin(), i.shape.end());
    start[0] = index;
    count[0] = 1;
    ops.check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                  count.data(), nullptr),
              "selecting row " + std::to_string(index) + " of '" + path + "'");
    std::size_t n = 1;
    for (std::size_t d = 1; d < i.shape.size(); ++d) n *= static_cast<std::size_t>(i.shape[d]);
    const hsize_t n_mem = n;
    h5::handle memory = ops.own(H5Screate_simple(1, &n_mem, nullptr), H5Sclose,
                                "sizing a row of '" + path + "'");
    std::vector<double> out(n);
    if (n > 0)
        ops.check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), H5P_DEFAULT,
                          out.data()),
                  "reading row " + std::to_string(index) + " of '" + path + "'");
    return out;
}

std::vector<std::string> report_reader::strings(const std::string& path) const {
    h5::quiet_errors quiet;
    const h5::ops& ops = impl_->ops;
    h5::handle set = impl_->dataset(path);
    h5::handle type = ops.own(H5Dget_type(set.get()), H5Tclose, "typing '" + path + "'");
    if (H5Tget_class(type.get()) != H5T_STRING)
        throw std::runtime_error("HDF5 report '" + ops.file() + "': '" + path +
                                 "' does not hold strings");
    h5::handle space = ops.own(H5Dget_space(set.get()), H5Sclose, "sizing '" + path + "'");
    return impl_->read_strings(set.get(), type.get(), space.get(), false, "'" + path + "'");
}

std::vector<std::string> report_reader::string_attribute(const std::string& object,
                                                         const std::string& name) const {
    if (!exists(object)) return {};
    h5::quiet_errors quiet;
    const h5::ops& ops = impl_->ops;
    const htri_t has = H5Aexists_by_name(impl_->file.get(), object.c_str(), name.c_str(),
                                         H5P_DEFAULT);
    ops.check(has, "looking up attribute '" + object + "@" + name + "'");
    if (has == 0) return {};
    const std::string what = "attribute '" + object + "@" + name + "'";
    h5::handle attr = ops.own(H5Aopen_by_name(impl_->file.get(), object.c_str(), name.c_str(),
                                              H5P_DEFAULT, H5P_DEFAULT),
                              H5Aclose, "opening " + what);
    h5::handle type = ops.own(H5Aget_type(attr.get()), H5Tclose, "typing " + what);
    if (H5Tget_class(type.get()) != H5T_STRING) return {};
    h5::handle space = ops.own(H5Aget_space(attr.get()), H5Sclose, "sizing " + what);
    return impl_->read_strings(attr.get(), type.get(), space.get(), true, what);
}

} // namespace cortexsim

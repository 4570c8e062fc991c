#include "core/recording/h5_support.hpp"

#include <stdexcept>

#include "core/errors.hpp"

namespace cortexsim::h5 {

namespace {
herr_t collect_error(unsigned, const H5E_error2_t* e, void* data) {
    auto* out = static_cast<std::vector<std::string>*>(data);
    if (e->desc != nullptr && *e->desc != '\0' && out->size() < 4) out->emplace_back(e->desc);
    return 0;
}
} // namespace

void fail(const std::string& file, const std::string& what, bool writing) {
    std::vector<std::string> messages;
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &messages) < 0) messages.clear();
    std::string detail;
    for (const auto& m : messages) detail += (detail.empty() ? ": " : "; ") + m;
    if (writing) throw output_error(file, "HDF5: " + what + " failed" + detail);
    throw std::runtime_error("HDF5 report '" + file + "': " + what + " failed" + detail);
}

void skip_exit_cleanup() noexcept {
    // Once per process; H5dont_atexit fails harmlessly once the library is initialised.
    static const bool done = [] {
        H5dont_atexit();
        return true;
    }();
    (void)done;
}

quiet_errors::quiet_errors() noexcept {
    skip_exit_cleanup();
    saved_ = H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0;
    if (saved_) saved_ = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
}

quiet_errors::~quiet_errors() {
    if (saved_) H5Eset_auto2(H5E_DEFAULT, func_, data_);
}

handle ops::string_type() const {
    handle t = own(H5Tcopy(H5T_C_S1), H5Tclose, "creating a string type");
    check(H5Tset_size(t.get(), H5T_VARIABLE), "setting a variable string size");
    check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "setting UTF-8 strings");
    return t;
}

handle ops::group(hid_t loc, const std::string& name) const {
    return own(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "creating group '" + name + "'");
}

handle ops::open_or_create_group(hid_t loc, const std::string& path) const {
    handle current;
    hid_t at = loc;
    std::size_t begin = 0;
    while (begin <= path.size()) {
        std::size_t end = path.find('/', begin);
        if (end == std::string::npos) end = path.size();
        const std::string name = path.substr(begin, end - begin);
        begin = end + 1;
        if (name.empty()) continue;
        const htri_t exists = H5Lexists(at, name.c_str(), H5P_DEFAULT);
        check(exists, "looking up group '" + name + "'");
        handle next = exists > 0 ? own(H5Gopen2(at, name.c_str(), H5P_DEFAULT), H5Gclose,
                                       "opening group '" + name + "'")
                                 : group(at, name);
        current = std::move(next);
        at = current.get();
    }
    if (!current) current = own(H5Oopen(loc, ".", H5P_DEFAULT), H5Oclose, "opening a group");
    return current;
}

handle ops::strings(hid_t loc, const std::string& name,
                    const std::vector<std::string>& values) const {
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    handle type = string_type();
    return vector(loc, name, type.get(), type.get(), ptrs);
}

void ops::string_attribute(hid_t loc, const std::string& name, const std::string& value) const {
    handle type = string_type();
    handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
    const htri_t exists = H5Aexists(loc, name.c_str());
    check(exists, "looking up attribute '" + name + "'");
    if (exists > 0) check(H5Adelete(loc, name.c_str()), "replacing attribute '" + name + "'");
    handle attr = own(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT),
                      H5Aclose, "creating attribute '" + name + "'");
    const char* p = value.c_str();
    check(H5Awrite(attr.get(), type.get(), &p), "writing attribute '" + name + "'");
    close(attr, "closing attribute '" + name + "'");
}

void ops::strings_attribute(hid_t loc, const std::string& name,
                            const std::vector<std::string>& values) const {
    std::vector<const char*> ptrs;
    for (const auto& s : values) ptrs.push_back(s.c_str());
    const hsize_t n = ptrs.size();
    handle type = string_type();
    handle space = own(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
    handle attr = own(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT),
                      H5Aclose, "creating attribute '" + name + "'");
    check(H5Awrite(attr.get(), type.get(), ptrs.data()), "writing attribute '" + name + "'");
    close(attr, "closing attribute '" + name + "'");
}

void ops::u8_attribute(hid_t loc, const std::string& name, std::uint8_t value) const {
    handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
    handle attr = own(H5Acreate2(loc, name.c_str(), H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT),
                      H5Aclose, "creating attribute '" + name + "'");
    check(H5Awrite(attr.get(), H5T_NATIVE_UINT8, &value), "writing attribute '" + name + "'");
    close(attr, "closing attribute '" + name + "'");
}

handle ops::extendible(hid_t loc, const std::string& name, hid_t file_type,
                       const std::vector<hsize_t>& row_dims,
                       const std::vector<hsize_t>& chunk) const {
    std::vector<hsize_t> dims{0}, max_dims{H5S_UNLIMITED};
    dims.insert(dims.end(), row_dims.begin(), row_dims.end());
    max_dims.insert(max_dims.end(), row_dims.begin(), row_dims.end());
    const int rank = static_cast<int>(dims.size());
    handle space = own(H5Screate_simple(rank, dims.data(), max_dims.data()), H5Sclose,
                       "creating the data space of '" + name + "'");
    handle dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "creating a property list");
    check(H5Pset_chunk(dcpl.get(), rank, chunk.data()), "setting the chunk size of '" + name + "'");
    return own(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                          H5P_DEFAULT),
               H5Dclose, "creating data set '" + name + "'");
}

void ops::append_rows(hid_t set, const std::string& name, hsize_t written, hsize_t count,
                      const std::vector<hsize_t>& row_dims, const double* values) const {
    if (count == 0) return;
    const std::string where = "appending to " + name;
    std::vector<hsize_t> dims{written + count}, start{written}, block{count};
    for (hsize_t d : row_dims) {
        dims.push_back(d);
        start.push_back(0);
        block.push_back(d);
    }
    const int rank = static_cast<int>(dims.size());
    check(H5Dset_extent(set, dims.data()), where);
    handle file_space = own(H5Dget_space(set), H5Sclose, where);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                              block.data(), nullptr),
          where);
    handle mem_space = own(H5Screate_simple(rank, block.data(), nullptr), H5Sclose, where);
    check(H5Dwrite(set, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT,
                   values),
          where);
}

} // namespace cortexsim::h5

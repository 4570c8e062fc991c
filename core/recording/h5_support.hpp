#pragma once
/// Internal to cortexsim_hdf5 (core/recording/*.cpp): the only header that includes hdf5.h.
/// Owned identifiers, checked calls whose failures name the file and HDF5's own messages, and
/// the few creation helpers the report writer and reader share. Nothing outside
/// core/recording includes it, so no HDF5 type leaks into the rest of the code.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>

namespace cortexsim::h5 {

/// Throws for the failed operation `what` on `file`, with the messages on HDF5's error stack
/// (which the failing call left there): output_error when `writing` (a report being
/// written: disk full, removed folder, ...), else std::runtime_error.
[[noreturn]] void fail(const std::string& file, const std::string& what, bool writing = false);

/// Stops HDF5 from running its exit-time cleanup (H5dont_atexit). The writer closes every
/// identifier itself, on the error path too; after a failed flush (disk full) HDF5 keeps
/// the file's state, and its atexit handler then retried the flush and died with SIGSEGV.
/// Effective only before the library's first call: every constructor of the writer and the
/// reader calls it; later calls do nothing.
void skip_exit_cleanup() noexcept;

/// Turns HDF5's automatic printing of its error stack to stderr off while it lives (our
/// exceptions carry the messages instead) and restores the previous setting.
class quiet_errors {
public:
    quiet_errors() noexcept;
    ~quiet_errors();
    quiet_errors(const quiet_errors&) = delete;
    quiet_errors& operator=(const quiet_errors&) = delete;

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
    bool saved_ = false;
};

/// Owns one HDF5 identifier and closes it with the matching H5?close; move-only.
class handle {
public:
    using closer = herr_t (*)(hid_t);
    handle() noexcept = default;
    handle(hid_t id, closer close) noexcept : id_(id), close_(close) {}
    ~handle() { close(); }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    handle(handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    handle& operator=(handle&& o) noexcept {
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
        return close_(std::exchange(id_, H5I_INVALID_HID)) >= 0;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    closer close_ = nullptr;
};

/// Creation and checking bound to one file name, for the error messages.
class ops {
public:
    /// `writing`: failures are output_errors (the report writer), else runtime_errors.
    explicit ops(std::string file, bool writing = false)
        : file_(std::move(file)), writing_(writing) {
        skip_exit_cleanup();
    }

    handle own(hid_t id, handle::closer close, const std::string& what) const {
        if (id < 0) fail(file_, what, writing_);
        return {id, close};
    }
    void check(herr_t rc, const std::string& what) const {
        if (rc < 0) fail(file_, what, writing_);
    }
    /// Closes `h`, throwing if HDF5 reports a failure.
    void close(handle& h, const std::string& what) const {
        if (!h.close()) fail(file_, what, writing_);
    }
    const std::string& file() const { return file_; }

    /// Variable-length UTF-8 strings.
    handle string_type() const;
    handle group(hid_t loc, const std::string& name) const;
    /// The group at `path` ("a/b/c", relative to loc), creating every missing level.
    handle open_or_create_group(hid_t loc, const std::string& path) const;

    /// A one-dimensional, contiguous data set holding `values` (converted to `file_type`).
    template <class T>
    handle vector(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type,
                  const std::vector<T>& values) const {
        const hsize_t n = values.size();
        handle space = own(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
        handle set = own(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                    H5P_DEFAULT, H5P_DEFAULT),
                         H5Dclose, "creating data set '" + name + "'");
        if (n > 0)
            check(H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                  "writing '" + name + "'");
        return set;
    }
    handle strings(hid_t loc, const std::string& name,
                   const std::vector<std::string>& values) const;

    void string_attribute(hid_t loc, const std::string& name, const std::string& value) const;
    void strings_attribute(hid_t loc, const std::string& name,
                           const std::vector<std::string>& values) const;
    void u8_attribute(hid_t loc, const std::string& name, std::uint8_t value) const;

    /// An empty data set of shape [0, row_dims...], extendible along its first axis and
    /// chunked as `chunk` (rank 1 + row_dims.size()).
    handle extendible(hid_t loc, const std::string& name, hid_t file_type,
                      const std::vector<hsize_t>& row_dims,
                      const std::vector<hsize_t>& chunk) const;
    /// Appends `count` rows (each the product of row_dims values, row-major doubles) to an
    /// extendible data set that holds `written` rows.
    void append_rows(hid_t set, const std::string& name, hsize_t written, hsize_t count,
                     const std::vector<hsize_t>& row_dims, const double* values) const;

private:
    std::string file_;
    bool writing_ = false;
};

/// Largest chunk, in bytes, of an extendible data set: bounds the chunk of very wide rows, so
/// reading one column back does not drag in the whole row block.
constexpr std::size_t max_chunk_bytes = std::size_t{1} << 20;

} // namespace cortexsim::h5

#pragma once
/// The NumPy .npy format (numpy/lib/format.py; NEP 1), read by the data set readers
/// (circuits/tasks/dataset.hpp) and by weight and initial-value files (circuits/value_files.hpp).
/// Only the header and the file size are checked before any data is read or allocated, so a
/// damaged header fails on its own terms rather than as a huge allocation. Every failure throws
/// std::runtime_error "<path>: <what>" (with the element as a NumPy index where one applies).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace cortexsim::npy {

/// A dtype the readers take: kind 'f', 'i' or 'u' and the size in bytes.
struct npy_dtype {
    std::string descr;
    char kind = 0;
    std::size_t size = 0;
};

/// What the header says; `data_offset` is where the elements start.
struct npy_header {
    std::string descr;
    bool fortran_order = false;
    std::vector<std::uint64_t> shape;
    std::uint64_t data_offset = 0;
};

/// A .npy file open for binary reading, with its size known up front. A directory, a FIFO
/// or a device is refused (a FIFO would block the reader).
class npy_file {
  public:
    explicit npy_file(std::string path);

    const std::string& path() const { return path_; }
    std::uint64_t size() const { return size_; }

    /// Reads up to `n` bytes from `offset` and returns how many arrived.
    std::size_t read_at(std::uint64_t offset, unsigned char* out, std::size_t n);
    /// Reads the next `n` bytes; the size was checked against the header, so a short read
    /// means the file changed under us.
    void read_next(unsigned char* out, std::size_t n);
    void seek(std::uint64_t offset);

  private:
    std::string path_;
    std::ifstream in_;
    std::uint64_t size_ = 0;
};

/// Reads and parses the preamble and header; the file's data starts at data_offset.
npy_header read_npy_header(npy_file& f);

/// "(3, 4)", "(5,)"
std::string shape_str(const std::vector<std::uint64_t>& shape);

/// The element at flat (C-order) index `flat` as a NumPy index: "element [2, 0, 1]".
std::string element_index(std::uint64_t flat, const std::vector<std::uint64_t>& shape);

/// Checks `descr` against the dtypes allowed for `role` ("features", "labels", "weights").
npy_dtype check_dtype(const std::string& path, const std::string& descr, const char* role,
                      const std::vector<std::string>& allowed);

/// Throws unless the file holds exactly `n_elements` elements of `t` after the header.
void check_data_size(const npy_file& f, const npy_header& h, std::uint64_t n_elements,
                     const npy_dtype& t);

/// Throws for Fortran order: only C-order arrays are read.
void check_c_order(const npy_file& f, const npy_header& h);

/// A little-endian unsigned integer of `size` bytes.
std::uint64_t load_le(const unsigned char* p, std::size_t size);

/// The two's complement value of the low `size` bytes of u.
std::int64_t sign_extend(std::uint64_t u, std::size_t size);

/// An element of a numeric dtype as a double (integers exactly up to 2^53).
double element_value(const unsigned char* p, const npy_dtype& t);

/// A whole numeric array (any of the dtypes below, C order), every value finite, as doubles in
/// C order; `role` names the array in messages.
struct array {
    std::vector<std::uint64_t> shape;
    std::vector<double> values;
};
array read_numeric_array(const std::string& path, const char* role);

/// Reads elements [0, n_elements) of the array in blocks and hands each to `use(p, flat)`.
template <class F>
void for_each_element(npy_file& f, const npy_header& h, const npy_dtype& t,
                      std::uint64_t n_elements, F&& use) {
    const std::uint64_t n_bytes = n_elements * t.size; // at most the file size: checked
    std::vector<unsigned char> block(
        static_cast<std::size_t>(std::min<std::uint64_t>(n_bytes, std::uint64_t{1} << 20)));
    f.seek(h.data_offset);
    for (std::uint64_t done = 0; done < n_bytes;) {
        // 2^20 is a multiple of every item size, so elements never straddle blocks.
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), n_bytes - done));
        f.read_next(block.data(), want);
        for (std::size_t k = 0; k < want; k += t.size)
            use(block.data() + k, (done + k) / t.size);
        done += want;
    }
}

} // namespace cortexsim::npy

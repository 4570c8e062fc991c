#include "circuits/tasks/dataset.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include <zlib.h>

#include "core/random.hpp"

namespace cortexsim {

namespace {

constexpr std::uint32_t idx_images_magic = 0x00000803; // unsigned byte, 3 dimensions
constexpr std::uint32_t idx_labels_magic = 0x00000801; // unsigned byte, 1 dimension

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}

std::string hex32(std::uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x00000000";
    for (int i = 0; i < 8; ++i)
        s[9 - i] = digits[(v >> (4 * i)) & 0xfu];
    return s;
}

std::uint32_t big_endian32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

/// Owns a gzFile. zlib reads a file without a gzip header as it is ("transparent" mode), so
/// one code path serves compressed and plain files.
class gz_reader {
  public:
    explicit gz_reader(std::string path) : path_(std::move(path)) {
        errno = 0;
        file_ = gzopen(path_.c_str(), "rb");
        if (!file_)
            fail(path_, std::string("cannot open: ") +
                            (errno != 0 ? std::strerror(errno) : "zlib could not allocate state"));
        gzbuffer(file_, 1u << 17); // before the first read; larger reads, fewer calls
    }
    ~gz_reader() { gzclose(file_); }
    gz_reader(const gz_reader&) = delete;
    gz_reader& operator=(const gz_reader&) = delete;

    const std::string& path() const { return path_; }

    /// Reads up to `n` bytes and returns how many arrived; fewer means end of input.
    /// A corrupt compressed stream throws; one that is cut short sets stream_cut().
    std::size_t read(unsigned char* out, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
            const int r = gzread(file_, out + got, chunk);
            if (r < 0)
                throw_zlib_error();
            if (r == 0)
                break;
            got += static_cast<std::size_t>(r);
        }
        if (got < n)
            check_end();
        return got;
    }

    /// Reads one line without its terminator ("\n" or "\r\n"); false at end of input.
    bool read_line(std::string& line) {
        line.clear();
        char buf[4096];
        while (gzgets(file_, buf, sizeof buf) != nullptr) {
            line += buf;
            if (!line.empty() && line.back() == '\n')
                break;
        }
        if (line.empty() || line.back() != '\n') {
            check_end();
            // Parsing a half line would report a misleading format error: say what happened.
            if (stream_cut_)
                fail(path_, "truncated: the compressed stream ends early");
        }
        if (line.empty())
            return false;
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        return true;
    }

    /// True if the gzip stream ended before its trailer (a cut-off download, say).
    bool stream_cut() const { return stream_cut_; }

  private:
    void check_end() {
        int err = Z_OK;
        gzerror(file_, &err);
        if (err == Z_BUF_ERROR)
            stream_cut_ = true;
        else if (err != Z_OK)
            throw_zlib_error();
    }
    [[noreturn]] void throw_zlib_error() {
        int err = Z_OK;
        const char* msg = gzerror(file_, &err);
        fail(path_, std::string("cannot decompress: ") + (msg ? msg : "unknown zlib error"));
    }

    std::string path_;
    gzFile file_ = nullptr;
    bool stream_cut_ = false;
};

/// Reads exactly `n` bytes or throws "truncated: expected <n> bytes of <what>, found <m>".
void read_exact(gz_reader& in, unsigned char* out, std::size_t n, const std::string& what) {
    const std::size_t got = in.read(out, n);
    if (got == n)
        return;
    // A cut gzip stream loses the partial block zlib was inflating: no byte count to trust.
    fail(in.path(), "truncated: expected " + std::to_string(n) + " bytes of " + what +
                        (in.stream_cut() ? ", the compressed stream ends early"
                                         : ", found " + std::to_string(got)));
}

/// Reads an IDX header of `n_dims` dimensions after checking its magic number.
std::vector<std::uint32_t> read_idx_header(gz_reader& in, std::uint32_t magic, const char* kind,
                                           std::size_t n_dims) {
    unsigned char buf[16];
    const std::size_t size = 4 * (1 + n_dims);
    const std::size_t got = in.read(buf, size);
    // The magic number is checked first: a wrong file reports what it is, not that it is short.
    if (got >= 4 && big_endian32(buf) != magic)
        fail(in.path(),
             "expected magic " + hex32(magic) + " (" + kind + "), got " + hex32(big_endian32(buf)));
    if (got < size)
        fail(in.path(), "truncated: expected a " + std::to_string(size) + "-byte " + kind +
                            " header, found " + std::to_string(got) + " bytes");
    std::vector<std::uint32_t> dims(n_dims);
    for (std::size_t d = 0; d < n_dims; ++d)
        dims[d] = big_endian32(buf + 4 * (d + 1));
    return dims;
}

/// Throws unless the input ends here: a header that undercounts its data is a wrong header.
void expect_end(gz_reader& in, const std::string& what) {
    unsigned char extra;
    if (in.read(&extra, 1) != 0)
        fail(in.path(), "unexpected data after " + what);
    // All data arrived but the gzip trailer did not: its CRC never vouched for the bytes.
    if (in.stream_cut())
        fail(in.path(), "truncated: the compressed stream ends early");
}

std::size_t n_classes_of(const std::vector<int>& labels) {
    const auto it = std::max_element(labels.begin(), labels.end());
    return it == labels.end() ? 0 : static_cast<std::size_t>(*it) + 1;
}

} // namespace

dataset read_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t max_samples) {
    gz_reader images(images_path);
    gz_reader labels(labels_path);
    const auto idims = read_idx_header(images, idx_images_magic, "IDX images", 3);
    const auto ldims = read_idx_header(labels, idx_labels_magic, "IDX labels", 1);
    const std::size_t count = idims[0], rows = idims[1], cols = idims[2];
    if (count == 0)
        fail(images_path, "header declares 0 images");
    if (rows == 0 || cols == 0)
        fail(images_path, "image size must be positive, header declares " + std::to_string(rows) +
                              "x" + std::to_string(cols));
    if (ldims[0] != count)
        fail(labels_path, "header declares " + std::to_string(ldims[0]) + " labels but " +
                              images_path + " declares " + std::to_string(count) + " images");

    const std::size_t n = max_samples == 0 ? count : std::min(max_samples, count);
    const std::size_t n_features = rows * cols; // both < 2^32: no overflow in 64 bits
    if (n_features > std::numeric_limits<std::size_t>::max() / n)
        fail(images_path, "image data too large to address");
    const std::size_t n_bytes = n * n_features;
    const std::string image_what = "pixel data (" + std::to_string(n) + " images of " +
                                   std::to_string(rows) + "x" + std::to_string(cols) + ")";

    dataset ds;
    ds.n_samples = n;
    ds.n_features = n_features;
    ds.source = images_path + ", " + labels_path;
    // Pixels are read in blocks so a corrupt header claiming terabytes fails as truncated
    // instead of allocating first.
    std::vector<unsigned char> block(std::min<std::size_t>(n_bytes, std::size_t{1} << 20));
    ds.features.reserve(std::min<std::size_t>(n_bytes, std::size_t{1} << 26));
    for (std::size_t done = 0; done < n_bytes;) {
        const std::size_t want = std::min(block.size(), n_bytes - done);
        const std::size_t got = images.read(block.data(), want);
        if (got < want)
            fail(images_path, "truncated: expected " + std::to_string(n_bytes) + " bytes of " +
                                  image_what +
                                  (images.stream_cut() ? ", the compressed stream ends early"
                                                       : ", found " + std::to_string(done + got)));
        for (std::size_t i = 0; i < got; ++i)
            ds.features.push_back(static_cast<float>(block[i]) / 255.0f);
        done += got;
    }

    std::vector<unsigned char> raw_labels(n);
    read_exact(labels, raw_labels.data(), n, "labels");
    ds.labels.assign(raw_labels.begin(), raw_labels.end());
    ds.n_classes = n_classes_of(ds.labels);

    if (n == count) {
        expect_end(images, "the " + std::to_string(count) + " images the header declares");
        expect_end(labels, "the " + std::to_string(count) + " labels the header declares");
    }
    return ds;
}

dataset read_digits_csv(const std::string& path, std::size_t max_samples) {
    constexpr std::size_t n_pixels = 64; // 8x8 images, values 0..16 (sklearn digits.rst)
    gz_reader in(path);
    dataset ds;
    ds.n_features = n_pixels;
    ds.source = path;
    std::string line;
    std::size_t line_no = 0;
    while ((max_samples == 0 || ds.n_samples < max_samples) && in.read_line(line)) {
        ++line_no;
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        std::vector<std::string> fields;
        for (std::size_t start = 0;;) {
            const std::size_t comma = line.find(',', start);
            fields.push_back(line.substr(start, comma - start));
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
        if (fields.size() != n_pixels + 1)
            throw std::runtime_error(where + "expected " + std::to_string(n_pixels + 1) +
                                     " comma-separated values (" + std::to_string(n_pixels) +
                                     " pixels and the label), found " +
                                     std::to_string(fields.size()));
        for (std::size_t c = 0; c <= n_pixels; ++c) {
            const std::string& f = fields[c];
            const std::string col = "column " + std::to_string(c + 1) + ": ";
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(f.c_str(), &end);
            while (end && (*end == ' ' || *end == '\t'))
                ++end;
            if (end == f.c_str() || *end != '\0' || errno != 0 || !std::isfinite(v))
                throw std::runtime_error(where + col + "expected a number, found '" + f + "'");
            if (c < n_pixels) {
                if (v < 0.0 || v > 16.0)
                    throw std::runtime_error(where + col + "pixel value " + f + " outside 0..16");
                ds.features.push_back(static_cast<float>(v) / 16.0f);
            } else {
                if (v < 0.0 || v != std::floor(v) || v > std::numeric_limits<int>::max())
                    throw std::runtime_error(where + col +
                                             "label must be a non-negative integer, found " + f);
                ds.labels.push_back(static_cast<int>(v));
            }
        }
        ++ds.n_samples;
    }
    if (ds.n_samples == 0)
        fail(path, "contains no samples");
    ds.n_classes = n_classes_of(ds.labels);
    return ds;
}

namespace {
bool is_file(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}
} // namespace

std::string find_fashion_mnist_dir() {
    const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
    for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})
        if (!is_file(dir / name))
            return "";
    return dir.string();
}

std::string find_sklearn_digits() {
    const std::filesystem::path p =
        "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
    return is_file(p) ? p.string() : "";
}

std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed,
                                          const std::string& stream) {
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    rng r(seed, stream);
    for (std::size_t i = n; i > 1; --i) {
        const auto j = static_cast<std::size_t>(r.below(i)); // uniform on [0, i)
        std::swap(idx[i - 1], idx[j]);
    }
    return idx;
}

} // namespace cortexsim

#include "circuits/tasks/dataset.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <zlib.h>

#include "circuits/tasks/npy_format.hpp"
#include "core/errors.hpp"
#include "core/input_file.hpp"
#include "core/random.hpp"

namespace cortexsim {

using namespace npy; // the .npy format readers (npy_format.hpp)

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
        if (const std::string what = not_a_regular_file(path_); !what.empty()) fail(path_, what);
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
    /// A NUL byte throws "<path>:<line>: ...": gzgets would drop the rest of its buffer, and
    /// joining what is left to the next line would misreport a binary file.
    bool read_line(std::string& line) {
        line.clear();
        char buf[4096];
        for (z_off_t before = gztell(file_); gzgets(file_, buf, sizeof buf) != nullptr;
             before = gztell(file_)) {
            const std::size_t len = std::strlen(buf);
            if (gztell(file_) - before != static_cast<z_off_t>(len))
                fail(path_ + ":" + std::to_string(lines_ + 1),
                     "contains a NUL byte: not a text file");
            line.append(buf, len);
            if (len > 0 && buf[len - 1] == '\n')
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
        ++lines_;
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
    std::size_t lines_ = 0; // returned by read_line, for messages
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

/// "outside 0..9 (10 classes expected)": the end of every message about a label beyond the
/// caller's class count, so the readers word it alike.
std::string outside_classes(std::size_t label, std::size_t max_classes) {
    return "label " + std::to_string(label) + " is outside 0.." + std::to_string(max_classes - 1) +
           " (" + std::to_string(max_classes) + " classes expected)";
}

std::size_t n_classes_of(const std::vector<int>& labels) {
    const auto it = std::max_element(labels.begin(), labels.end());
    return it == labels.end() ? 0 : static_cast<std::size_t>(*it) + 1;
}

} // namespace

dataset read_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t max_samples, std::size_t max_classes) {
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
    // Pixels are read in blocks, and storage grows only with the pixels that arrived, so a
    // damaged header claiming 60,000 images (or terabytes) in a file of a few bytes fails as
    // truncated without allocating for them first (seen while fuzzing: 256 MB per such file).
    std::vector<unsigned char> block(std::min<std::size_t>(n_bytes, std::size_t{1} << 20));
    for (std::size_t done = 0; done < n_bytes;) {
        const std::size_t want = std::min(block.size(), n_bytes - done);
        const std::size_t got = images.read(block.data(), want);
        if (got < want)
            fail(images_path, "truncated: expected " + std::to_string(n_bytes) + " bytes of " +
                                  image_what +
                                  (images.stream_cut() ? ", the compressed stream ends early"
                                                       : ", found " + std::to_string(done + got)));
        // Doubling, capped at the declared size: the last step lands on it exactly.
        if (ds.features.capacity() < done + got)
            ds.features.reserve(std::min(n_bytes, std::max(2 * ds.features.capacity(), done + got)));
        for (std::size_t i = 0; i < got; ++i)
            ds.features.push_back(static_cast<float>(block[i]) / 255.0f);
        done += got;
    }

    std::vector<unsigned char> raw_labels(n);
    read_exact(labels, raw_labels.data(), n, "labels");
    if (max_classes > 0)
        for (std::size_t i = 0; i < n; ++i)
            if (raw_labels[i] >= max_classes)
                fail(labels_path, "sample " + std::to_string(i) + " (counting from 0): " +
                                      outside_classes(raw_labels[i], max_classes));
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

// ---- CSV data sets ----------------------------------------------------------------------------

namespace {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// The comma-separated fields of `line`, each without surrounding spaces and tabs.
void split_fields(const std::string& line, std::vector<std::string_view>& fields) {
    fields.clear();
    const std::string_view all(line);
    for (std::size_t start = 0;;) {
        const std::size_t comma = all.find(',', start);
        fields.push_back(trim_blanks(all.substr(start, comma - start)));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
}

enum class number_parse { ok, empty, not_a_number, out_of_range, not_finite };

/// Parses a whole trimmed field as a double. from_chars is locale-independent (strtod is not)
/// but rejects the leading '+' strtod takes, so one '+' is skipped as toml_loader.cpp does
/// (not before a sign: "+-1" stays an error). It accepts "nan" and "inf"; callers reject them.
number_parse parse_number(std::string_view field, double& v) {
    if (field.empty())
        return number_parse::empty;
    if (field.size() > 1 && field[0] == '+' && field[1] != '+' && field[1] != '-')
        field.remove_prefix(1);
    const char* last = field.data() + field.size();
    const auto res = std::from_chars(field.data(), last, v);
    if (res.ptr != last || res.ec == std::errc::invalid_argument)
        return number_parse::not_a_number;
    if (res.ec == std::errc::result_out_of_range)
        return number_parse::out_of_range;
    return std::isfinite(v) ? number_parse::ok : number_parse::not_finite;
}

/// A header has no field that reads as a number and at least one that is text (so a line of
/// empty fields is a malformed sample, not a header).
bool is_header(const std::vector<std::string_view>& fields) {
    bool text = false;
    for (const std::string_view f : fields) {
        double v = 0.0;
        const number_parse r = parse_number(f, v);
        if (r != number_parse::empty && r != number_parse::not_a_number)
            return false;
        text = text || r == number_parse::not_a_number;
    }
    return text;
}

constexpr int max_label = 65535;

} // namespace

dataset read_csv_dataset(const std::string& path, std::size_t max_samples,
                         std::size_t max_classes) {
    gz_reader in(path);
    dataset ds;
    ds.source = path;
    std::size_t n_columns = 0; // set by the header or the first sample line
    std::string columns_from;  // which line set it, for messages
    bool first_content_line = true;
    std::string line;
    std::vector<std::string_view> fields;
    for (std::size_t line_no = 1;
         (max_samples == 0 || ds.n_samples < max_samples) && in.read_line(line); ++line_no) {
        if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            line.erase(0, 3); // a UTF-8 byte order mark, as spreadsheet programs write
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        const std::string where = path + ":" + std::to_string(line_no) + ": ";
        split_fields(line, fields);
        if (fields.size() < 2)
            throw std::runtime_error(where +
                                     "expected at least 2 comma-separated values (features and "
                                     "the label last), found " +
                                     std::to_string(fields.size()));
        const bool header = first_content_line && is_header(fields);
        first_content_line = false;
        if (n_columns == 0) {
            n_columns = fields.size();
            columns_from =
                (header ? "in the header on line " : "on line ") + std::to_string(line_no);
        } else if (fields.size() != n_columns) {
            throw std::runtime_error(where + "expected " + std::to_string(n_columns) +
                                     " comma-separated values as " + columns_from + ", found " +
                                     std::to_string(fields.size()));
        }
        if (header)
            continue;
        for (std::size_t c = 0; c < n_columns; ++c) {
            const std::string f(fields[c]);
            const std::string col = "column " + std::to_string(c + 1) + ": ";
            double v = 0.0;
            switch (parse_number(fields[c], v)) {
            case number_parse::ok:
                break;
            case number_parse::empty:
                throw std::runtime_error(where + col + "expected a number, found an empty field");
            case number_parse::not_a_number:
                throw std::runtime_error(where + col + "expected a number, found '" + printable(f) +
                                         "'");
            case number_parse::out_of_range:
                throw std::runtime_error(where + col + "number out of range: " + f);
            case number_parse::not_finite:
                throw std::runtime_error(where + col + "expected a finite number, found " + f);
            }
            if (c + 1 < n_columns) {
                if (std::fabs(v) > std::numeric_limits<float>::max())
                    throw std::runtime_error(where + col + f + " is beyond the float range");
                ds.features.push_back(static_cast<float>(v));
            } else {
                if (!(v >= 0.0 && v <= max_label && v == std::floor(v)))
                    throw std::runtime_error(where + col + "label must be a whole number in 0.." +
                                             std::to_string(max_label) + ", found " + f);
                if (max_classes > 0 && v >= static_cast<double>(max_classes))
                    throw std::runtime_error(
                        where + col + outside_classes(static_cast<std::size_t>(v), max_classes));
                ds.labels.push_back(static_cast<int>(v));
            }
        }
        ++ds.n_samples;
    }
    if (ds.n_samples == 0)
        fail(path, "contains no samples");
    ds.n_features = n_columns - 1;
    ds.n_classes = n_classes_of(ds.labels);
    return ds;
}

// ---- NumPy .npy files (the format: circuits/tasks/npy_format.hpp) ----------------------------

dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path,
                         std::size_t max_samples, std::size_t max_classes) {
    static const std::vector<std::string> feature_dtypes = {"<f4", "<f8", "|u1", "|i1",
                                                            "<u2", "<i2", "<i4", "<i8"};
    static const std::vector<std::string> label_dtypes = {"|u1", "|i1", "<u2", "<i2",
                                                          "<u4", "<i4", "<u8", "<i8"};
    npy_file xf(features_path);
    const npy_header xh = read_npy_header(xf);
    const npy_dtype xt = check_dtype(features_path, xh.descr, "features", feature_dtypes);
    check_c_order(xf, xh);
    if (xh.shape.size() < 2)
        fail(features_path,
             "features must have shape (n, d) or (n, h, w, ...), got " + shape_str(xh.shape));
    const std::uint64_t count = xh.shape[0];
    if (count == 0)
        fail(features_path, "shape " + shape_str(xh.shape) + " holds no samples");
    std::uint64_t n_features = 1;
    for (std::size_t d = 1; d < xh.shape.size(); ++d) {
        if (xh.shape[d] != 0 &&
            n_features > std::numeric_limits<std::uint64_t>::max() / xh.shape[d])
            fail(features_path, "shape " + shape_str(xh.shape) + " is too large");
        n_features *= xh.shape[d];
    }
    if (n_features == 0)
        fail(features_path, "shape " + shape_str(xh.shape) + " gives each sample no features");
    if (n_features > std::numeric_limits<std::uint64_t>::max() / count)
        fail(features_path, "shape " + shape_str(xh.shape) + " is too large");
    check_data_size(xf, xh, count * n_features, xt);

    npy_file yf(labels_path);
    const npy_header yh = read_npy_header(yf);
    const npy_dtype yt = check_dtype(labels_path, yh.descr, "labels", label_dtypes);
    check_c_order(yf, yh);
    if (!(yh.shape.size() == 1 || (yh.shape.size() == 2 && yh.shape[1] == 1)))
        fail(labels_path, "labels must have shape (n,) or (n, 1), got " + shape_str(yh.shape));
    check_data_size(yf, yh, yh.shape[0], yt);
    if (yh.shape[0] != count)
        fail(labels_path, "shape " + shape_str(yh.shape) + " declares " +
                              std::to_string(yh.shape[0]) + " labels but " + features_path +
                              " declares " + std::to_string(count) + " samples");

    const std::uint64_t n = max_samples == 0 ? count : std::min<std::uint64_t>(max_samples, count);
    dataset ds;
    ds.n_samples = static_cast<std::size_t>(n);
    ds.n_features = static_cast<std::size_t>(n_features);
    ds.source = features_path + ", " + labels_path;
    ds.features.resize(static_cast<std::size_t>(n * n_features)); // the file holds them all
    for_each_element(xf, xh, xt, n * n_features, [&](const unsigned char* p, std::uint64_t i) {
        const double v = element_value(p, xt); // integers of up to 64 bits: rounded to float
        if (!std::isfinite(v))
            fail(features_path, element_index(i, xh.shape) +
                                    ": expected a finite number, found " + format_value(v));
        if (std::fabs(v) > std::numeric_limits<float>::max())
            fail(features_path, element_index(i, xh.shape) + ": " + format_value(v) +
                                    " is beyond the float range");
        ds.features[static_cast<std::size_t>(i)] = static_cast<float>(v);
    });
    ds.labels.resize(static_cast<std::size_t>(n));
    for_each_element(yf, yh, yt, n, [&](const unsigned char* p, std::uint64_t i) {
        const std::uint64_t u = load_le(p, yt.size);
        const bool negative = yt.kind == 'i' && sign_extend(u, yt.size) < 0;
        if (negative || u > static_cast<std::uint64_t>(max_label))
            fail(labels_path,
                 element_index(i, yh.shape) + ": label must be in 0.." + std::to_string(max_label) +
                     ", got " +
                     (negative ? std::to_string(sign_extend(u, yt.size)) : std::to_string(u)));
        if (max_classes > 0 && u >= max_classes)
            fail(labels_path, element_index(i, yh.shape) + ": " +
                                  outside_classes(static_cast<std::size_t>(u), max_classes));
        ds.labels[static_cast<std::size_t>(i)] = static_cast<int>(u);
    });
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

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

#include "core/errors.hpp"
#include "core/input_file.hpp"
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

/// Text from a file for a message: at most `max` characters, bytes outside printable ASCII as
/// \xNN, so a binary file read by mistake gives a readable error.
std::string printable(std::string_view s, std::size_t max = 40) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xfu];
        }
    }
    if (s.size() > max)
        out += "...";
    return out;
}

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

// ---- NumPy .npy files -------------------------------------------------------------------------

/*
 * The .npy format (numpy/lib/format.py; NEP 1): the magic "\x93NUMPY", a major and a minor
 * version byte, the header length as a little-endian uint16 (1.0) or uint32 (2.0, 3.0), then
 * the header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }
 * padded with spaces to a '\n' (latin-1 in 1.0 and 2.0, UTF-8 in 3.0; ASCII for every dtype
 * read here). Exactly prod(shape) * itemsize bytes of raw elements follow. Only the header and
 * the file size are checked before any data is read or allocated, so a damaged header fails
 * on its own terms rather than as a huge allocation.
 */

namespace {

static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559,
              ".npy floats are IEEE 754");

constexpr std::uint64_t npy_max_header = std::uint64_t{1} << 20; // np.save writes < 200 bytes

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

/// A .npy file open for binary reading, with its size known up front.
class npy_file {
  public:
    explicit npy_file(std::string path) : path_(std::move(path)) {
        std::error_code ec;
        // An ifstream opens a directory and only fails on reading: say what it is.
        if (std::filesystem::is_directory(path_, ec))
            fail(path_, std::string("cannot open: ") + std::strerror(EISDIR));
        if (const std::string what = not_a_regular_file(path_); !what.empty()) fail(path_, what);
        errno = 0;
        in_.open(path_, std::ios::binary);
        if (!in_)
            fail(path_, std::string("cannot open: ") +
                            (errno != 0 ? std::strerror(errno) : "unknown error"));
        in_.seekg(0, std::ios::end);
        const std::streamoff end = in_.tellg();
        in_.seekg(0, std::ios::beg);
        if (!in_ || end < 0)
            fail(path_, "cannot determine the file size");
        size_ = static_cast<std::uint64_t>(end);
    }

    const std::string& path() const { return path_; }
    std::uint64_t size() const { return size_; }

    /// Reads up to `n` bytes from `offset` and returns how many arrived.
    std::size_t read_at(std::uint64_t offset, unsigned char* out, std::size_t n) {
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
        in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
        return static_cast<std::size_t>(in_.gcount());
    }

    /// Reads the next `n` bytes; the size was checked against the header, so a short read
    /// means the file changed under us.
    void read_next(unsigned char* out, std::size_t n) {
        in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in_.gcount()) != n)
            fail(path_, "read failed: the file shrank or could not be read while reading it");
    }
    void seek(std::uint64_t offset) {
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
    }

  private:
    std::string path_;
    std::ifstream in_;
    std::uint64_t size_ = 0;
};

/// Parses the header's dict: the subset of Python literals np.save writes (quoted strings,
/// True/False, tuples of non-negative integers, an old 'L' suffix), keys in any order, the
/// three keys numpy requires and no others.
class npy_header_parser {
  public:
    npy_header_parser(const std::string& path, std::string_view text)
        : path_(path), text_(trim_trailing(text)) {}

    void parse(npy_header& h) {
        bool seen_descr = false, seen_order = false, seen_shape = false;
        skip_space();
        expect('{', "'{' opening the dict");
        while (true) {
            skip_space();
            if (accept('}'))
                break;
            const std::size_t key_pos = pos_;
            const std::string key = string_literal("a quoted key");
            skip_space();
            expect(':', "':' after the key");
            skip_space();
            bool* seen = nullptr;
            if (key == "descr") {
                seen = &seen_descr;
                if (peek() == '[')
                    fail(path_, "structured dtypes (a list as 'descr') are not supported");
                h.descr = string_literal("a quoted dtype string");
            } else if (key == "fortran_order") {
                seen = &seen_order;
                h.fortran_order = bool_literal();
            } else if (key == "shape") {
                seen = &seen_shape;
                h.shape = shape_tuple();
            } else {
                pos_ = key_pos;
                error("unexpected key '" + printable(key) +
                      "' (expected 'descr', 'fortran_order' and 'shape')");
            }
            if (*seen) {
                pos_ = key_pos;
                error("duplicate key '" + key + "'");
            }
            *seen = true;
            skip_space();
            if (accept(','))
                continue;
            expect('}', "',' or '}' after a value");
            break;
        }
        skip_space();
        if (pos_ != text_.size())
            error("unexpected text after the dict");
        for (const auto& [ok, name] :
             {std::pair{seen_descr, "descr"}, std::pair{seen_order, "fortran_order"},
              std::pair{seen_shape, "shape"}})
            if (!ok)
                fail(path_, std::string("malformed .npy header: no '") + name + "' key in " +
                                quoted_text());
    }

  private:
    static std::string_view trim_trailing(std::string_view s) {
        while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\0'))
            s.remove_suffix(1);
        return s;
    }
    std::string quoted_text() const { return printable(text_, 200); }
    [[noreturn]] void error(const std::string& what) const {
        fail(path_, "malformed .npy header: " + what + " at character " + std::to_string(pos_ + 1) +
                        " of " + quoted_text());
    }
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }
    bool accept(char c) {
        if (peek() != c || pos_ >= text_.size())
            return false;
        ++pos_;
        return true;
    }
    void expect(char c, const char* what) {
        if (!accept(c))
            error(std::string("expected ") + what);
    }
    std::string string_literal(const char* what) {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            error(std::string("expected ") + what);
        const std::size_t end = text_.find(quote, pos_ + 1);
        if (end == std::string_view::npos)
            error("unterminated string");
        std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
        return s;
    }
    bool bool_literal() {
        for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
            const std::string_view w(word);
            if (text_.substr(pos_, w.size()) == w) {
                pos_ += w.size();
                return value;
            }
        }
        error("expected True or False for 'fortran_order'");
    }
    std::vector<std::uint64_t> shape_tuple() {
        expect('(', "a tuple '(...)' for 'shape'");
        std::vector<std::uint64_t> shape;
        skip_space();
        while (!accept(')')) {
            const char* first = text_.data() + pos_;
            const char* last = text_.data() + text_.size();
            std::uint64_t dim = 0;
            const auto res = std::from_chars(first, last, dim);
            if (res.ec == std::errc::result_out_of_range)
                error("shape dimension too large");
            if (res.ec != std::errc{} || res.ptr == first)
                error("expected a non-negative integer in 'shape'");
            pos_ += static_cast<std::size_t>(res.ptr - first);
            if (peek() == 'L' || peek() == 'l') // Python 2 long, in files it wrote
                ++pos_;
            shape.push_back(dim);
            skip_space();
            if (accept(')'))
                break;
            expect(',', "',' or ')' in 'shape'");
            skip_space();
        }
        return shape;
    }

    const std::string& path_;
    std::string_view text_;
    std::size_t pos_ = 0;
};

/// Reads and parses the preamble and header; the file's data starts at the returned offset.
npy_header read_npy_header(npy_file& f) {
    static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    unsigned char pre[12];
    const std::size_t got = f.read_at(0, pre, sizeof pre);
    // The magic number is checked first: a wrong file reports what it is, not that it is short.
    if (std::memcmp(pre, magic, std::min<std::size_t>(got, 6)) != 0) {
        std::string what = "not a .npy file: expected the magic \\x93NUMPY, found '" +
                           printable(std::string_view(reinterpret_cast<const char*>(pre),
                                                      std::min<std::size_t>(got, 6))) +
                           "'";
        if (got >= 2 && pre[0] == 0x1f && pre[1] == 0x8b)
            what += " (a gzip file: decompress it first)";
        else if (got >= 4 && std::memcmp(pre, "PK\x03\x04", 4) == 0)
            what += " (a zip archive, perhaps .npz: save each array with numpy.save)";
        fail(f.path(), what);
    }
    if (got < 8)
        fail(f.path(),
             "truncated: expected a 10-byte .npy preamble, got " + std::to_string(got) + " bytes");
    const unsigned major = pre[6], minor = pre[7];
    if (major < 1 || major > 3 || minor != 0)
        fail(f.path(), "unsupported .npy format version " + std::to_string(major) + "." +
                           std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
    const std::size_t preamble = major == 1 ? 10 : 12;
    if (got < preamble)
        fail(f.path(), "truncated: expected a " + std::to_string(preamble) +
                           "-byte .npy preamble, got " + std::to_string(got) + " bytes");
    std::uint64_t header_len = std::uint64_t{pre[8]} | (std::uint64_t{pre[9]} << 8);
    if (major > 1)
        header_len |= (std::uint64_t{pre[10]} << 16) | (std::uint64_t{pre[11]} << 24);
    if (header_len > f.size() - preamble)
        fail(f.path(), "truncated: expected a " + std::to_string(header_len) +
                           "-byte header, got " + std::to_string(f.size() - preamble) + " bytes");
    if (header_len > npy_max_header)
        fail(f.path(), "implausible header length " + std::to_string(header_len) +
                           " bytes (at most " + std::to_string(npy_max_header) + ")");
    std::string text(static_cast<std::size_t>(header_len), '\0');
    if (f.read_at(preamble, reinterpret_cast<unsigned char*>(text.data()), text.size()) !=
        text.size())
        fail(f.path(), "read failed: the file shrank or could not be read while reading it");
    npy_header h;
    npy_header_parser(f.path(), text).parse(h);
    h.data_offset = preamble + header_len;
    return h;
}

std::string shape_str(const std::vector<std::uint64_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

/// The element at flat (C-order) index `flat` as a NumPy index: "[2, 0, 1]".
std::string element_index(std::uint64_t flat, const std::vector<std::uint64_t>& shape) {
    std::vector<std::uint64_t> idx(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        idx[d] = flat % shape[d]; // every dimension is positive once the shape is checked
        flat /= shape[d];
    }
    std::string s = "element [";
    for (std::size_t d = 0; d < idx.size(); ++d)
        s += (d > 0 ? ", " : "") + std::to_string(idx[d]);
    return s + "]";
}

/// Checks `descr` against the dtypes allowed for `role` ("features" or "labels").
npy_dtype check_dtype(const std::string& path, const std::string& descr, const char* role,
                      const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), descr) != allowed.end())
        return {descr, descr[1], static_cast<std::size_t>(descr[2] - '0')};
    const std::string what = std::string(role) + " dtype '" + printable(descr) + "'";
    if (!descr.empty() && descr[0] == '>') {
        const std::string copy = "x.astype('<" + printable(descr.substr(1)) + "')";
        fail(path, what + " is big-endian, which is not supported: save " + copy);
    }
    if (std::string(role) == "labels" && descr.size() >= 2 && descr[1] == 'f')
        fail(path, "labels must have an integer dtype, got '" + descr +
                       "': save y.astype('int64') (allowed: " + one_of(allowed) + ")");
    fail(path, what + " is not supported (allowed: " + one_of(allowed) + ")");
}

/// Throws unless the file holds exactly `n_elements` elements of `t` after the header.
void check_data_size(const npy_file& f, const npy_header& h, std::uint64_t n_elements,
                     const npy_dtype& t) {
    if (n_elements > std::numeric_limits<std::uint64_t>::max() / t.size)
        fail(f.path(), "shape " + shape_str(h.shape) + " is too large");
    const std::uint64_t expected = n_elements * t.size;
    const std::uint64_t got = f.size() - h.data_offset;
    if (got < expected)
        fail(f.path(), "truncated: expected " + std::to_string(expected) + " bytes of data, got " +
                           std::to_string(got));
    if (got > expected)
        fail(f.path(), "unexpected data: expected " + std::to_string(expected) +
                           " bytes of data (shape " + shape_str(h.shape) + ", dtype '" + t.descr +
                           "'), got " + std::to_string(got));
}

void check_c_order(const npy_file& f, const npy_header& h) {
    if (h.fortran_order)
        fail(f.path(), "fortran_order is True: only C-order arrays are supported (save "
                       "numpy.ascontiguousarray(x))");
}

std::uint64_t load_le(const unsigned char* p, std::size_t size) {
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < size; ++i)
        u |= std::uint64_t{p[i]} << (8 * i);
    return u;
}

std::int64_t sign_extend(std::uint64_t u, std::size_t size) {
    if (size < 8 && ((u >> (8 * size - 1)) & 1u) != 0)
        u |= ~std::uint64_t{0} << (8 * size);
    return static_cast<std::int64_t>(u); // two's complement: GCC documents it, C++20 requires it
}

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

} // namespace

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
        const std::uint64_t u = load_le(p, xt.size);
        float& out = ds.features[static_cast<std::size_t>(i)];
        if (xt.kind == 'i') {
            out = static_cast<float>(sign_extend(u, xt.size));
        } else if (xt.kind == 'u') {
            out = static_cast<float>(u);
        } else {
            double v = 0.0;
            if (xt.size == 4) {
                const auto bits = static_cast<std::uint32_t>(u);
                float x = 0.0f;
                std::memcpy(&x, &bits, sizeof x);
                v = x;
            } else {
                std::memcpy(&v, &u, sizeof v);
            }
            if (!std::isfinite(v))
                fail(features_path, element_index(i, xh.shape) +
                                        ": expected a finite number, found " + format_value(v));
            if (std::fabs(v) > std::numeric_limits<float>::max())
                fail(features_path, element_index(i, xh.shape) + ": " + format_value(v) +
                                        " is beyond the float range");
            out = static_cast<float>(v);
        }
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

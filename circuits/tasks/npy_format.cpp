#include "circuits/tasks/npy_format.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/errors.hpp"
#include "core/input_file.hpp"

namespace cortexsim::npy {

/*
 * The .npy format (numpy/lib/format.py; NEP 1): the magic "\x93NUMPY", a major and a minor
 * version byte, the header length as a little-endian uint16 (1.0) or uint32 (2.0, 3.0), then
 * the header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }
 * padded with spaces to a '\n' (latin-1 in 1.0 and 2.0, UTF-8 in 3.0; ASCII for every dtype
 * read here). Exactly prod(shape) * itemsize bytes of raw elements follow. Only the header and
 * the file size are checked before any data is read or allocated, so a damaged header fails
 * on its own terms rather than as a huge allocation.
 */


static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559,
              ".npy floats are IEEE 754");

constexpr std::uint64_t npy_max_header = std::uint64_t{1} << 20; // np.save writes < 200 bytes

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}

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

} // namespace

npy_file::npy_file(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    // An ifstream opens a directory and only fails on reading: say what it is. A FIFO would
    // block the open until a writer appears (core/input_file.hpp).
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

std::size_t npy_file::read_at(std::uint64_t offset, unsigned char* out, std::size_t n) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
    in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
    return static_cast<std::size_t>(in_.gcount());
}

void npy_file::read_next(unsigned char* out, std::size_t n) {
    in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in_.gcount()) != n)
        fail(path_, "read failed: the file shrank or could not be read while reading it");
}

void npy_file::seek(std::uint64_t offset) {
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
}

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

double element_value(const unsigned char* p, const npy_dtype& t) {
    const std::uint64_t u = load_le(p, t.size);
    if (t.kind == 'i')
        return static_cast<double>(sign_extend(u, t.size));
    if (t.kind == 'u')
        return static_cast<double>(u);
    if (t.size == 4) {
        const auto bits = static_cast<std::uint32_t>(u);
        float x = 0.0f;
        std::memcpy(&x, &bits, sizeof x);
        return x;
    }
    double v = 0.0;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

array read_numeric_array(const std::string& path, const char* role) {
    static const std::vector<std::string> dtypes = {"<f4", "<f8", "|u1", "|i1", "<u2",
                                                    "<i2", "<u4", "<i4", "<i8"};
    npy_file f(path);
    const npy_header h = read_npy_header(f);
    const npy_dtype t = check_dtype(path, h.descr, role, dtypes);
    check_c_order(f, h);
    std::uint64_t n = 1;
    for (const std::uint64_t d : h.shape) {
        if (d != 0 && n > std::numeric_limits<std::uint64_t>::max() / d)
            fail(path, "shape " + shape_str(h.shape) + " is too large");
        n *= d;
    }
    check_data_size(f, h, n, t); // the file holds every element: allocating n is safe
    array a;
    a.shape = h.shape;
    a.values.resize(static_cast<std::size_t>(n));
    for_each_element(f, h, t, n, [&](const unsigned char* p, std::uint64_t i) {
        const double v = element_value(p, t);
        if (!std::isfinite(v))
            fail(path, element_index(i, h.shape) + ": expected a finite number, found " +
                           format_value(v));
        a.values[static_cast<std::size_t>(i)] = v;
    });
    return a;
}

} // namespace cortexsim::npy

// Dataset readers (circuits/tasks/dataset.hpp): small IDX and CSV files written here and read
// back exactly, every malformed-file error with its exact message, and the Debian data sets
// checked against published facts when their packages are installed.
#include <catch2/catch.hpp>

#include "../skip.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <vector>

#include <zlib.h>

#include "circuits/tasks/dataset.hpp"

using namespace cortexsim;
namespace fs = std::filesystem;

namespace {

using bytes = std::vector<unsigned char>;

fs::path scratch_dir() {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_test_datasets";
    fs::create_directories(dir);
    return dir;
}

void put32(bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8)
        b.push_back(static_cast<unsigned char>(v >> s));
}

bytes idx_images(std::uint32_t magic, std::uint32_t n, std::uint32_t rows, std::uint32_t cols,
                 const bytes& pixels) {
    bytes b;
    put32(b, magic);
    put32(b, n);
    put32(b, rows);
    put32(b, cols);
    b.insert(b.end(), pixels.begin(), pixels.end());
    return b;
}

bytes idx_labels(std::uint32_t magic, std::uint32_t n, const bytes& labels) {
    bytes b;
    put32(b, magic);
    put32(b, n);
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

std::string write_plain(const std::string& name, const bytes& data) {
    const fs::path p = scratch_dir() / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    REQUIRE(out.good());
    return p.string();
}

std::string write_gz(const std::string& name, const bytes& data) {
    const fs::path p = scratch_dir() / name;
    gzFile f = gzopen(p.string().c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, data.data(), static_cast<unsigned>(data.size())) ==
            static_cast<int>(data.size()));
    REQUIRE(gzclose(f) == Z_OK);
    return p.string();
}

bytes read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bytes text(const std::string& s) {
    return bytes(s.begin(), s.end());
}

// Three 2x4 images whose pixels cover 0 and 255; labels 2, 0, 7.
const bytes small_pixels = {0,  1,  2,  3,  4,   5,   6,   7,   128, 129, 130, 131,
                            60, 70, 80, 90, 255, 254, 253, 252, 10,  20,  30,  40};
const bytes small_labels = {2, 0, 7};

/// The little-endian bytes of `values`, as a .npy file stores them, on any host.
template <class T> bytes le(std::initializer_list<T> values) {
    using uint = std::conditional_t<
        sizeof(T) == 1, std::uint8_t,
        std::conditional_t<sizeof(T) == 2, std::uint16_t,
                           std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
    static_assert(sizeof(uint) == sizeof(T));
    bytes b;
    for (const T v : values) {
        uint u;
        std::memcpy(&u, &v, sizeof u); // the value's bits as an integer
        for (std::size_t i = 0; i < sizeof u; ++i)
            b.push_back(static_cast<unsigned char>(u >> (8 * i)));
    }
    return b;
}

/// A .npy file with header text `dict` as numpy.save writes it: "\x93NUMPY", the version, the
/// header length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), the dict padded with spaces
/// and a '\n' so the data starts at a multiple of 64 bytes, then `data`.
bytes npy_raw(const std::string& dict, const bytes& data, unsigned major = 1) {
    const std::size_t preamble = major == 1 ? 10 : 12;
    std::string header = dict;
    while ((preamble + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<unsigned char>(major), 0};
    for (std::size_t i = 0; i < preamble - 8; ++i)
        b.push_back(static_cast<unsigned char>(header.size() >> (8 * i)));
    b.insert(b.end(), header.begin(), header.end());
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

/// A .npy file for `descr` and `shape` (Python syntax: "(3, 2)", "(3,)") holding `data`.
bytes npy(const std::string& descr, const std::string& shape, const bytes& data, unsigned major = 1,
          const std::string& fortran_order = "False") {
    return npy_raw("{'descr': '" + descr + "', 'fortran_order': " + fortran_order +
                       ", 'shape': " + shape + ", }",
                   data, major);
}

template <class F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("IDX pairs read back exactly, gzipped or plain", "[circuits][datasets]") {
    const auto img = idx_images(0x803, 3, 2, 4, small_pixels);
    const auto lab = idx_labels(0x801, 3, small_labels);
    const bool gz = GENERATE(true, false);
    const std::string ip = gz ? write_gz("rt-images.gz", img) : write_plain("rt-images", img);
    const std::string lp = gz ? write_gz("rt-labels.gz", lab) : write_plain("rt-labels", lab);

    const dataset ds = read_idx_pair(ip, lp);
    CHECK(ds.n_samples == 3);
    CHECK(ds.n_features == 8);
    CHECK(ds.n_classes == 8); // largest label 7
    CHECK(ds.labels == std::vector<int>{2, 0, 7});
    CHECK(ds.source == ip + ", " + lp);
    REQUIRE(ds.features.size() == small_pixels.size());
    for (std::size_t i = 0; i < small_pixels.size(); ++i)
        CHECK(ds.features[i] == static_cast<float>(small_pixels[i]) / 255.0f);
    CHECK(ds.features[16] == 1.0f);

    const dataset two = read_idx_pair(ip, lp, 2);
    CHECK(two.n_samples == 2);
    CHECK(two.labels == std::vector<int>{2, 0});
    CHECK(std::equal(two.features.begin(), two.features.end(), ds.features.begin()));
    CHECK(read_idx_pair(ip, lp, 99).n_samples == 3); // more than there are: all of them
}

TEST_CASE("malformed IDX files are rejected with exact messages", "[circuits][datasets]") {
    const std::string ip = write_plain("ok-images", idx_images(0x803, 3, 2, 4, small_pixels));
    const std::string lp = write_plain("ok-labels", idx_labels(0x801, 3, small_labels));

    SECTION("swapped files: wrong magic") {
        CHECK(error_of([&] { read_idx_pair(lp, ip); }) ==
              lp + ": expected magic 0x00000803 (IDX images), got 0x00000801");
        CHECK(error_of([&] { read_idx_pair(ip, ip); }) ==
              ip + ": expected magic 0x00000801 (IDX labels), got 0x00000803");
        const std::string junk = write_plain("junk", text("hello, world!\n"));
        CHECK(error_of([&] { read_idx_pair(junk, lp); }) ==
              junk + ": expected magic 0x00000803 (IDX images), got 0x68656c6c");
    }
    SECTION("count mismatch") {
        const std::string lp2 = write_plain("two-labels", idx_labels(0x801, 2, {2, 0}));
        CHECK(error_of([&] { read_idx_pair(ip, lp2); }) ==
              lp2 + ": header declares 2 labels but " + ip + " declares 3 images");
    }
    SECTION("bad dimensions") {
        const std::string zero = write_plain("zero-cols", idx_images(0x803, 3, 2, 0, {}));
        CHECK(error_of([&] { read_idx_pair(zero, lp); }) ==
              zero + ": image size must be positive, header declares 2x0");
        const std::string none = write_plain("no-images", idx_images(0x803, 0, 2, 4, {}));
        CHECK(error_of([&] { read_idx_pair(none, lp); }) == none + ": header declares 0 images");
    }
    SECTION("truncation") {
        bytes cut = idx_images(0x803, 3, 2, 4, small_pixels);
        cut.resize(cut.size() - 5);
        const std::string short_img = write_plain("short-images", cut);
        CHECK(error_of([&] { read_idx_pair(short_img, lp); }) ==
              short_img +
                  ": truncated: expected 24 bytes of pixel data (3 images of 2x4), found 19");
        // The prefix that is there still reads.
        CHECK(read_idx_pair(short_img, lp, 2).n_samples == 2);

        const std::string short_lab = write_plain("short-labels", idx_labels(0x801, 3, {2, 0}));
        CHECK(error_of([&] { read_idx_pair(ip, short_lab); }) ==
              short_lab + ": truncated: expected 3 bytes of labels, found 2");

        bytes head = idx_images(0x803, 3, 2, 4, {});
        head.resize(9);
        const std::string short_head = write_plain("short-header", head);
        CHECK(error_of([&] { read_idx_pair(short_head, lp); }) ==
              short_head + ": truncated: expected a 16-byte IDX images header, found 9 bytes");
        const std::string empty = write_plain("empty", {});
        CHECK(error_of([&] { read_idx_pair(empty, lp); }) ==
              empty + ": truncated: expected a 16-byte IDX images header, found 0 bytes");
    }
    SECTION("a gzip stream cut short") {
        // 100 pseudo-random 28x28 images barely compress, so half the .gz ends mid-pixels.
        bytes px(100 * 784);
        std::uint32_t x = 12345;
        for (auto& p : px)
            p = static_cast<unsigned char>((x = x * 1664525u + 1013904223u) >> 24);
        const std::string full = write_gz("big-images.gz", idx_images(0x803, 100, 28, 28, px));
        const std::string lab100 = write_plain("big-labels", idx_labels(0x801, 100, bytes(100, 1)));
        CHECK(read_idx_pair(full, lab100).features.size() == px.size());
        bytes gz = read_all(full);
        const std::string half = write_plain(
            "half-images.gz", bytes(gz.begin(), gz.begin() + static_cast<long>(gz.size() / 2)));
        CHECK(error_of([&] { read_idx_pair(half, lab100); }) ==
              half + ": truncated: expected 78400 bytes of pixel data (100 images of 28x28), "
                     "the compressed stream ends early");
        // Only the 8-byte CRC trailer missing: every byte arrives, but unverified.
        gz.resize(gz.size() - 8);
        const std::string no_trailer = write_plain("no-trailer.gz", gz);
        CHECK(error_of([&] { read_idx_pair(no_trailer, lab100); }) ==
              no_trailer + ": truncated: the compressed stream ends early");
    }
    SECTION("trailing data and missing files") {
        bytes extra = idx_labels(0x801, 3, small_labels);
        extra.push_back(9);
        const std::string long_lab = write_plain("long-labels", extra);
        CHECK(error_of([&] { read_idx_pair(ip, long_lab); }) ==
              long_lab + ": unexpected data after the 3 labels the header declares");
        const std::string missing = (scratch_dir() / "does-not-exist.gz").string();
        CHECK(error_of([&] { read_idx_pair(missing, lp); }) ==
              missing + ": cannot open: No such file or directory");
    }
}

TEST_CASE("digits CSV reads back exactly and rejects malformed lines", "[circuits][datasets]") {
    std::string row0, row1;
    for (int i = 0; i < 64; ++i) {
        row0 += std::to_string(i % 17) + ",";
        row1 += std::to_string(16 - i % 17) + ",";
    }
    const std::string csv = row0 + "3\n" + row1 + "9\n";
    const bool gz = GENERATE(true, false);
    const std::string p =
        gz ? write_gz("digits.csv.gz", text(csv)) : write_plain("digits.csv", text(csv));
    const dataset ds = read_digits_csv(p);
    CHECK(ds.n_samples == 2);
    CHECK(ds.n_features == 64);
    CHECK(ds.n_classes == 10);
    CHECK(ds.labels == std::vector<int>{3, 9});
    REQUIRE(ds.features.size() == 128);
    for (int i = 0; i < 64; ++i) {
        CHECK(ds.features[i] == static_cast<float>(i % 17) / 16.0f);
        CHECK(ds.features[64 + i] == static_cast<float>(16 - i % 17) / 16.0f);
    }
    CHECK(read_digits_csv(p, 1).n_samples == 1);
    CHECK(read_digits_csv(write_plain("digits-crlf.csv", text(row0 + "3\r\n"))).labels ==
          std::vector<int>{3});

    const std::string short_row = std::string(63 * 2, ',');
    const std::vector<std::pair<std::string, std::string>> bad = {
        {row0 + "3\n0,1,2\n",
         ":2: expected 65 comma-separated values (64 pixels and the label), found 3"},
        {row0 + "x\n", ":1: column 65: expected a number, found 'x'"},
        {"17," + row0.substr(2) + "1\n", ":1: column 1: pixel value 17 outside 0..16"},
        {row0 + "2.5\n", ":1: column 65: label must be a non-negative integer, found 2.5"},
        {row0 + "-1\n", ":1: column 65: label must be a non-negative integer, found -1"},
        {"\n\n", ": contains no samples"},
    };
    for (const auto& [content, message] : bad) {
        const std::string f = write_plain("bad-digits.csv", text(content));
        CHECK(error_of([&] { read_digits_csv(f); }) == f + message);
    }
}

TEST_CASE("CSV data sets read back exactly, gzipped or plain", "[circuits][datasets]") {
    // A header, a comment, a blank line, spaces, a '+', CRLF and a label written as 3.0.
    const std::string csv = "x1, x2 ,label\n"
                            "# measured 2024-05-01\n"
                            "0.5,-1.25e3,2\n"
                            "\n"
                            " +3 ,\t.5, 0\r\n"
                            "1e-3,7,3.0\n";
    const bool gz = GENERATE(true, false);
    const std::string p =
        gz ? write_gz("user.csv.gz", text(csv)) : write_plain("user.csv", text(csv));
    const dataset ds = read_csv_dataset(p);
    CHECK(ds.n_samples == 3);
    CHECK(ds.n_features == 2);
    CHECK(ds.n_classes == 4); // largest label 3
    CHECK(ds.labels == std::vector<int>{2, 0, 3});
    CHECK(ds.source == p);
    // Stored as given: the nearest float to each decimal, no scaling.
    CHECK(ds.features == std::vector<float>{0.5f, -1250.0f, 3.0f, 0.5f, 1e-3f, 7.0f});

    const dataset one = read_csv_dataset(p, 1);
    CHECK(one.n_samples == 1);
    CHECK(one.features == std::vector<float>{0.5f, -1250.0f});
    CHECK(one.labels == std::vector<int>{2});
    CHECK(read_csv_dataset(p, 99).n_samples == 3);

    // No header: the first line is a sample. A UTF-8 byte order mark before a header is ignored.
    const dataset plain =
        read_csv_dataset(write_plain("no-header.csv", text("1,2,0\n3,4,65535\n")));
    CHECK(plain.n_samples == 2);
    CHECK(plain.n_classes == 65536);
    CHECK(plain.features == std::vector<float>{1, 2, 3, 4});
    const dataset bom =
        read_csv_dataset(write_plain("bom.csv", text("\xEF\xBB\xBFx,label\n-4,1\n")));
    CHECK(bom.features == std::vector<float>{-4});
    CHECK(bom.labels == std::vector<int>{1});
}

TEST_CASE("malformed CSV data sets are rejected with exact messages", "[circuits][datasets]") {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"1,2,0\n3,0\n", ":2: expected 3 comma-separated values as on line 1, found 2"},
        {"a,b,label\n1,2,3,0\n",
         ":2: expected 3 comma-separated values as in the header on line 1, found 4"},
        {"1,2,0,\n", ":1: column 4: expected a number, found an empty field"},
        {"5\n", ":1: expected at least 2 comma-separated values (features and the label last), "
                "found 1"},
        {"1,abc,0\n", ":1: column 2: expected a number, found 'abc'"},
        {"1,2,0\nx,y,1\n", ":2: column 1: expected a number, found 'x'"}, // header: line 1 only
        {"a,b,c\nd,e,f\n", ":2: column 1: expected a number, found 'd'"}, // one header at most
        {"1,,0\n", ":1: column 2: expected a number, found an empty field"},
        {",,\n", ":1: column 1: expected a number, found an empty field"}, // not a header
        {"1,5;2,0\n", ":1: column 2: expected a number, found '5;2'"},
        {"+-1,2,0\n", ":1: column 1: expected a number, found '+-1'"},
        {"0x10,2,0\n", ":1: column 1: expected a number, found '0x10'"},
        {"1,2,-1\n", ":1: column 3: label must be a whole number in 0..65535, found -1"},
        {"1,2,2.5\n", ":1: column 3: label must be a whole number in 0..65535, found 2.5"},
        {"1,2,65536\n", ":1: column 3: label must be a whole number in 0..65535, found 65536"},
        {"1,nan,0\n", ":1: column 2: expected a finite number, found nan"},
        {"1,2,0\n-inf,2,0\n", ":2: column 1: expected a finite number, found -inf"},
        {"1,2,inf\n", ":1: column 3: expected a finite number, found inf"},
        {"1e999,2,0\n", ":1: column 1: number out of range: 1e999"},
        {"1e300,2,0\n", ":1: column 1: 1e300 is beyond the float range"},
        {"1,\x01\x02,0\n", ":1: column 2: expected a number, found '\\x01\\x02'"},
        {"# only a comment\n\n", ": contains no samples"},
        {"x,label\n", ": contains no samples"},
        {"", ": contains no samples"},
    };
    for (const auto& [content, message] : bad) {
        CAPTURE(content);
        const std::string f = write_plain("bad-user.csv", text(content));
        CHECK(error_of([&] { read_csv_dataset(f); }) == f + message);
    }
    // A NUL byte (a binary file) is named, not dropped with the rest of its line.
    const std::string nul_text("1,2,0\n1,2\0,0\n4,5,1\n", 18);
    const bool gz = GENERATE(true, false);
    const std::string nul =
        gz ? write_gz("nul.csv.gz", text(nul_text)) : write_plain("nul.csv", text(nul_text));
    CHECK(error_of([&] { read_csv_dataset(nul); }) ==
          nul + ":2: contains a NUL byte: not a text file");
    const std::string nul1 = write_plain("nul1.csv", text(std::string("0\0,1\n", 5)));
    CHECK(error_of([&] { read_digits_csv(nul1); }) ==
          nul1 + ":1: contains a NUL byte: not a text file");
    // Errors after the samples asked for are not reached.
    const std::string late = write_plain("late-error.csv", text("1,2,0\n1,2,x\n"));
    CHECK(read_csv_dataset(late, 1).n_samples == 1);
    const std::string missing = (scratch_dir() / "does-not-exist.csv").string();
    CHECK(error_of([&] { read_csv_dataset(missing); }) ==
          missing + ": cannot open: No such file or directory");
}

TEST_CASE("NumPy .npy data sets read back exactly", "[circuits][datasets]") {
    const bytes labels = le<std::int64_t>({2, 0, 7});
    const std::string lp = write_plain("y.npy", npy("<i8", "(3,)", labels));

    SECTION("every feature dtype, converted to float as given") {
        struct feature_case {
            std::string descr;
            bytes data;
            std::vector<float> expected;
        };
        const std::vector<feature_case> cases = {
            {"<f4",
             le<float>({0.5f, -1.25f, 3e-5f, 1e30f, -0.0f, 7.0f}),
             {0.5f, -1.25f, 3e-5f, 1e30f, -0.0f, 7.0f}},
            {"<f8",
             le<double>({0.1, -2.5, 1e-300, 3.0, 1e38, -7.0}),
             {static_cast<float>(0.1), -2.5f, 0.0f, 3.0f, 1e38f, -7.0f}},
            {"|u1", le<std::uint8_t>({0, 255, 1, 128, 7, 9}), {0, 255, 1, 128, 7, 9}},
            {"|i1", le<std::int8_t>({-128, 127, -1, 0, 5, 6}), {-128, 127, -1, 0, 5, 6}},
            {"<u2", le<std::uint16_t>({65535, 0, 1, 256, 3, 4}), {65535, 0, 1, 256, 3, 4}},
            {"<i2",
             le<std::int16_t>({-32768, 32767, -1, 0, 300, -300}),
             {-32768, 32767, -1, 0, 300, -300}},
            {"<i4",
             le<std::int32_t>({-2147483647 - 1, 2147483647, -1, 0, 16777217, 5}),
             {-2147483648.0f, 2147483648.0f, -1, 0, 16777216.0f, 5}}, // nearest floats
            {"<i8",
             le<std::int64_t>(
                 {-(std::int64_t{1} << 40), std::int64_t{1} << 53, -1, 0, 123456789, 42}),
             {-1099511627776.0f, 9007199254740992.0f, -1, 0, 123456792.0f, 42}},
        };
        for (const auto& c : cases) {
            CAPTURE(c.descr);
            const std::string xp = write_plain("x.npy", npy(c.descr, "(3, 2)", c.data));
            const dataset ds = read_npy_dataset(xp, lp);
            CHECK(ds.n_samples == 3);
            CHECK(ds.n_features == 2);
            CHECK(ds.n_classes == 8);
            CHECK(ds.labels == std::vector<int>{2, 0, 7});
            CHECK(ds.source == xp + ", " + lp);
            CHECK(ds.features == c.expected);
            CHECK(std::signbit(ds.features[4]) == (c.descr == "<f4")); // -0.0 kept
        }
    }
    SECTION("every label dtype, shape (n,) or (n, 1)") {
        const std::string xp =
            write_plain("x.npy", npy("<f4", "(3, 1)", le<float>({1.0f, 2.0f, 3.0f})));
        const std::string shape = GENERATE(as<std::string>{}, "(3,)", "(3, 1)");
        struct label_case {
            std::string descr;
            bytes data;
            int largest; // the dtype's maximum, or 65535 where that is larger
        };
        const std::vector<label_case> cases = {
            {"|u1", le<std::uint8_t>({2, 0, 255}), 255},
            {"|i1", le<std::int8_t>({2, 0, 127}), 127},
            {"<u2", le<std::uint16_t>({2, 0, 65535}), 65535},
            {"<i2", le<std::int16_t>({2, 0, 32767}), 32767},
            {"<u4", le<std::uint32_t>({2, 0, 65535}), 65535},
            {"<i4", le<std::int32_t>({2, 0, 65535}), 65535},
            {"<u8", le<std::uint64_t>({2, 0, 65535}), 65535},
            {"<i8", le<std::int64_t>({2, 0, 65535}), 65535},
        };
        for (const auto& c : cases) {
            CAPTURE(c.descr, shape);
            const dataset ds =
                read_npy_dataset(xp, write_plain("y.npy", npy(c.descr, shape, c.data)));
            CHECK(ds.labels == std::vector<int>{2, 0, c.largest});
            CHECK(ds.n_classes == static_cast<std::size_t>(c.largest) + 1);
        }
    }
    SECTION("images (n, h, w) are flattened; format versions 2.0 and 3.0") {
        const bytes px = le<std::uint8_t>({0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
        const unsigned major = GENERATE(1u, 2u, 3u);
        const std::string xp = write_plain("img.npy", npy("|u1", "(3, 2, 2)", px, major));
        const std::string yp = write_plain("img-y.npy", npy("|u1", "(3,)", {5, 6, 5}, major));
        const dataset ds = read_npy_dataset(xp, yp);
        CHECK(ds.n_samples == 3);
        CHECK(ds.n_features == 4);
        CHECK(ds.n_classes == 7);
        CHECK(ds.features == std::vector<float>{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
        CHECK(ds.labels == std::vector<int>{5, 6, 5});
    }
    SECTION("max_samples reads a prefix; header keys in any order") {
        const std::string xp = write_plain(
            "x.npy", npy_raw("{\"shape\": (3L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}",
                             le<float>({1, 2, 3, 4, 5, 6})));
        const dataset two = read_npy_dataset(xp, lp, 2);
        CHECK(two.n_samples == 2);
        CHECK(two.features == std::vector<float>{1, 2, 3, 4});
        CHECK(two.labels == std::vector<int>{2, 0});
        CHECK(two.n_classes == 3);
        CHECK(read_npy_dataset(xp, lp, 99).n_samples == 3);
    }
}

TEST_CASE("malformed .npy files are rejected with exact messages", "[circuits][datasets]") {
    const bytes six = le<float>({1, 2, 3, 4, 5, 6});
    const std::string xp = write_plain("ok-x.npy", npy("<f4", "(3, 2)", six));
    const std::string lp = write_plain("ok-y.npy", npy("<i8", "(3,)", le<std::int64_t>({2, 0, 7})));
    REQUIRE(read_npy_dataset(xp, lp).n_samples == 3);
    const auto x_error = [&](const bytes& content) {
        const std::string f = write_plain("bad-x.npy", content);
        return error_of([&] { read_npy_dataset(f, lp); }).substr(f.size());
    };
    const auto y_error = [&](const bytes& content) {
        const std::string f = write_plain("bad-y.npy", content);
        return error_of([&] { read_npy_dataset(xp, f); }).substr(f.size());
    };

    SECTION("not a .npy file") {
        CHECK(x_error(text("hello, world!\n")) ==
              ": not a .npy file: expected the magic \\x93NUMPY, found 'hello,'");
        const std::string gz = write_gz("x.npy.gz", npy("<f4", "(3, 2)", six));
        CHECK(error_of([&] { read_npy_dataset(gz, lp); }) ==
              gz + ": not a .npy file: expected the magic \\x93NUMPY, found "
                   "'\\x1f\\x8b\\x08\\x00\\x00\\x00' (a gzip file: decompress it first)");
        CHECK(x_error(text("PK\x03\x04rest")) ==
              ": not a .npy file: expected the magic \\x93NUMPY, found 'PK\\x03\\x04re' "
              "(a zip archive, perhaps .npz: save each array with numpy.save)");
        CHECK(x_error({}) == ": truncated: expected a 10-byte .npy preamble, got 0 bytes");
        CHECK(x_error({0x93, 'N', 'U'}) ==
              ": truncated: expected a 10-byte .npy preamble, got 3 bytes");
        bytes v4 = npy("<f4", "(3, 2)", six);
        v4[6] = 4;
        CHECK(x_error(v4) == ": unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
        bytes v11 = npy("<f4", "(3, 2)", six);
        v11[7] = 1;
        CHECK(x_error(v11) == ": unsupported .npy format version 1.1 (supported: 1.0, 2.0, 3.0)");
        const std::string dir = scratch_dir().string();
        CHECK(error_of([&] { read_npy_dataset(dir, lp); }) ==
              dir + ": cannot open: Is a directory");
        const std::string missing = (scratch_dir() / "does-not-exist.npy").string();
        CHECK(error_of([&] { read_npy_dataset(xp, missing); }) ==
              missing + ": cannot open: No such file or directory");
    }
    SECTION("malformed headers") {
        bytes cut = npy("<f4", "(3, 2)", {});
        cut.resize(40);
        CHECK(x_error(cut) == ": truncated: expected a 118-byte header, got 30 bytes");
        CHECK(x_error(npy_raw("{'descr': '<f4', 'shape': (3, 2)}", six)) ==
              ": malformed .npy header: no 'fortran_order' key in {'descr': '<f4', 'shape': (3, "
              "2)}");
        CHECK(x_error(npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), "
                              "'extra': 1}",
                              six)) ==
              ": malformed .npy header: unexpected key 'extra' (expected 'descr', "
              "'fortran_order' and 'shape') at character 59 of {'descr': '<f4', 'fortran_order': "
              "False, 'shape': (3, 2), 'extra': 1}");
        CHECK(x_error(npy_raw("{'descr' '<f4'}", six)) ==
              ": malformed .npy header: expected ':' after the key at character 10 of "
              "{'descr' '<f4'}");
        CHECK(x_error(npy_raw("{'descr': '<f4', 'descr': '<f4'}", six)) ==
              ": malformed .npy header: duplicate key 'descr' at character 18 of "
              "{'descr': '<f4', 'descr': '<f4'}");
        CHECK(x_error(npy_raw("{'fortran_order': 0}", six)) ==
              ": malformed .npy header: expected True or False for 'fortran_order' at character "
              "19 of {'fortran_order': 0}");
        CHECK(x_error(npy("<f4", "(3, -2)", six)) ==
              ": malformed .npy header: expected a non-negative integer in 'shape' at character "
              "55 of {'descr': '<f4', 'fortran_order': False, 'shape': (3, -2), }");
        CHECK(x_error(npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2}", six)) ==
              ": malformed .npy header: expected ',' or ')' in 'shape' at character 56 of "
              "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2}");
        CHECK(x_error(npy("<f4", "(99999999999999999999, 2)", six)) ==
              ": malformed .npy header: shape dimension too large at character 52 of "
              "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 2), }");
        CHECK(
            x_error(npy_raw("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2)} x", six)) ==
            ": malformed .npy header: unexpected text after the dict at character 59 of "
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2)} x");
        CHECK(x_error(npy_raw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,)}",
                              six)) == ": structured dtypes (a list as 'descr') are not supported");
    }
    SECTION("dtypes") {
        CHECK(x_error(npy(">f4", "(3, 2)", six)) ==
              ": features dtype '>f4' is big-endian, which is not supported: save "
              "x.astype('<f4')");
        CHECK(y_error(npy(">i8", "(3,)", bytes(24))) ==
              ": labels dtype '>i8' is big-endian, which is not supported: save x.astype('<i8')");
        const std::string allowed =
            "(allowed: '<f4', '<f8', '|u1', '|i1', '<u2', '<i2', '<i4' or '<i8')";
        CHECK(x_error(npy("<c8", "(3, 2)", bytes(48))) ==
              ": features dtype '<c8' is not supported " + allowed);
        CHECK(x_error(npy("|b1", "(3, 2)", bytes(6))) ==
              ": features dtype '|b1' is not supported " + allowed);
        CHECK(x_error(npy("<f2", "(3, 2)", bytes(12))) ==
              ": features dtype '<f2' is not supported " + allowed);
        CHECK(x_error(npy("|O", "(3, 2)", bytes(48))) ==
              ": features dtype '|O' is not supported " + allowed);
        CHECK(y_error(npy("<f8", "(3,)", le<double>({2, 0, 7}))) ==
              ": labels must have an integer dtype, got '<f8': save y.astype('int64') "
              "(allowed: '|u1', '|i1', '<u2', '<i2', '<u4', '<i4', '<u8' or '<i8')");
        CHECK(y_error(npy("<U1", "(3,)", bytes(12))) ==
              ": labels dtype '<U1' is not supported (allowed: '|u1', '|i1', '<u2', '<i2', "
              "'<u4', '<i4', '<u8' or '<i8')");
    }
    SECTION("order and shapes") {
        CHECK(x_error(npy("<f4", "(3, 2)", six, 1, "True")) ==
              ": fortran_order is True: only C-order arrays are supported (save "
              "numpy.ascontiguousarray(x))");
        CHECK(y_error(npy("<i8", "(3,)", bytes(24), 1, "True")) ==
              ": fortran_order is True: only C-order arrays are supported (save "
              "numpy.ascontiguousarray(x))");
        CHECK(x_error(npy("<f4", "(6,)", six)) ==
              ": features must have shape (n, d) or (n, h, w, ...), got (6,)");
        CHECK(x_error(npy("<f4", "()", le<float>({1}))) ==
              ": features must have shape (n, d) or (n, h, w, ...), got ()");
        CHECK(x_error(npy("<f4", "(0, 2)", {})) == ": shape (0, 2) holds no samples");
        CHECK(x_error(npy("<f4", "(3, 0)", {})) == ": shape (3, 0) gives each sample no features");
        CHECK(x_error(npy("<f4", "(4294967296, 4294967296, 2)", six)) ==
              ": shape (4294967296, 4294967296, 2) is too large");
        CHECK(y_error(npy("<i8", "(3, 2)", bytes(48))) ==
              ": labels must have shape (n,) or (n, 1), got (3, 2)");
        CHECK(y_error(npy("<i8", "(1, 3)", bytes(24))) ==
              ": labels must have shape (n,) or (n, 1), got (1, 3)");
        const std::string two = write_plain("two-y.npy", npy("<i8", "(2,)", bytes(16)));
        CHECK(error_of([&] { read_npy_dataset(xp, two); }) ==
              two + ": shape (2,) declares 2 labels but " + xp + " declares 3 samples");
    }
    SECTION("truncated or trailing data, checked even for a prefix") {
        bytes cut = npy("<f4", "(3, 2)", six);
        cut.resize(cut.size() - 4);
        const std::string f = write_plain("cut-x.npy", cut);
        CHECK(error_of([&] { read_npy_dataset(f, lp); }) ==
              f + ": truncated: expected 24 bytes of data, got 20");
        CHECK(error_of([&] { read_npy_dataset(f, lp, 1); }) ==
              f + ": truncated: expected 24 bytes of data, got 20");
        CHECK(y_error(npy("<i8", "(3,)", bytes(23))) ==
              ": truncated: expected 24 bytes of data, got 23");
        CHECK(x_error(npy("<f4", "(3, 2)", bytes(25))) ==
              ": unexpected data: expected 24 bytes of data (shape (3, 2), dtype '<f4'), got 25");
    }
    SECTION("bad values") {
        const float nan = std::nanf("");
        const float inf = HUGE_VALF;
        CHECK(x_error(npy("<f4", "(3, 2)", le<float>({1, 2, nan, 4, 5, 6}))) ==
              ": element [1, 0]: expected a finite number, found nan");
        CHECK(x_error(npy("<f4", "(3, 1, 2)", le<float>({1, 2, 3, 4, 5, -inf}))) ==
              ": element [2, 0, 1]: expected a finite number, found -inf");
        CHECK(x_error(npy("<f8", "(3, 2)", le<double>({1, 2, 3, 4, 1e300, 6}))) ==
              ": element [2, 0]: 1e+300 is beyond the float range");
        CHECK(y_error(npy("<i4", "(3,)", le<std::int32_t>({2, -1, 7}))) ==
              ": element [1]: label must be in 0..65535, got -1");
        CHECK(y_error(npy("<u4", "(3, 1)", le<std::uint32_t>({2, 0, 65536}))) ==
              ": element [2, 0]: label must be in 0..65535, got 65536");
        CHECK(y_error(npy("<u8", "(3,)", le<std::uint64_t>({~std::uint64_t{0}, 0, 7}))) ==
              ": element [0]: label must be in 0..65535, got 18446744073709551615");
        CHECK(y_error(npy("<i8", "(3,)", le<std::int64_t>({2, 0, -(std::int64_t{1} << 62)}))) ==
              ": element [2]: label must be in 0..65535, got -4611686018427387904");
        // A bad value past the samples asked for is not read.
        const std::string late =
            write_plain("late-x.npy", npy("<f4", "(3, 2)", le<float>({1, 2, 3, 4, nan, 6})));
        CHECK(read_npy_dataset(late, lp, 2).n_samples == 2);
    }
}

TEST_CASE("shuffled_indices is a reproducible permutation", "[circuits][datasets]") {
    const auto a = shuffled_indices(1000, 42, "train");
    auto sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        REQUIRE(sorted[i] == i);
    CHECK(a == shuffled_indices(1000, 42, "train"));
    CHECK(a != shuffled_indices(1000, 43, "train"));
    CHECK(a != shuffled_indices(1000, 42, "test"));
    CHECK(shuffled_indices(0, 1, "x").empty());
    CHECK(shuffled_indices(1, 1, "x") == std::vector<std::size_t>{0});
}

TEST_CASE("Debian's Fashion-MNIST reads with its published properties", "[circuits][datasets]") {
    const std::string dir = find_fashion_mnist_dir();
    if (dir.empty()) {
        CORTEXSIM_SKIP("dataset-fashion-mnist is not installed (tools/install_deps.sh installs it)");
    }
    const dataset train = read_idx_pair(dir + "/train-images-idx3-ubyte.gz",
                                        dir + "/train-labels-idx1-ubyte.gz", 100);
    CHECK(train.n_samples == 100);
    CHECK(train.n_features == 784);
    CHECK(train.features.size() == 100 * 784);
    CHECK(std::all_of(train.labels.begin(), train.labels.end(),
                      [](int l) { return l >= 0 && l <= 9; }));
    CHECK(std::all_of(train.features.begin(), train.features.end(),
                      [](float v) { return v >= 0.0f && v <= 1.0f; }));

    // Published: the 10,000 test images hold exactly 1,000 of each of the 10 classes.
    const dataset test =
        read_idx_pair(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
    CHECK(test.n_samples == 10000);
    CHECK(test.n_features == 784);
    CHECK(test.n_classes == 10);
    std::vector<int> histogram(10, 0);
    for (int l : test.labels)
        ++histogram.at(static_cast<std::size_t>(l));
    CHECK(histogram == std::vector<int>(10, 1000));
}

TEST_CASE("scikit-learn's digits read with their published properties", "[circuits][datasets]") {
    const std::string path = find_sklearn_digits();
    if (path.empty()) {
        CORTEXSIM_SKIP("python3-sklearn is not installed (tools/install_deps.sh installs it)");
    }
    const dataset ds = read_digits_csv(path);
    CHECK(ds.n_samples == 1797); // digits.rst: 1797 instances, 64 attributes, 10 classes
    CHECK(ds.n_features == 64);
    CHECK(ds.n_classes == 10);
    // Class sizes and pixel total as sklearn's own loader (numpy.loadtxt) reports them.
    std::vector<int> histogram(10, 0);
    for (int l : ds.labels)
        ++histogram.at(static_cast<std::size_t>(l));
    CHECK(histogram == std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180});
    double total = 0.0; // k/16 is exact in float and the sum exact in double
    for (float v : ds.features)
        total += v;
    CHECK(total == 561718.0 / 16.0);
}

TEST_CASE("a label beyond the expected classes names the file and the sample (issue 15)",
          "[circuits][datasets]") {
    // One damaged label (200 among 0..9) made 201 classes, silently: with the class count the
    // caller expects, it is an error at that sample; without one, the old inference stands.
    const bytes labels = {3, 1, 200, 0, 9};
    const std::string ip = write_plain("five-images", idx_images(0x803, 5, 1, 2, bytes(10, 7)));
    const std::string lp = write_plain("five-labels", idx_labels(0x801, 5, labels));
    CHECK(read_idx_pair(ip, lp).n_classes == 201);
    CHECK(error_of([&] { read_idx_pair(ip, lp, 0, 10); }) ==
          lp + ": sample 2 (counting from 0): label 200 is outside 0..9 (10 classes expected)");
    // The bound is exclusive: 9 is the last label of 10 classes, 10 the first beyond.
    CHECK(read_idx_pair(ip, lp, 2, 10).n_classes == 4);
    const std::string lp10 = write_plain("labels-ten", idx_labels(0x801, 5, {3, 1, 2, 0, 10}));
    CHECK(error_of([&] { read_idx_pair(ip, lp10, 0, 10); }) ==
          lp10 + ": sample 4 (counting from 0): label 10 is outside 0..9 (10 classes expected)");
    CHECK(read_idx_pair(ip, lp10, 0, 11).n_classes == 11);

    const std::string csv = write_plain("labels.csv", text("x,label\n0.5,3\n0.25,200\n"));
    CHECK(read_csv_dataset(csv).n_classes == 201);
    CHECK(error_of([&] { read_csv_dataset(csv, 0, 10); }) ==
          csv + ":3: column 2: label 200 is outside 0..9 (10 classes expected)");

    const std::string xp = write_plain("x5.npy", npy("<f4", "(5, 1)", le<float>({1, 2, 3, 4, 5})));
    const std::string yp =
        write_plain("y5.npy", npy("<i8", "(5,)", le<std::int64_t>({3, 1, 200, 0, 9})));
    CHECK(read_npy_dataset(xp, yp).n_classes == 201);
    CHECK(error_of([&] { read_npy_dataset(xp, yp, 0, 10); }) ==
          yp + ": element [2]: label 200 is outside 0..9 (10 classes expected)");
}

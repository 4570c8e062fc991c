// Dataset readers (circuits/tasks/dataset.hpp): small IDX and CSV files written here and read
// back exactly, every malformed-file error with its exact message, and the Debian data sets
// checked against published facts when their packages are installed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
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
        WARN("dataset-fashion-mnist is not installed (tools/install_deps.sh installs it)");
        SUCCEED();
        return;
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
        WARN("python3-sklearn is not installed (tools/install_deps.sh installs it)");
        SUCCEED();
        return;
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

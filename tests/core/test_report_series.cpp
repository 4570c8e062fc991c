// sonata_writer's tables (/summary/..., /weight_stats/...) and weight snapshots (/weights/...),
// read back with the HDF5 C API (tests/h5_read.hpp), not with the writer's own code.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "../h5_read.hpp"
#include "core/recording/sonata_writer.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {
fs::path temp_file(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_report_series";
    fs::create_directories(dir);
    return dir / name;
}
double value(std::size_t row, std::size_t col) {
    return std::cos(0.41 * static_cast<double>(row) - 0.7 * static_cast<double>(col)) / 7.0;
}
} // namespace

TEST_CASE("a table is stored column by column, in chunks, with its column order",
          "[core][hdf5]") {
    const fs::path path = temp_file("table.h5");
    const std::size_t chunk = 4, rows = 10;  // two full chunks and a partial one
    {
        sonata_writer w(path.string(), sample_precision::float32, chunk);
        report_table_desc d;
        d.path = "summary/error_signals";
        d.columns = {"t_ms", "P1.basal_error.mean_abs", "P1.basal_error.rms"};
        d.attributes = {{"source", "error_summary.csv"}};
        const std::size_t t = w.add_table(d);
        std::vector<double> row(3);
        for (std::size_t r = 0; r < rows; ++r) {
            row[0] = 10.0 * static_cast<double>(r);
            row[1] = value(r, 1);
            row[2] = value(r, 2);
            w.append_table_row(t, row.data());
        }
        CHECK(w.table_rows(t) == rows);
        CHECK_THROWS_WITH(w.add_table(d), Catch::Matchers::Contains("added twice"));
    }
    const h5_id file = h5_open(path.string());
    const hid_t f = file.get();
    const std::string g = "/summary/error_signals";
    // HDF5 lists members by name; the attribute keeps the table's order.
    CHECK(h5_string_attribute(f, g, "columns") ==
          std::vector<std::string>{"t_ms", "P1.basal_error.mean_abs", "P1.basal_error.rms"});
    CHECK(h5_string_attribute(f, g, "source") == std::vector<std::string>{"error_summary.csv"});
    CHECK(h5_string_attribute(f, g + "/t_ms", "units") == std::vector<std::string>{"ms"});
    CHECK(h5_string_attribute(f, g + "/P1.basal_error.rms", "units") ==
          std::vector<std::string>{"1"});
    const h5_dataset_info info = h5_info(f, g + "/P1.basal_error.rms");
    CHECK(info.dims == std::vector<hsize_t>{rows});
    CHECK(info.max_dims[0] == H5S_UNLIMITED);
    CHECK(info.chunk == std::vector<hsize_t>{chunk});
    CHECK(info.type_size == 8);  // tables are float64 whatever the report's precision
    const std::vector<double> t = h5_doubles(f, g + "/t_ms");
    const std::vector<double> a = h5_doubles(f, g + "/P1.basal_error.mean_abs");
    const std::vector<double> b = h5_doubles(f, g + "/P1.basal_error.rms");
    for (std::size_t r = 0; r < rows; ++r) {
        CHECK(t[r] == 10.0 * static_cast<double>(r));
        CHECK(a[r] == value(r, 1));
        CHECK(b[r] == value(r, 2));
    }
}

TEST_CASE("weight snapshots are [snapshots, post, pre] with their time and connectivity",
          "[core][hdf5]") {
    const bool f64 = GENERATE(false, true);
    const fs::path path = temp_file(f64 ? "weights64.h5" : "weights32.h5");
    const std::size_t post = 3, pre = 4, snapshots = 5;
    {
        sonata_writer w(path.string(), f64 ? sample_precision::float64 : sample_precision::float32,
                        2);
        weight_series_desc d;
        d.name = "in->P1.basal";
        d.post = post;
        d.pre = pre;
        d.connected.assign(post * pre, 1);
        d.connected[5] = 0;
        d.start_ms = 0.0;
        d.step_ms = 2.5;
        d.attributes = {{"projection", "in->P1.basal"}};
        const std::size_t s = w.add_weight_series(d);
        std::vector<double> m(post * pre);
        for (std::size_t k = 0; k < snapshots; ++k) {
            for (std::size_t i = 0; i < m.size(); ++i) m[i] = value(k, i);
            w.append_weights(s, 2.5 * static_cast<double>(k), m.data());
        }
        CHECK(w.weight_snapshots(s) == snapshots);
        CHECK_THROWS_WITH(w.append_weights(s, 1.0, m.data()),
                          Catch::Matchers::Contains("expected 12.5"));
    }
    const h5_id file = h5_open(path.string());
    const hid_t f = file.get();
    const std::string g = "/weights/in->P1.basal";
    const h5_dataset_info info = h5_info(f, g + "/data");
    CHECK(info.dims == std::vector<hsize_t>{snapshots, post, pre});
    CHECK(info.max_dims[0] == H5S_UNLIMITED);
    CHECK(info.type_size == (f64 ? 8u : 4u));
    CHECK(h5_doubles(f, g + "/mapping/time") == std::vector<double>{0.0, 12.5, 2.5});
    CHECK(h5_string_attribute(f, g, "projection") == std::vector<std::string>{"in->P1.basal"});
    const std::vector<std::uint8_t> connected =
        h5_read<std::uint8_t>(f, g + "/mapping/connected", H5T_NATIVE_UINT8);
    REQUIRE(connected.size() == post * pre);
    CHECK(connected[5] == 0);
    CHECK(connected[4] == 1);
    const std::vector<double> data = h5_doubles(f, g + "/data");
    for (std::size_t k = 0; k < snapshots; ++k)
        for (std::size_t i = 0; i < post * pre; ++i) {
            const double want = f64 ? value(k, i) : static_cast<double>(static_cast<float>(value(k, i)));
            CHECK(data[k * post * pre + i] == want);
        }
}

TEST_CASE("bad tables and weight series are rejected with the reason", "[core][hdf5]") {
    using Catch::Matchers::Contains;
    sonata_writer w(temp_file("bad_series.h5").string());
    report_table_desc t;
    t.path = "summary/x";
    CHECK_THROWS_WITH(w.add_table(t), Contains("has no columns"));
    t.columns = {"a", "a"};
    CHECK_THROWS_WITH(w.add_table(t), Contains("lists a column twice"));
    t.columns = {"a/b"};
    CHECK_THROWS_WITH(w.add_table(t), Contains("bad column name 'a/b'"));
    weight_series_desc d;
    d.name = "p";
    CHECK_THROWS_WITH(w.add_weight_series(d), Contains("needs a non-empty matrix"));
    d.post = d.pre = 2;
    d.connected = {1};
    CHECK_THROWS_WITH(w.add_weight_series(d), Contains("one 'connected' flag per matrix entry"));
    d.connected.clear();
    d.name = "a/b";
    CHECK_THROWS_WITH(w.add_weight_series(d), Contains("without '/'"));
}

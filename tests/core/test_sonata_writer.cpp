// The SONATA report writer on its own: layout, values, chunked appends, crash tolerance, errors.
// Files are read back with the HDF5 C API in tests/h5_read.hpp, not with the writer's code.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "../h5_read.hpp"
#include "core/errors.hpp"
#include "core/recording/sonata_writer.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {

fs::path temp_file(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_sonata_writer";
    fs::create_directories(dir);
    return dir / name;
}

/// A value that differs for every (row, column) and is not exactly representable in float32.
double value(std::size_t row, std::size_t col) {
    return std::sin(0.37 * static_cast<double>(row) + 1.3 * static_cast<double>(col)) / 3.0;
}

sonata_population_desc population(const std::string& name, std::vector<std::uint64_t> nodes,
                                  std::vector<std::string> vars, double start, double step) {
    sonata_population_desc d;
    d.name = name;
    d.node_ids = std::move(nodes);
    d.variables = std::move(vars);
    d.start_ms = start;
    d.step_ms = step;
    return d;
}

/// Writes `rows` rows of value(r, c) into population `pop`.
void append_rows(sonata_writer& w, std::size_t pop, std::size_t rows, double start, double step) {
    std::vector<double> row(w.width(pop));
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < row.size(); ++c) row[c] = value(r, c);
        w.append(pop, start + static_cast<double>(r) * step, row.data());
    }
}

} // namespace

TEST_CASE("a report holds every row with the SONATA mapping, node-major", "[core][hdf5]") {
    const bool f64 = GENERATE(false, true);
    const fs::path path = temp_file(f64 ? "layout64.h5" : "layout32.h5");
    const std::size_t chunk = 4, rows_a = 10, rows_b = 3;
    {
        sonata_writer w(path.string(),
                        f64 ? sample_precision::float64 : sample_precision::float32, chunk);
        w.set_file_attribute("model", "unit");
        auto a = population("hidden", {5, 2, 9}, {"u_soma", "v_apical"}, 0.0, 0.25);
        a.attributes = {{"population", "hidden"}};
        a.units = {"1", "1"};
        const std::size_t ia = w.add_population(a);
        const std::size_t ib = w.add_population(population("out_1", {0}, {"rate"}, 2.0, 0.5));
        CHECK(w.width(ia) == 6);
        CHECK(w.width(ib) == 1);
        append_rows(w, ia, rows_a, 0.0, 0.25);
        append_rows(w, ib, rows_b, 2.0, 0.5);
        CHECK(w.rows(ia) == rows_a);
        w.close();
        CHECK(w.rows(ia) == rows_a);  // still known after closing
        w.close();                    // a second close does nothing
    }
    const h5_id file = h5_open(path.string());
    const hid_t f = file.get();
    CHECK(h5_members(f, "/report") == std::vector<std::string>{"hidden", "out_1"});
    CHECK(h5_string_attribute(f, "/", "model") == std::vector<std::string>{"unit"});
    CHECK(h5_string_attribute(f, "/report/hidden", "population") ==
          std::vector<std::string>{"hidden"});

    const std::string m = "/report/hidden/mapping/";
    CHECK(h5_u64(f, m + "node_ids") == std::vector<std::uint64_t>{5, 2, 9});
    CHECK(h5_u8_attribute(f, m + "node_ids", "sorted") == 0);
    CHECK(h5_u64(f, m + "index_pointers") == std::vector<std::uint64_t>{0, 2, 4, 6});
    CHECK(h5_u64(f, m + "element_ids") == std::vector<std::uint64_t>{0, 1, 0, 1, 0, 1});
    CHECK(h5_strings(f, m + "variables") == std::vector<std::string>{"u_soma", "v_apical"});
    CHECK(h5_string_attribute(f, m + "variables", "units") == std::vector<std::string>{"1", "1"});
    // [start, stop, step] with stop exclusive: rows = (stop - start) / step.
    CHECK(h5_doubles(f, m + "time") == std::vector<double>{0.0, 2.5, 0.25});
    CHECK(h5_string_attribute(f, m + "time", "units") == std::vector<std::string>{"ms"});
    CHECK(h5_doubles(f, "/report/out_1/mapping/time") == std::vector<double>{2.0, 3.5, 0.5});
    CHECK(h5_u8_attribute(f, "/report/out_1/mapping/node_ids", "sorted") == 1);

    // Dtypes follow SONATA: uint64 ids and pointers, uint32 element ids, float data.
    CHECK(h5_info(f, m + "node_ids").type_class == H5T_INTEGER);
    CHECK(h5_info(f, m + "node_ids").type_size == 8);
    CHECK_FALSE(h5_info(f, m + "node_ids").is_signed);
    CHECK(h5_info(f, m + "index_pointers").type_size == 8);
    CHECK(h5_info(f, m + "element_ids").type_size == 4);
    const h5_dataset_info data = h5_info(f, "/report/hidden/data");
    CHECK(data.type_class == H5T_FLOAT);
    CHECK(data.type_size == (f64 ? 8u : 4u));
    CHECK(data.dims == std::vector<hsize_t>{rows_a, 6});
    CHECK(data.max_dims == std::vector<hsize_t>{H5S_UNLIMITED, 6});
    CHECK(data.chunk == std::vector<hsize_t>{chunk, 6});
    CHECK(h5_string_attribute(f, "/report/hidden/data", "units") == std::vector<std::string>{"1"});

    // Every value: float64 stores the double exactly; float32 rounds it to nearest.
    const std::vector<double> values = h5_doubles(f, "/report/hidden/data");
    for (std::size_t r = 0; r < rows_a; ++r)
        for (std::size_t c = 0; c < 6; ++c) {
            const double expected =
                f64 ? value(r, c) : static_cast<double>(static_cast<float>(value(r, c)));
            CHECK(values[r * 6 + c] == expected);
        }
    CHECK(h5_info(f, "/report/out_1/data").dims == std::vector<hsize_t>{rows_b, 1});
}

TEST_CASE("node-major layout of a variable-major record", "[core][hdf5]") {
    // CSV columns: a[3] a[1] a[3] | b[3] b[1] b[3]; neuron 3 listed twice is recorded once.
    const node_major_layout l = make_node_major_layout(2, {3, 1, 3});
    CHECK(l.node_ids == std::vector<std::uint64_t>{3, 1});
    CHECK(l.source_column == std::vector<std::size_t>{0, 3, 1, 4});
    const node_major_layout one = make_node_major_layout(3, {7});
    CHECK(one.node_ids == std::vector<std::uint64_t>{7});
    CHECK(one.source_column == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("a writer killed between chunks leaves every completed chunk readable",
          "[core][hdf5]") {
    const fs::path path = temp_file("killed.h5");
    fs::remove(path);
    // The child writes two full chunks and two rows more, then dies without closing
    // anything (_exit runs no destructors), as a process killed by SIGKILL would.
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        try {
            auto* w = new sonata_writer(path.string(), sample_precision::float32, 4);
            const std::size_t p = w->add_population(population("P", {0, 1}, {"u_soma"}, 0.0, 1.0));
            append_rows(*w, p, 10, 0.0, 1.0);
        } catch (...) {
            _exit(1);
        }
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    const h5_id file = h5_open(path.string());
    CHECK(h5_info(file.get(), "/report/P/data").dims == std::vector<hsize_t>{8, 2});
    CHECK(h5_doubles(file.get(), "/report/P/mapping/time") == std::vector<double>{0.0, 8.0, 1.0});
    const std::vector<float> v = h5_floats(file.get(), "/report/P/data");
    for (std::size_t r = 0; r < 8; ++r)
        for (std::size_t c = 0; c < 2; ++c) CHECK(v[r * 2 + c] == static_cast<float>(value(r, c)));
}

TEST_CASE("the destructor writes the last partial chunk", "[core][hdf5]") {
    const fs::path path = temp_file("destructor.h5");
    {
        sonata_writer w(path.string(), sample_precision::float32, 256);
        const std::size_t p = w.add_population(population("P", {4}, {"rate"}, 0.0, 0.1));
        append_rows(w, p, 3, 0.0, 0.1);
    }
    const h5_id file = h5_open(path.string());
    CHECK(h5_info(file.get(), "/report/P/data").dims == std::vector<hsize_t>{3, 1});
}

TEST_CASE("report writer errors say what is wrong", "[core][hdf5]") {
    using Catch::Matchers::Contains;
    const fs::path path = temp_file("errors.h5");
    sonata_writer w(path.string());
    CHECK_THROWS_WITH(w.add_population(population("P", {1, 1}, {"u_soma"}, 0, 1)),
                      Contains("population 'P': lists a node twice"));
    CHECK_THROWS_WITH(w.add_population(population("P", {1}, {}, 0, 1)),
                      Contains("records no variables"));
    CHECK_THROWS_WITH(w.add_population(population("P", {}, {"u_soma"}, 0, 1)),
                      Contains("records no nodes"));
    CHECK_THROWS_WITH(w.add_population(population("P", {1}, {"u_soma"}, 0, 0)),
                      Contains("positive step"));
    CHECK_THROWS_WITH(w.add_population(population("a/b", {1}, {"u_soma"}, 0, 1)),
                      Contains("without '/'"));
    const std::size_t p = w.add_population(population("P", {1}, {"u_soma"}, 0, 0.5));
    CHECK_THROWS_WITH(w.add_population(population("P", {1}, {"u_soma"}, 0, 1)),
                      Contains("added twice"));
    const double x = 1.0;
    w.append(p, 0.0, &x);
    CHECK_THROWS_WITH(w.append(p, 1.0, &x), Contains("row at t = 1.0") && Contains("expected 0.5"));
    CHECK_THROWS_AS(w.append(7, 0.5, &x), std::out_of_range);
    w.close();
    CHECK_THROWS_WITH(w.append(p, 0.5, &x), Contains("is closed"));

    const std::string bad = "/nonexistent_dir_cortexsim/r.h5";
    // A write failure is an output_error naming the file (exit code 4 in the CLI).
    CHECK_THROWS_WITH(sonata_writer(bad),
                      Contains("cannot write '" + bad + "': HDF5: creating the file failed"));
    CHECK_THROWS_AS(sonata_writer(bad), cortexsim::output_error);
}

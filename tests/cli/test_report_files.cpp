// Run folders written by `cortexsim run`: report.h5 read back with the HDF5 C API holds exactly
// the values of the CSV files of the same run, in the SONATA layout; --format and --precision;
// runs stopped by SIGTERM / SIGINT / SIGKILL keep readable files (docs/output_files.md).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "../h5_read.hpp"
#include "cli_runner.hpp"
#include "../file_text.hpp"

using namespace cortexsim::testing;
namespace fs = std::filesystem;

namespace {

const std::string data = std::string(CORTEXSIM_SOURCE_DIR) + "/tests/data/";

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("cortexsim_report_" + name);
    fs::remove_all(dir);
    return dir;
}

/// The SONATA mapping of one report population, read back.
struct report_population {
    std::vector<std::uint64_t> node_ids, index_pointers, element_ids;
    std::vector<std::string> variables;
    std::vector<double> time;
    std::size_t rows = 0, cols = 0;
    /// CSV-style name `<variable>[<node>]` of every HDF5 column.
    std::vector<std::string> column_names() const {
        std::vector<std::string> names(cols);
        for (std::size_t k = 0; k < node_ids.size(); ++k)
            for (std::uint64_t c = index_pointers[k]; c < index_pointers[k + 1]; ++c)
                names[c] = variables.at(element_ids[c]) + "[" + std::to_string(node_ids[k]) + "]";
        return names;
    }
};

/// Reads the mapping of /report/<group> and checks its internal consistency.
report_population read_population(hid_t f, const std::string& group) {
    const std::string g = "/report/" + group, m = g + "/mapping/";
    for (const char* name : {"node_ids", "index_pointers", "element_ids", "variables", "time"})
        CHECK(h5_exists(f, m + name));
    report_population p;
    p.node_ids = h5_u64(f, m + "node_ids");
    p.index_pointers = h5_u64(f, m + "index_pointers");
    p.element_ids = h5_u64(f, m + "element_ids");
    p.variables = h5_strings(f, m + "variables");
    p.time = h5_doubles(f, m + "time");
    const h5_dataset_info data = h5_info(f, g + "/data");
    REQUIRE(data.dims.size() == 2);
    p.rows = data.dims[0];
    p.cols = data.dims[1];
    // SONATA: node_ids each once; index_pointers has n_nodes + 1 entries, starts at 0, ends at
    // the column count and gives each node one column per variable; element ids index
    // `variables`; time is [start, stop, step] with (stop - start) / step rows.
    CHECK(std::set<std::uint64_t>(p.node_ids.begin(), p.node_ids.end()).size() ==
          p.node_ids.size());
    REQUIRE(p.index_pointers.size() == p.node_ids.size() + 1);
    CHECK(p.index_pointers.front() == 0);
    CHECK(p.index_pointers.back() == p.cols);
    for (std::size_t k = 0; k < p.node_ids.size(); ++k)
        CHECK(p.index_pointers[k + 1] - p.index_pointers[k] == p.variables.size());
    REQUIRE(p.element_ids.size() == p.cols);
    for (std::uint64_t e : p.element_ids) CHECK(e < p.variables.size());
    REQUIRE(p.time.size() == 3);
    const double stop = p.time[0] + static_cast<double>(p.rows) * p.time[2];
    CHECK_THAT(p.time[1], Catch::Matchers::WithinAbs(stop, 1e-9));
    CHECK(h5_string_attribute(f, m + "time", "units") == std::vector<std::string>{"ms"});
    CHECK(h5_string_attribute(f, g + "/data", "units") == std::vector<std::string>{"1"});
    CHECK(data.max_dims[0] == H5S_UNLIMITED);
    CHECK(data.chunk.size() == 2);
    CHECK(data.type_class == H5T_FLOAT);
    return p;
}

/*
 * Compares /report/<group> of report.h5 with <group>.csv of the same run, value by value,
 * matching columns by name through the mapping (HDF5 is node-major, the CSV variable-major).
 * float64 must be exact (the CSV's 17 digits round-trip a double); float32 is the double
 * rounded to nearest, so within 2^-24 relative.
 */
void check_against_csv(const fs::path& dir, const std::string& group, bool float64,
                       std::size_t max_rows = std::size_t(-1)) {
    INFO("population " << group << " in " << dir);
    const h5_id file = h5_open((dir / "report.h5").string());
    const report_population p = read_population(file.get(), group);
    const csv_table csv = read_csv((dir / (group + ".csv")).string());
    const std::size_t rows = std::min(max_rows, csv.rows.size());
    REQUIRE(p.rows >= rows);
    CHECK(h5_info(file.get(), "/report/" + group + "/data").type_size == (float64 ? 8u : 4u));

    const std::vector<std::string> names = p.column_names();
    std::vector<std::size_t> csv_col(p.cols);
    for (std::size_t c = 0; c < p.cols; ++c) csv_col[c] = csv.column(names[c]) + 1;  // +1: t_ms
    // The report and the CSV record the same columns.
    CHECK(std::set<std::string>(csv.columns.begin(), csv.columns.end()) ==
          std::set<std::string>(names.begin(), names.end()));

    const std::vector<double> values = h5_doubles(file.get(), "/report/" + group + "/data");
    std::size_t mismatches = 0;
    std::string first;
    for (std::size_t r = 0; r < rows; ++r) {
        const double t = p.time[0] + static_cast<double>(r) * p.time[2];
        if (std::abs(csv.rows[r][0] - t) > 1e-9) {
            ++mismatches;
            if (first.empty())
                first = "row " + std::to_string(r) + " time " + std::to_string(csv.rows[r][0]);
        }
        for (std::size_t c = 0; c < p.cols; ++c) {
            const double expected = csv.rows[r][csv_col[c]], got = values[r * p.cols + c];
            const bool ok = float64 ? got == expected
                                    : std::abs(got - expected) <=
                                          std::ldexp(std::abs(expected), -24);
            if (!ok && mismatches++ == 0)
                first = "row " + std::to_string(r) + " column " + names[c] + ": " +
                        std::to_string(got) + " vs " + std::to_string(expected);
        }
    }
    INFO(first);
    CHECK(mismatches == 0);
}

} // namespace

TEST_CASE("report.h5 holds the values of the run's CSV files in the SONATA layout", "[cli][hdf5]") {
    const bool float64 = GENERATE(false, true);
    const fs::path dir = fresh_dir(float64 ? "values64" : "values32");
    const cli_result r = cli("run " + data + "report_records.toml --quiet --out " + dir.string() +
                             (float64 ? " --precision float64" : ""));
    INFO(r.out);
    REQUIRE(r.code == 0);
    const h5_id file = h5_open((dir / "report.h5").string());
    const hid_t f = file.get();
    // Two records of `hidden`: /report/hidden and /report/hidden_1, as hidden.csv and hidden_1.csv.
    CHECK(h5_members(f, "/report") == std::vector<std::string>{"hidden", "hidden_1", "output"});
    CHECK(h5_string_attribute(f, "/report/hidden_1", "population") ==
          std::vector<std::string>{"hidden"});
    CHECK(h5_string_attribute(f, "/", "model") == std::vector<std::string>{"report_records"});
    CHECK(h5_string_attribute(f, "/", "seed") == std::vector<std::string>{"7"});

    const report_population hidden = read_population(f, "hidden");
    CHECK(hidden.node_ids == std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5});
    CHECK(hidden.variables == std::vector<std::string>{"u_soma", "v_basal", "v_apical", "rate"});
    CHECK(hidden.time == std::vector<double>{0.0, 150.5, 0.5});  // 301 rows: 0, 0.5, ..., 150
    CHECK(hidden.rows == 301);
    CHECK(h5_info(f, "/report/hidden/data").chunk == std::vector<hsize_t>{256, 24});
    CHECK(h5_u8_attribute(f, "/report/hidden/mapping/node_ids", "sorted") == 1);

    // neurons = [4, 1, 3]: node-major in the order listed, so not sorted.
    const report_population subset = read_population(f, "hidden_1");
    CHECK(subset.node_ids == std::vector<std::uint64_t>{4, 1, 3});
    CHECK(subset.index_pointers == std::vector<std::uint64_t>{0, 2, 4, 6});
    CHECK(subset.element_ids == std::vector<std::uint64_t>{0, 1, 0, 1, 0, 1});
    CHECK(subset.column_names() == std::vector<std::string>{"v_apical[4]", "rate[4]", "v_apical[1]",
                                                            "rate[1]", "v_apical[3]", "rate[3]"});
    CHECK(subset.time == std::vector<double>{0.0, 150.25, 0.25});
    CHECK(h5_u8_attribute(f, "/report/hidden_1/mapping/node_ids", "sorted") == 0);

    for (const std::string group : {"hidden", "hidden_1", "output"})
        check_against_csv(dir, group, float64);
    fs::remove_all(dir);
}

TEST_CASE("the run option --format chooses the trace files, bad values are usage errors",
          "[cli][hdf5]") {
    const std::string model = data + "report_records.toml --quiet --out ";
    const fs::path csv_only = fresh_dir("csv_only"), hdf5_only = fresh_dir("hdf5_only");
    CHECK(cli("run " + model + csv_only.string() + " --format csv").code == 0);
    CHECK(fs::exists(csv_only / "hidden_1.csv"));
    CHECK_FALSE(fs::exists(csv_only / "report.h5"));
    CHECK(cli("run " + model + hdf5_only.string() + " --format hdf5").code == 0);
    CHECK(fs::exists(hdf5_only / "report.h5"));
    CHECK(fs::exists(hdf5_only / "run_summary.txt"));
    CHECK_FALSE(fs::exists(hdf5_only / "hidden.csv"));
    // Both folders hold the same run: the HDF5-only report equals the CSV-only traces.
    fs::copy_file(hdf5_only / "report.h5", csv_only / "report.h5");
    check_against_csv(csv_only, "hidden_1", false);

    const cli_result bad = cli("run " + model + hdf5_only.string() + " --format netcdf");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.out, Catch::Matchers::Contains(
                            "--format needs 'hdf5', 'csv' or 'both', got 'netcdf'"));
    const cli_result bad_precision = cli("run " + model + hdf5_only.string() + " --precision half");
    CHECK(bad_precision.code == 2);
    CHECK_THAT(bad_precision.out,
               Catch::Matchers::Contains("--precision needs 'float32' or 'float64'"));
    fs::remove_all(csv_only);
    fs::remove_all(hdf5_only);
}

namespace {

/// Lines in a file (a cheap progress probe on a CSV another process is writing).
std::size_t count_lines(const fs::path& p) {
    const std::string s = slurp(p);
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

struct stopped_run {
    fs::path dir;
    int status = 0;  ///< from waitpid
    std::string log;
};

/*
 * Starts `cortexsim run tests/data/long_run.toml` (tens of seconds when complete), waits about a
 * second and until P1.csv has more than 300 samples (so at least one 256-row chunk of P1 is
 * complete), then sends `signal`.
 */
stopped_run run_and_stop(int signal, const std::string& name) {
    stopped_run out;
    out.dir = fresh_dir(name);
    fs::create_directories(out.dir);
    const fs::path log = out.dir.string() + ".log";
    const std::string cli_path = CORTEXSIM_CLI, model = data + "long_run.toml",
                      dir = (out.dir / "run").string();
    std::vector<const char*> argv = {cli_path.c_str(), "run", model.c_str(), "--quiet",
                                     "--out", dir.c_str(), nullptr};
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
        execv(argv[0], const_cast<char* const*>(argv.data()));
        _exit(127);
    }
    out.dir /= "run";
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    while (!fs::exists(out.dir / "P1.csv") || count_lines(out.dir / "P1.csv") < 302) {
        if (clock::now() - start > std::chrono::seconds(8)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(kill(pid, signal) == 0);
    REQUIRE(waitpid(pid, &out.status, 0) == pid);
    out.log = slurp(log);
    fs::remove(log);
    return out;
}

/// Rows of /report/<group>/data as floats, `cols` per row.
std::vector<float> report_rows(const fs::path& dir, const std::string& group, std::size_t& rows,
                               std::size_t& cols) {
    const h5_id file = h5_open((dir / "report.h5").string());
    const h5_dataset_info info = h5_info(file.get(), "/report/" + group + "/data");
    rows = info.dims.at(0);
    cols = info.dims.at(1);
    return h5_floats(file.get(), "/report/" + group + "/data");
}

} // namespace

TEST_CASE("a run stopped by a signal leaves readable files holding the run's beginning",
          "[cli][hdf5][signal]") {
    const stopped_run term = run_and_stop(SIGTERM, "sigterm");
    const stopped_run intr = run_and_stop(SIGINT, "sigint");
    const stopped_run killed = run_and_stop(SIGKILL, "sigkill");

    // SIGTERM / SIGINT: exit codes 143 / 130 after closing the files; the report holds every
    // sample taken (as many rows as the CSVs, a partial last chunk included).
    for (const stopped_run* r : {&term, &intr}) {
        INFO(r->log);
        REQUIRE(WIFEXITED(r->status));
        CHECK(WEXITSTATUS(r->status) == (r == &term ? 143 : 130));
        CHECK_THAT(r->log, Catch::Matchers::Contains(r == &term ? "stopped by SIGTERM"
                                                                : "stopped by SIGINT"));
        CHECK_THAT(r->log, Catch::Matchers::Contains("partial results"));
        CHECK_THAT(r->log, Catch::Matchers::Contains(r->dir.string()));
        CHECK_THAT(slurp(r->dir / "run_summary.txt"),
                   Catch::Matchers::Contains("stopped early by"));
        for (const std::string group : {"P1", "P2"}) {
            std::size_t rows = 0, cols = 0;
            report_rows(r->dir, group, rows, cols);
            CHECK(rows == read_csv((r->dir / (group + ".csv")).string()).rows.size());
            if (group == "P1") CHECK(rows > 256);
        }
    }
    // SIGKILL: no chance to close anything; the report still opens and holds whole chunks.
    REQUIRE(WIFSIGNALED(killed.status));
    CHECK(WTERMSIG(killed.status) == SIGKILL);
    std::size_t killed_rows = 0, cols = 0;
    report_rows(killed.dir, "P1", killed_rows, cols);
    CHECK(killed_rows >= 256);
    CHECK(killed_rows % 256 == 0);
    report_rows(killed.dir, "P2", killed_rows, cols);
    CHECK(killed_rows % 256 == 0);

    // A complete reference run of the same model, long enough to cover all three: Euler's steps
    // do not depend on where the run ends, so its beginning must equal what they wrote.
    double t_needed = 0.0;
    for (const stopped_run* r : {&term, &intr, &killed}) {
        const h5_id file = h5_open((r->dir / "report.h5").string());
        t_needed = std::max(t_needed, h5_doubles(file.get(), "/report/P1/mapping/time")[1]);
    }
    const fs::path ref = fresh_dir("reference");
    fs::create_directories(ref);
    const std::string model = slurp(data + "long_run.toml");
    const std::regex key("\nduration_ms = [0-9.]+\n");
    REQUIRE(std::regex_search(model, key));
    char duration[64];
    std::snprintf(duration, sizeof duration, "\nduration_ms = %.17g\n", t_needed);
    std::ofstream(ref / "long_run.toml") << std::regex_replace(model, key, duration);
    const cli_result done = cli("run " + (ref / "long_run.toml").string() + " --quiet --out " +
                                (ref / "run").string());
    INFO(done.out);
    REQUIRE(done.code == 0);

    for (const stopped_run* r : {&term, &intr, &killed}) {
        for (const std::string group : {"P1", "P2"}) {
            INFO(r->dir << " " << group);
            std::size_t rows = 0, ref_rows = 0, ref_cols = 0;
            const std::vector<float> got = report_rows(r->dir, group, rows, cols);
            const std::vector<float> want = report_rows(ref / "run", group, ref_rows, ref_cols);
            REQUIRE(cols == ref_cols);
            REQUIRE(rows <= ref_rows);
            CHECK(std::equal(got.begin(), got.end(), want.begin()));
            if (r != &killed) {
                // The closed CSVs are exact prefixes of the reference's.
                const std::string csv = slurp(r->dir / (group + ".csv"));
                CHECK(slurp(ref / "run" / (group + ".csv")).compare(0, csv.size(), csv) == 0);
            }
        }
    }
    for (const stopped_run* r : {&term, &intr, &killed}) fs::remove_all(r->dir.parent_path());
    fs::remove_all(ref);
}

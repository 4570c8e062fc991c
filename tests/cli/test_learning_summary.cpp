// The learning summary of a run: /summary/error_signals in report.h5 equals error_summary.csv,
// and the start/end table printed after the run summary (circuits/experiments/learning_summary.hpp).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>

#include "../h5_read.hpp"
#include "cli_runner.hpp"
#include "circuits/experiments/learning_summary.hpp"

using namespace cortexsim;
using namespace cortexsim::testing;
namespace fs = std::filesystem;

TEST_CASE("learning_summary averages the first and last samples of each mean_abs column",
          "[cli]") {
    const std::vector<std::string> columns = {"a.b.apical_mismatch.mean_abs",
                                              "a.b.apical_mismatch.rms", "I1.interneuron_error.mean_abs",
                                              "I1.interneuron_error.rms"};
    learning_summary empty(columns);
    CHECK(empty.format().empty());
    CHECK(empty.window() == 0);

    // 30 rows: windows of 10. Row r holds r in column 0 and 100 + r in column 2.
    learning_summary s(columns);
    for (int r = 0; r < 30; ++r) {
        const double row[4] = {double(r), -1.0, 100.0 + r, -1.0};
        s.add_row(row);
    }
    REQUIRE(s.window() == 10);
    const auto e = s.entries();
    REQUIRE(e.size() == 2);
    CHECK(e[0].population == "a.b");  // population names may hold dots, signal names do not
    CHECK(e[0].signal == "apical_mismatch");
    CHECK(e[0].start == 4.5);   // mean of 0..9
    CHECK(e[0].end == 24.5);    // mean of 20..29
    CHECK(e[1].population == "I1");
    CHECK(e[1].start == 104.5);
    CHECK(e[1].end == 124.5);
    CHECK_THAT(s.format(), Catch::Matchers::Contains("first vs last 10 of 30 samples"));
    CHECK_THAT(s.format(), Catch::Matchers::Contains("5.44"));  // end/start 24.5 / 4.5

    // 3 rows: one sample at each end.
    learning_summary short_run(columns);
    for (int r = 0; r < 3; ++r) {
        const double row[4] = {double(r), 0, 0, 0};
        short_run.add_row(row);
    }
    CHECK(short_run.window() == 1);
    CHECK(short_run.entries()[0].start == 0.0);
    CHECK(short_run.entries()[0].end == 2.0);
    CHECK_THAT(short_run.format(), Catch::Matchers::Contains(" -\n"));  // no ratio from 0
}

TEST_CASE("report.h5's /summary/error_signals equals error_summary.csv, and run prints its "
          "start and end",
          "[cli][hdf5]") {
    const fs::path dir = fs::temp_directory_path() / "cortexsim_learning_summary";
    fs::remove_all(dir);
    const cli_result r = cli("run " + std::string(CORTEXSIM_SOURCE_DIR) +
                             "/tests/data/report_records.toml --quiet --out " + dir.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    const csv_table csv = read_csv((dir / "error_summary.csv").string());
    REQUIRE(csv.rows.size() == 16);  // 150 ms every 10 ms

    const h5_id file = h5_open((dir / "report.h5").string());
    const hid_t f = file.get();
    std::vector<std::string> columns = {"t_ms"};
    columns.insert(columns.end(), csv.columns.begin(), csv.columns.end());
    CHECK(h5_string_attribute(f, "/summary/error_signals", "columns") == columns);
    for (std::size_t c = 0; c < columns.size(); ++c) {
        INFO(columns[c]);
        const std::vector<double> column = h5_doubles(f, "/summary/error_signals/" + columns[c]);
        REQUIRE(column.size() == csv.rows.size());
        for (std::size_t i = 0; i < column.size(); ++i) CHECK(column[i] == csv.rows[i][c]);
    }

    // The printed table: start and end of every mean_abs column from the same rows, after
    // the run summary; run_summary.txt holds the same text.
    const std::size_t table = r.out.find("error signals, mean |value|");
    REQUIRE(table != std::string::npos);
    CHECK(table > r.out.find("run folder: "));
    for (const std::string name : {"hidden.apical_mismatch", "hidden.basal_error",
                                   "output.basal_error", "inter.interneuron_error"}) {
        const std::size_t c = csv.column(name + ".mean_abs") + 1;
        double start = 0.0, end = 0.0;
        for (std::size_t i = 0; i < 8; ++i) {  // 16 samples: halves of 8
            start += csv.rows[i][c] / 8.0;
            end += csv.rows[csv.rows.size() - 8 + i][c] / 8.0;
        }
        const std::string pop = name.substr(0, name.find('.')), sig = name.substr(name.find('.') + 1);
        char expected[256];
        std::snprintf(expected, sizeof expected, "%-10s  %-17s  %12.5g  %12.5g", pop.c_str(),
                      sig.c_str(), start, end);
        CHECK_THAT(r.out, Catch::Matchers::Contains(expected));
    }
    std::ifstream summary(dir / "run_summary.txt");
    std::stringstream text;
    text << summary.rdbuf();
    CHECK(text.str() == r.out);
    fs::remove_all(dir);
}

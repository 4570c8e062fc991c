#pragma once
// Shared checks of the fault tests: a run folder's CSV files end with whole lines, tables are
// prefixes of an uninterrupted run's, report.h5 opens and its tables match the CSV.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "../file_text.hpp"
#include "../h5_read.hpp"

namespace cortexsim::testing {

namespace fs = std::filesystem;

/// The folder of one test case, fresh (ctest runs test cases in parallel processes).
inline fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("cortexsim_faults_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t end = text.find('\n', begin);
        if (end == std::string::npos) {
            out.push_back(text.substr(begin));  // a cut last line: kept, so checks see it
            break;
        }
        out.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

/// Every CSV file of `dir` is empty or ends with a newline; returns how many were checked.
inline std::size_t check_whole_lines(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() != ".csv") continue;
        const std::string text = slurp(e.path());
        INFO(e.path().string() << " ends with '" << text.substr(text.size() > 40 ? text.size() - 40 : 0) << "'");
        CHECK((text.empty() || text.back() == '\n'));
        ++n;
    }
    return n;
}

/// The lines of `dir/file` are the first lines of `reference/file`; returns how many data
/// rows (lines after the header) it holds.
inline std::size_t check_prefix(const fs::path& dir, const fs::path& reference, const std::string& file) {
    if (!fs::exists(dir / file)) return 0;
    const std::vector<std::string> got = split_lines(slurp(dir / file));
    const std::vector<std::string> want = split_lines(slurp(reference / file));
    INFO(file << ": " << got.size() << " lines, uninterrupted " << want.size());
    REQUIRE(got.size() <= want.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
        INFO(file << " line " << k + 1);
        REQUIRE(got[k] == want[k]);
    }
    return got.empty() ? 0 : got.size() - 1;
}

/// Opens report.h5 and returns the rows of /summary/<table> (0 if the group is not there
/// yet); each column's values must equal the CSV's first rows.
inline std::size_t check_report_table(const fs::path& dir, const std::string& table) {
    const std::string path = (dir / "report.h5").string();
    h5_id file = h5_open(path);  // throws if it does not open
    const std::string group = "/summary/" + table;
    if (!h5_exists(file.get(), group)) return 0;
    const csv_table csv = read_csv((dir / (table + ".csv")).string());
    const std::string text = slurp(dir / (table + ".csv"));
    std::vector<std::string> names;  // the key column, then csv.columns
    names.push_back(text.substr(0, text.find_first_of(",\n")));
    names.insert(names.end(), csv.columns.begin(), csv.columns.end());
    std::size_t rows = 0;
    for (std::size_t c = 0; c < names.size(); ++c) {
        const std::vector<double> values = h5_doubles(file.get(), group + "/" + names[c]);
        if (c == 0) rows = values.size();
        INFO(group << "/" << names[c] << ": " << values.size() << " rows in report.h5, "
                   << csv.rows.size() << " in the CSV");
        REQUIRE(values.size() == rows);  // every column of the table equally long
        REQUIRE(values.size() <= csv.rows.size());  // the CSV is written first
        for (std::size_t r = 0; r < values.size(); ++r)
            REQUIRE(((values[r] == csv.rows[r][c]) || (values[r] != values[r] && csv.rows[r][c] != csv.rows[r][c])));
    }
    return rows;
}

} // namespace cortexsim::testing

#include "core/csv_rows.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>

#include "core/errors.hpp"
#include "core/input_file.hpp"

namespace cortexsim {

namespace {

/// One CSV field [begin, end) of `line`; `loc` names the CSV file and line, the column is set.
double read_csv_field(const std::string& line, std::size_t begin, std::size_t end, source_loc loc) {
    while (begin < end && (line[begin] == ' ' || line[begin] == '\t'))
        ++begin;
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        --end;
    loc.column = static_cast<int>(begin) + 1;
    const std::string field = line.substr(begin, end - begin);
    if (field.empty())
        throw model_error(loc, "must be a number, got an empty field");
    // from_chars is locale-independent (strtod is not) but rejects the leading '+' strtod takes.
    const char* first = field.data() + (field[0] == '+' ? 1 : 0);
    const char* last = field.data() + field.size();
    double v = 0.0;
    const auto res = std::from_chars(first, last, v);
    if (res.ec != std::errc{} || res.ptr != last)
        throw model_error(loc, "must be a number, got '" + field + "'");
    if (!std::isfinite(v))
        throw model_error(loc, "must be finite, got " + field);
    return v;
}

} // namespace

std::vector<std::vector<double>> read_csv_rows(const std::string& path, const source_loc& key_loc,
                                               const std::string& what) {
    if (const std::string why = not_a_regular_file(path); !why.empty())
        throw model_error(key_loc, what + " '" + path + "' " + why);
    std::ifstream in(path);
    if (!in)
        throw model_error(key_loc, "cannot open " + what + " '" + path + "'");
    std::vector<std::vector<double>> rows;
    std::string line;
    for (int line_no = 1; std::getline(in, line); ++line_no) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        std::vector<double> row;
        for (std::size_t begin = 0;;) {
            const std::size_t end = std::min(line.find(',', begin), line.size());
            row.push_back(
                read_csv_field(line, begin, end, source_loc{path, line_no, 0, key_loc.path}));
            if (end == line.size())
                break;
            begin = end + 1;
        }
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        throw model_error(key_loc, what + " '" + path + "' has no rows");
    return rows;
}

} // namespace cortexsim

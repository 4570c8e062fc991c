#pragma once
/// What each group of a report.h5 holds (`cortexsim inspect`, and any front end), read with
/// report_reader (core/recording/report_reader.hpp), without loading the data itself.

#include <cstdint>
#include <string>

namespace cortexsim {

/// "812 B", "28.2 KiB", "3.1 MiB", ...
std::string format_bytes(std::uintmax_t bytes);

/// A description of the report at `path`: file attributes, then every population under
/// /report (variables, node ids, time range, samples, type and size of `data`), every weight
/// series and table (/weights, /weight_stats, /summary), and any other top-level group.
/// Throws std::runtime_error naming the file if it cannot be read.
std::string describe_report(const std::string& path);

} // namespace cortexsim

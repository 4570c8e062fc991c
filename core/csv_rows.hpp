#pragma once
/// Rows of comma-separated numbers from a text file: `file` stimuli and weight matrices.

#include <string>
#include <vector>

#include "core/source_loc.hpp"

namespace cortexsim {

/// One row per line, comma-separated finite numbers (locale-independent, an optional leading
/// '+', spaces and tabs around fields ignored); blank lines and lines starting with '#' are
/// skipped. Throws model_error at "<path>:<line>:<column>" for a bad field, and at `key_loc`
/// ("cannot open <what> '<path>'", "<what> '<path>' has no rows") otherwise.
std::vector<std::vector<double>> read_csv_rows(const std::string& path, const source_loc& key_loc,
                                               const std::string& what);

} // namespace cortexsim

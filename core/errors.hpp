#pragma once
/// The families of user-facing errors (STYLE.md): model errors (the description is wrong,
/// found while parsing or lowering), numerical errors (the integration failed) and output
/// errors (a file of the run folder could not be written: disk full, read-only or removed
/// folder). Internal bugs use std::logic_error. The CLI maps them to exit codes 1, 3 and 4.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/source_loc.hpp"

namespace cortexsim {

/// A problem with the model description: names file:line:column and the key path.
class model_error : public std::runtime_error {
public:
    model_error(const source_loc& where, const std::string& what)
        : std::runtime_error(where.str() + ": " + what), where_(where), detail_(what) {}
    const source_loc& where() const noexcept { return where_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    source_loc where_;
    std::string detail_;
};

/// The integration failed or produced non-finite / out-of-bound values.
class numerical_error : public std::runtime_error {
public:
    numerical_error(double t_ms, const std::string& what)
        : std::runtime_error("t = " + format_time(t_ms) + " ms: " + what), t_ms_(t_ms) {}
    double t_ms() const noexcept { return t_ms_; }

private:
    static std::string format_time(double t_ms);
    double t_ms_;
};

/// Writing an output file failed. Names the file; what() reads
/// "cannot write '<file>': <reason>". Thrown by every writer of the run folder, so a failed
/// write is never silent (docs/output_files.md, exit code 4).
class output_error : public std::runtime_error {
public:
    output_error(const std::string& file, const std::string& reason)
        : std::runtime_error("cannot write '" + file + "': " + reason), file_(file) {}
    const std::string& file() const noexcept { return file_; }

private:
    std::string file_;
};

/// Closest candidate by edit distance, for "did you mean" hints; empty if nothing is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

/// ", did you mean 'x'?" or "" — appended to unknown-name messages.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// A number as messages print it ("%g": 0.5, 1e-09, 3).
std::string format_value(double x);

/// Text from a file for a message: at most `max` characters, bytes outside printable ASCII as
/// \xNN, so a binary file read by mistake gives a readable error.
std::string printable(std::string_view s, std::size_t max = 40);

/// "'a', 'b' or 'c'" for messages listing allowed values.
std::string one_of(const std::vector<std::string>& allowed);

} // namespace cortexsim

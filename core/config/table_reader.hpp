#pragma once
/// Typed, position-aware access to one TOML table for the model loader. The reader records
/// which keys were read so that finish() can reject the rest (STYLE.md: unknown keys are
/// errors, as in NEST), and every value comes back as located<T> carrying file:line:column and
/// its dotted key path. Only core/config includes TOML++, so this header stays internal.

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/errors.hpp"
#include "core/model_desc.hpp"

namespace cortexsim::config {

/// Range a value must lie in, checked after its type. Integers support any, non_negative and
/// positive; unit_interval is for doubles (probabilities).
enum class bound { any, non_negative, positive, unit_interval };

/// Position of `node` in `file`, under the dotted key path `path`.
source_loc node_loc(const toml::node& node, const std::string& file, const std::string& path);

/// "string", "integer", "float", "boolean", "table", "array", "date", "time" or "date-time".
std::string type_name(const toml::node& node);

/// Shortest text that reads back to the same double; integral values keep a ".0" so that they
/// stay floats in TOML and are not mistaken for integers in messages ("got 2.0").
using cortexsim::format_number;

/// A TOML value as a parameter tree, positions and key paths (`path`) on every node.
param_value to_param_value(const toml::node& node, const std::string& file, const std::string& path);

/// Copies a key list from keys.hpp into the form did_you_mean and one_of take.
template <std::size_t N>
std::vector<std::string> names(const std::array<std::string_view, N>& list) {
    return std::vector<std::string>(list.begin(), list.end());
}

/// Converts one TOML value to T (double, long, std::uint64_t, bool or std::string), throwing
/// model_error at `where` ("must be a number, got string", "must be finite, got nan",
/// "must be a positive integer, got -3"). Integers are accepted where a double is expected.
template <class T>
T convert(const toml::node& node, const source_loc& where, bound range = bound::any);
template <> double convert<double>(const toml::node&, const source_loc&, bound);
template <> long convert<long>(const toml::node&, const source_loc&, bound);
template <> std::uint64_t convert<std::uint64_t>(const toml::node&, const source_loc&, bound);
template <> bool convert<bool>(const toml::node&, const source_loc&, bound);
template <> std::string convert<std::string>(const toml::node&, const source_loc&, bound);

/// One TOML table of the model file plus its key path, tracking which keys were read.
class table_reader {
  public:
    /// `where` is the table's own position and path ("" path for the document root);
    /// `known` lists every key the section accepts, for checks and "did you mean" hints.
    table_reader(const toml::table& table, source_loc where, std::vector<std::string> known);

    template <std::size_t N>
    table_reader(const toml::table& table, source_loc where,
                 const std::array<std::string_view, N>& known)
        : table_reader(table, std::move(where), names(known)) {}

    /// Position and path of the table itself (used when a key is missing).
    const source_loc& where() const { return where_; }
    /// Path of a key below this table, e.g. "population[1].size".
    std::string path_of(std::string_view key) const;
    /// Position of a key's value, or the key path with line 0 when the key is absent.
    source_loc loc_of(std::string_view key) const;
    /// Whether the key is present (does not count as reading it).
    bool has(std::string_view key) const;
    /// The raw node of a key, marking it read; nullptr when absent. For keys with several forms.
    const toml::node* take(std::string_view key);

    /// A key that must be present, converted to T and checked against `range`.
    template <class T> located<T> required(std::string_view key, bound range = bound::any);
    /// A key that may be absent; then `fallback` is returned with the key path and line 0.
    template <class T>
    located<T> optional(std::string_view key, T fallback, bound range = bound::any);
    /// A string that must be one of `allowed` ("must be 'a' or 'b', got 'c', did you mean ...").
    located<std::string> choice(std::string_view key, std::string fallback,
                                const std::vector<std::string>& allowed);

    /// An array of values; empty when absent. Elements are located as "key[i]".
    template <class T>
    std::vector<located<T>> optional_array(std::string_view key, bound range = bound::any);
    /// As optional_array, but the key must be present and the array non-empty.
    template <class T>
    std::vector<located<T>> required_array(std::string_view key, bound range = bound::any);

    /// A sub-table with its own key list; std::nullopt when absent.
    std::optional<table_reader> optional_table(std::string_view key,
                                               std::vector<std::string> known);
    /// A sub-table that must be present.
    table_reader required_table(std::string_view key, std::vector<std::string> known);
    /// An array of tables ([[key]]) with elements located as "key[i]"; empty when absent.
    std::vector<table_reader> table_array(std::string_view key,
                                          const std::vector<std::string>& known);
    /// A sub-table whose entries are all finite numbers (params, initial values).
    param_table number_table(std::string_view key, bound range = bound::any);
    /// Takes (marks read) every unread entry whose value is an array or a table, in file order,
    /// with its path: the entries of a table whose values may be a number or something richer
    /// (`initial = { u_soma = 0.1, v_basal = [...] }`); remaining_numbers() reads the rest.
    std::vector<std::pair<std::string, const toml::node*>> take_arrays_and_tables();
    /// Reads every key not read so far as a finite number: the parameters of mixed tables such
    /// as `transfer = {kind = "logistic", beta = 2}`.
    param_table remaining_numbers(bound range = bound::any);

    /// Throws for the first key (in file order) that is not in the known list; call before
    /// reading so that a misspelt key is reported as such, not as a missing one.
    void check_keys() const;
    /// Throws for the first key (in file order) that was not read.
    void finish() const;

    /// Throws model_error at the key's position (or the table's when absent).
    [[noreturn]] void fail(std::string_view key, const std::string& what) const;

  private:
    const toml::node* find_known(std::string_view key) const;
    [[noreturn]] void fail_unknown(const toml::key& key, const toml::node& node) const;
    template <class T>
    std::vector<located<T>> read_array(const toml::node& node, std::string_view key, bound range);

    const toml::table* table_;
    source_loc where_;
    std::vector<std::string> known_;
    std::set<std::string, std::less<>> read_;
};

} // namespace cortexsim::config

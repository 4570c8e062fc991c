#pragma once
/// A TOML-like value tree with a source position on every node: what a template
/// (`[[column]]`), a task (`[task]`) or a plasticity rule (`plasticity = { rule = ... }`) holds
/// before the code that knows its keys reads it. core/ knows none of those keys (DESIGN.md,
/// "Target layout"): the loader stores such sections as trees, and each template, task or rule
/// reads its own through a param_reader, which checks types and ranges, rejects unknown keys
/// with a "did you mean" hint and remembers every default it handed out, so that the resolved
/// model can write them all (param_reader::resolved()).

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/source_loc.hpp"

namespace cortexsim {

struct param_entry;

/// One value: an integer, a floating-point number, a boolean, a string, an array or a table
/// whose entries keep the order they were written in.
struct param_value {
    enum class type { integer, number, boolean, string, array, table };

    type kind = type::table;
    std::int64_t integer = 0;
    double number = 0.0;
    bool boolean = false;
    std::string string;
    std::vector<param_value> items;     ///< array
    std::vector<param_entry> entries;   ///< table, in the order written
    source_loc loc;

    static param_value make_table(source_loc loc = {});
    static param_value of(double x, source_loc loc = {});
    static param_value of_integer(std::int64_t x, source_loc loc = {});
    static param_value of(bool b, source_loc loc = {});
    static param_value of(std::string s, source_loc loc = {});
    static param_value of(const char* s, source_loc loc = {}) { return of(std::string(s), std::move(loc)); }
    static param_value of(const std::vector<std::string>& strings, source_loc loc = {});

    bool is_number() const { return kind == type::integer || kind == type::number; }
    /// The numeric value of an integer or a number.
    double as_double() const { return kind == type::integer ? static_cast<double>(integer) : number; }
    bool empty_table() const { return kind == type::table && entries.empty(); }

    /// Table entry by key (nullptr when absent or not a table).
    const param_value* find(const std::string& key) const;
    param_value* find(const std::string& key);
    /// Sets (replaces or appends) a table entry.
    param_value& set(const std::string& key, param_value v);
    /// Removes a table entry; returns whether it was there.
    bool erase(const std::string& key);
};

struct param_entry {
    std::string key;
    param_value value;
};

/// Equal values, types and table keys (in order), ignoring positions.
bool same_values(const param_value& a, const param_value& b);

/// "integer", "float", "boolean", "string", "array" or "table" (as TOML names them).
std::string type_name(const param_value& v);

/// Range a number must lie in.
enum class param_bound { any, non_negative, positive, unit_interval };

/*
 * Typed, checked access to one table of a param_value tree. Every accessor marks its key as
 * read; finish() rejects every key that was not (unknown keys are errors, as in NEST), with a
 * hint built from the keys that were asked for. A missing required key that looks like a typo
 * of a written one is reported as that typo. Numbers are checked for finiteness and range;
 * counts are integers in a stated range (a float such as 1e4 is accepted when it is a whole
 * number in range, since TOML writes large counts that way). Errors are model_errors at the
 * value's position, or at the table's when a key is missing.
 *
 * The reader remembers the value every accessor returned, defaults included, in the order
 * asked: resolved() is the table as the code understood it, which the resolved model writes.
 */
class param_reader {
public:
    /// `table` must be a table; `what` names the section in messages about the table itself
    /// ("column 'V1'", "rule 'generec'").
    explicit param_reader(const param_value& table, std::string what = "");

    const source_loc& where() const { return table_->loc; }
    bool has(const std::string& key) const { return table_->find(key) != nullptr; }
    /// Position of a key's value, or the table's position marked `defaulted` when absent.
    source_loc loc_of(const std::string& key) const;
    /// The raw value, marking the key read (nullptr when absent): for keys with several forms.
    /// The caller should record what it used with `note()` for resolved().
    const param_value* take(const std::string& key);
    /// The raw value of a key that must be present (marks it read); use `note()` as for take().
    const param_value& required(const std::string& key);
    /// Records `value` as the resolved value of `key` (for keys read through take()).
    void note(const std::string& key, param_value value);

    double number(const std::string& key, double fallback, param_bound range = param_bound::any);
    double required_number(const std::string& key, param_bound range = param_bound::any);
    /// An integer in [min, max].
    std::int64_t count(const std::string& key, std::int64_t fallback, std::int64_t min = 0,
                       std::int64_t max = std::numeric_limits<std::int32_t>::max());
    std::int64_t required_count(const std::string& key, std::int64_t min = 0,
                                std::int64_t max = std::numeric_limits<std::int32_t>::max());
    bool flag(const std::string& key, bool fallback);
    std::string string(const std::string& key, const std::string& fallback);
    std::string required_string(const std::string& key);
    /// A string that must be one of `allowed`.
    std::string choice(const std::string& key, const std::string& fallback,
                       const std::vector<std::string>& allowed);
    /// An array of strings (a single string is accepted as an array of one).
    std::vector<located<std::string>> strings(const std::string& key,
                                              const std::vector<std::string>& fallback = {});
    /// An array of numbers (a single number is accepted as an array of one).
    std::vector<located<double>> numbers(const std::string& key,
                                         param_bound range = param_bound::any);
    /// A table whose entries are all numbers (e.g. pathway strengths), in the order written.
    std::vector<std::pair<std::string, located<double>>>
    number_table(const std::string& key, param_bound range = param_bound::any);
    /// A sub-table, read by its own reader; its resolved() becomes this key's resolved value
    /// when the sub-reader is handed back with `adopt`. std::nullopt when absent.
    std::optional<param_reader> table(const std::string& key);
    void adopt(const std::string& key, const param_reader& sub);

    /// Throws for the first unread key (in the order written).
    void finish() const;
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;

    /// The table with every key asked for (written value or default), in the order asked,
    /// followed by keys read through take() and noted.
    param_value resolved() const;
    /// Keys asked for so far (for hints and docs).
    const std::vector<std::string>& asked() const { return asked_; }

private:
    const param_value* get(const std::string& key, const char* expected);
    source_loc default_loc(const std::string& key) const;
    [[noreturn]] void fail_missing(const std::string& key) const;
    void check_number(double v, param_bound range, const source_loc& loc) const;

    const param_value* table_;
    std::string what_;
    std::vector<std::string> asked_;
    std::vector<std::string> read_;
    param_value resolved_;
};

/// A number as the model file shows it ("0.5", "2.0", "1e-09"): the shortest text that reads
/// back to the same double, integral values with ".0".
std::string format_number(double value);

} // namespace cortexsim

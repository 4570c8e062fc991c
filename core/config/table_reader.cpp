#include "core/config/table_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace cortexsim::config {

source_loc node_loc(const toml::node& node, const std::string& file, const std::string& path) {
    const toml::source_position& begin = node.source().begin;
    return source_loc{file, static_cast<int>(begin.line), static_cast<int>(begin.column), path};
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string:
        return "string";
    case toml::node_type::integer:
        return "integer";
    case toml::node_type::floating_point:
        return "float";
    case toml::node_type::boolean:
        return "boolean";
    case toml::node_type::table:
        return "table";
    case toml::node_type::array:
        return "array";
    case toml::node_type::date:
        return "date";
    case toml::node_type::time:
        return "time";
    case toml::node_type::date_time:
        return "date-time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

namespace {

[[noreturn]] void fail_at(const source_loc& where, const std::string& what) {
    throw model_error(where, what);
}

std::string integer_noun(bound range) {
    switch (range) {
    case bound::any:
        return "an integer";
    case bound::non_negative:
        return "a non-negative integer";
    case bound::positive:
        return "a positive integer";
    case bound::unit_interval:
        break;
    }
    throw std::logic_error("table_reader: unit_interval is not a bound for integers");
}

void check_double_bound(double v, bound range, const source_loc& where) {
    const std::string got = ", got " + format_number(v);
    switch (range) {
    case bound::any:
        return;
    case bound::non_negative:
        if (v < 0.0)
            fail_at(where, "must be non-negative" + got);
        return;
    case bound::positive:
        if (v <= 0.0)
            fail_at(where, "must be positive" + got);
        return;
    case bound::unit_interval:
        if (v < 0.0 || v > 1.0)
            fail_at(where, "must be between 0 and 1" + got);
        return;
    }
}

void require_unbounded(bound range) {
    if (range != bound::any)
        throw std::logic_error("table_reader: bound on a non-numeric value");
}

} // namespace

template <> double convert<double>(const toml::node& node, const source_loc& where, bound range) {
    double v = 0.0;
    if (const auto* f = node.as_floating_point()) {
        v = f->get();
    } else if (const auto* i = node.as_integer()) {
        v = static_cast<double>(i->get());
    } else {
        fail_at(where, "must be a number, got " + type_name(node));
    }
    // TOML allows nan and inf; no model quantity can take them, so stop them at the door.
    if (!std::isfinite(v))
        fail_at(where, "must be finite, got " + format_number(v));
    check_double_bound(v, range, where);
    return v;
}

template <> long convert<long>(const toml::node& node, const source_loc& where, bound range) {
    const std::string noun = integer_noun(range);
    if (const auto* i = node.as_integer()) {
        const long v = static_cast<long>(i->get());
        const bool ok = range == bound::any || (range == bound::non_negative && v >= 0) ||
                        (range == bound::positive && v > 0);
        if (!ok)
            fail_at(where, "must be " + noun + ", got " + std::to_string(v));
        return v;
    }
    // A float where an integer belongs is usually a typo ("size = 2.5"): show the value.
    if (const auto* f = node.as_floating_point())
        fail_at(where, "must be " + noun + ", got " + format_number(f->get()));
    fail_at(where, "must be " + noun + ", got " + type_name(node));
}

template <>
std::uint64_t convert<std::uint64_t>(const toml::node& node, const source_loc& where, bound range) {
    const bound at_least = range == bound::positive ? bound::positive : bound::non_negative;
    return static_cast<std::uint64_t>(convert<long>(node, where, at_least));
}

template <> bool convert<bool>(const toml::node& node, const source_loc& where, bound range) {
    require_unbounded(range);
    if (const auto* b = node.as_boolean())
        return b->get();
    fail_at(where, "must be a boolean, got " + type_name(node));
}

template <>
std::string convert<std::string>(const toml::node& node, const source_loc& where, bound range) {
    require_unbounded(range);
    if (const auto* s = node.as_string())
        return s->get();
    fail_at(where, "must be a string, got " + type_name(node));
}

table_reader::table_reader(const toml::table& table, source_loc where,
                           std::vector<std::string> known)
    : table_(&table), where_(std::move(where)), known_(std::move(known)) {}

std::string table_reader::path_of(std::string_view key) const {
    return where_.path.empty() ? std::string(key) : where_.path + "." + std::string(key);
}

source_loc table_reader::loc_of(std::string_view key) const {
    if (const toml::node* n = table_->get(key))
        return node_loc(*n, where_.file, path_of(key));
    return source_loc{where_.file, where_.line, where_.column, path_of(key), true};
}

bool table_reader::has(std::string_view key) const {
    return table_->get(key) != nullptr;
}

const toml::node* table_reader::find_known(std::string_view key) const {
    // Asking for a key the section does not list is a loader bug, not a user error.
    if (std::find(known_.begin(), known_.end(), key) == known_.end())
        throw std::logic_error("table_reader: key '" + std::string(key) + "' is not listed for " +
                               (where_.path.empty() ? std::string("the root") : where_.path));
    return table_->get(key);
}

const toml::node* table_reader::take(std::string_view key) {
    const toml::node* n = find_known(key);
    read_.emplace(key);
    return n;
}

template <class T> located<T> table_reader::required(std::string_view key, bound range) {
    const toml::node* n = take(key);
    if (!n)
        fail_at(where_, "missing required key '" + std::string(key) + "'");
    source_loc loc = loc_of(key);
    T v = convert<T>(*n, loc, range);
    return located<T>(std::move(v), std::move(loc));
}

template <class T>
located<T> table_reader::optional(std::string_view key, T fallback, bound range) {
    const toml::node* n = take(key);
    source_loc loc = loc_of(key);
    if (!n)
        return located<T>(std::move(fallback), std::move(loc));
    T v = convert<T>(*n, loc, range);
    return located<T>(std::move(v), std::move(loc));
}

located<std::string> table_reader::choice(std::string_view key, std::string fallback,
                                          const std::vector<std::string>& allowed) {
    located<std::string> v = optional<std::string>(key, std::move(fallback));
    if (std::find(allowed.begin(), allowed.end(), v.value) == allowed.end())
        fail_at(v.loc, "must be " + one_of(allowed) + ", got '" + v.value + "'" +
                           did_you_mean(v.value, allowed));
    return v;
}

template <class T>
std::vector<located<T>> table_reader::read_array(const toml::node& node, std::string_view key,
                                                 bound range) {
    const auto* arr = node.as_array();
    if (!arr)
        fail_at(loc_of(key), "must be an array, got " + type_name(node));
    std::vector<located<T>> out;
    out.reserve(arr->size());
    for (std::size_t i = 0; i < arr->size(); ++i) {
        source_loc loc =
            node_loc((*arr)[i], where_.file, path_of(key) + "[" + std::to_string(i) + "]");
        T v = convert<T>((*arr)[i], loc, range);
        out.emplace_back(std::move(v), std::move(loc));
    }
    return out;
}

template <class T>
std::vector<located<T>> table_reader::optional_array(std::string_view key, bound range) {
    const toml::node* n = take(key);
    if (!n)
        return {};
    return read_array<T>(*n, key, range);
}

template <class T>
std::vector<located<T>> table_reader::required_array(std::string_view key, bound range) {
    const toml::node* n = take(key);
    if (!n)
        fail_at(where_, "missing required key '" + std::string(key) + "'");
    std::vector<located<T>> out = read_array<T>(*n, key, range);
    if (out.empty())
        fail_at(loc_of(key), "must not be empty");
    return out;
}

std::optional<table_reader> table_reader::optional_table(std::string_view key,
                                                         std::vector<std::string> known) {
    const toml::node* n = take(key);
    if (!n)
        return std::nullopt;
    const auto* t = n->as_table();
    if (!t)
        fail_at(loc_of(key), "must be a table, got " + type_name(*n));
    return table_reader(*t, loc_of(key), std::move(known));
}

table_reader table_reader::required_table(std::string_view key, std::vector<std::string> known) {
    std::optional<table_reader> t = optional_table(key, std::move(known));
    if (!t)
        fail_at(where_, "missing required key '" + std::string(key) + "'");
    return std::move(*t);
}

std::vector<table_reader> table_reader::table_array(std::string_view key,
                                                    const std::vector<std::string>& known) {
    const toml::node* n = take(key);
    if (!n)
        return {};
    const auto* arr = n->as_array();
    // `[population]` instead of `[[population]]` is the classic slip: name the right form.
    if (!arr)
        fail_at(loc_of(key),
                "must be an array of tables ([[" + std::string(key) + "]]), got " + type_name(*n));
    std::vector<table_reader> out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const toml::node& e = (*arr)[i];
        source_loc loc = node_loc(e, where_.file, path_of(key) + "[" + std::to_string(i) + "]");
        const auto* t = e.as_table();
        if (!t)
            fail_at(loc, "must be a table, got " + type_name(e));
        out.emplace_back(*t, std::move(loc), known);
    }
    return out;
}

param_table table_reader::number_table(std::string_view key, bound range) {
    std::optional<table_reader> t = optional_table(key, {});
    return t ? t->remaining_numbers(range) : param_table{};
}

std::vector<std::pair<std::string, const toml::node*>> table_reader::take_arrays_and_tables() {
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const auto& [key, node] : *table_) {
        if (read_.count(key.str()) != 0 || !(node.is_array() || node.is_table()))
            continue;
        out.emplace_back(std::string(key.str()), &node);
        read_.emplace(key.str());
    }
    // TOML++ keeps keys sorted by name; the user reads the file top to bottom.
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.second->source().begin;
        const auto& pb = b.second->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    return out;
}

param_table table_reader::remaining_numbers(bound range) {
    param_table out;
    for (const auto& [key, node] : *table_) {
        if (read_.count(key.str()) != 0)
            continue;
        // A misspelt known key would otherwise surface as "must be a number, got string".
        if (!node.is_number() && !closest_match(std::string(key.str()), known_).empty())
            fail_unknown(key, node);
        source_loc loc = node_loc(node, where_.file, path_of(key.str()));
        const double v = convert<double>(node, loc, range);
        out.emplace(std::string(key.str()), located<double>(v, std::move(loc)));
        read_.emplace(key.str());
    }
    return out;
}

namespace {
/// The entry of `table` that comes first in the file among those `pick` selects; TOML++ keeps
/// tables sorted by name, but the user expects the first offending line.
template <class Pick>
std::optional<std::pair<const toml::key*, const toml::node*>>
first_in_file(const toml::table& table, Pick pick) {
    std::optional<std::pair<const toml::key*, const toml::node*>> best;
    for (const auto& [key, node] : table) {
        if (!pick(key.str()))
            continue;
        const auto& p = key.source().begin;
        if (!best || p.line < best->first->source().begin.line ||
            (p.line == best->first->source().begin.line &&
             p.column < best->first->source().begin.column))
            best.emplace(&key, &node);
    }
    return best;
}
} // namespace

void table_reader::fail_unknown(const toml::key& key, const toml::node& node) const {
    const std::string name(key.str());
    source_loc loc{where_.file, static_cast<int>(key.source().begin.line),
                   static_cast<int>(key.source().begin.column), path_of(name)};
    std::string noun = "key";
    if (where_.path.empty())
        noun =
            (node.is_table() || node.is_array_of_tables()) ? "top-level section" : "top-level key";
    fail_at(loc, "unknown " + noun + " '" + name + "'" + did_you_mean(name, known_));
}

void table_reader::check_keys() const {
    const auto bad = first_in_file(*table_, [&](std::string_view k) {
        return std::find(known_.begin(), known_.end(), k) == known_.end();
    });
    if (bad)
        fail_unknown(*bad->first, *bad->second);
}

void table_reader::finish() const {
    const auto bad =
        first_in_file(*table_, [&](std::string_view k) { return read_.count(k) == 0; });
    if (bad)
        fail_unknown(*bad->first, *bad->second);
}

void table_reader::fail(std::string_view key, const std::string& what) const {
    fail_at(has(key) ? loc_of(key) : where_, what);
}

// Every value type convert() supports, for each accessor; keeping the definitions here keeps
// TOML++ parsing details out of every includer.
#define CORTEXSIM_TABLE_READER_INSTANTIATE(T)                                                      \
    template located<T> table_reader::required<T>(std::string_view, bound);                        \
    template located<T> table_reader::optional<T>(std::string_view, T, bound);                     \
    template std::vector<located<T>> table_reader::optional_array<T>(std::string_view, bound);     \
    template std::vector<located<T>> table_reader::required_array<T>(std::string_view, bound);
CORTEXSIM_TABLE_READER_INSTANTIATE(double)
CORTEXSIM_TABLE_READER_INSTANTIATE(long)
CORTEXSIM_TABLE_READER_INSTANTIATE(std::uint64_t)
CORTEXSIM_TABLE_READER_INSTANTIATE(bool)
CORTEXSIM_TABLE_READER_INSTANTIATE(std::string)
#undef CORTEXSIM_TABLE_READER_INSTANTIATE

} // namespace cortexsim::config

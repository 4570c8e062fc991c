#include "core/param_tree.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/errors.hpp"

namespace cortexsim {

param_value param_value::make_table(source_loc loc) {
    param_value v;
    v.kind = type::table;
    v.loc = std::move(loc);
    return v;
}

param_value param_value::of(double x, source_loc loc) {
    param_value v;
    v.kind = type::number;
    v.number = x;
    v.loc = std::move(loc);
    return v;
}

param_value param_value::of_integer(std::int64_t x, source_loc loc) {
    param_value v;
    v.kind = type::integer;
    v.integer = x;
    v.loc = std::move(loc);
    return v;
}

param_value param_value::of(bool b, source_loc loc) {
    param_value v;
    v.kind = type::boolean;
    v.boolean = b;
    v.loc = std::move(loc);
    return v;
}

param_value param_value::of(std::string s, source_loc loc) {
    param_value v;
    v.kind = type::string;
    v.string = std::move(s);
    v.loc = std::move(loc);
    return v;
}

param_value param_value::of(const std::vector<std::string>& strings, source_loc loc) {
    param_value v;
    v.kind = type::array;
    v.loc = loc;
    for (const auto& s : strings) v.items.push_back(of(s, loc));
    return v;
}

const param_value* param_value::find(const std::string& key) const {
    if (kind != type::table) return nullptr;
    for (const auto& e : entries)
        if (e.key == key) return &e.value;
    return nullptr;
}

param_value* param_value::find(const std::string& key) {
    return const_cast<param_value*>(static_cast<const param_value*>(this)->find(key));
}

param_value& param_value::set(const std::string& key, param_value v) {
    if (kind != type::table) throw std::logic_error("param_value::set on a non-table");
    if (param_value* old = find(key)) return *old = std::move(v);
    entries.push_back({key, std::move(v)});
    return entries.back().value;
}

bool param_value::erase(const std::string& key) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const param_entry& e) { return e.key == key; });
    if (it == entries.end()) return false;
    entries.erase(it);
    return true;
}

bool same_values(const param_value& a, const param_value& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case param_value::type::integer: return a.integer == b.integer;
    case param_value::type::number: return a.number == b.number;
    case param_value::type::boolean: return a.boolean == b.boolean;
    case param_value::type::string: return a.string == b.string;
    case param_value::type::array:
        if (a.items.size() != b.items.size()) return false;
        for (std::size_t i = 0; i < a.items.size(); ++i)
            if (!same_values(a.items[i], b.items[i])) return false;
        return true;
    case param_value::type::table:
        if (a.entries.size() != b.entries.size()) return false;
        for (std::size_t i = 0; i < a.entries.size(); ++i)
            if (a.entries[i].key != b.entries[i].key || !same_values(a.entries[i].value, b.entries[i].value))
                return false;
        return true;
    }
    return false;
}

std::string type_name(const param_value& v) {
    switch (v.kind) {
    case param_value::type::integer: return "integer";
    case param_value::type::number: return "float";
    case param_value::type::boolean: return "boolean";
    case param_value::type::string: return "string";
    case param_value::type::array: return "array";
    case param_value::type::table: return "table";
    }
    return "nothing";
}

std::string format_number(double value) {
    if (std::isnan(value)) return "nan";  // to_chars would print "-nan" for a negative NaN
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    std::string out(buf, res.ptr);
    if (std::isfinite(value) && out.find_first_of(".e") == std::string::npos) out += ".0";
    return out;
}

// ---------------------------------------------------------------------------------------------

namespace {
std::string child_path(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

std::string integer_text(std::int64_t v) { return std::to_string(v); }
} // namespace

param_reader::param_reader(const param_value& table, std::string what)
    : table_(&table), what_(std::move(what)), resolved_(param_value::make_table(table.loc)) {
    if (table.kind != param_value::type::table)
        throw model_error(table.loc, "must be a table, got " + type_name(table));
}

source_loc param_reader::default_loc(const std::string& key) const {
    source_loc l = table_->loc;
    l.path = child_path(l.path, key);
    l.defaulted = true;
    return l;
}

source_loc param_reader::loc_of(const std::string& key) const {
    if (const param_value* v = table_->find(key)) return v->loc;
    return default_loc(key);
}

const param_value* param_reader::take(const std::string& key) {
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.push_back(key);
    const param_value* v = table_->find(key);
    if (v && std::find(read_.begin(), read_.end(), key) == read_.end()) read_.push_back(key);
    return v;
}

const param_value& param_reader::required(const std::string& key) {
    const param_value* v = take(key);
    if (!v) fail_missing(key);
    return *v;
}

void param_reader::note(const std::string& key, param_value value) { resolved_.set(key, std::move(value)); }

void param_reader::fail(const std::string& key, const std::string& what) const {
    throw model_error(has(key) ? loc_of(key) : table_->loc, what);
}

void param_reader::fail_missing(const std::string& key) const {
    // A written key close to the missing one is most likely its misspelling: say so.
    std::vector<std::string> unread;
    for (const auto& e : table_->entries)
        if (std::find(read_.begin(), read_.end(), e.key) == read_.end() &&
            closest_match(e.key, {key}) == key) {
            std::vector<std::string> candidates = asked_;
            throw model_error(e.value.loc, "unknown key '" + e.key + "'" + did_you_mean(e.key, candidates));
        }
    throw model_error(table_->loc, "missing required key '" + key + "'" +
                                       (what_.empty() ? std::string() : " of " + what_));
}

void param_reader::check_number(double v, param_bound range, const source_loc& loc) const {
    if (!std::isfinite(v)) throw model_error(loc, "must be finite, got " + format_number(v));
    const std::string got = ", got " + format_number(v);
    switch (range) {
    case param_bound::any: return;
    case param_bound::non_negative:
        if (v < 0.0) throw model_error(loc, "must be non-negative" + got);
        return;
    case param_bound::positive:
        if (v <= 0.0) throw model_error(loc, "must be positive" + got);
        return;
    case param_bound::unit_interval:
        if (v < 0.0 || v > 1.0) throw model_error(loc, "must be between 0 and 1" + got);
        return;
    }
}

double param_reader::number(const std::string& key, double fallback, param_bound range) {
    const param_value* v = take(key);
    if (!v) {
        note(key, param_value::of(fallback, default_loc(key)));
        return fallback;
    }
    if (!v->is_number()) throw model_error(v->loc, "must be a number, got " + type_name(*v));
    const double x = v->as_double();
    check_number(x, range, v->loc);
    note(key, param_value::of(x, v->loc));
    return x;
}

double param_reader::required_number(const std::string& key, param_bound range) {
    if (!has(key)) {
        take(key);
        fail_missing(key);
    }
    return number(key, 0.0, range);
}

std::int64_t param_reader::count(const std::string& key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) {
    const param_value* v = take(key);
    if (!v) {
        note(key, param_value::of_integer(fallback, default_loc(key)));
        return fallback;
    }
    const std::string range = "an integer from " + integer_text(min) + " to " + integer_text(max);
    std::int64_t n = 0;
    if (v->kind == param_value::type::integer) {
        n = v->integer;
    } else if (v->kind == param_value::type::number) {
        // 1e4 is a float in TOML; accept it when it is a whole number in range, never truncate.
        const double x = v->number;
        if (!std::isfinite(x) || x != std::floor(x) || x < static_cast<double>(min) ||
            x > static_cast<double>(max))
            throw model_error(v->loc, "must be " + range + ", got " + format_number(x));
        n = static_cast<std::int64_t>(x);
    } else {
        throw model_error(v->loc, "must be " + range + ", got " + type_name(*v));
    }
    if (n < min || n > max) throw model_error(v->loc, "must be " + range + ", got " + integer_text(n));
    note(key, param_value::of_integer(n, v->loc));
    return n;
}

std::int64_t param_reader::required_count(const std::string& key, std::int64_t min, std::int64_t max) {
    if (!has(key)) {
        take(key);
        fail_missing(key);
    }
    return count(key, 0, min, max);
}

bool param_reader::flag(const std::string& key, bool fallback) {
    const param_value* v = take(key);
    if (!v) {
        note(key, param_value::of(fallback, default_loc(key)));
        return fallback;
    }
    if (v->kind != param_value::type::boolean)
        throw model_error(v->loc, "must be a boolean (true or false), got " + type_name(*v));
    note(key, *v);
    return v->boolean;
}

std::string param_reader::string(const std::string& key, const std::string& fallback) {
    const param_value* v = take(key);
    if (!v) {
        note(key, param_value::of(fallback, default_loc(key)));
        return fallback;
    }
    if (v->kind != param_value::type::string)
        throw model_error(v->loc, "must be a string, got " + type_name(*v));
    note(key, *v);
    return v->string;
}

std::string param_reader::required_string(const std::string& key) {
    if (!has(key)) {
        take(key);
        fail_missing(key);
    }
    return string(key, "");
}

std::string param_reader::choice(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& allowed) {
    const std::string s = string(key, fallback);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
        throw model_error(loc_of(key), "must be " + one_of(allowed) + ", got '" + s + "'" +
                                           did_you_mean(s, allowed));
    return s;
}

std::vector<located<std::string>> param_reader::strings(const std::string& key,
                                                        const std::vector<std::string>& fallback) {
    const param_value* v = take(key);
    std::vector<located<std::string>> out;
    if (!v) {
        for (const auto& s : fallback) out.emplace_back(s, default_loc(key));
        note(key, param_value::of(fallback, default_loc(key)));
        return out;
    }
    if (v->kind == param_value::type::string) {
        out.emplace_back(v->string, v->loc);
    } else if (v->kind == param_value::type::array) {
        for (const auto& item : v->items) {
            if (item.kind != param_value::type::string)
                throw model_error(item.loc, "must be a string, got " + type_name(item));
            out.emplace_back(item.string, item.loc);
        }
    } else {
        throw model_error(v->loc, "must be a string or an array of strings, got " + type_name(*v));
    }
    param_value r = *v;
    if (r.kind == param_value::type::string) {
        param_value arr;
        arr.kind = param_value::type::array;
        arr.loc = v->loc;
        arr.items.push_back(*v);
        r = arr;
    }
    note(key, r);
    return out;
}

std::vector<located<double>> param_reader::numbers(const std::string& key, param_bound range) {
    const param_value* v = take(key);
    std::vector<located<double>> out;
    if (!v) return out;
    if (v->is_number()) {
        check_number(v->as_double(), range, v->loc);
        out.emplace_back(v->as_double(), v->loc);
    } else if (v->kind == param_value::type::array) {
        for (const auto& item : v->items) {
            if (!item.is_number()) throw model_error(item.loc, "must be a number, got " + type_name(item));
            check_number(item.as_double(), range, item.loc);
            out.emplace_back(item.as_double(), item.loc);
        }
    } else {
        throw model_error(v->loc, "must be a number or an array of numbers, got " + type_name(*v));
    }
    param_value arr;
    arr.kind = param_value::type::array;
    arr.loc = v->loc;
    for (const auto& x : out) arr.items.push_back(param_value::of(x.value, x.loc));
    note(key, arr);
    return out;
}

std::vector<std::pair<std::string, located<double>>>
param_reader::number_table(const std::string& key, param_bound range) {
    const param_value* v = take(key);
    std::vector<std::pair<std::string, located<double>>> out;
    if (!v) {
        note(key, param_value::make_table(default_loc(key)));
        return out;
    }
    if (v->kind != param_value::type::table)
        throw model_error(v->loc, "must be a table of numbers, got " + type_name(*v));
    param_value r = param_value::make_table(v->loc);
    for (const auto& e : v->entries) {
        if (!e.value.is_number())
            throw model_error(e.value.loc, "must be a number, got " + type_name(e.value));
        check_number(e.value.as_double(), range, e.value.loc);
        out.emplace_back(e.key, located<double>(e.value.as_double(), e.value.loc));
        r.set(e.key, param_value::of(e.value.as_double(), e.value.loc));
    }
    note(key, r);
    return out;
}

std::optional<param_reader> param_reader::table(const std::string& key) {
    const param_value* v = take(key);
    if (!v) return std::nullopt;
    if (v->kind != param_value::type::table)
        throw model_error(v->loc, "must be a table, got " + type_name(*v));
    return param_reader(*v, what_.empty() ? key : what_ + " " + key);
}

void param_reader::adopt(const std::string& key, const param_reader& sub) { note(key, sub.resolved()); }

void param_reader::finish() const {
    for (const auto& e : table_->entries)
        if (std::find(read_.begin(), read_.end(), e.key) == read_.end())
            throw model_error(e.value.loc, "unknown key '" + e.key + "'" +
                                               (what_.empty() ? std::string() : " of " + what_) +
                                               (asked_.empty() ? std::string()
                                                               : "; it has " + one_of(asked_)) +
                                               did_you_mean(e.key, asked_));
}

param_value param_reader::resolved() const { return resolved_; }

} // namespace cortexsim

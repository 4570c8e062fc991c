#include "core/checkpoint/state_archive.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "core/errors.hpp"
#include "core/random.hpp"
#include "core/recording/text_file.hpp"

namespace cortexsim {

namespace {

constexpr char magic[8] = {'C', 'X', 'C', 'K', 'P', 'T', '0', '1'};
enum : std::uint8_t { kind_doubles = 0, kind_u64 = 1, kind_string = 2 };

std::uint64_t fnv1a(const char* data, std::size_t n) {
    std::uint64_t h = 0xCBF29CE484222325ull;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(data[i]);
        h *= 0x100000001B3ull;
    }
    return h;
}

template <class T> void append(std::string& out, const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

const char* kind_name(std::uint8_t k) {
    return k == kind_doubles ? "numbers" : k == kind_u64 ? "integers" : "text";
}

} // namespace

state_writer::entry& state_writer::add(const std::string& name) {
    if (entries_.count(name)) throw std::logic_error("checkpoint entry '" + name + "' written twice");
    return entries_[name];
}

void state_writer::put(const std::string& name, const std::vector<double>& values) {
    put(name, values.data(), values.size());
}

void state_writer::put(const std::string& name, const double* values, std::size_t n) {
    entry& e = add(name);
    e.kind = kind_doubles;
    e.d.assign(values, values + n);
}

void state_writer::put_u64(const std::string& name, const std::vector<std::uint64_t>& values) {
    entry& e = add(name);
    e.kind = kind_u64;
    e.u = values;
}

void state_writer::put_string(const std::string& name, const std::string& text) {
    entry& e = add(name);
    e.kind = kind_string;
    e.s = text;
}

void state_writer::put_rng(const std::string& name, const rng& g) {
    const auto s = g.state();
    put_u64(name, std::vector<std::uint64_t>(s.begin(), s.end()));
}

void state_writer::save(const std::string& path) const {
    std::string out(magic, sizeof magic);
    append(out, static_cast<std::uint64_t>(entries_.size()));
    for (const auto& [name, e] : entries_) {
        append(out, static_cast<std::uint32_t>(name.size()));
        out += name;
        append(out, e.kind);
        if (e.kind == kind_doubles) {
            append(out, static_cast<std::uint64_t>(e.d.size()));
            out.append(reinterpret_cast<const char*>(e.d.data()), e.d.size() * sizeof(double));
        } else if (e.kind == kind_u64) {
            append(out, static_cast<std::uint64_t>(e.u.size()));
            out.append(reinterpret_cast<const char*>(e.u.data()), e.u.size() * sizeof(std::uint64_t));
        } else {
            append(out, static_cast<std::uint64_t>(e.s.size()));
            out += e.s;
        }
    }
    append(out, fnv1a(out.data(), out.size()));
    // The previous checkpoint stays in place until this one is whole on disk: written under
    // a temporary name, synced, renamed, the folder synced.
    write_text_file(path, out, true);
}

state_reader::state_reader(const std::string& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot open it: " + std::string(std::strerror(errno)));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < sizeof magic + 16 || std::memcmp(bytes.data(), magic, sizeof magic) != 0)
        fail("not a cortexsim checkpoint");
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
    if (stored != fnv1a(bytes.data(), bytes.size() - 8))
        fail("its checksum does not match: the file is truncated or altered");
    std::size_t at = sizeof magic;
    const std::size_t end = bytes.size() - 8;
    auto take = [&](void* dst, std::size_t n) {
        if (n > end - at) fail("truncated entry");
        std::memcpy(dst, bytes.data() + at, n);
        at += n;
    };
    std::uint64_t count = 0;
    take(&count, 8);
    for (std::uint64_t k = 0; k < count; ++k) {
        std::uint32_t len = 0;
        take(&len, 4);
        std::string name(len, '\0');
        take(name.data(), len);
        entry e;
        take(&e.kind, 1);
        std::uint64_t n = 0;
        take(&n, 8);
        if (e.kind == kind_doubles) {
            if (n > (end - at) / 8) fail("truncated entry '" + name + "'");
            e.d.resize(n);
            take(e.d.data(), n * 8);
        } else if (e.kind == kind_u64) {
            if (n > (end - at) / 8) fail("truncated entry '" + name + "'");
            e.u.resize(n);
            take(e.u.data(), n * 8);
        } else if (e.kind == kind_string) {
            if (n > end - at) fail("truncated entry '" + name + "'");
            e.s.resize(n);
            take(e.s.data(), n);
        } else {
            fail("entry '" + name + "' has an unknown kind");
        }
        entries_[name] = std::move(e);
    }
    if (at != end) fail("trailing bytes after the last entry");
}

void state_reader::fail(const std::string& what) const {
    throw std::runtime_error("checkpoint '" + path_ + "': " + what);
}

const state_reader::entry& state_reader::get(const std::string& name, std::uint8_t kind) const {
    const auto it = entries_.find(name);
    if (it == entries_.end())
        fail("it has no entry '" + name + "' (a checkpoint of another model or version?)");
    if (it->second.kind != kind)
        fail("entry '" + name + "' holds " + kind_name(it->second.kind) + ", not " + kind_name(kind));
    return it->second;
}

const std::vector<double>& state_reader::doubles(const std::string& name) const {
    return get(name, kind_doubles).d;
}

const std::vector<double>& state_reader::doubles(const std::string& name, std::size_t n) const {
    const auto& d = doubles(name);
    if (d.size() != n)
        fail("entry '" + name + "' has " + std::to_string(d.size()) + " numbers, the model needs " +
             std::to_string(n) + " (a checkpoint of another model?)");
    return d;
}

void state_reader::doubles_into(const std::string& name, double* out, std::size_t n) const {
    const auto& d = doubles(name, n);
    std::copy(d.begin(), d.end(), out);
}

const std::vector<std::uint64_t>& state_reader::u64s(const std::string& name) const {
    return get(name, kind_u64).u;
}

const std::vector<std::uint64_t>& state_reader::u64s(const std::string& name, std::size_t n) const {
    const auto& u = u64s(name);
    if (u.size() != n)
        fail("entry '" + name + "' has " + std::to_string(u.size()) + " integers, the model needs " +
             std::to_string(n) + " (a checkpoint of another model?)");
    return u;
}

const std::string& state_reader::text(const std::string& name) const { return get(name, kind_string).s; }

void state_reader::rng_into(const std::string& name, rng& g) const {
    const auto& u = u64s(name, 6);
    std::array<std::uint64_t, 6> s{};
    std::copy(u.begin(), u.end(), s.begin());
    g.set_state(s);
}

} // namespace cortexsim

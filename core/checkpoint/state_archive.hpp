#pragma once
/// A checkpoint's contents: named arrays of numbers (doubles, 64-bit integers) and strings,
/// each owned by the component that wrote it ("sim/y", "proj/3/w", "task/recent"). Every
/// component saves what its next step reads and restores it by the same names, so a resumed
/// run continues bit for bit (docs/checkpoints.md).
///
/// File format (little-endian, as every platform cortexsim builds on):
///   "CXCKPT01", u64 entry count, then per entry: u32 name length, name, u8 kind
///   (0 doubles, 1 u64, 2 string), u64 element count, payload; then u64 FNV-1a of all bytes
///   before it. A truncated or altered file fails the check and is refused, never half-read.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cortexsim {

class rng;

class state_writer {
public:
    void put(const std::string& name, const std::vector<double>& values);
    void put(const std::string& name, const double* values, std::size_t n);
    void put(const std::string& name, double value) { put(name, &value, 1); }
    void put_u64(const std::string& name, const std::vector<std::uint64_t>& values);
    void put_u64(const std::string& name, std::uint64_t value) { put_u64(name, std::vector<std::uint64_t>{value}); }
    void put_string(const std::string& name, const std::string& text);
    void put_rng(const std::string& name, const rng& g);
    /// Writes the archive to `path` through `<path>.part`, fsync and a rename (then an fsync
    /// of the folder): after a crash the file is the previous checkpoint or this one, whole.
    /// Throws output_error.
    void save(const std::string& path) const;
    bool has(const std::string& name) const { return entries_.count(name) > 0; }

private:
    struct entry {
        std::uint8_t kind = 0;
        std::vector<double> d;
        std::vector<std::uint64_t> u;
        std::string s;
    };
    entry& add(const std::string& name);
    std::map<std::string, entry> entries_;
};

class state_reader {
public:
    /// Reads and checks `path`; throws std::runtime_error naming the file if it is missing,
    /// truncated, altered or not a checkpoint.
    explicit state_reader(const std::string& path);
    /// The entry `name`; throws std::runtime_error naming the file and the entry if it is
    /// absent, of another kind, or (with `n` given) not of `n` elements: a checkpoint of
    /// another model.
    const std::vector<double>& doubles(const std::string& name) const;
    const std::vector<double>& doubles(const std::string& name, std::size_t n) const;
    void doubles_into(const std::string& name, double* out, std::size_t n) const;
    double number(const std::string& name) const { return doubles(name, 1)[0]; }
    const std::vector<std::uint64_t>& u64s(const std::string& name) const;
    const std::vector<std::uint64_t>& u64s(const std::string& name, std::size_t n) const;
    std::uint64_t u64(const std::string& name) const { return u64s(name, 1)[0]; }
    const std::string& text(const std::string& name) const;
    void rng_into(const std::string& name, rng& g) const;
    bool has(const std::string& name) const { return entries_.count(name) > 0; }
    const std::string& path() const { return path_; }

private:
    struct entry {
        std::uint8_t kind = 0;
        std::vector<double> d;
        std::vector<std::uint64_t> u;
        std::string s;
    };
    const entry& get(const std::string& name, std::uint8_t kind) const;
    [[noreturn]] void fail(const std::string& what) const;
    std::string path_;
    std::map<std::string, entry> entries_;
};

} // namespace cortexsim

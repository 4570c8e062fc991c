#pragma once
/// Reproducible random numbers. std:: distributions are implementation-defined, so a seed would
/// not give the same model on another standard library; these are specified here bit for bit:
/// xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64, uniforms from the top 53
/// bits, normals by the Marsaglia polar method.

#include <array>
#include <cstdint>
#include <string>

namespace cortexsim {

class rng {
public:
    /// A generator for `seed`; `stream` names an independent sub-stream (e.g. a projection's
    /// name), so adding a projection does not change the weights of the others.
    explicit rng(std::uint64_t seed, const std::string& stream = "");

    std::uint64_t next_u64();
    /// Uniform on [0, 1).
    double uniform();
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    /// Standard normal.
    double normal();
    /// Uniform integer on [0, n), without modulo bias.
    std::uint64_t below(std::uint64_t n);

    /// The generator's whole state (xoshiro's four words, the spare normal and whether it is
    /// held), for checkpoints: a generator given it back draws the same numbers.
    std::array<std::uint64_t, 6> state() const;
    void set_state(const std::array<std::uint64_t, 6>& s);

private:
    std::uint64_t s_[4];
    bool has_spare_ = false;
    double spare_ = 0.0;
};

/// FNV-1a, used to turn stream names into seeds; fixed so streams are stable across builds.
std::uint64_t hash_name(const std::string& name);

} // namespace cortexsim

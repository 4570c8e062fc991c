#include "core/random.hpp"

#include <cmath>
#include <cstring>

namespace cortexsim {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
} // namespace

std::uint64_t hash_name(const std::string& name) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : name) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

rng::rng(std::uint64_t seed, const std::string& stream) {
    std::uint64_t x = seed ^ (stream.empty() ? 0 : hash_name(stream));
    for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t rng::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
}

std::uint64_t rng::below(std::uint64_t n) {
    // Lemire's rejection keeps the draw unbiased for any n.
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
        const std::uint64_t r = next_u64();
        if (r >= threshold) return r % n;
    }
}

std::array<std::uint64_t, 6> rng::state() const {
    std::uint64_t spare_bits = 0;
    std::memcpy(&spare_bits, &spare_, sizeof spare_bits);
    return {s_[0], s_[1], s_[2], s_[3], has_spare_ ? 1u : 0u, spare_bits};
}

void rng::set_state(const std::array<std::uint64_t, 6>& s) {
    for (int k = 0; k < 4; ++k) s_[k] = s[static_cast<std::size_t>(k)];
    has_spare_ = s[4] != 0;
    std::memcpy(&spare_, &s[5], sizeof spare_);
}

} // namespace cortexsim

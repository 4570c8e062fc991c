#include <catch2/catch.hpp>

#include <cmath>

#include "core/random.hpp"

using namespace cortexsim;

TEST_CASE("the generator is a fixed function of seed and stream", "[core][random]") {
    rng a(7), b(7), c(8), d(7, "other");
    bool differs_c = false, differs_d = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next_u64();
        CHECK(x == b.next_u64());
        differs_c |= x != c.next_u64();
        differs_d |= x != d.next_u64();
    }
    CHECK(differs_c);
    CHECK(differs_d);
    // Pinned value: a change here silently changes every model's weights for a given seed.
    rng pinned(1);
    CHECK(pinned.next_u64() == 0xb3f2af6d0fc710c5ULL);
}

TEST_CASE("uniform and normal draws have the right moments", "[core][random]") {
    rng g(123);
    const int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; ++i) {
        const double u = g.uniform();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        su += u;
        su2 += u * u;
        const double z = g.normal();
        sn += z;
        sn2 += z * z;
    }
    // Standard errors: uniform mean 0.00065, normal mean 0.0022, normal variance 0.0032;
    // bounds are 5 standard errors.
    CHECK(std::fabs(su / n - 0.5) < 0.0033);
    CHECK(std::fabs(su2 / n - su * su / n / n - 1.0 / 12) < 0.002);
    CHECK(std::fabs(sn / n) < 0.011);
    CHECK(std::fabs(sn2 / n - 1.0) < 0.016);
}

TEST_CASE("below(n) is unbiased and in range", "[core][random]") {
    rng g(5);
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 30000; ++i) {
        const auto k = g.below(3);
        REQUIRE(k < 3);
        ++counts[k];
    }
    for (int c : counts) CHECK(std::abs(c - 10000) < 450);  // sd ~82: over 5 sd
}

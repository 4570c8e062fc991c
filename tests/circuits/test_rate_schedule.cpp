// Learning-rate schedules of the classification task (circuits/tasks/rate_schedule.hpp)
// against their formulas, docs/equations.md W7-W8.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "circuits/tasks/rate_schedule.hpp"

using namespace cortexsim;
using Catch::Matchers::WithinAbs;

TEST_CASE("the step schedule decays per epoch after decay_after full epochs", "[classification][schedule]") {
    // The task's original formula: epoch e (1-based) has factor eta_decay^(e - 1 - decay_after)
    // once e > decay_after + 1.
    const rate_schedule s = rate_schedule::step(0.6, 2, 8);
    for (int e = 1; e <= 8; ++e) {
        const double expected = std::pow(0.6, e > 3 ? e - 3 : 0);
        INFO("epoch " << e);
        CHECK(s.factor(e - 1) == expected);        // at the epoch's start
        CHECK(s.factor(e - 1 + 0.5) == expected);  // constant within it
    }
    CHECK(s.factor(3.0) == 0.6);
    CHECK_FALSE(s.varies_within_epoch());
    CHECK(rate_schedule().factor(5.0) == 1.0);
}

TEST_CASE("the cosine schedule anneals from 1 to eta_final after decay_after epochs", "[classification][schedule]") {
    const double pi = std::acos(-1.0);
    const double fin = 0.05;
    const rate_schedule s = rate_schedule::cosine(fin, 2, 10);  // 8 epochs of annealing
    CHECK(s.varies_within_epoch());
    CHECK(s.factor(0.0) == 1.0);
    CHECK(s.factor(1.99) == 1.0);
    CHECK(s.factor(2.0) == 1.0);
    CHECK_THAT(s.factor(6.0), WithinAbs((1.0 + fin) / 2.0, 1e-15));  // half-way
    CHECK_THAT(s.factor(10.0), WithinAbs(fin, 1e-15));
    for (const double t : {2.3, 3.7, 5.0, 8.25, 9.9}) {
        const double expected = fin + (1.0 - fin) * 0.5 * (1.0 + std::cos(pi * (t - 2.0) / 8.0));
        INFO("t = " << t);
        CHECK_THAT(s.factor(t), WithinAbs(expected, 1e-15));
    }
    // Monotone: it never rises.
    double last = 2.0;
    for (int k = 0; k <= 1000; ++k) {
        const double f = s.factor(10.0 * k / 1000.0);
        CHECK(f <= last);
        last = f;
    }
}

TEST_CASE("the list schedule takes one factor per epoch", "[classification][schedule]") {
    const rate_schedule s = rate_schedule::list({1.0, 0.5, 0.0, 0.25}, 4);
    CHECK(s.factor(0.0) == 1.0);
    CHECK(s.factor(0.999) == 1.0);
    CHECK(s.factor(1.0) == 0.5);
    CHECK(s.factor(2.5) == 0.0);
    CHECK(s.factor(3.0) == 0.25);
    CHECK(s.factor(4.0) == 0.25);  // the end of the run keeps the last factor
}

TEST_CASE("rate schedules reject impossible settings", "[classification][schedule]") {
    CHECK_THROWS_AS(rate_schedule::step(0.0, 0, 3), std::invalid_argument);
    CHECK_THROWS_AS(rate_schedule::cosine(1.5, 0, 3), std::invalid_argument);
    CHECK_THROWS_AS(rate_schedule::cosine(0.1, 3, 3), std::invalid_argument);
    CHECK_THROWS_AS(rate_schedule::list({1.0, 1.0}, 3), std::invalid_argument);
    CHECK_THROWS_AS(rate_schedule::list({1.0, -1.0}, 2), std::invalid_argument);
}

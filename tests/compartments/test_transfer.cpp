#include <catch2/catch.hpp>

#include <cmath>

#include "compartments/transfer.hpp"

using namespace cortexsim;

TEST_CASE("soft-ReLU matches the closed form of Sacramento et al. 2018", "[compartments]") {
    transfer_fn f;  // gamma 0.1, beta 1, theta 3
    for (double u : {-50.0, -3.0, 0.0, 3.0, 5.5, 40.0, 800.0}) {
        const double expected = 0.1 * std::log1p(std::exp(u - 3.0));
        // log1p(exp(x)) overflows for x > 709; the stable form must still equal x there.
        const double ref = u - 3.0 > 700 ? 0.1 * (u - 3.0) : expected;
        CHECK_THAT(f(u), Catch::Matchers::WithinRel(ref, 1e-14));
    }
}

TEST_CASE("every transfer function's derivative matches a central difference", "[compartments]") {
    for (const auto& info : transfer_catalogue()) {
        transfer_fn f;
        f.kind = info.kind;
        f.gamma = info.defaults.count("gamma") ? info.defaults.at("gamma") : 1.0;
        f.beta = info.defaults.count("beta") ? info.defaults.at("beta") : 1.0;
        f.theta = info.defaults.count("theta") ? info.defaults.at("theta") : 0.0;
        for (double u : {-2.3, -0.4, 0.7, 1.9, 4.2}) {
            const double h = 1e-6;
            const double fd = (f(u + h) - f(u - h)) / (2 * h);
            INFO(info.name << " at u = " << u);
            // Central differences are O(h^2) ~ 1e-12 plus rounding ~ eps/h ~ 1e-10.
            CHECK_THAT(f.derivative(u), Catch::Matchers::WithinAbs(fd, 1e-8));
        }
    }
}

TEST_CASE("apply() equals the scalar function element by element", "[compartments]") {
    for (const auto& info : transfer_catalogue()) {
        transfer_fn f;
        f.kind = info.kind;
        const double u[5] = {-3, -1, 0, 2, 7};
        double r[5];
        f.apply(u, r, 5);
        for (int i = 0; i < 5; ++i) CHECK(r[i] == f(u[i]));
    }
}

TEST_CASE("logistic and tanh saturate at gamma", "[compartments]") {
    transfer_fn f;
    f.kind = transfer_kind::logistic;
    f.gamma = 2.0;
    f.theta = 0.0;
    CHECK_THAT(f(0.0), Catch::Matchers::WithinRel(1.0, 1e-15));
    CHECK_THAT(f(100.0), Catch::Matchers::WithinRel(2.0, 1e-15));
    CHECK(f(-800.0) >= 0.0);
    f.kind = transfer_kind::tanh;
    CHECK_THAT(f(-100.0), Catch::Matchers::WithinRel(-2.0, 1e-15));
}

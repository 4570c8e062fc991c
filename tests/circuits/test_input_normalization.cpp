// Input normalisation of classification data (circuits/tasks/input_normalization.hpp):
// standardisation gives zero mean and unit variance on the training samples it was fitted on,
// maps other samples with the same statistics, and per-sample normalisation gives every
// sample zero mean and unit variance over its own features.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "circuits/tasks/input_normalization.hpp"
#include "core/random.hpp"

using namespace cortexsim;
using Catch::Matchers::WithinAbs;

namespace {
/// n samples of 4 features: feature j ~ N(m_j, s_j) with very different m and s, feature 3
/// constant.
dataset synthetic(std::size_t n, std::uint64_t seed) {
    // Spreads above the floor (a tenth of their mean, 0.07), so none is floored here.
    const double m[4] = {0.2, 5.0, -3.0, 0.7}, s[4] = {0.3, 2.0, 0.5, 0.0};
    rng gen(seed, "features");
    dataset d;
    d.n_samples = n;
    d.n_features = 4;
    d.n_classes = 2;
    for (std::size_t i = 0; i < n; ++i) {
        for (int j = 0; j < 4; ++j) d.features.push_back(static_cast<float>(m[j] + s[j] * gen.normal()));
        d.labels.push_back(static_cast<int>(i % 2));
    }
    return d;
}

double feature_mean(const dataset& d, std::size_t j, std::size_t first, std::size_t last) {
    double sum = 0.0;
    for (std::size_t i = first; i < last; ++i) sum += d.features[i * d.n_features + j];
    return sum / static_cast<double>(last - first);
}
double feature_sd(const dataset& d, std::size_t j, std::size_t first, std::size_t last) {
    const double mu = feature_mean(d, j, first, last);
    double sum = 0.0;
    for (std::size_t i = first; i < last; ++i) {
        const double x = d.features[i * d.n_features + j] - mu;
        sum += x * x;
    }
    return std::sqrt(sum / static_cast<double>(last - first));
}
} // namespace

TEST_CASE("standardisation gives the training samples zero mean and unit variance", "[classification][normalize]") {
    dataset d = synthetic(2000, 3);
    const dataset original = d;
    // Fitted on the first 1500 samples (the training set); the last 500 play the test set.
    std::vector<std::size_t> train(1500);
    for (std::size_t i = 0; i < train.size(); ++i) train[i] = i;
    const feature_standardizer s = fit_standardizer(d, train);
    apply_standardizer(s, d, 1.0);
    // Features are stored as float: 1e-5 covers their rounding.
    for (std::size_t j = 0; j < 3; ++j) {
        INFO("feature " << j);
        CHECK_THAT(feature_mean(d, j, 0, 1500), WithinAbs(0.0, 1e-5));
        CHECK_THAT(feature_sd(d, j, 0, 1500), WithinAbs(1.0, 1e-5));
        // The held-out samples are mapped with the training statistics, not their own.
        const double x = original.features[1700 * 4 + j];
        CHECK_THAT(d.features[1700 * 4 + j],
                   WithinAbs((x - feature_mean(original, j, 0, 1500)) / feature_sd(original, j, 0, 1500), 1e-4));
    }
    // The constant feature is only centred (no division by its zero spread).
    CHECK_THAT(feature_mean(d, 3, 0, 2000), WithinAbs(0.0, 1e-6));
    CHECK(feature_sd(d, 3, 0, 2000) < 1e-6);
    // input_scale multiplies afterwards.
    dataset e = original;
    apply_standardizer(s, e, 0.25);
    CHECK_THAT(feature_sd(e, 1, 0, 1500), WithinAbs(0.25, 1e-5));
}

TEST_CASE("standardisation floors a feature's spread at a tenth of the mean spread", "[classification][normalize]") {
    // Feature 0 hardly varies (sd 0.001) beside feature 1 (sd 1): without the floor a test
    // value 0.1 away from its mean would become 100; with it, at most 0.1 / (0.1 x 0.5005).
    dataset d;
    d.n_features = 2;
    d.n_samples = 1000;
    rng gen(5, "narrow");
    for (std::size_t i = 0; i < d.n_samples; ++i) {
        d.features.push_back(static_cast<float>(0.001 * gen.normal()));
        d.features.push_back(static_cast<float>(gen.normal()));
        d.labels.push_back(0);
    }
    const feature_standardizer s = fit_standardizer(d, {});
    const double sd0 = feature_sd(d, 0, 0, 1000), sd1 = feature_sd(d, 1, 0, 1000);
    const double s_min = 0.1 * (sd0 + sd1) / 2.0;
    CHECK_THAT(s.scale[0], WithinAbs(1.0 / s_min, 1e-3 / s_min));
    CHECK_THAT(s.scale[1], WithinAbs(1.0 / sd1, 1e-5));
}

TEST_CASE("per-sample normalisation gives every sample zero mean and unit variance", "[classification][normalize]") {
    dataset d = synthetic(50, 9);
    // A constant sample stays finite: it becomes 0.
    for (int j = 0; j < 4; ++j) d.features[7 * 4 + j] = 0.3f;
    normalize_each_sample(d, 2.0);
    for (std::size_t i = 0; i < d.n_samples; ++i) {
        double sum = 0.0, sq = 0.0;
        for (int j = 0; j < 4; ++j) {
            sum += d.features[i * 4 + j];
            sq += d.features[i * 4 + j] * d.features[i * 4 + j];
        }
        const double mean = sum / 4.0, var = sq / 4.0 - mean * mean;
        INFO("sample " << i);
        CHECK_THAT(mean, WithinAbs(0.0, 1e-5));
        CHECK_THAT(var, WithinAbs(i == 7 ? 0.0 : 4.0, 1e-4));  // gain 2: standard deviation 2
    }
}

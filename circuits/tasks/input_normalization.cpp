#include "circuits/tasks/input_normalization.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace cortexsim {

feature_standardizer fit_standardizer(const dataset& set, const std::vector<std::size_t>& indices) {
    std::vector<std::size_t> idx = indices;
    if (idx.empty()) {
        idx.resize(set.n_samples);
        std::iota(idx.begin(), idx.end(), std::size_t{0});
    }
    if (idx.empty() || set.n_features == 0)
        throw std::invalid_argument("fit_standardizer: no samples to take statistics from");
    const std::size_t d = set.n_features;
    // Welford's update per feature, in double: 60,000 float samples summed naively in float
    // would lose the mean's last digits.
    std::vector<double> mean(d, 0.0), m2(d, 0.0);
    double n = 0.0;
    for (std::size_t i : idx) {
        if (i >= set.n_samples)
            throw std::invalid_argument("fit_standardizer: index " + std::to_string(i) + " out of range");
        n += 1.0;
        const float* x = set.features.data() + i * d;
        for (std::size_t j = 0; j < d; ++j) {
            const double delta = x[j] - mean[j];
            mean[j] += delta / n;
            m2[j] += delta * (x[j] - mean[j]);
        }
    }
    feature_standardizer s;
    s.mean = mean;
    s.scale.resize(d);
    std::vector<double> sd(d);
    for (std::size_t j = 0; j < d; ++j) sd[j] = std::sqrt(m2[j] / n);
    const double s_min = 0.1 * std::accumulate(sd.begin(), sd.end(), 0.0) / static_cast<double>(d);
    for (std::size_t j = 0; j < d; ++j) {
        const double denom = std::max(sd[j], s_min);
        s.scale[j] = denom > 0.0 ? 1.0 / denom : 1.0;  // all features constant: only centred
    }
    return s;
}

void apply_standardizer(const feature_standardizer& s, dataset& set, double gain) {
    const std::size_t d = set.n_features;
    if (s.mean.size() != d)
        throw std::invalid_argument("apply_standardizer: statistics of " + std::to_string(s.mean.size()) +
                                    " features for samples of " + std::to_string(d));
    for (std::size_t i = 0; i < set.n_samples; ++i) {
        float* x = set.features.data() + i * d;
        for (std::size_t j = 0; j < d; ++j)
            x[j] = static_cast<float>((x[j] - s.mean[j]) * s.scale[j] * gain);
    }
}

void normalize_each_sample(dataset& set, double gain) {
    const std::size_t d = set.n_features;
    if (d == 0) return;
    for (std::size_t i = 0; i < set.n_samples; ++i) {
        float* x = set.features.data() + i * d;
        double mean = 0.0;
        for (std::size_t j = 0; j < d; ++j) mean += x[j];
        mean /= static_cast<double>(d);
        double var = 0.0;
        for (std::size_t j = 0; j < d; ++j) var += (x[j] - mean) * (x[j] - mean);
        const double sd = std::sqrt(var / static_cast<double>(d));
        const double k = sd > 0.0 ? gain / sd : 0.0;
        for (std::size_t j = 0; j < d; ++j) x[j] = static_cast<float>((x[j] - mean) * k);
    }
}

void scale_features(dataset& set, double gain) {
    if (gain == 1.0) return;
    for (float& v : set.features) v = static_cast<float>(v * gain);
}

} // namespace cortexsim

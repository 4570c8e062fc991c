#pragma once
/// Input normalisation for classification data (`[task] normalize`; docs/toml_reference.md):
///
///   "standardize"  per feature j, x_j -> (x_j - m_j) / max(s_j, s_min): m_j and s_j the mean
///                  and standard deviation of feature j over the training samples only (the
///                  test samples are mapped with the training statistics, so nothing is
///                  learned from them); s_min = 0.1 x the mean of the s_j keeps features that
///                  hardly vary in training (the border pixels of an image) from being blown up
///                  where a test sample has a stray value there.
///   "per_sample"   each sample separately, x -> (x - mean(x)) / std(x) over its own features
///                  (a constant sample becomes 0): removes each image's brightness and contrast.
///
/// After either, features are multiplied by `input_scale`, so the input's overall size (and
/// with it the hidden layer's drive and the input weights' effective learning rate, which
/// grows with |x|^2) can be matched to the network.

#include <cstddef>
#include <vector>

#include "circuits/tasks/dataset.hpp"

namespace cortexsim {

/// Per-feature statistics of a training set.
struct feature_standardizer {
    std::vector<double> mean;
    std::vector<double> scale;  ///< 1 / max(std, s_min)
};

/// Statistics of `set`'s samples `indices` (all samples if empty). Throws
/// std::invalid_argument on an empty set or an index out of range.
feature_standardizer fit_standardizer(const dataset& set, const std::vector<std::size_t>& indices);
/// x_j -> (x_j - mean_j) * scale_j * gain for every sample of `set`. Throws
/// std::invalid_argument if the feature counts differ.
void apply_standardizer(const feature_standardizer& s, dataset& set, double gain = 1.0);
/// Every sample to zero mean and unit standard deviation over its own features, times gain.
void normalize_each_sample(dataset& set, double gain = 1.0);
/// Every feature times gain.
void scale_features(dataset& set, double gain);

} // namespace cortexsim

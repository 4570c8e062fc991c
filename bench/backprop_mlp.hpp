#pragma once
/// The backprop reference of the Fashion-MNIST benchmark: a one-hidden-layer perceptron
/// (logistic hidden units, softmax output, cross-entropy loss) trained by minibatch Adam with
/// an L2 penalty, configured like scikit-learn's MLPClassifier defaults (Adam lr 1e-3,
/// beta 0.9/0.999, eps 1e-8, batch 200, alpha 1e-4, Glorot-uniform initialisation with the
/// logistic factor 2), which REFERENCES.md section 6 measured at 88.7% on Fashion-MNIST after
/// 30 epochs. Written with Eigen in single precision; one core does an epoch in seconds.

#include <cstdint>
#include <functional>
#include <vector>

#include "circuits/tasks/dataset.hpp"

namespace cortexsim::bench {

struct mlp_options {
    std::size_t hidden = 100;
    std::size_t epochs = 30;
    std::size_t batch = 200;
    double learning_rate = 1e-3;  ///< Adam step size
    double l2 = 1e-4;             ///< alpha: gradient += alpha W / batch
    std::uint64_t seed = 1;
    /// Called after every epoch with its number (1-based), test accuracy and wall seconds.
    std::function<void(std::size_t, double, double)> on_epoch;
};

struct mlp_result {
    std::vector<double> test_accuracy;  ///< after each epoch
    std::vector<double> epoch_wall_s;   ///< training time of each epoch (without evaluation)
};

/// Trains on `train_idx` of `train` (reshuffled every epoch with shuffled_indices) and tests
/// on `test_idx` of `test` after every epoch.
mlp_result train_backprop_mlp(const dataset& train, const std::vector<std::size_t>& train_idx,
                              const dataset& test, const std::vector<std::size_t>& test_idx,
                              const mlp_options& options);

} // namespace cortexsim::bench

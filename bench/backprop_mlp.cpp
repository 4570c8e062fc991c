#include "bench/backprop_mlp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "core/random.hpp"

namespace cortexsim::bench {

namespace {

using matrix = Eigen::MatrixXf;
using vector = Eigen::VectorXf;

/// Adam (Kingma & Ba 2015) for one parameter array.
struct adam_state {
    matrix m, v;
    explicit adam_state(const matrix& like)
        : m(matrix::Zero(like.rows(), like.cols())), v(matrix::Zero(like.rows(), like.cols())) {}
    void step(matrix& w, const matrix& g, double lr, long t) {
        const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        m = b1 * m + (1.0f - b1) * g;
        v = b2 * v + (1.0f - b2) * g.cwiseProduct(g);
        const auto tt = static_cast<double>(t);
        const auto a = static_cast<float>(lr * std::sqrt(1.0 - std::pow(0.999, tt)) /
                                          (1.0 - std::pow(0.9, tt)));
        w.array() -= a * m.array() / (v.array().sqrt() + eps);
    }
};

matrix glorot(Eigen::Index rows, Eigen::Index cols, double fan_in, double fan_out, rng& gen) {
    const double bound = std::sqrt(2.0 / (fan_in + fan_out));  // logistic: factor 2
    matrix w(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            w(i, j) = static_cast<float>(gen.uniform(-bound, bound));
    return w;
}

struct net {
    matrix W1, b1, W2, b2;  // b as one-column matrices so Adam treats them alike

    /// Hidden rates A1 and output logits Z2 for the samples in the columns of X.
    void forward(const matrix& X, matrix& A1, matrix& Z2) const {
        A1.noalias() = W1 * X;
        A1.colwise() += b1.col(0);
        A1 = (1.0f + (-A1.array()).exp()).inverse().matrix();
        Z2.noalias() = W2 * A1;
        Z2.colwise() += b2.col(0);
    }
};

void gather(const dataset& d, const std::vector<std::size_t>& idx, std::size_t from,
            std::size_t count, matrix& X) {
    const auto D = static_cast<Eigen::Index>(d.n_features);
    X.resize(D, static_cast<Eigen::Index>(count));
    for (std::size_t k = 0; k < count; ++k)
        X.col(static_cast<Eigen::Index>(k)) =
            Eigen::Map<const vector>(d.features.data() + idx[from + k] * d.n_features, D);
}

double accuracy(const net& n, const dataset& d, const std::vector<std::size_t>& idx) {
    matrix X, A1, Z2;
    std::size_t correct = 0;
    const std::size_t chunk = 1000;
    for (std::size_t from = 0; from < idx.size(); from += chunk) {
        const std::size_t count = std::min(chunk, idx.size() - from);
        gather(d, idx, from, count, X);
        n.forward(X, A1, Z2);
        for (std::size_t k = 0; k < count; ++k) {
            Eigen::Index best = 0;
            Z2.col(static_cast<Eigen::Index>(k)).maxCoeff(&best);
            if (static_cast<int>(best) == d.labels[idx[from + k]]) ++correct;
        }
    }
    return static_cast<double>(correct) / static_cast<double>(idx.size());
}

} // namespace

mlp_result train_backprop_mlp(const dataset& train, const std::vector<std::size_t>& train_idx,
                              const dataset& test, const std::vector<std::size_t>& test_idx,
                              const mlp_options& o) {
    const auto D = static_cast<Eigen::Index>(train.n_features);
    const auto H = static_cast<Eigen::Index>(o.hidden);
    const auto C = static_cast<Eigen::Index>(std::max(train.n_classes, test.n_classes));
    rng gen(o.seed, "backprop_mlp");
    net n;
    n.W1 = glorot(H, D, static_cast<double>(D), static_cast<double>(H), gen);
    n.b1 = glorot(H, 1, static_cast<double>(D), static_cast<double>(H), gen);
    n.W2 = glorot(C, H, static_cast<double>(H), static_cast<double>(C), gen);
    n.b2 = glorot(C, 1, static_cast<double>(H), static_cast<double>(C), gen);
    adam_state aW1(n.W1), ab1(n.b1), aW2(n.W2), ab2(n.b2);

    mlp_result result;
    matrix X, A1, Z2, P, dZ1, gW1, gW2;
    long t = 0;
    const auto alpha = static_cast<float>(o.l2);
    for (std::size_t e = 1; e <= o.epochs; ++e) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<std::size_t> order =
            shuffled_indices(train_idx.size(), o.seed, "mlp epoch " + std::to_string(e));
        std::vector<std::size_t> idx(order.size());
        for (std::size_t k = 0; k < order.size(); ++k) idx[k] = train_idx[order[k]];
        for (std::size_t from = 0; from < idx.size(); from += o.batch) {
            const std::size_t count = std::min(o.batch, idx.size() - from);
            const float B = static_cast<float>(count);
            gather(train, idx, from, count, X);
            n.forward(X, A1, Z2);
            // Softmax cross-entropy: dL/dZ2 = P - Y, averaged over the batch.
            P = (Z2.rowwise() - Z2.colwise().maxCoeff()).array().exp().matrix();
            P.array().rowwise() /= P.colwise().sum().array();
            for (std::size_t k = 0; k < count; ++k)
                P(train.labels[idx[from + k]], static_cast<Eigen::Index>(k)) -= 1.0f;
            P /= B;
            gW2.noalias() = P * A1.transpose();
            gW2 += (alpha / B) * n.W2;
            dZ1.noalias() = n.W2.transpose() * P;
            dZ1.array() *= A1.array() * (1.0f - A1.array());
            gW1.noalias() = dZ1 * X.transpose();
            gW1 += (alpha / B) * n.W1;
            ++t;
            aW2.step(n.W2, gW2, o.learning_rate, t);
            ab2.step(n.b2, P.rowwise().sum(), o.learning_rate, t);
            aW1.step(n.W1, gW1, o.learning_rate, t);
            ab1.step(n.b1, dZ1.rowwise().sum(), o.learning_rate, t);
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        result.epoch_wall_s.push_back(secs);
        result.test_accuracy.push_back(accuracy(n, test, test_idx));
        if (o.on_epoch) o.on_epoch(e, result.test_accuracy.back(), secs);
    }
    return result;
}

} // namespace cortexsim::bench

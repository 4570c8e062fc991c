#include "compartments/transfer.hpp"

#include <algorithm>
#include <cmath>

namespace cortexsim {

namespace {
// log(1 + exp(x)) without overflow for large x or loss of precision for very negative x.
// Both are written without a branch on the sign of x (which a network's potentials make
// unpredictable), with the same operations and so the same bits as the branching forms
// x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) and x >= 0 ? 1 / (1 + exp(-x)) : e / (1 + e),
// e = exp(x): exp(-|x|) is exp(-x) or exp(x), and 0 + l = l.
inline double softplus(double x) {
    const double l = std::log1p(std::exp(-std::fabs(x)));
    return (x > 0 ? x : 0.0) + l;
}
inline double sigmoid(double x) {
    const double a = std::exp(-std::fabs(x));
    return (x >= 0 ? 1.0 : a) / (1.0 + a);
}
} // namespace

double transfer_fn::operator()(double u) const {
    const double x = u - theta;
    switch (kind) {
    case transfer_kind::soft_relu: return gamma * softplus(beta * x);
    case transfer_kind::logistic: return gamma * sigmoid(beta * x);
    case transfer_kind::tanh: return gamma * std::tanh(beta * x);
    case transfer_kind::linear: return gamma * x;
    case transfer_kind::relu: return gamma * std::max(0.0, x);
    }
    return 0.0;
}

double transfer_fn::derivative(double u) const {
    const double x = u - theta;
    switch (kind) {
    case transfer_kind::soft_relu: return gamma * beta * sigmoid(beta * x);
    case transfer_kind::logistic: {
        const double s = sigmoid(beta * x);
        return gamma * beta * s * (1.0 - s);
    }
    case transfer_kind::tanh: {
        const double t = std::tanh(beta * x);
        return gamma * beta * (1.0 - t * t);
    }
    case transfer_kind::linear: return gamma;
    case transfer_kind::relu: return x > 0 ? gamma : 0.0;
    }
    return 0.0;
}

void transfer_fn::apply(const double* u, double* r, std::size_t n) const {
    // One switch outside the loop so each loop body is branch-free and can vectorise.
    const double g = gamma, b = beta, th = theta;
    switch (kind) {
    case transfer_kind::soft_relu:
        for (std::size_t i = 0; i < n; ++i) r[i] = g * softplus(b * (u[i] - th));
        break;
    case transfer_kind::logistic:
        for (std::size_t i = 0; i < n; ++i) r[i] = g * sigmoid(b * (u[i] - th));
        break;
    case transfer_kind::tanh:
        for (std::size_t i = 0; i < n; ++i) r[i] = g * std::tanh(b * (u[i] - th));
        break;
    case transfer_kind::linear:
        for (std::size_t i = 0; i < n; ++i) r[i] = g * (u[i] - th);
        break;
    case transfer_kind::relu:
        for (std::size_t i = 0; i < n; ++i) r[i] = g * std::max(0.0, u[i] - th);
        break;
    }
}

const std::vector<transfer_info>& transfer_catalogue() {
    static const std::vector<transfer_info> catalogue = {
        {"soft_relu", transfer_kind::soft_relu, {{"gamma", 0.1}, {"beta", 1.0}, {"theta", 3.0}}},
        {"logistic", transfer_kind::logistic, {{"gamma", 1.0}, {"beta", 1.0}, {"theta", 0.0}}},
        {"tanh", transfer_kind::tanh, {{"gamma", 1.0}, {"beta", 1.0}, {"theta", 0.0}}},
        {"linear", transfer_kind::linear, {{"gamma", 1.0}, {"theta", 0.0}}},
        {"relu", transfer_kind::relu, {{"gamma", 1.0}, {"theta", 0.0}}},
    };
    return catalogue;
}

const transfer_info* find_transfer(const std::string& name) {
    for (const auto& t : transfer_catalogue())
        if (t.name == name) return &t;
    return nullptr;
}

} // namespace cortexsim

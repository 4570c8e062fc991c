#pragma once
/// Transfer functions phi(u): somatic potential -> rate (dimensionless rate-model units).
/// docs/equations.md lists each with its source.

#include <map>
#include <string>
#include <vector>

namespace cortexsim {

enum class transfer_kind { soft_relu, logistic, tanh, linear, relu };

struct transfer_fn {
    transfer_kind kind = transfer_kind::soft_relu;
    // soft_relu: gamma log(1 + exp(beta (u - theta)))      Sacramento et al. 2018 (regression)
    // logistic:  gamma / (1 + exp(-beta (u - theta)))
    // tanh:      gamma tanh(beta (u - theta))
    // linear:    gamma (u - theta)
    // relu:      gamma max(0, u - theta)
    double gamma = 0.1;
    double beta = 1.0;
    double theta = 3.0;

    double operator()(double u) const;
    double derivative(double u) const;
    /// r[i] = phi(u[i]) for i < n.
    void apply(const double* u, double* r, std::size_t n) const;
};

struct transfer_info {
    std::string name;
    transfer_kind kind;
    std::map<std::string, double> defaults;  ///< parameter name -> default
};

const std::vector<transfer_info>& transfer_catalogue();
/// nullptr if unknown.
const transfer_info* find_transfer(const std::string& name);

} // namespace cortexsim

#pragma once
/// The per-layer view of learning (issue 3): at each sample time, for every population and
/// each error signal it has, the mean absolute value and the RMS over its neurons:
/// `<population>.<signal>.mean_abs`, `<population>.<signal>.rms`. Signals: apical_mismatch
/// (pyramidal neurons with an apical coupling), basal_error (pyramidal), interneuron_error.

#include <string>
#include <vector>

#include "circuits/network.hpp"

namespace cortexsim {

class error_summary {
public:
    explicit error_summary(network& net);
    const std::vector<std::string>& columns() const { return columns_; }
    bool empty() const { return columns_.empty(); }
    /// Fills one row (columns().size() values) for the state y.
    void compute(double t_ms, const double* y, double* row);

private:
    struct signal {
        std::size_t population;
        variable_ref var;
    };
    network& net_;
    std::vector<signal> signals_;
    std::vector<std::string> columns_;
};

} // namespace cortexsim

#include "circuits/error_summary.hpp"

#include <cmath>

namespace cortexsim {

error_summary::error_summary(network& net) : net_(net) {
    const lowered_model& m = net.model();
    for (std::size_t p = 0; p < m.populations.size(); ++p) {
        const lowered_population& lp = m.populations[p];
        std::vector<std::string> names;
        if (lp.model->kind == neuron_kind::pyramidal) {
            // An output layer (g_A = 0) has no apical pathway: its v_A says nothing.
            if (lp.params.dend[1].g_couple > 0.0) names.push_back("apical_mismatch");
            names.push_back("basal_error");
        } else if (lp.model->kind == neuron_kind::interneuron) {
            names.push_back("interneuron_error");
        } else if (lp.model->kind == neuron_kind::relay) {
            names.push_back("prediction_error");  // the soma against its CT-driven prediction
        }
        for (const auto& n : names) {
            signals_.push_back({p, net.resolve_variable(p, n)});
            columns_.push_back(lp.name + "." + n + ".mean_abs");
            columns_.push_back(lp.name + "." + n + ".rms");
        }
    }
}

void error_summary::compute(double t_ms, const double* y, double* row) {
    net_.observe(t_ms, y);
    std::size_t c = 0;
    for (const signal& s : signals_) {
        const std::size_t n = net_.model().populations[s.population].size;
        double abs_sum = 0.0, sq_sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double x = net_.value(s.population, s.var, i, y);
            abs_sum += std::fabs(x);
            sq_sum += x * x;
        }
        row[c++] = abs_sum / static_cast<double>(n);
        row[c++] = std::sqrt(sq_sum / static_cast<double>(n));
    }
}

} // namespace cortexsim

#pragma once
/// A recordable quantity of one population, by kind: the names [[record]], the error summary
/// and plasticity rules use resolve to it (network::resolve_variable).

namespace cortexsim {

struct variable_ref {
    enum class kind {
        u_soma,
        v_dendrite,
        rate,
        /// phi(u) - phi(k_d v_d): the dendritic prediction error of dendrite `slot` (basal_error,
        /// interneuron_error, the pulvinar's prediction_error; Urbanczik & Senn 2014)
        dendritic_error,
        apical_mismatch,  ///< v_A - v_rest (v_rest = 0)
    } what = kind::u_soma;
    int slot = 0;  ///< dendrite slot for v_dendrite and dendritic_error
};

} // namespace cortexsim

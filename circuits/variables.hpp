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
        /// interneuron_error, <dendrite>_error; Urbanczik & Senn 2014)
        dendritic_error,
        /// phi(u) - phi(k_d v_d + I_syn / g_total): the soma against what dendrite `slot` and the
        /// soma's own synaptic input predict together, the other dendrites silent (the relay's
        /// prediction_error: the outcome against the CT prediction through the modulator and the
        /// reticular nucleus)
        somatic_prediction_error,
        apical_mismatch,  ///< v_A - v_rest (v_rest = 0)
    } what = kind::u_soma;
    int slot = 0;  ///< dendrite slot for v_dendrite and dendritic_error
};

} // namespace cortexsim

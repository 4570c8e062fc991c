#pragma once
/// The catalogue of neuron models: which compartments a projection may target, which variables
/// can be recorded, and the parameters with their defaults. Lowering validates descriptions
/// against it; docs/adding_a_neuron_model.md explains how to extend it.

#include <string>
#include <vector>

namespace cortexsim {

enum class neuron_kind {
    input,        ///< rate set directly by stimuli; no state
    pyramidal,    ///< soma + basal + apical dendrite (Sacramento et al. 2018, eq. 1)
    interneuron,  ///< soma + one dendrite (Sacramento et al. 2018, eq. 2)
    relay,        ///< thalamic relay: soma + driver and modulator inputs (Sherman & Guillery)
};

struct param_info {
    std::string name;
    double default_value;
    bool positive;  ///< must be > 0 (capacitances, time constants); otherwise >= 0 unless `any_sign`
    bool any_sign;  ///< reversal potentials may be negative
    std::string doc;
};

struct neuron_model_info {
    std::string name;
    neuron_kind kind;
    std::vector<std::string> compartments;  ///< targets for projections and current stimuli
    std::vector<std::string> dendrites;     ///< compartments that are dendrites (order = kernel slot)
    std::vector<std::string> couplings;     ///< each dendrite's dendrite-to-soma conductance name
    /// Recordable: state (u_soma, v_<dendrite>), rate, and error signals (basal_error,
    /// apical_mismatch, interneuron_error; docs/equations.md section 8).
    std::vector<std::string> variables;
    std::vector<param_info> params;
};

const std::vector<neuron_model_info>& neuron_catalogue();
/// nullptr if unknown.
const neuron_model_info* find_neuron_model(const std::string& name);
std::vector<std::string> neuron_model_names();

} // namespace cortexsim

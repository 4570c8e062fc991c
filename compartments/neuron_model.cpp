#include "compartments/neuron_model.hpp"

namespace cortexsim {

const std::vector<neuron_model_info>& neuron_catalogue() {
    // Defaults of Sacramento et al. 2018 (g_lk 0.1, g_B 1.0, g_A 0.8, g_D 1.0) and the
    // conductance-based nudging reversal potentials E_E 14/3, E_I -1/3 of Urbanczik & Senn 2014.
    static const std::vector<neuron_model_info> catalogue = {
        {"input",
         neuron_kind::input,
         {},
         {},
         {},
         {"rate"},
         {
             // Sacramento et al. 2018 low-pass filter their inputs with 3 ms.
             {"tau_ms", 0.0, false, false, "rate low-pass time constant (0: follows stimuli at once)"},
         }},
        {"pyramidal",
         neuron_kind::pyramidal,
         {"soma", "basal", "apical"},
         {"basal", "apical"},
         {"g_B", "g_A"},
         {"u_soma", "v_basal", "v_apical", "rate", "basal_error", "apical_mismatch"},
         {
             {"C", 1.0, true, false, "somatic capacitance (dimensionless; time unit ms)"},
             {"g_lk", 0.1, false, false, "somatic leak conductance (1/ms with C = 1)"},
             {"g_B", 1.0, false, false, "basal-to-soma coupling conductance"},
             {"g_A", 0.8, false, false, "apical-to-soma coupling conductance"},
             {"E_E", 14.0 / 3.0, false, true, "excitatory reversal potential for nudging"},
             {"E_I", -1.0 / 3.0, false, true, "inhibitory reversal potential for nudging"},
             {"tau_basal_ms", 3.0, true, false, "basal time constant (dynamic dendrites)"},
             {"tau_apical_ms", 3.0, true, false, "apical time constant (dynamic dendrites)"},
             {"g_back_basal", 0.0, false, false, "soma-to-basal back-coupling (dynamic dendrites)"},
             {"g_back_apical", 0.0, false, false, "soma-to-apical back-coupling (dynamic dendrites)"},
             {"noise_sigma", 0.0, false, false, "somatic noise current amplitude (docs/equations.md)"},
         }},
        {"interneuron",
         neuron_kind::interneuron,
         {"soma", "dendrite"},
         {"dendrite"},
         {"g_D"},
         {"u_soma", "v_dendrite", "rate", "interneuron_error"},
         {
             {"C", 1.0, true, false, "somatic capacitance (dimensionless; time unit ms)"},
             {"g_lk", 0.1, false, false, "somatic leak conductance"},
             {"g_D", 1.0, false, false, "dendrite-to-soma coupling conductance"},
             {"E_E", 14.0 / 3.0, false, true, "excitatory reversal potential for nudging"},
             {"E_I", -1.0 / 3.0, false, true, "inhibitory reversal potential for nudging"},
             {"tau_dendrite_ms", 3.0, true, false, "dendritic time constant (dynamic dendrites)"},
             {"g_back_dendrite", 0.0, false, false, "soma-to-dendrite back-coupling"},
             {"noise_sigma", 0.0, false, false, "somatic noise current amplitude (docs/equations.md)"},
         }},
        {"relay",
         neuron_kind::relay,
         {"soma", "driver", "modulator"},
         {"driver", "modulator"},
         {"g_drv", "g_mod"},
         // prediction_error: phi(u) - phi(k_mod v_modulator + I_syn / g_total), the soma (driven
         // by the driver in the outcome phase) against what the CT-driven modulator and the
         // soma's synaptic (reticular) input predict; modulator_error leaves I_syn out.
         {"u_soma", "v_driver", "v_modulator", "rate", "prediction_error"},
         {
             // Driver inputs (sensory, or layer 5 for higher-order nuclei) dominate the relay;
             // modulators (layer 6 corticothalamic) shift its gain weakly (Sherman & Guillery
             // 2002). Coupling values: modulator a third of the driver, as in the default
             // pyramidal apical/basal ratio's spirit; documented in docs/equations.md.
             {"C", 1.0, true, false, "somatic capacitance (dimensionless; time unit ms)"},
             {"g_lk", 0.1, false, false, "somatic leak conductance"},
             {"g_drv", 1.0, false, false, "driver-to-soma coupling conductance"},
             {"g_mod", 0.3, false, false, "modulator-to-soma coupling conductance"},
             {"E_E", 14.0 / 3.0, false, true, "excitatory reversal potential for nudging"},
             {"E_I", -1.0 / 3.0, false, true, "inhibitory reversal potential for nudging"},
             {"tau_driver_ms", 3.0, true, false, "driver time constant (dynamic dendrites)"},
             {"tau_modulator_ms", 3.0, true, false, "modulator time constant (dynamic dendrites)"},
             {"g_back_driver", 0.0, false, false, "soma-to-driver back-coupling"},
             {"g_back_modulator", 0.0, false, false, "soma-to-modulator back-coupling"},
             {"noise_sigma", 0.0, false, false, "somatic noise current amplitude (docs/equations.md)"},
         }},
    };
    return catalogue;
}

const neuron_model_info* find_neuron_model(const std::string& name) {
    for (const auto& m : neuron_catalogue())
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<std::string> neuron_model_names() {
    std::vector<std::string> names;
    for (const auto& m : neuron_catalogue()) names.push_back(m.name);
    return names;
}

} // namespace cortexsim

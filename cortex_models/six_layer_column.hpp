#pragma once
/// The six-layer cortical column with its thalamic loop, expanded into plain populations,
/// projections, plasticity rules and phase gates. Anatomy and sources (docs/column_anatomy.md
/// has the diagram):
///
///   thalamus   relay (first-order, sensory driver)  pulvinar (higher-order)  TRN (reticular)
///   L4         input layer: relay -> L4.basal
///   L2/3       pyramidal: L4 -> basal; apical tuft in L1 gets pulvinar (matrix) and top-down
///              input; SST -> apical, PV -> soma, VIP -| SST (disinhibition; Pfeffer 2013)
///   L5         thick-tufted pyramidal: L2/3 -> basal, apical in L1; L5 -> pulvinar.driver
///              (O'Reilly et al. 2021: L5 drives the higher-order thalamus with the outcome)
///   L6 CT      corticothalamic: ctx -> basal, where ctx is a context population holding L5's
///              and L6's rates at the end of the previous trial's outcome phase (the CT
///              context); L6 -> pulvinar.modulator (the prediction), L6 -> TRN
///   TRN        -| relay.soma, -| pulvinar.soma
///   pulvinar   -> L2/3.apical, L5.apical, L6.apical (every layer sees the prediction error
///              as a plus/minus difference; O'Reilly et al. 2021)
///
/// The column's learning is declared, not coded: its CT pathways carry registered plasticity
/// rules (`plasticity`, GeneRec by default), and its thalamic loop is gated by the protocol's
/// phases (gains added to the model's [[phase]] entries): in the prediction phase L5 does not
/// drive the pulvinar; in the outcome phase the pulvinar's soma is decoupled from the CT
/// prediction in its modulator (`pulvinar_gating = "coupling"`; DeepLeabra's driver suppresses
/// the CT input) or the CT projection is silenced ("projection").
///
/// Between columns (column_link): lower L2/3 -> upper L4.basal (feedforward), upper L5 and L6
/// -> lower L2/3.apical and L5.apical (feedback into L1), upper L6 -> lower pulvinar.modulator
/// (every area's deep layers predict the pulvinar; O'Reilly et al. 2021) and the lower pulvinar
/// -> upper L6.apical (the prediction error reaches the upper CT layer).

#include <map>
#include <string>
#include <vector>

#include "core/model_desc.hpp"

namespace cortexsim {

struct column_spec {
    std::string name = "col";  ///< prefix: populations are <name>.L23, <name>.relay, ...
    /// Sizes by cell type; the keys are the `column_cell_types()` names.
    std::map<std::string, long> sizes = {
        {"relay", 8},  {"L4", 48},  {"L23", 48}, {"SST", 4},      {"PV", 4},
        {"VIP", 2},    {"L5", 48},  {"L6", 48},  {"pulvinar", 8}, {"TRN", 4},
    };  ///< ctx, when absent, takes L5's size plus, with ct_self_context, L6's
    double p_connect = 1.0;          ///< connection probability of every pathway (1: all-to-all)
    /// Pathway strengths: a neuron's summed initial weight from a pathway is on average
    /// g_P (weights uniform on [0, 2 g_P / n] for n presynaptic partners, so the drive does not
    /// depend on layer sizes); from the relay and the pulvinar, whose codes are one-hot, g_P is
    /// the largest single weight (uniform on [0, g_P]). Defaults per pathway in
    /// `column_pathway_strengths()`, scaled by w_excitatory / w_inhibitory, and replaced by
    /// `strengths["<source>-><target>"]`.
    double w_excitatory = 1.0;
    double w_inhibitory = 1.0;
    std::map<std::string, double> strengths;
    std::string transfer = "logistic";
    param_table transfer_params;     ///< empty: beta 4, theta 1 for the logistic
    /// Slope of the pulvinar's logistic: shallower than the cortex's, since its minus-phase
    /// rate stands for the probability of a symbol and must settle at intermediate values
    /// (0.5 for two equally likely successors) without amplifying weight noise.
    double pulvinar_beta = 2.0;
    /// Threshold of L6's logistic, below the cortex's 1: with 1, L6 is nearly silent (mean rate
    /// ~0.05), its plus/minus differences vanish and the context pathway hardly learns; 0.5
    /// cut the Reber trials to criterion 3-10x (bench/README.md).
    double l6_theta = 0.5;
    std::string dendrites = "instantaneous";
    /// The context holds L6's own plus-phase rates next to L5's: the CT self-context of
    /// O'Reilly et al. 2021, which carries history beyond one step (without it a second-order
    /// grammar such as Reber's cannot be predicted; REFERENCES.md section 3 lists its removal
    /// among the ablations that break learning).
    bool ct_self_context = true;
    /// Dale's law on the learned CT pathways (ctx -> L6, L6 -> pulvinar). Off by default: the
    /// rate model has no separate inhibitory pools to carry the negative part of the learned
    /// mapping, which Leabra's FFFB inhibition provides (docs/column_anatomy.md).
    bool dale = false;

    /// The protocol's phases the column refers to (they must be declared as [[phase]]s).
    std::string prediction_phase = "minus";
    std::string outcome_phase = "plus";
    /// The phase whose end rates become the next trial's context (the outcome; the prediction
    /// phase is the "CT sees the current step" ablation).
    std::string context_phase;       ///< "": outcome_phase
    /// Context integration: ctx <- (1 - mix) ctx + mix [L5, L6] (1: a plain copy). Below 1 the
    /// context keeps a decaying trace of earlier trials: higher areas integrate over longer
    /// contexts (O'Reilly et al. 2021).
    double context_mix = 1.0;
    /// How the outcome phase keeps the CT prediction out of the pulvinar's soma: "coupling"
    /// (its modulator compartment is decoupled, still holding the prediction, so the
    /// pulvinar's prediction_error phi(u) - phi(k v_modulator) compares outcome and prediction)
    /// or "projection" (the L6 -> pulvinar projection is silenced).
    std::string pulvinar_gating = "coupling";
    /// Plasticity by pathway ("<source>-><target>"), replacing the defaults of
    /// `column_default_plasticity()`; rule "none" removes a default.
    std::map<std::string, plasticity_desc> plasticity;
    /// Spread by pathway: the standard deviation of a neuron's summed initial weight (pathways
    /// of free sign only); absent: the default uniform [0, 2 g / n].
    std::map<std::string, double> spread;
};

/// Cell types in the order the template creates them.
const std::vector<std::string>& column_cell_types();
/// Default strength g_P of each pathway, keyed "<source>-><target>" (cell types).
const std::map<std::string, double>& column_pathway_strengths();
/// The learning rules the column's pathways carry unless `plasticity` replaces them, for a
/// column with these phase names: GeneRec on the CT pathways.
std::map<std::string, plasticity_desc> column_default_plasticity(const column_spec& spec);
/// "<column>.<cell type>"
std::string column_population(const std::string& column, const std::string& cell_type);

/// Appends the column's populations and projections, and its gates to the phases it names.
/// Throws model_error (at `where`) for an unknown cell type, pathway or phase, or a
/// non-positive size.
void add_six_layer_column(model_desc& model, const column_spec& spec, const source_loc& where = {});

/// Between columns of a hierarchy: pathway strengths and rules by link pathway name
/// (`column_link_pathway_strengths()`), defaults for the rest.
struct column_link_spec {
    std::map<std::string, double> strengths;
    std::map<std::string, plasticity_desc> plasticity;
};
const std::map<std::string, double>& column_link_pathway_strengths();

/// Feedforward and feedback projections between two columns.
void add_column_link(model_desc& model, const column_spec& lower, const column_spec& upper,
                     const column_link_spec& link = {}, const source_loc& where = {});

/// The default two-phase alpha cycle (O'Reilly et al. 2021; REFERENCES.md section 3): a
/// 75 ms prediction phase and a 25 ms outcome phase in which `outcome_inputs` are on.
std::vector<phase_desc> alpha_cycle_phases(const std::vector<std::string>& outcome_inputs,
                                           const std::string& prediction = "minus",
                                           const std::string& outcome = "plus");

} // namespace cortexsim

#pragma once
/// Predictive learning of sequences in a six-layer column with its thalamic loop, after
/// O'Reilly et al. 2021 (DeepLeabra), in the rate-model setting of cortexsim. One step of the
/// sequence is one trial of two phases, each a scheduled discontinuity:
///
///  minus (prediction), minus_ms: no sensory input; L5 does not drive the pulvinar (gain 0);
///      L6 CT neurons, reading the context (ctx = L5's rates at the end of the previous
///      trial), drive the pulvinar through its modulator compartment: its rates are the
///      prediction of the coming symbol.
///  plus (outcome), plus_ms: the symbol arrives one-hot as a current into the relay's driver
///      compartment, L5 drives the pulvinar, and the pulvinar is nudged towards the symbol's
///      pattern with g_drive while its CT input is gated off: DeepLeabra's pulvinar
///      suppresses the CT input by (1 - min(1, drive_max / 0.6)), which is 0 for a one-hot
///      driver (REFERENCES.md section 3).
///  end of trial: GeneRec (O'Reilly 1996) on the CT pathway, dW = eta (y+ - y-) x-^T, for
///      L6 -> pulvinar.modulator and ctx -> L6.basal, from the phases' final rates; Dale's law
///      holds afterwards; then ctx <- L5's plus-phase rates (the context for the next trial).
///
/// The thalamic prediction error of a trial is y+ - y- of the pulvinar (recorded as its mean
/// absolute value). A prediction is correct if the pulvinar units above `threshold` include a
/// legal successor and no illegal one (REFERENCES.md section 3).

#include <Eigen/Dense>
#include <string>

#include "circuits/network.hpp"
#include "circuits/tasks/sequences.hpp"
#include "core/simulation.hpp"

namespace cortexsim {

struct sequence_task_options {
    double minus_ms = 75.0;      ///< DeepLeabra's alpha cycle: 75 ms minus, 25 ms plus
    double plus_ms = 25.0;
    double relay_current = 4.0;  ///< plus-phase current into the active symbol's relay neuron
    double u_on = 4.0;           ///< plus-phase pulvinar target potential of the active symbol
    double u_off = -2.0;         ///< ... and of the others
    double g_drive = 3.0;        ///< strength of that nudging (driver over prediction)
    double eta = 0.5;            ///< GeneRec learning rate of the CT -> pulvinar readout
    double eta_context = -1.0;   ///< ... of ctx -> L6 (< 0: the same as eta)
    double threshold = 0.5;      ///< pulvinar rate above which a symbol counts as predicted
    bool learn = true;
    /// Learning of the context pathway ctx -> L6 (off: only the CT -> pulvinar readout learns).
    bool learn_context = true;
    /// Ablation: the context is L5 at the end of the *minus* phase of the same trial, so CT
    /// sees the current step (its own prediction) instead of the previous outcome.
    bool context_current = false;
    /// Ablation: no thalamic loop — the pulvinar's outputs to the cortex are gated off.
    bool thalamic_loop = true;
};

class sequence_prediction_task {
public:
    /// `column`: the name of a [[column]] in `net`, whose relay and pulvinar have one neuron
    /// per symbol.
    sequence_prediction_task(network& net, const std::string& column, std::size_t n_symbols,
                             const sequence_task_options& options);

    struct trial_result {
        bool correct = false;
        symbol_mask predicted = 0;
        double prediction_error = 0.0;  ///< mean |y+ - y-| over pulvinar units
        /// Final rates of each phase: the pulvinar's (prediction and outcome) and L5's and L6's;
        /// their plus - minus differences are the layers' mismatch signals.
        Eigen::VectorXd pulvinar_minus, pulvinar_plus, l5_minus, l5_plus, l6_minus, l6_plus;
    };
    /// One trial: predict, then see `symbol`; `legal` is what could legally come now.
    trial_result trial(std::size_t symbol, symbol_mask legal);

    simulation& sim() { return sim_; }
    /// Switches the end-of-trial weight updates on or off (e.g. to test a trained column).
    void set_learning(bool on) { opt_.learn = on; }

private:
    Eigen::VectorXd rates(std::size_t p, const double* y);
    std::size_t projection_index(const std::string& name) const;

    network& net_;
    simulation sim_;
    sequence_task_options opt_;
    std::size_t n_symbols_;
    std::size_t relay_, pulvinar_, l5_, l6_, ctx_;
    std::size_t ct_to_pulvinar_, ctx_to_ct_, l5_to_pulvinar_;
    std::vector<std::size_t> pulvinar_outputs_;
    bool self_context_ = false;  ///< ctx = [L5, L6]: the CT self-context
};

} // namespace cortexsim

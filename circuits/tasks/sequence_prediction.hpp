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

    // Tuning options (issue 4). All default off: the plain DeepLeabra-style GeneRec above.

    /// Learning-rate annealing: both rates are scaled by 1 / (1 + t / eta_decay_trials) at
    /// trial t (0: constant). The 1/t schedule of stochastic approximation (Robbins & Monro
    /// 1951) averages out the trial-to-trial weight noise that online updates cause where the
    /// outcome is random (the p = 0.5 branches of the Reber grammar), while keeping the early
    /// steps large. A local rule can use it: it needs only a slowly decaying plasticity factor
    /// common to all synapses (e.g. a neuromodulatory or developmental one).
    double eta_decay_trials = 0.0;
    /// Floor of that annealing, as a fraction of the initial rates.
    double eta_floor = 0.0;
    /// Normalised GeneRec steps: each update is divided by the presynaptic activity
    /// (mean x^2 over the presynaptic population, plus normalize_eps), so one step removes
    /// a fixed fraction of the error whatever the size of the presynaptic code — the
    /// normalised LMS rule (Nagumo & Noda 1967); biologically a heterosynaptic normalisation
    /// of the plasticity by the total presynaptic drive.
    bool normalize_presynaptic = false;
    double normalize_eps = 0.01;
    /// Context integration: ctx <- (1 - a) ctx + a [L5+, L6+] with a = context_rate (1: the
    /// plain copy). A slower decaying CT context, like Axon's CT layers whose context input
    /// decays with a time constant over trials (CT DecayTau; O'Reilly et al. 2021, Axon).
    double context_rate = 1.0;
    /// Pulvinar plus/minus learning outside the CT pathway (O'Reilly et al. 2021: every layer
    /// sees the pulvinar's plus/minus difference through its L1 input and learns from it
    /// locally): GeneRec on L23 -> L5.basal with this rate (0: off).
    double eta_l5 = 0.0;
    /// Momentum of the GeneRec steps on the CT pathway (0: none): dW_t = eta g_t + m dW_{t-1}.
    double momentum = 0.0;
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
    long trial_count_ = 0;
    bool have_context_ = false;
    Eigen::VectorXd context_;
    std::size_t l23_ = 0, l23_to_l5_ = 0;
    Eigen::MatrixXd mom_readout_, mom_context_;
};

} // namespace cortexsim

#pragma once
/// Classification with a dendritic error microcircuit (Sacramento et al. 2018, Sec. 3, the
/// MNIST experiment; issue 3 "what it must show" 4-5): every training sample is shown for
/// `present_ms` with the output layer nudged towards a one-hot target potential and the local
/// rules on; every test sample is shown without nudging or learning and the class is the
/// output neuron with the highest settled potential (the same as the highest rate, since the
/// transfer function is monotone).
///
/// Targets. The output neuron of the label is nudged towards `u_high`, the others towards
/// `u_low`. The defaults, +-1.5, suit the logistic transfer phi(u) = 1 / (1 + exp(-u)) that
/// the classification networks use: rates 0.82 and 0.18, far enough apart for a clear error
/// signal, yet where phi' is still 0.15 (a quarter of its peak), so the output rule
/// (phi(u) - phi(v_B_hat)) r^T neither saturates nor pushes the weights to grow without bound
/// as a 0/1 rate target would. The nudging current is g_som (u_trgt - u) exactly; below
/// E_I = -1/3 its excitatory conductance is negative (docs/equations.md, N1), which the rate
/// model allows.
///
/// The state carries over from one sample to the next (no reset, as in the papers); a sample
/// is read at the end of its presentation, so `present_ms` must cover the settling transient
/// (~5 time constants, a few ms with the default conductances).

#include <cstdint>
#include <functional>
#include <vector>

#include "circuits/tasks/dataset.hpp"
#include "circuits/tasks/pattern_driver.hpp"

namespace cortexsim {

/// Progress of a training run, passed to classification_options::progress.
struct classification_progress {
    std::size_t epoch = 0;          ///< 1-based
    std::size_t seen_in_epoch = 0;  ///< training samples shown in this epoch so far
    std::size_t per_epoch = 0;      ///< training samples per epoch
    std::size_t seen = 0;           ///< training samples shown in all epochs so far
    double samples_per_s = 0.0;     ///< training throughput since the run began (wall clock)
};

/// Test accuracy over training. Entry k of every vector belongs to the same evaluation.
struct classification_curve {
    std::vector<std::size_t> trained;     ///< training samples seen
    std::vector<double> epoch;            ///< epochs completed (fractional between epoch ends)
    std::vector<double> test_accuracy;    ///< fraction correct on the test samples
    std::vector<double> train_accuracy;   ///< on the fixed training subset; NaN if n_train_eval = 0
    double train_wall_s = 0.0;            ///< wall time of the training presentations only
    double eval_wall_s = 0.0;             ///< wall time of all evaluations
    std::size_t train_samples = 0;        ///< training presentations made
    double wall_s_per_train_sample() const {
        return train_samples ? train_wall_s / static_cast<double>(train_samples) : 0.0;
    }
};

/// Where a run resumed from a checkpoint continues: the training samples already shown and
/// the curve up to the evaluation the checkpoint followed.
struct classification_resume {
    std::size_t seen = 0;
    classification_curve curve;
};

struct classification_options {
    double present_ms = 20.0;        ///< presentation time of every sample, train and test
    std::size_t epochs = 1;
    std::size_t n_train = 0;         ///< use the first n of the train index list (0: all)
    std::size_t n_test = 0;          ///< use the first n of the test index list (0: all)
    /// Training accuracy on this many training samples (the first of the train list, fixed for
    /// the whole run) at every evaluation; 0 skips it (it costs a test-set pass of that size).
    std::size_t n_train_eval = 0;
    /// Evaluate every this many training samples; 0: at the end of every epoch only (an
    /// epoch's end is always evaluated).
    std::size_t eval_every = 0;
    bool eval_untrained = true;      ///< the curve's first point is the untrained network
    double u_high = 1.5;             ///< target potential of the label's output neuron
    double u_low = -1.5;             ///< target potential of the other output neurons
    std::uint64_t seed = 1;          ///< the train order of epoch e is shuffled_indices(n, seed, "epoch e")
    std::size_t progress_every = 1000;  ///< training samples between progress calls
    std::function<void(const classification_progress&)> progress;
    /// Called after every evaluation with the curve so far (its last entry is the new one).
    std::function<void(const classification_curve&)> on_evaluation;
    /// Called before the training samples of epoch e (1-based), e.g. to set a learning-rate
    /// schedule.
    std::function<void(std::size_t epoch)> on_epoch;
    /// Called after every training sample (e.g. to poll for a stop request).
    std::function<void()> after_sample;
    /// A resumed run (checkpoints): run() starts after resume->seen samples with its curve,
    /// without the untrained evaluation; the epoch's order is drawn again from the seed, and
    /// on_epoch is not called for an epoch already begun.
    const classification_resume* resume = nullptr;
};

class classification_task {
public:
    /// `train_set`/`test_set` may be the same object (then the index lists split it); both
    /// must outlive the task. Throws std::invalid_argument if the feature counts differ, an
    /// index is out of range, a list is empty, present_ms is not positive or epochs is 0.
    classification_task(const dataset& train_set, std::vector<std::size_t> train_indices,
                        const dataset& test_set, std::vector<std::size_t> test_indices,
                        const classification_options& options);

    /// Trains for the configured epochs and evaluates as configured. Throws
    /// std::invalid_argument if the driver's input or output size does not match the data.
    classification_curve run(pattern_driver& driver);
    /// Fraction of `indices` of `set` classified correctly, without nudging or learning.
    double accuracy(pattern_driver& driver, const dataset& set,
                    const std::vector<std::size_t>& indices) const;
    /// The predicted class of sample i of `set` (shown without nudging or learning).
    int predict(pattern_driver& driver, const dataset& set, std::size_t i) const;
    /// The target potentials for a label: u_high at the label, u_low elsewhere.
    Eigen::VectorXd target(int label, std::size_t n_classes) const;

    const std::vector<std::size_t>& train_indices() const { return train_; }
    const std::vector<std::size_t>& test_indices() const { return test_; }

private:
    void check_driver(pattern_driver& driver) const;

    const dataset& train_set_;
    const dataset& test_set_;
    std::vector<std::size_t> train_, test_, train_eval_;
    classification_options opt_;
    std::size_t n_classes_;
};

/// Sets a layered microcircuit (cortex_models/microcircuit_template.hpp) to the self-predicting
/// state of Sacramento et al. 2018 (Sec. 2; REFERENCES.md section 1), the paper's starting
/// point for learning: for every interneuron population I (found as the target of a one-to-one
/// nudging projection from the upper pyramidal layer Q, with P -> I the dendritic projection):
///   W_PI = -W_PP(P <- Q, top-down),   W_IP = (k_Q,basal / k_I,dendrite) W_PP(Q <- P),
/// k the dendritic prediction factors, so that the interneurons' dendritic prediction equals
/// Q's basal prediction and the apical potential cancels without a target. The local
/// interneuron rules reach the same state on their own (tests/circuits/
/// test_microcircuit_learning.cpp); this shortcut saves that warm-up. Throws
/// std::invalid_argument if a projection of the motif is missing. Returns the number of
/// interneuron populations set.
std::size_t set_self_predicting_state(network& net);

} // namespace cortexsim

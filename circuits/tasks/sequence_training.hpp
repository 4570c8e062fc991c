#pragma once
/// Training a column on a symbol stream (issue 4): trials in blocks, each block's errors and
/// mean mismatch signals, and the criterion of O'Reilly et al. 2021's FSA task as the issue
/// states it (two consecutive blocks of 100 trials without an error).

#include <cstddef>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "circuits/tasks/sequence_prediction.hpp"
#include "circuits/tasks/sequences.hpp"

namespace cortexsim {

/// The stream a column learns: the Reber grammar, the embedded Reber grammar or a cycle.
class sequence_source {
public:
    static sequence_source reber(std::uint64_t seed);
    static sequence_source embedded_reber(std::uint64_t seed);
    /// `letters`: one cycle, e.g. "ABCDE" (cyclic_sequence::from_letters).
    static sequence_source cyclic(const std::string& letters);

    std::size_t n_symbols() const;
    /// The generator's state (a cycle: its phase) after the last symbol of next().
    std::size_t state() const;
    /// What may come next, before next() is called.
    symbol_mask legal_next() const;
    sequence_step next();
    char symbol_name(std::size_t symbol) const;

private:
    using stream = std::variant<reber_grammar, ::cortexsim::embedded_reber, cyclic_sequence>;
    explicit sequence_source(stream s) : s_(std::move(s)) {}
    stream s_;
};

struct sequence_training_options {
    std::size_t max_trials = 10000;
    std::size_t block_trials = 100;
    std::size_t criterion_blocks = 2;  ///< consecutive error-free blocks that end training
};

/// One block of trials: error count and block means of the mismatch signals.
struct sequence_block {
    std::size_t trials_done = 0;   ///< trials since the start, at the block's end
    std::size_t errors = 0;
    double thalamic_prediction_error = 0.0;  ///< mean over trials of mean |y+ - y-| (pulvinar)
    double l5_mismatch = 0.0;                ///< ... of L5
    double l6_mismatch = 0.0;                ///< ... of L6
};

struct sequence_training_result {
    std::vector<sequence_block> blocks;
    /// Trials until the criterion was met (the end of its last block), 0 if never.
    std::size_t trials_to_criterion = 0;
};

/// Runs trials until the criterion or max_trials. `on_block` is called after each block (for
/// progress and learning curves), `on_trial` after each trial.
sequence_training_result train_sequence(
    sequence_prediction_task& task, sequence_source& source, const sequence_training_options& options,
    const std::function<void(const sequence_block&)>& on_block = {},
    const std::function<void(std::size_t trial, const sequence_step& step, symbol_mask legal,
                             const sequence_prediction_task::trial_result& r)>& on_trial = {});

} // namespace cortexsim

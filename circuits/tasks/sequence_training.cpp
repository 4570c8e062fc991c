#include "circuits/tasks/sequence_training.hpp"

namespace cortexsim {

sequence_source sequence_source::reber(std::uint64_t seed) { return sequence_source(reber_grammar(seed)); }

sequence_source sequence_source::embedded_reber(std::uint64_t seed) {
    return sequence_source(::cortexsim::embedded_reber(seed));
}

sequence_source sequence_source::cyclic(const std::string& letters) {
    return sequence_source(cyclic_sequence::from_letters(letters));
}

std::size_t sequence_source::n_symbols() const {
    return std::visit([](const auto& s) { return s.n_symbols(); }, s_);
}

std::size_t sequence_source::state() const {
    return std::visit(
        [](const auto& s) -> std::size_t {
            if constexpr (std::is_same_v<std::decay_t<decltype(s)>, cyclic_sequence>) return s.phase();
            else return s.state();
        },
        s_);
}

symbol_mask sequence_source::legal_next() const {
    return std::visit([this](const auto& s) { return s.legal_successors(state()); }, s_);
}

sequence_step sequence_source::next() {
    return std::visit([](auto& s) { return s.next(); }, s_);
}

char sequence_source::symbol_name(std::size_t symbol) const {
    return std::visit([symbol](const auto& s) { return s.symbol_name(symbol); }, s_);
}

sequence_training_result train_sequence(
    sequence_prediction_task& task, sequence_source& source, const sequence_training_options& o,
    const std::function<void(const sequence_block&)>& on_block,
    const std::function<void(std::size_t, const sequence_step&, symbol_mask,
                             const sequence_prediction_task::trial_result&)>& on_trial) {
    sequence_training_result result;
    sequence_block block;
    std::size_t clean_blocks = 0;
    for (std::size_t t = 1; t <= o.max_trials; ++t) {
        const symbol_mask legal = source.legal_next();
        const sequence_step step = source.next();
        const auto r = task.trial(step.symbol, legal);
        if (on_trial) on_trial(t, step, legal, r);
        block.errors += r.correct ? 0 : 1;
        block.thalamic_prediction_error += r.prediction_error;
        block.l5_mismatch += (r.l5_plus - r.l5_minus).cwiseAbs().mean();
        block.l6_mismatch += (r.l6_plus - r.l6_minus).cwiseAbs().mean();
        if (t % o.block_trials != 0 && t != o.max_trials) continue;
        const double n = static_cast<double>(t - block.trials_done);
        block.thalamic_prediction_error /= n;
        block.l5_mismatch /= n;
        block.l6_mismatch /= n;
        const bool full = t % o.block_trials == 0;
        block.trials_done = t;
        result.blocks.push_back(block);
        if (on_block) on_block(block);
        clean_blocks = full && block.errors == 0 ? clean_blocks + 1 : 0;
        block = sequence_block{};
        block.trials_done = t;
        if (clean_blocks == o.criterion_blocks) {
            result.trials_to_criterion = t;
            break;
        }
    }
    return result;
}

} // namespace cortexsim

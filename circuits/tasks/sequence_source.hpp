#pragma once
/// One stream of symbols for predictive learning: the Reber grammar, the embedded Reber
/// grammar or a cycle (circuits/tasks/sequences.hpp), behind one interface.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

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
    /// Checkpoints: where the stream is (generator and state, or a cycle's phase).
    std::vector<std::uint64_t> save() const;
    void restore(const std::vector<std::uint64_t>& saved);

private:
    using stream = std::variant<reber_grammar, ::cortexsim::embedded_reber, cyclic_sequence>;
    explicit sequence_source(stream s) : s_(std::move(s)) {}
    stream s_;
};

} // namespace cortexsim

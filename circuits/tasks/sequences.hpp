#pragma once
/// Symbol-sequence tasks for predictive learning (issue 4): the Reber grammar as in O'Reilly's
/// deep_fsa model (O'Reilly et al. 2021, J Cogn Neurosci 33(6); REFERENCES.md section 3),
/// the embedded Reber grammar (Hochreiter & Schmidhuber 1997) and a deterministic cyclic
/// sequence, plus one-hot encoding of symbols as input rates.
///
/// All three expose the same vocabulary: a stream of `sequence_step`s (the symbol emitted and
/// the state after it), and `legal_successors(state)` as a bitmask over symbols, so a trial
/// loop can score a minus-phase prediction with `is_legal_prediction(state, predicted)`.
/// Randomness comes only from cortexsim::rng, so a (seed, stream name) pair fixes the stream.
/// Misuse of the API (unknown state or symbol, empty sequence) throws std::invalid_argument;
/// configuration code is expected to turn user mistakes into model_errors before calling.

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"

namespace cortexsim {

/// Set of symbols: bit i stands for symbol i (so at most 32 symbols).
using symbol_mask = std::uint32_t;

/// Largest alphabet a symbol_mask can hold.
inline constexpr std::size_t max_symbols = 32;

/// The mask holding only `symbol`.
inline constexpr symbol_mask symbol_bit(std::size_t symbol) {
    return symbol_mask{1} << symbol;
}

/// True when `predicted` activates at least one symbol of `legal` and none outside it
/// (REFERENCES.md section 3: a minus-phase prediction is correct if it activates a legal successor
/// and no illegal one). An empty prediction is wrong.
inline constexpr bool is_legal_prediction(symbol_mask legal, symbol_mask predicted) {
    return (predicted & legal) != 0 && (predicted & ~legal) == 0;
}

/// One element of a sequence stream.
struct sequence_step {
    std::size_t symbol; ///< symbol index just presented
    std::size_t state;  ///< generator state after it; legal_successors(state) is what may follow
};

/// A stochastic finite-state grammar: from each state, every outgoing arc (labelled with a
/// symbol) is taken with equal probability. Strings run from `start_state()` to `end_state()`,
/// which has no arcs; in a continuous stream the end state is followed by the start state
/// (an empty transition, 7 -> 0 in the Reber grammar), so its legal successors are the start
/// state's. Use reber_grammar or embedded_reber.
class stochastic_grammar {
  public:
    struct arc {
        std::size_t from, symbol, to;
    };

    std::size_t n_symbols() const { return names_.size(); }
    std::size_t n_states() const { return out_.size(); }
    std::size_t start_state() const { return start_; }
    std::size_t end_state() const { return end_; }

    /// One complete string, start to end (for Reber: B ... E). Draws from the same generator
    /// as next() but does not move the stream's state.
    std::vector<std::size_t> generate_string();
    /// The next symbol of the continuous stream (strings back to back, B following E) and the
    /// state after it. The stream begins at the start state.
    sequence_step next();
    /// The stream's current state (the state after the last symbol of next()).
    std::size_t state() const { return state_; }

    /// The symbols that may follow in `state`.
    symbol_mask legal_successors(std::size_t state) const;
    /// See the free function; `state` as in legal_successors.
    bool is_legal_prediction(std::size_t state, symbol_mask predicted) const {
        return cortexsim::is_legal_prediction(legal_successors(state), predicted);
    }
    /// The state reached from `state` by `symbol` (the end state continues as the start);
    /// throws std::invalid_argument if the transition is not in the grammar.
    std::size_t transition(std::size_t state, std::size_t symbol) const;

    /// One-letter name of `symbol`, e.g. 'T'.
    char symbol_name(std::size_t symbol) const;
    /// The letters of `symbols`, e.g. "BTXSE".
    std::string to_string(const std::vector<std::size_t>& symbols) const;
    /// Checkpoints: the generator and the state, as integers (rng::state, then the state).
    std::vector<std::uint64_t> save() const;
    void restore(const std::vector<std::uint64_t>& saved);

  protected:
    /// `names`: one letter per symbol, in index order.
    stochastic_grammar(std::string names, std::size_t n_states, const std::vector<arc>& arcs,
                       std::size_t start, std::size_t end, std::uint64_t seed,
                       const std::string& stream);

  private:
    /// Takes one random arc out of `state` (the end state continues as the start).
    const arc& step_from(std::size_t state);
    std::size_t check_state(std::size_t state) const;

    std::string names_;
    std::vector<std::vector<arc>> out_; ///< outgoing arcs per state
    std::size_t start_, end_;
    rng rng_;
    std::size_t state_;
};

/// The Reber grammar, states numbered as in O'Reilly's deep_fsa (REFERENCES.md section 3):
///   0 -B-> 1;  1 -T-> 2, 1 -P-> 3;  2 -S-> 2, 2 -X-> 4;  3 -T-> 3, 3 -V-> 5;
///   4 -S-> 6, 4 -X-> 3;  5 -V-> 6, 5 -P-> 4;  6 -E-> 7;  7 -> 0 in a continuous stream.
/// Symbols B,T,S,X,V,P,E are indices 0..6 (the order of the deep_fsa input units).
/// Mean string length is 8 including B and E, and P(length 5) = 1/4 (derivation in
/// tests/circuits/test_sequences.cpp).
class reber_grammar : public stochastic_grammar {
  public:
    static constexpr std::size_t B = 0, T = 1, S = 2, X = 3, V = 4, P = 5, E = 6;
    static constexpr std::size_t symbol_count = 7;
    static constexpr std::size_t state_count = 8;

    explicit reber_grammar(std::uint64_t seed, const std::string& stream = "reber");
};

/// Embedded Reber grammar: B a <Reber string, with its own B and E> a E, a in {T, P}; the
/// penultimate symbol must equal the second, a dependency across the whole inner string.
/// Same symbols as reber_grammar. States:
///   0 start, 1 after the outer B, 2 + s the inner Reber state s (0..6) after a = T,
///   9 + s the same after a = P, 16 after the inner E with a = T (only T may follow),
///   17 the same with a = P (only P), 18 after the repeated a (only E), 19 after the final E.
class embedded_reber : public stochastic_grammar {
  public:
    static constexpr std::size_t state_count = 20;

    explicit embedded_reber(std::uint64_t seed, const std::string& stream = "embedded_reber");
};

/// A deterministic cyclic sequence, e.g. A B C D A B C D ... Its state is the phase, the
/// position in the cycle of the symbol just presented; exactly one symbol may follow. A symbol
/// may recur within the cycle (then it is the phase, not the symbol, that predicts).
class cyclic_sequence {
  public:
    /// `symbols`: one cycle as indices below `n_symbols` (0: the largest index + 1).
    explicit cyclic_sequence(std::vector<std::size_t> symbols, std::size_t n_symbols = 0);
    /// One cycle as letters, e.g. from_letters("ABCD"); the alphabet is the distinct letters,
    /// sorted, so "DCBA" has D = 3. (A factory, not a constructor: `cyclic_sequence({2, 0})`
    /// would otherwise be ambiguous with std::string's initializer-list constructor.)
    static cyclic_sequence from_letters(const std::string& letters);

    std::size_t n_symbols() const { return names_.size(); }
    std::size_t period() const { return symbols_.size(); }
    const std::vector<std::size_t>& cycle() const { return symbols_; }

    /// The next symbol and its phase. The first call presents phase 0.
    sequence_step next();
    /// Phase of the last symbol presented (period() - 1 before the first call).
    std::size_t phase() const { return phase_; }
    /// The single symbol that follows `phase`.
    symbol_mask legal_successors(std::size_t phase) const;
    bool is_legal_prediction(std::size_t phase, symbol_mask predicted) const {
        return cortexsim::is_legal_prediction(legal_successors(phase), predicted);
    }

    char symbol_name(std::size_t symbol) const;
    /// Checkpoints: the phase.
    std::vector<std::uint64_t> save() const { return {phase_}; }
    void restore(const std::vector<std::uint64_t>& saved) { phase_ = static_cast<std::size_t>(saved.at(0)); }

  private:
    std::vector<std::size_t> symbols_;
    std::string names_;
    std::size_t phase_;
};

/// Writes the one-hot code of `symbol` into `rates` (its size is the alphabet size): `rate_on`
/// for the symbol, `rate_off` elsewhere, in the input population's rate units (dimensionless in
/// the rate models). No allocation, so it may be called per trial.
void one_hot(std::size_t symbol, double rate_on, double rate_off,
             Eigen::Ref<Eigen::VectorXd> rates);
/// The same, returning a new vector of size `n_symbols`.
Eigen::VectorXd one_hot(std::size_t symbol, std::size_t n_symbols, double rate_on = 1.0,
                        double rate_off = 0.0);
/// The symbols whose rate exceeds `threshold`: decodes a prediction for is_legal_prediction.
symbol_mask active_symbols(const Eigen::Ref<const Eigen::VectorXd>& rates, double threshold);

} // namespace cortexsim

#include "circuits/tasks/sequences.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace cortexsim {

namespace {

using arc = stochastic_grammar::arc;
constexpr const char* reber_names = "BTSXVPE";

/// The Reber grammar's arcs, REFERENCES.md section 3 (state 7 is the end state).
std::vector<arc> reber_arcs() {
    using g = reber_grammar;
    return {{0, g::B, 1}, {1, g::T, 2}, {1, g::P, 3}, {2, g::S, 2}, {2, g::X, 4}, {3, g::T, 3},
            {3, g::V, 5}, {4, g::S, 6}, {4, g::X, 3}, {5, g::V, 6}, {5, g::P, 4}, {6, g::E, 7}};
}

/// Embedded Reber: the outer frame around two copies of the Reber grammar, one per branch
/// symbol a, so the state remembers a across the inner string (layout in the header).
std::vector<arc> embedded_arcs() {
    using g = reber_grammar;
    std::vector<arc> arcs{{0, g::B, 1}, {16, g::T, 18}, {17, g::P, 18}, {18, g::E, 19}};
    const std::pair<std::size_t, std::size_t> branches[] = {{g::T, 2}, {g::P, 9}};
    for (const auto& [a, offset] : branches) {
        const std::size_t after_inner = a == g::T ? 16 : 17;
        arcs.push_back({1, a, offset});
        for (const arc& inner : reber_arcs()) {
            const std::size_t to = inner.to == 7 ? after_inner : offset + inner.to;
            arcs.push_back({offset + inner.from, inner.symbol, to});
        }
    }
    return arcs;
}

} // namespace

// ---- stochastic_grammar ----------------------------------------------------------------------

stochastic_grammar::stochastic_grammar(std::string names, std::size_t n_states,
                                       const std::vector<arc>& arcs, std::size_t start,
                                       std::size_t end, std::uint64_t seed,
                                       const std::string& stream)
    : names_(std::move(names)), out_(n_states), start_(start), end_(end), rng_(seed, stream),
      state_(start) {
    if (names_.empty() || names_.size() > max_symbols)
        throw std::invalid_argument("stochastic_grammar: alphabet must have 1 to 32 symbols");
    for (const arc& a : arcs) {
        if (a.from >= n_states || a.to >= n_states || a.symbol >= names_.size())
            throw std::invalid_argument("stochastic_grammar: arc out of range");
        out_[a.from].push_back(a);
    }
    check_state(start_);
    check_state(end_);
    if (!out_[end_].empty())
        throw std::invalid_argument("stochastic_grammar: end state has arcs");
    for (std::size_t s = 0; s < n_states; ++s)
        if (s != end_ && out_[s].empty())
            throw std::invalid_argument("stochastic_grammar: dead state " + std::to_string(s));
}

std::size_t stochastic_grammar::check_state(std::size_t state) const {
    if (state >= out_.size())
        throw std::invalid_argument("grammar state " + std::to_string(state) + " out of range (" +
                                    std::to_string(out_.size()) + " states)");
    return state;
}

const stochastic_grammar::arc& stochastic_grammar::step_from(std::size_t state) {
    const auto& arcs = out_[state == end_ ? start_ : state];
    // Equal branch probabilities. below(1) and below(2) never reject, so every symbol costs
    // exactly one draw whatever the path.
    return arcs[rng_.below(arcs.size())];
}

std::vector<std::size_t> stochastic_grammar::generate_string() {
    std::vector<std::size_t> symbols;
    std::size_t s = start_;
    do {
        const arc& a = step_from(s);
        symbols.push_back(a.symbol);
        s = a.to;
    } while (s != end_);
    return symbols;
}

sequence_step stochastic_grammar::next() {
    const arc& a = step_from(state_);
    state_ = a.to;
    return {a.symbol, state_};
}

symbol_mask stochastic_grammar::legal_successors(std::size_t state) const {
    check_state(state);
    symbol_mask mask = 0;
    for (const arc& a : out_[state == end_ ? start_ : state])
        mask |= symbol_bit(a.symbol);
    return mask;
}

std::size_t stochastic_grammar::transition(std::size_t state, std::size_t symbol) const {
    check_state(state);
    for (const arc& a : out_[state == end_ ? start_ : state])
        if (a.symbol == symbol)
            return a.to;
    throw std::invalid_argument("grammar: symbol " + std::to_string(symbol) +
                                " cannot follow state " + std::to_string(state));
}

char stochastic_grammar::symbol_name(std::size_t symbol) const {
    if (symbol >= names_.size())
        throw std::invalid_argument("grammar: symbol " + std::to_string(symbol) + " out of range");
    return names_[symbol];
}

std::string stochastic_grammar::to_string(const std::vector<std::size_t>& symbols) const {
    std::string s;
    for (std::size_t x : symbols)
        s += symbol_name(x);
    return s;
}

reber_grammar::reber_grammar(std::uint64_t seed, const std::string& stream)
    : stochastic_grammar(reber_names, state_count, reber_arcs(), 0, 7, seed, stream) {}

embedded_reber::embedded_reber(std::uint64_t seed, const std::string& stream)
    : stochastic_grammar(reber_names, state_count, embedded_arcs(), 0, 19, seed, stream) {}

// ---- cyclic_sequence -------------------------------------------------------------------------

cyclic_sequence::cyclic_sequence(std::vector<std::size_t> symbols, std::size_t n_symbols)
    : symbols_(std::move(symbols)) {
    if (symbols_.empty())
        throw std::invalid_argument("cyclic_sequence: empty cycle");
    const std::size_t largest = *std::max_element(symbols_.begin(), symbols_.end());
    if (n_symbols == 0)
        n_symbols = largest + 1;
    if (largest >= n_symbols || n_symbols > max_symbols)
        throw std::invalid_argument("cyclic_sequence: symbol " + std::to_string(largest) +
                                    " with an alphabet of " + std::to_string(n_symbols) +
                                    " (at most 32)");
    for (std::size_t i = 0; i < n_symbols; ++i)
        names_ += i < 26 ? static_cast<char>('A' + i) : static_cast<char>('a' + (i - 26));
    phase_ = symbols_.size() - 1;
}

namespace {
std::string sorted_letters(std::string s) {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    return s;
}
std::vector<std::size_t> letter_indices(const std::string& letters, const std::string& alphabet) {
    std::vector<std::size_t> out;
    for (char c : letters)
        out.push_back(alphabet.find(c));
    return out;
}
} // namespace

cyclic_sequence cyclic_sequence::from_letters(const std::string& letters) {
    const std::string alphabet = sorted_letters(letters);
    cyclic_sequence c(letter_indices(letters, alphabet), alphabet.size());
    c.names_ = alphabet;
    return c;
}

sequence_step cyclic_sequence::next() {
    phase_ = (phase_ + 1) % symbols_.size();
    return {symbols_[phase_], phase_};
}

symbol_mask cyclic_sequence::legal_successors(std::size_t phase) const {
    if (phase >= symbols_.size())
        throw std::invalid_argument("cyclic_sequence: phase " + std::to_string(phase) +
                                    " out of range (period " + std::to_string(period()) + ")");
    return symbol_bit(symbols_[(phase + 1) % symbols_.size()]);
}

char cyclic_sequence::symbol_name(std::size_t symbol) const {
    if (symbol >= names_.size())
        throw std::invalid_argument("cyclic_sequence: symbol " + std::to_string(symbol) +
                                    " out of range");
    return names_[symbol];
}

// ---- encoding --------------------------------------------------------------------------------

void one_hot(std::size_t symbol, double rate_on, double rate_off,
             Eigen::Ref<Eigen::VectorXd> rates) {
    if (symbol >= static_cast<std::size_t>(rates.size()))
        throw std::invalid_argument("one_hot: symbol " + std::to_string(symbol) +
                                    " out of range for " + std::to_string(rates.size()) + " units");
    rates.setConstant(rate_off);
    rates[static_cast<Eigen::Index>(symbol)] = rate_on;
}

Eigen::VectorXd one_hot(std::size_t symbol, std::size_t n_symbols, double rate_on,
                        double rate_off) {
    Eigen::VectorXd rates(static_cast<Eigen::Index>(n_symbols));
    one_hot(symbol, rate_on, rate_off, rates);
    return rates;
}

symbol_mask active_symbols(const Eigen::Ref<const Eigen::VectorXd>& rates, double threshold) {
    if (static_cast<std::size_t>(rates.size()) > max_symbols)
        throw std::invalid_argument("active_symbols: more than 32 units");
    symbol_mask mask = 0;
    for (Eigen::Index i = 0; i < rates.size(); ++i)
        if (rates[i] > threshold)
            mask |= symbol_bit(static_cast<std::size_t>(i));
    return mask;
}

std::vector<std::uint64_t> stochastic_grammar::save() const {
    const auto g = rng_.state();
    std::vector<std::uint64_t> out(g.begin(), g.end());
    out.push_back(state_);
    return out;
}

void stochastic_grammar::restore(const std::vector<std::uint64_t>& saved) {
    if (saved.size() != 7) throw std::invalid_argument("a grammar's saved state has 7 numbers");
    std::array<std::uint64_t, 6> g{};
    std::copy(saved.begin(), saved.begin() + 6, g.begin());
    rng_.set_state(g);
    state_ = check_state(static_cast<std::size_t>(saved[6]));
}

} // namespace cortexsim

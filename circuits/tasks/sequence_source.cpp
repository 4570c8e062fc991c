#include "circuits/tasks/sequence_source.hpp"

#include <type_traits>

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

std::vector<std::uint64_t> sequence_source::save() const {
    return std::visit([](const auto& s) { return s.save(); }, s_);
}

void sequence_source::restore(const std::vector<std::uint64_t>& saved) {
    std::visit([&](auto& s) { s.restore(saved); }, s_);
}

} // namespace cortexsim

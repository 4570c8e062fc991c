#pragma once
#include <string>

#include "circuits/network.hpp"

namespace cortexsim {

/// Human-readable overview: populations (model, size, compartments, state variables),
/// projections (source -> target compartment, connectivity, synapse count), stimuli, records,
/// state size and the solver `auto` resolves to.
std::string describe(const network& net);

} // namespace cortexsim

#pragma once
#include <string>

namespace cortexsim::config {
/// "3.3.0": the TOML++ version the loader was built against, for provenance.
std::string tomlplusplus_version();
} // namespace cortexsim::config

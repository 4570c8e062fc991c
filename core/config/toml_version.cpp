#include "core/config/toml_version.hpp"

#include <toml++/toml.h>

namespace cortexsim::config {
std::string tomlplusplus_version() {
    return std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) + "." +
           std::to_string(TOML_LIB_PATCH);
}
} // namespace cortexsim::config

#pragma once
// Reading a whole file into a string, for tests that compare run-folder files byte for byte.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cortexsim::testing {

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace cortexsim::testing

// libFuzzer target: the NumPy .npy reader (a features file and a labels file). The input holds
// both files (fuzz_support.hpp, split_input). Its documented failure is a std::runtime_error
// naming the file.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "circuits/tasks/dataset.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cortexsim;
    const fuzz::two_parts parts = fuzz::split_input(data, size);
    const std::string features = fuzz::write_scratch("features.npy", parts.first, parts.first_size);
    const std::string labels = fuzz::write_scratch("labels.npy", parts.second, parts.second_size);
    try {
        read_npy_dataset(features, labels);
    } catch (const std::runtime_error&) {
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

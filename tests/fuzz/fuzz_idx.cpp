// libFuzzer target: the IDX reader (an image file and a label file, each gzip-compressed or
// plain). The input holds both files (fuzz_support.hpp, split_input). Its documented failure
// is a std::runtime_error naming the file.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "circuits/tasks/dataset.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cortexsim;
    const fuzz::two_parts parts = fuzz::split_input(data, size);
    const std::string images = fuzz::write_scratch("images.idx", parts.first, parts.first_size);
    const std::string labels = fuzz::write_scratch("labels.idx", parts.second, parts.second_size);
    try {
        read_idx_pair(images, labels);
    } catch (const std::runtime_error&) {
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

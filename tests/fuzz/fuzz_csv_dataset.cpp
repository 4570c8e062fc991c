// libFuzzer target: the CSV data set reader (`[task] dataset = "*.csv"`, gzip or plain). Its
// documented failure is a std::runtime_error "<path>:<line>: ...".

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "circuits/tasks/dataset.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cortexsim;
    const std::string path = fuzz::write_scratch("data.csv", data, size);
    try {
        read_csv_dataset(path);
    } catch (const std::runtime_error&) {
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

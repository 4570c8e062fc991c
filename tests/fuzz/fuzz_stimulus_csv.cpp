// libFuzzer target: the CSV reader of `kind = "file"` stimuli. The input is the CSV file; a
// fixed model names it, so the reader runs exactly as the loader calls it. The only acceptable
// failure is a model_error naming the CSV file and line (or the model's `file` key).

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cortexsim;
    static const std::string model = "[simulation]\nduration_ms = 10\n"
                                     "[[population]]\nname = \"in\"\nmodel = \"input\"\nsize = 2\n"
                                     "[[stimulus]]\ntarget = \"in\"\nkind = \"file\"\n"
                                     "file = \"stimulus.csv\"\nstep_ms = 1\n";
    fuzz::write_scratch("stimulus.csv", data, size);
    try {
        config::parse_model(model, "fuzz.toml", fuzz::scratch_dir().string());
    } catch (const model_error&) {
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

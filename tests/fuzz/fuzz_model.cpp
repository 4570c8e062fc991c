// libFuzzer target: a model file through everything `cortexsim validate` does (parse with the
// registered template kinds, expand the templates, lower, build the network, make the task,
// resolve the defaults), never a simulation. The only acceptable failure is a model_error
// (file:line:col: key: message); any other exception, a crash, a hang or a sanitizer report
// is a finding.
//
// A classification task is dropped before the session is built: it reads its data set (70,000
// images for Fashion-MNIST) on every input, which would make each execution take seconds;
// the data set readers have targets of their own (fuzz_idx, fuzz_csv_dataset, fuzz_npy).

#include <cstddef>
#include <cstdint>
#include <string>

#include "circuits/experiments/session.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cortexsim;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        // Relative stimulus files resolve inside the (empty) scratch directory, so mutated
        // paths find nothing rather than whatever lies in the fuzzer's working directory.
        model_desc desc = config::parse_model(text, "fuzz.toml", fuzz::scratch_dir().string(),
                                              default_templates().names());
        if (desc.task.kind.value == "classification")
            desc.task = section_desc{};
        const run_session session(std::move(desc));
    } catch (const model_error&) {
        // The documented outcome for a bad model.
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

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
#include <cstdlib>
#include <string>

#include "circuits/experiments/session.hpp"
#include "circuits/lowered_model.hpp"
#include "core/config/toml_loader.hpp"
#include "core/errors.hpp"
#include "cortex_models/template_registry.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

/// A fixed_probability projection draws once per (target, source) pair, as NEST's
/// pairwise_bernoulli does: O(n_target x n_source) time however sparse it is. A valid model
/// needing more than 10^7 draws is skipped, as too slow to fuzz, not as a finding.
bool too_slow_to_build(const cortexsim::model_desc& desc) {
    using namespace cortexsim;
    model_desc expanded = desc;
    expand_templates(expanded);
    const lowered_model lowered = lower(expanded);
    double draws = 0.0;
    for (const lowered_projection& p : lowered.projections)
        if (p.connectivity == connectivity_kind::fixed_probability)
            draws += static_cast<double>(lowered.populations[p.source].size) *
                     static_cast<double>(lowered.populations[p.target].size);
    return draws > 1e7;
}

} // namespace

// Lowering refuses a model that needs more memory than is available (circuits/
// lower_memory.cpp). Here that is 64 MB, not the machine's memory: libFuzzer's -rss_limit_mb
// would report a large but valid network as out-of-memory, and building one would be slower
// than -timeout allows. A larger model is still lowered, and must fail with a model_error.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setenv("CORTEXSIM_MEMORY_LIMIT_MB", "64", 1);
    return 0;
}

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
        if (too_slow_to_build(desc))
            return 0;
        const run_session session(std::move(desc));
    } catch (const model_error&) {
        // The documented outcome for a bad model.
    } catch (const std::exception& e) {
        fuzz::unexpected_exception(e);
    }
    return 0;
}

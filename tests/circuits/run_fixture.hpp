#pragma once
// A model file's text run through the library's run session, as `cortexsim run` runs it, into a
// fresh folder under the system's temporary directory (CSV tables and traces, no progress):
// the harness of the tests that check a task's outcome.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "circuits/experiments/session.hpp"
#include "core/config/toml_loader.hpp"
#include "cortex_models/template_registry.hpp"

namespace cortexsim::testing {

/// Runs `toml` (as "model.toml", with `--set` overrides `sets`) in temp/<folder>, emptied first.
/// The folder is left for the caller to read; remove it with remove_all(run_folder(folder)).
inline std::filesystem::path run_folder(const std::string& folder) {
    return std::filesystem::temp_directory_path() / folder;
}

inline run_result run_in_temp(const std::string& toml, const std::string& folder,
                              const std::vector<config::override_setting>& sets = {}) {
    const std::filesystem::path out = run_folder(folder);
    std::filesystem::remove_all(out);
    run_options o;
    o.out_dir = out.string();
    o.show_progress = false;
    o.format = report_format::csv;
    std::ostringstream log;
    return run_model(config::parse_model(toml, "model.toml", "", default_templates().names(), sets), o, log);
}

} // namespace cortexsim::testing

#pragma once
/// `cortexsim inspect RUN_DIR`: what a run folder holds, without plotting: the files, the
/// model's name, seed and solver (model.resolved.toml, run_summary.txt), every group of
/// report.h5 (core/recording/report_description.hpp), and the columns and rows of every CSV file.

#include <string>

namespace cortexsim {

/// Throws std::runtime_error when `run_dir` does not exist, is not a folder, or holds none of
/// the files `cortexsim run` writes first (model.resolved.toml, run_summary.txt, report.h5).
void check_run_folder(const std::string& run_dir);

/// The description printed by `inspect`; check_run_folder() first.
std::string inspect_run(const std::string& run_dir);

} // namespace cortexsim

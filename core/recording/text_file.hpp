#pragma once
/// Writing a small text file of the run folder (model.resolved.toml, run_summary.txt) so
/// that every failure is seen: open, every write and close are checked, and a failure throws
/// output_error naming the file (a full disk often shows only when the file is closed).

#include <string>

namespace cortexsim {

/// Writes `text` to `path` (replacing it) through `<path>.part` and a rename: the file is
/// whole or absent. `durable`: also fsync the file before the rename and the folder after
/// it, so the new file survives a power cut (checkpoints). Throws output_error.
void write_text_file(const std::string& path, const std::string& text, bool durable = false);

} // namespace cortexsim

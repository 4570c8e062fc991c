#pragma once
/// `cortexsim plot RUN_DIR [--out DIR]`: runs tools/plot_run.py with Debian's Python, which
/// writes PNG and SVG figures of the run (default into RUN_DIR/plots) and prints their paths.
///
/// The interpreter is /usr/bin/python3 (it has python3-matplotlib, -numpy and -h5py; a
/// `python3` earlier in PATH may not), or $CORTEXSIM_PYTHON. The script is
/// $CORTEXSIM_PLOT_SCRIPT when that is set; otherwise the copy next to the cortexsim
/// executable (the build puts it there), else the one in the source tree the program was built
/// from.

#include <string>
#include <vector>

namespace cortexsim {

/// Where plot looks for tools/plot_run.py, in order (see above). `argv0` locates the
/// executable when /proc/self/exe cannot be read.
std::vector<std::string> plot_script_candidates(const char* argv0);

/// Runs the script on `run_dir` and waits for it; its output goes to this process's stdout
/// and stderr. Returns 0. Throws std::runtime_error when `run_dir` is not a run folder, the
/// interpreter or the script cannot be found, or the script fails (its own message, such as a
/// missing matplotlib, is on stderr by then).
/// `options` are passed on to the script after `--out DIR` (--record, --neurons, --window,
/// --trials and their values).
int plot_run(const std::string& run_dir, const std::string& out_dir, const char* argv0,
             const std::vector<std::string>& options = {});

} // namespace cortexsim

#pragma once
/// Input files (a stimulus CSV, a data set) must be regular files: opening a FIFO blocks until
/// some other process writes to it (the run hung, issue 15) and a device never ends. Readers
/// ask before they open and refuse the rest with a located error.

#include <string>

namespace cortexsim {

/// "" if `path` is a regular file or does not exist (opening it then reports that);
/// otherwise what it is instead: "is a FIFO (named pipe)", "is a character device", ...
/// Asks stat(2), which never blocks.
std::string not_a_regular_file(const std::string& path);

} // namespace cortexsim

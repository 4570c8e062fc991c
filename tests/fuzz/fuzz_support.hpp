#pragma once
// Shared by the libFuzzer targets: the readers under test take file paths, so each input is
// written to a scratch file first, and targets that read two files split one input in two.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

namespace cortexsim::fuzz {

/// One scratch directory per process (libFuzzer's -fork/-jobs workers are processes), created
/// on first use and removed at exit.
inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        std::string tmpl = (std::filesystem::temp_directory_path() / "cortexsim_fuzz_XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) {
            std::perror("cortexsim fuzz: mkdtemp");
            std::abort();
        }
        return std::filesystem::path(tmpl);
    }();
    static const struct remover {
        ~remover() {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } remove_at_exit;
    return dir;
}

/// Writes `size` bytes to `name` in the scratch directory (replacing it) and returns its path.
inline std::string write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
    const std::filesystem::path path = scratch_dir() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) {
        std::perror("cortexsim fuzz: writing the scratch file");
        std::abort();
    }
    return path.string();
}

/// Splits an input for a target that reads two files: the first two bytes (little-endian) are
/// the length of the first part, clamped to what is there; the rest is the second part. A
/// length prefix (rather than a separator) lets either part hold any byte.
struct two_parts {
    const std::uint8_t* first = nullptr;
    std::size_t first_size = 0;
    const std::uint8_t* second = nullptr;
    std::size_t second_size = 0;
};
inline two_parts split_input(const std::uint8_t* data, std::size_t size) {
    two_parts p;
    if (size < 2)
        return p;
    const std::size_t want = std::size_t{data[0]} | (std::size_t{data[1]} << 8);
    const std::size_t first = want < size - 2 ? want : size - 2;
    p.first = data + 2;
    p.first_size = first;
    p.second = data + 2 + first;
    p.second_size = size - 2 - first;
    return p;
}

/// A reader's documented failure is one exception type; anything else escaping it (an
/// std::out_of_range from a container, std::length_error, a logic_error) is a bug the fuzzer
/// must report, so it aborts with the message.
[[noreturn]] inline void unexpected_exception(const std::exception& e) {
    std::fprintf(stderr, "cortexsim fuzz: unexpected exception (%s): %s\n", typeid(e).name(), e.what());
    std::abort();
}

} // namespace cortexsim::fuzz

#pragma once
// A small tmpfs for the disk-full and read-only tests. Mounting needs root (CAP_SYS_ADMIN);
// where it fails the tests report themselves skipped (tests/skip.hpp), never passed.
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace cortexsim::testing {

class tmpfs_mount {
public:
    /// Mounts a tmpfs of `size_kib` KiB at `dir` (created); ok() says whether it worked.
    tmpfs_mount(const std::filesystem::path& dir, std::size_t size_kib) : dir_(dir) {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + std::to_string(size_kib) + "k";
        mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~tmpfs_mount() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    tmpfs_mount(const tmpfs_mount&) = delete;
    tmpfs_mount& operator=(const tmpfs_mount&) = delete;

    bool ok() const { return mounted_; }
    const std::string& error() const { return error_; }
    /// Remounts read-only.
    bool make_read_only() {
        return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
    }

private:
    std::filesystem::path dir_;
    bool mounted_ = false;
    std::string error_;
};

} // namespace cortexsim::testing

#pragma once
/// Disk space held back for closing the report after a disk-full error. HDF5 needs a few
/// KiB to write its metadata when a file is closed; on a full disk that final flush failed
/// half-way and left a report.h5 that no longer opened (issue 15). A run therefore holds a
/// small file of real bytes in the run folder while it writes, and deletes it on the error
/// path before closing the report, so the close finds the space it needs. On a normal end it
/// is deleted too; only a killed run leaves it behind.

#include <cstddef>
#include <string>

namespace cortexsim {

class disk_reserve {
public:
    /// Holds nothing.
    disk_reserve() noexcept = default;
    /// Creates `path` with `bytes` bytes written (not a sparse file, which would reserve
    /// nothing). Throws output_error if the disk cannot hold them.
    disk_reserve(std::string path, std::size_t bytes);
    ~disk_reserve() { release(); }
    disk_reserve(const disk_reserve&) = delete;
    disk_reserve& operator=(const disk_reserve&) = delete;
    disk_reserve(disk_reserve&& o) noexcept;
    disk_reserve& operator=(disk_reserve&& o) noexcept;

    /// Deletes the file, returning its space to the file system; later calls do nothing.
    void release() noexcept;
    bool held() const noexcept { return !path_.empty(); }

    /// The reserve's file name in a run folder (docs/output_files.md).
    static constexpr const char* file_name = ".cortexsim_disk_reserve";
    /// Enough for HDF5's closing metadata flush of a report of a few hundred data sets.
    static constexpr std::size_t default_bytes = std::size_t{64} << 10;

private:
    std::string path_;
};

} // namespace cortexsim

#include "core/recording/disk_reserve.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace cortexsim {

disk_reserve::disk_reserve(std::string path, std::size_t bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw output_error(path, std::strerror(errno));
    path_ = std::move(path);  // from here on the destructor removes it
    const std::vector<char> zeros(std::min<std::size_t>(bytes, 1 << 16), 0);
    std::size_t done = 0;
    int error = 0;
    while (done < bytes && error == 0) {
        const ssize_t n = ::write(fd, zeros.data(), std::min(zeros.size(), bytes - done));
        if (n > 0) done += static_cast<std::size_t>(n);
        else if (n < 0 && errno == EINTR) continue;
        else error = n < 0 ? errno : ENOSPC;
    }
    if (error == 0 && ::close(fd) != 0) error = errno;
    else if (error != 0) ::close(fd);
    if (error != 0) {
        const std::string where = path_;
        release();
        throw output_error(where, std::string("cannot hold back ") + std::to_string(bytes / 1024) +
                                      " KiB for closing the report: " + std::strerror(error));
    }
}

disk_reserve::disk_reserve(disk_reserve&& o) noexcept : path_(std::exchange(o.path_, {})) {}

disk_reserve& disk_reserve::operator=(disk_reserve&& o) noexcept {
    if (this != &o) {
        release();
        path_ = std::exchange(o.path_, {});
    }
    return *this;
}

void disk_reserve::release() noexcept {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    path_.clear();
}

} // namespace cortexsim

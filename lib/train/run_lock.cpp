#include "train/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "common/subprocess.h"

namespace mixrun {

Result<std::optional<RunLock>> RunLock::TryAcquire(const std::string& run_dir,
                                                   std::string* holder) {
  std::error_code error;
  std::filesystem::create_directories(run_dir, error);
  if (error) return Status::Failed(run_dir + ": cannot create: " + error.message());
  const std::string path = (std::filesystem::path(run_dir) / "lock").string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Failed(path + ": cannot open: " + std::strerror(errno));
  // flock, not fcntl locks: it belongs to the open file, so a forked and exec'ed trainer that
  // inherits the descriptor keeps holding it after mixrun is gone.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int lock_errno = errno;
    if (holder) {
      char text[300] = {};
      const ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
      *holder = got > 0 ? std::string(text, static_cast<size_t>(got)) : "another process";
      while (!holder->empty() && holder->back() == '\n') holder->pop_back();
    }
    ::close(fd);
    if (lock_errno == EWOULDBLOCK) return std::optional<RunLock>();
    return Status::Failed(path + ": cannot lock: " + std::strerror(lock_errno));
  }
  const std::string who = "pid " + std::to_string(::getpid()) + " on host " + HostName() + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t written = ::pwrite(fd, who.data(), who.size(), 0);
  }
  return std::optional<RunLock>(RunLock(fd));
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace mixrun

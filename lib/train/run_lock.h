// RunLock: an exclusive lock on one run (flock on <run dir>/lock), taken before the run is claimed
// and held while it trains — by mixrun, and by a command trainer that inherits it — so a run whose
// earlier trainer may still be alive (an orphan of a killed mixrun) is never started a second time.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace mixrun {

class RunLock {
 public:
  // The lock, or nullopt when a live process holds it (`holder`, when given, then says which
  // process took it: "pid 123 on host node7"). Failed when the directory cannot be created.
  static Result<std::optional<RunLock>> TryAcquire(const std::string& run_dir,
                                                   std::string* holder = nullptr);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();  // releases this process's hold (a trainer that inherited it still holds it)

  // The locked descriptor (close-on-exec), for a trainer to inherit.
  int fd() const { return fd_; }

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mixrun

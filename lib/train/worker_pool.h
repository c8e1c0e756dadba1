// WorkerPool: a sweep carried out by up to N worker processes, each `mixrun train --max-runs 1`.
// Processes, not threads: BLAS threading is process-wide, and a crashing run (std::bad_alloc in
// a library, the kernel's out-of-memory killer) takes only its own worker, not the sweep.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/subprocess.h"
#include "train/worker_protocol.h"

namespace mixrun {

struct WorkerPoolOptions {
  // argv of one worker (WorkerArgv): it trains at most one run and writes its events on stdout,
  // its summary last (train/worker_protocol.h); the pool stops spawning once a worker finds
  // nothing left to do.
  std::vector<std::string> worker_argv;
  int jobs = 2;
  int max_runs = 0;                         // 0: no limit
  const std::atomic<bool>* stop = nullptr;  // set: workers get SIGTERM (they checkpoint and stop)
  std::function<void()> tick;               // called about twice a second while workers run
  // Each event of worker `slot` (0 ≤ slot < jobs: a worker takes the place of one that ended)
  // as it arrives, the summary included; and the end of the worker in `slot`.
  std::function<void(int slot, const WorkerEvent& event)> event;
  std::function<void(int slot)> exited;
  // Called when a worker dies without a summary (its run is still marked running by a process
  // that is gone): the pool's owner decides about the run; a returned failure is counted.
  std::function<std::optional<std::string>(const ExitStatus&)> crashed;
};

struct WorkerPoolResult {
  int trained = 0;
  int failed = 0;
  int interrupted = 0;
  int crashed_workers = 0;  // workers that died without a summary
  std::vector<std::string> failures;
};

// Workers die with the pool (PR_SET_PDEATHSIG): a killed `mixrun train --jobs N` leaves no
// orphan training on, and its runs are reclaimed by the next sweep. A worker that exits with an
// error before it has started a run (a config or store it cannot read any more) stops the pool:
// Failed, and the workers in flight finish their runs.
Result<WorkerPoolResult> RunWorkerPool(const WorkerPoolOptions& options);

}  // namespace mixrun

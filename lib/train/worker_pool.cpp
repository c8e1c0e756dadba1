#include "train/worker_pool.h"

#include <chrono>
#include <csignal>
#include <list>
#include <thread>

#include "common/subprocess.h"
#include "train/worker_protocol.h"

namespace mixrun {

Result<WorkerPoolResult> RunWorkerPool(const WorkerPoolOptions& options) {
  WorkerPoolResult result;
  SubprocessOptions spawn;  // the summary on stdout; logs go on to mixrun's stderr
  spawn.stderr_to = OutputTo::kInherit;
  // SIGTERM, not SIGKILL: an orphaned worker checkpoints and returns its run to pending.
  spawn.death_signal = SIGTERM;
  std::list<Subprocess> running;
  int started = 0;
  bool work_left = true;
  bool signalled = false;
  auto last_tick = std::chrono::steady_clock::now();
  while (true) {
    bool stopping = options.stop && options.stop->load();
    if (stopping && !signalled) {
      for (Subprocess& worker : running) worker.Signal(SIGTERM);
      signalled = true;
    }
    while (!stopping && work_left && static_cast<int>(running.size()) < options.jobs &&
           (options.max_runs == 0 || started < options.max_runs)) {
      MIXRUN_ASSIGN_OR_RETURN(Subprocess worker, Subprocess::Start(options.worker_argv, spawn));
      running.push_back(std::move(worker));
      ++started;
    }
    if (running.empty()) break;
    bool finished_one = false;
    for (auto worker = running.begin(); worker != running.end();) {
      if (!worker->Poll()) {
        ++worker;
        continue;
      }
      finished_one = true;
      const std::optional<SweepSummary> summary = ParseWorkerSummary(worker->out());
      const ExitStatus status = *worker->Poll();
      worker = running.erase(worker);
      if (!summary) {
        // Killed or crashed: its run is left running by a process that is gone.
        ++result.crashed_workers;
        work_left = true;
        if (options.crashed) {
          if (std::optional<std::string> failure = options.crashed(status)) {
            ++result.failed;
            result.failures.push_back(*failure);
          }
        }
        continue;
      }
      const int trained = summary->trained, failed = summary->failed;
      const int interrupted = summary->interrupted;
      result.trained += trained;
      result.failed += failed;
      result.interrupted += interrupted;
      result.failures.insert(result.failures.end(), summary->failures.begin(),
                             summary->failures.end());
      if (trained + failed + interrupted == 0) work_left = false;
    }
    if (finished_one) continue;  // start the next worker at once
    auto now = std::chrono::steady_clock::now();
    if (options.tick && now - last_tick > std::chrono::milliseconds(500)) {
      options.tick();
      last_tick = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return result;
}

}  // namespace mixrun

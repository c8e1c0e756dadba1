#include "train/worker_pool.h"

#include <chrono>
#include <csignal>
#include <list>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/subprocess.h"

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
      nlohmann::json summary = nlohmann::json::parse(worker->out(), nullptr, false);
      worker = running.erase(worker);
      if (summary.is_discarded() || !summary.is_object()) {
        // Killed or crashed: its run is left running with a dead owner, which the next worker
        // reclaims (a run that keeps crashing is failed after a few attempts).
        ++result.crashed_workers;
        work_left = true;
        continue;
      }
      int trained = summary.value("trained", 0), failed = summary.value("failed", 0);
      int interrupted = summary.value("interrupted", 0);
      result.trained += trained;
      result.failed += failed;
      result.interrupted += interrupted;
      for (const auto& failure : summary.value("failures", nlohmann::json::array())) {
        result.failures.push_back(failure.get<std::string>());
      }
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

#include "train/worker_pool.h"

#include <chrono>
#include <csignal>
#include <list>
#include <thread>

#include "common/subprocess.h"

namespace mixrun {
namespace {

// A worker process, the place it holds in the display, and what it has said so far.
struct Worker {
  Subprocess process;
  int slot = 0;
  size_t read = 0;  // bytes of its stdout already handled
  std::optional<SweepSummary> summary;
  bool started_a_run = false;
};

// Handles the complete lines the worker has written since the last call.
void HandleLines(Worker& worker, const WorkerPoolOptions& options) {
  const std::string& out = worker.process.out();
  size_t end;
  while ((end = out.find('\n', worker.read)) != std::string::npos) {
    std::optional<WorkerEvent> event = ParseWorkerEvent(out.substr(worker.read, end - worker.read));
    worker.read = end + 1;
    if (!event) continue;
    if (event->kind == WorkerEvent::Kind::kSummary) worker.summary = event->summary;
    if (event->kind == WorkerEvent::Kind::kStarted) worker.started_a_run = true;
    if (options.event) options.event(worker.slot, *event);
  }
}

int FreeSlot(const std::list<Worker>& running, int jobs) {
  for (int slot = 0; slot < jobs; ++slot) {
    bool taken = false;
    for (const Worker& worker : running) taken = taken || worker.slot == slot;
    if (!taken) return slot;
  }
  return 0;  // unreachable: fewer than jobs workers run
}

}  // namespace

Result<WorkerPoolResult> RunWorkerPool(const WorkerPoolOptions& options) {
  WorkerPoolResult result;
  SubprocessOptions spawn;  // events on stdout; what is not a log line (a crash) on our stderr
  spawn.stderr_to = OutputTo::kInherit;
  // SIGTERM, not SIGKILL: an orphaned worker checkpoints and returns its run to pending.
  spawn.death_signal = SIGTERM;
  std::list<Worker> running;
  int started = 0;
  bool work_left = true;
  bool signalled = false;
  std::optional<Status> broken;  // a worker that could not start any run: why
  auto last_tick = std::chrono::steady_clock::now();
  while (true) {
    bool stopping = options.stop && options.stop->load();
    if (stopping && !signalled) {
      for (Worker& worker : running) worker.process.Signal(SIGTERM);
      signalled = true;
    }
    while (!stopping && !broken && work_left && static_cast<int>(running.size()) < options.jobs &&
           (options.max_runs == 0 || started < options.max_runs)) {
      MIXRUN_ASSIGN_OR_RETURN(Subprocess process, Subprocess::Start(options.worker_argv, spawn));
      const int slot = FreeSlot(running, options.jobs);
      running.push_back(Worker{std::move(process), slot, 0, std::nullopt, false});
      ++started;
    }
    if (running.empty()) break;
    bool finished_one = false;
    for (auto worker = running.begin(); worker != running.end();) {
      const std::optional<ExitStatus> status = worker->process.Poll();
      HandleLines(*worker, options);
      if (!status) {
        ++worker;
        continue;
      }
      finished_one = true;
      if (options.exited) options.exited(worker->slot);
      const std::optional<SweepSummary> summary = worker->summary;
      const bool started_a_run = worker->started_a_run;
      worker = running.erase(worker);
      if (!summary) {
        if (!started_a_run && status->signal == 0 && status->code != 0) {
          // Its message is on stderr already; starting more would only repeat it.
          broken = Status::Failed("a worker process " + status->Describe() +
                                  " before it started a run (its message is above)");
          continue;
        }
        // Killed or crashed: its run is left running by a process that is gone.
        ++result.crashed_workers;
        work_left = true;
        if (options.crashed) {
          if (std::optional<std::string> failure = options.crashed(*status)) {
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
  if (broken) return *broken;
  return result;
}

}  // namespace mixrun

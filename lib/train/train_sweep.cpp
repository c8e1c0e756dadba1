#include "train/train_sweep.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>

#include "common/subprocess.h"
#include "train/progress_display.h"
#include "train/sweep_display.h"
#include "train/worker_pool.h"
#include "train/worker_protocol.h"

namespace mixrun {
namespace {

struct Shard {
  int index = 0;
  int count = 1;
};

Result<Shard> ParseShard(const std::string& text) {
  Shard shard;
  if (text.empty()) return shard;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d/%d%n", &shard.index, &shard.count, &consumed) != 2 ||
      consumed != static_cast<int>(text.size()) || shard.count < 1 || shard.index < 0 ||
      shard.index >= shard.count) {
    return Status::InvalidInput("--shard '" + text + "': expected I/N with 0 <= I < N");
  }
  return shard;
}

// Why a worker died, in a user's words.
std::string DescribeDeath(const ExitStatus& status) {
  if (status.signal == SIGKILL) {
    return "was killed by signal 9 (SIGKILL: the kernel's out-of-memory killer?)";
  }
  if (status.signal == SIGABRT) return "aborted (signal 6: out of memory, or a failed check)";
  return status.Describe();
}

// A worker died without a summary: its run (running, on this host, owner gone) goes back to
// pending for another attempt, or is failed once its attempts are used up.
std::optional<std::string> SettleCrashedRun(Store& store, const std::string& experiment,
                                            const std::set<std::string>& keys,
                                            const ExitStatus& status) {
  auto running = store.ListRuns({experiment, RunStatus::kRunning});
  if (!running.ok()) return std::nullopt;
  const std::string host = HostName();
  for (const RunRow& run : *running) {
    if (!keys.count(run.spec.run_key) || run.host != host) continue;
    if (ProcessIsAlive(run.pid)) continue;
    const std::string death = "process died: it " + DescribeDeath(status) + " (attempt " +
                              std::to_string(run.attempts) + " of " +
                              std::to_string(kMaxRunAttempts) + ")";
    const std::string label = run.spec.label + " (run " + std::to_string(run.id) + ")";
    if (run.attempts >= kMaxRunAttempts) {
      if (!store.FinishRun(run.id, false, death, 0).ok()) return std::nullopt;
      spdlog::error("{} failed: {}", label, death);
      return label + ": " + death;
    }
    spdlog::warn("{}: its {}; it will be tried again", label, death);
    if (!store.ReleaseRun(run.id, RunRelease::kAbandoned).ok()) return std::nullopt;
  }
  return std::nullopt;
}

// The sweep carried out by worker processes (WorkerArgv), each claiming one run in the store,
// so that a run that crashes its process (bad_alloc, the out-of-memory killer) takes only that
// process. With one job the worker draws its run's progress; with more, this process draws the
// sweep's, and adds up the workers' summaries.
Result<SweepSummary> RunWithWorkers(const Experiment& experiment, Store& store,
                                    const std::string& store_path, const TrainSweepRequest& request,
                                    Shard shard, const std::atomic<bool>* stop) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<PlannedRun> planned, RegisterSweep(experiment, store));
  // The workers are several writers; the pool as a whole is the sole one, so release here.
  if (request.sole_writer) MIXRUN_RETURN_IF_ERROR(ReleaseStaleRuns(experiment, store));
  std::set<std::string> keys;
  for (size_t i = 0; i < planned.size(); ++i) {
    if (InShard(i, shard.index, shard.count)) keys.insert(planned[i].spec.run_key);
  }
  if (request.retry_failed) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> failed,
                            store.ListRuns({experiment.name, RunStatus::kFailed}));
    for (const RunRow& run : failed) {
      if (keys.count(run.spec.run_key)) MIXRUN_RETURN_IF_ERROR(store.RetryFailedRun(run.id));
    }
  }
  WorkerPoolOptions pool;
  pool.worker_argv =
      WorkerArgv(std::filesystem::read_symlink("/proc/self/exe").string(), request,
                 std::filesystem::absolute(store_path).string(), spdlog::get_level());
  pool.jobs = request.jobs;
  pool.max_runs = request.max_runs;
  pool.stop = stop;
  SweepDisplay display(store, experiment.name, keys, request.jobs, isatty(STDERR_FILENO));
  pool.tick = [&] { display.Tick(); };
  pool.event = [&](int slot, const WorkerEvent& event) { display.Handle(slot, event); };
  pool.exited = [&](int slot) { display.WorkerExited(slot); };
  pool.crashed = [&](const ExitStatus& status) {
    display.Clear();
    return SettleCrashedRun(store, experiment.name, keys, status);
  };
  Result<WorkerPoolResult> pooled = RunWorkerPool(pool);
  display.Clear();
  MIXRUN_ASSIGN_OR_RETURN(WorkerPoolResult result, std::move(pooled));
  SweepSummary summary;
  summary.planned = static_cast<int>(keys.size());
  summary.trained = result.trained;
  summary.failed = result.failed;
  summary.interrupted = result.interrupted;
  summary.failures = result.failures;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns({experiment.name, {}}));
  for (const RunRow& run : runs) {
    if (!keys.count(run.spec.run_key)) continue;
    if (run.spec.status == RunStatus::kDone) ++summary.already_done;
    if (run.spec.status == RunStatus::kFailed) ++summary.failed_before;
    // The workers are gone: a run still running belongs to another process (or an orphaned
    // trainer holds its lock).
    if (run.spec.status == RunStatus::kRunning) ++summary.busy;
  }
  summary.already_done -= summary.trained;
  summary.failed_before -= summary.failed;
  return summary;
}

}  // namespace

Status CheckTrainSweepRequest(const TrainSweepRequest& request) {
  return ParseShard(request.shard).status();
}

Result<SweepSummary> TrainSweep(const Experiment& experiment, Store& store,
                                const std::string& store_path, const TrainSweepRequest& request,
                                const std::atomic<bool>* stop) {
  MIXRUN_ASSIGN_OR_RETURN(Shard shard, ParseShard(request.shard));
  if (!request.in_process) {
    return RunWithWorkers(experiment, store, store_path, request, shard, stop);
  }
  SweepOptions sweep;
  sweep.max_runs = request.max_runs;
  sweep.retry_failed = request.retry_failed;
  sweep.shard_index = shard.index;
  sweep.shard_count = shard.count;
  sweep.stop = stop;
  sweep.sole_writer = request.sole_writer;
  if (!request.worker_events) {
    RunProgressLog display(stop);
    return RunSweep(experiment, store, sweep, display);
  }
  // A worker: everything it has to say goes to the parent as events on stdout, its log lines
  // too; a write to a parent that is gone must fail (EPIPE), not kill the worker mid-checkpoint.
  signal(SIGPIPE, SIG_IGN);
  WorkerEventWriter events(STDOUT_FILENO);
  const std::vector<spdlog::sink_ptr> own_sinks = spdlog::default_logger()->sinks();
  spdlog::default_logger()->sinks() = {events.LogSink()};
  Result<SweepSummary> summary = RunSweep(experiment, store, sweep, events);
  spdlog::default_logger()->sinks() = own_sinks;
  if (summary.ok()) events.Summary(experiment.name, store_path, *summary);
  return summary;
}

}  // namespace mixrun

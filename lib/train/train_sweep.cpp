#include "train/train_sweep.h"

#include <cstdio>
#include <filesystem>
#include <set>

#include "train/progress_display.h"
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

// jobs > 1: worker processes (WorkerArgv), each claiming runs in the store; this process draws
// the sweep's progress and adds up the workers' summaries.
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
  WorkerPoolOptions pool;
  pool.worker_argv = WorkerArgv(std::filesystem::read_symlink("/proc/self/exe").string(), request,
                                std::filesystem::absolute(store_path).string());
  pool.jobs = request.jobs;
  pool.max_runs = request.max_runs;
  pool.stop = stop;
  WorkerSweepProgress display(store, experiment.name, keys);
  pool.tick = [&] { display.Tick(); };
  MIXRUN_ASSIGN_OR_RETURN(WorkerPoolResult result, RunWorkerPool(pool));
  display.Clear();
  SweepSummary summary;
  summary.planned = static_cast<int>(keys.size());
  summary.trained = result.trained;
  summary.failed = result.failed;
  summary.interrupted = result.interrupted;
  summary.failures = result.failures;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunRow> runs, store.ListRuns({experiment.name, {}}));
  for (const RunRow& run : runs) {
    if (keys.count(run.spec.run_key) && run.spec.status == RunStatus::kDone) ++summary.already_done;
  }
  summary.already_done -= summary.trained;
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
  if (request.jobs > 1) {
    return RunWithWorkers(experiment, store, store_path, request, shard, stop);
  }
  RunProgressLog display(stop);
  SweepOptions sweep;
  sweep.max_runs = request.max_runs;
  sweep.retry_failed = request.retry_failed;
  sweep.shard_index = shard.index;
  sweep.shard_count = shard.count;
  sweep.stop = stop;
  sweep.sole_writer = request.sole_writer;
  return RunSweep(experiment, store, sweep, display);
}

}  // namespace mixrun

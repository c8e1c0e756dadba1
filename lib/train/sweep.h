// Sweep: carries out an experiment's runs with the built-in trainer, one after another, claiming
// each in the store so that concurrent sweeps never train the same run; safe to re-run.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"
#include "data/corpus.h"
#include "design/run_plan.h"
#include "store/store.h"
#include "train/train_run.h"

namespace mixrun {

struct SweepOptions {
  int max_runs = 0;                         // 0: no limit
  bool retry_failed = false;                // also run failed runs again
  int shard_index = 0;                      // take the runs whose index in the planned order is
  int shard_count = 1;                      // ≡ shard_index (mod shard_count)
  const std::atomic<bool>* stop = nullptr;  // set: the current run stops and is released
  // This process is the store's only writer (a Slurm task's shard store): runs left `running`
  // by any earlier process — even on another node — are interrupted ones, released first.
  bool sole_writer = false;
};

struct SweepSummary {
  int planned = 0;        // runs of the current config
  int trained = 0;        // finished by this sweep
  int failed = 0;         // failed in this sweep
  int failed_before = 0;  // failed by an earlier sweep, and not retried (no --retry-failed)
  int already_done = 0;
  int busy = 0;  // running in another live process (or on another host)
  int interrupted = 0;
  std::vector<std::string> failures;  // "label: reason"
};

// Hooks for progress display; every method has a do-nothing default.
class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  virtual void RunStarted(const RunRow& /*run*/, int /*index*/, int /*count*/) {}
  // Returning false interrupts the run; it is returned to pending and resumes next time.
  virtual bool Progress(const RunRow& /*run*/, const TrainProgress& /*progress*/) { return true; }
  virtual void RunFinished(const RunRow& /*run*/, const Result<RunOutcome>& /*outcome*/) {}
  // The run was claimable but is not started: `why`.
  virtual void RunBusy(const RunRow& /*run*/, const std::string& /*why*/) {}
};

// Attempts a run gets: a run whose process died this often (a crash or a kill by the kernel's
// out-of-memory killer; an interruption that returned it to pending does not count) is failed
// rather than retried for ever.
constexpr int kMaxRunAttempts = 3;

// A run left `running` by a process on this host (`host`) that is gone: interrupted — killed, or
// stopped without being released — so the next sweep resumes it from its checkpoint. A run
// running on another host cannot be checked from here and is not called interrupted.
bool IsInterruptedRun(const RunRow& run, const std::string& host);

// Registers the experiment's runs (as `mixrun plan` does), loads the corpora once, records their
// token counts, then trains every claimable run: pending, interrupted (running, but its owner on
// this host is gone) and, with retry_failed, failed. A failed run is recorded and the sweep goes
// on.
Result<SweepSummary> RunSweep(const Experiment& experiment, Store& store,
                              const SweepOptions& options, SweepObserver& observer);

// Loads the corpora, expands the config into runs and registers them with their token counts
// (Store::RegisterRuns, idempotent by run key), as `mixrun plan` does. Returns the runs in planned
// order, and with `corpora` the loaded corpora for training them.
Result<std::vector<PlannedRun>> RegisterSweep(const Experiment& experiment, Store& store,
                                              std::vector<Corpus>* corpora = nullptr);

// Returns every `running` run of the experiment to pending: for a process that knows it is the
// store's only writer, such runs were left by a process that is gone (perhaps on another node).
Status ReleaseStaleRuns(const Experiment& experiment, Store& store);

// Whether planned run `index` belongs to shard `shard_index` of `shard_count`.
inline bool InShard(size_t index, int shard_index, int shard_count) {
  return static_cast<int>(index % static_cast<size_t>(shard_count)) == shard_index;
}

// Where a run keeps its checkpoint: <store's folder>/runs/<experiment>/<first 16 of run key>.
std::string RunDirectory(const std::string& store_path, const std::string& experiment,
                         const std::string& run_key);

}  // namespace mixrun

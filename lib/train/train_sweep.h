// TrainSweep: `mixrun train` as one call — an experiment's runs carried out in this process, or
// with jobs > 1 by worker processes, with progress on stderr; returns the sweep's counts.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"
#include "store/store.h"
#include "train/sweep.h"

namespace mixrun {

// What `mixrun train` is asked to do (its flags are bound straight into this).
struct TrainSweepRequest {
  std::string config;  // the experiment config's path (worker processes read it again)
  // Files of mixtures trained beside the config's (--include: what suggest or recommend wrote).
  std::vector<std::string> include;
  int max_runs = 0;  // train at most this many runs; 0: no limit
  bool retry_failed = false;
  int jobs = 1;  // worker processes, each training one run at a time
  // Train here, not in worker processes: what a worker itself does (--in-process).
  bool in_process = false;
  // A worker's: report as events on stdout (train/worker_protocol.h), not on stderr.
  bool worker_events = false;
  std::string shard;  // "I/N": only the runs whose planned index is I mod N; empty: every run
  bool sole_writer = false;  // the store's only writer: runs left running by anyone resume
};

// The checks that need no config (the form of `shard`); errors name the flag.
Status CheckTrainSweepRequest(const TrainSweepRequest& request);

// Registers the experiment's runs in `store` (opened at `store_path`), then trains every claimable
// one by `jobs` worker processes (train/worker_protocol.h), each claiming one run at a time, or
// in this process with in_process (with worker_events, reporting as a worker does, its summary
// included). `stop` set (a signal) interrupts: the runs in flight
// checkpoint and return to pending. A run that fails is logged and counted, and the sweep goes
// on; so does it when a run's process dies (a crash, the out-of-memory killer): the run is tried
// again, and failed after kMaxRunAttempts attempts with the reason.
Result<SweepSummary> TrainSweep(const Experiment& experiment, Store& store,
                                const std::string& store_path, const TrainSweepRequest& request,
                                const std::atomic<bool>* stop);

}  // namespace mixrun

// mixrun train: carry out an experiment's runs (lib/train/train_sweep.h does the work: in this
// process, or with --jobs N in worker processes); Ctrl-C stops it (exit 130), and the summary is
// printed; runs left failed make it exit 1.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

#include "commands.h"
#include "common/system_memory.h"
#include "config/config.h"
#include "design/run_cost.h"
#include "train/progress_display.h"
#include "train/worker_protocol.h"

namespace mixrun {
namespace {

// More threads than cores is allowed (the user may know better) but said: a built-in run's step
// is one OpenMP team, and a team whose thread waits for a core stalls at every barrier.
void WarnIfOversubscribed(const Experiment& experiment, int jobs) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const int threads = experiment.backend.threads;
  if (experiment.backend.kind != "builtin" || threads < 2 || cores < 1 || jobs * threads <= cores) {
    return;
  }
  spdlog::warn(
      "--jobs {} x backend.threads {} = {} threads on {} cores: a run's step waits at every "
      "barrier for a thread without a core (on 2 busy cores, 2 threads measured 1.7x slower than "
      "1); use --jobs {} with threads {}, or threads 1 with --jobs {}",
      jobs, threads, jobs * threads, cores, std::max(1, cores / threads), threads, cores);
}

}  // namespace

Status RunTrain(const GlobalOptions& global, const TrainSweepRequest& request) {
  MIXRUN_RETURN_IF_ERROR(CheckTrainSweepRequest(request));
  MIXRUN_ASSIGN_OR_RETURN(Experiment experiment, LoadExperiment(request.config, request.include));
  // Before the store is touched: a model whose runs (--jobs of them at once) cannot fit is
  // refused here, not found out by the out-of-memory killer. (TrainRun checks each run again;
  // a worker leaves it to TrainRun, so that a refusal fails its run instead of the worker.)
  if (!request.in_process) {
    MIXRUN_RETURN_IF_ERROR(CheckExperimentMemory(experiment, ReadAvailableMemory(), request.jobs));
  }
  if (!request.in_process) WarnIfOversubscribed(experiment, request.jobs);
  const std::string store_path = ChooseStorePath(global, experiment.store);
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(store_path));

  const std::atomic<bool>* stop = StopOnSignals();
  MIXRUN_ASSIGN_OR_RETURN(SweepSummary summary,
                          TrainSweep(experiment, *store, store_path, request, stop));
  // A worker has sent its summary to the sweep that started it, as its last event.
  if (request.worker_events) return Status::Ok();
  if (global.json) {
    std::cout << SweepSummaryJson(experiment.name, store_path, summary).dump(2) << '\n';
  } else {
    spdlog::info("{}", DescribeSweepSummary(experiment.name, summary));
  }
  // The runs that failed in this sweep were reported as they failed; those failed before are
  // counted here, so that a sweep never ends quietly with runs missing.
  if (summary.failed + summary.failed_before > 0 && !global.json) {
    spdlog::error(
        "{} runs of {} are failed: 'mixrun runs --experiment {} --status failed' shows why; "
        "'mixrun train {} --retry-failed' tries them again",
        summary.failed + summary.failed_before, experiment.name, experiment.name, request.config);
  }
  if (summary.interrupted > 0 || stop->load()) return Status::Interrupted("");
  if (summary.failed + summary.failed_before > 0) return Status::Failed("");
  return Status::Ok();
}

}  // namespace mixrun

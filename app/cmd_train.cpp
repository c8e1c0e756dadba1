// mixrun train: carry out an experiment's runs (lib/train/train_sweep.h does the work: in this
// process, or with --jobs N in worker processes); Ctrl-C stops it, and the summary is printed.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>

#include "commands.h"
#include "common/system_memory.h"
#include "config/config.h"
#include "design/run_cost.h"
#include "train/worker_protocol.h"

namespace mixrun {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void RequestStop(int) { stop_requested = true; }

}  // namespace

Status RunTrain(const GlobalOptions& global, const TrainSweepRequest& request) {
  MIXRUN_RETURN_IF_ERROR(CheckTrainSweepRequest(request));
  MIXRUN_ASSIGN_OR_RETURN(Experiment experiment, LoadExperiment(request.config));
  // Before the store is touched: a model whose runs (--jobs of them at once) cannot fit is
  // refused here, not found out by the out-of-memory killer. (TrainRun checks each run again;
  // a worker leaves it to TrainRun, so that a refusal fails its run instead of the worker.)
  if (!request.in_process) {
    MIXRUN_RETURN_IF_ERROR(CheckExperimentMemory(experiment, ReadAvailableMemory(), request.jobs));
  }
  const std::string store_path = ChooseStorePath(global, experiment.store);
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(store_path));

  struct sigaction action = {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  MIXRUN_ASSIGN_OR_RETURN(SweepSummary summary,
                          TrainSweep(experiment, *store, store_path, request, &stop_requested));
  if (global.json) {
    // Also the worker protocol: a worker's summary for the sweep that started it.
    std::cout << SweepSummaryJson(experiment.name, store_path, summary).dump(2) << '\n';
  } else {
    spdlog::info("{}: {} runs planned; {} trained now, {} were done, {} failed, {} busy elsewhere",
                 experiment.name, summary.planned, summary.trained, summary.already_done,
                 summary.failed, summary.busy);
  }
  // The failed runs were reported as they failed: nothing more to print.
  if (summary.interrupted > 0 || summary.failed > 0) return Status::Failed("");
  return Status::Ok();
}

}  // namespace mixrun

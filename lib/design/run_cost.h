// The run-cost model: what an experiment's planned runs will cost before any is trained — per
// model and token budget, the runs' parameters, tokens and FLOPs, and (built-in backend) the
// training throughput measured on this machine and the wall time it implies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/system_memory.h"
#include "config/experiment.h"
#include "design/run_plan.h"

namespace mixrun {

// One model and token budget of the plan.
struct RunCostRow {
  std::string model;
  double n_params = 0;
  double n_params_nonembed = 0;
  double tokens = 0;
  double flops_per_run = 0;
  int runs = 0;
  // Built-in backend only (absent otherwise); NaN when the throughput could not be measured.
  std::optional<double> tokens_per_second;
  std::optional<double> seconds_per_run;
  std::optional<double> memory_per_run;  // bytes at the peak (model/memory_estimate.h)
};

struct RunCost {
  std::vector<RunCostRow> rows;  // ordered by model name, then tokens
  double total_flops = 0;
  double total_seconds = 0;  // one job, every run; NaN when some row has no time estimate
};

// Seconds one run of `tokens` takes at `tokens_per_second`: training, plus its evaluations
// (forward passes only, about a third of a training step's work per token).
double EstimateRunSeconds(const Experiment& experiment, double tokens, double tokens_per_second);

// The cost of `runs` (ExpandRuns of `experiment`). With the built-in backend each model's
// throughput is measured once (about 0.3 s of real training steps with backend.threads): call
// CheckExperimentMemory first, as timing builds the model.
RunCost EstimateRunCost(const Experiment& experiment, const std::vector<PlannedRun>& runs);

// With the built-in backend, InvalidInput naming the first model whose runs, `concurrent` at a
// time, need more memory than `available` (model/memory_estimate.h); Ok for other backends,
// whose memory is their own.
Status CheckExperimentMemory(const Experiment& experiment, const AvailableMemory& available,
                             int concurrent = 1);

}  // namespace mixrun

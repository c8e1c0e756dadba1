#include "design/run_cost.h"

#include <cmath>
#include <map>
#include <utility>

#include "model/memory_estimate.h"
#include "model/throughput.h"

namespace mixrun {

double EstimateRunSeconds(const Experiment& experiment, double tokens, double tokens_per_second) {
  const TrainSpec& train = experiment.train;
  double steps = std::max(1.0, std::round(tokens / (double(train.batch) * train.context)));
  double evaluations = std::floor(steps / train.eval_every) + 2;
  double eval_tokens = evaluations * train.eval_tokens * experiment.domains.size();
  return (tokens + eval_tokens / 3) / tokens_per_second;
}

RunCost EstimateRunCost(const Experiment& experiment, const std::vector<PlannedRun>& runs) {
  std::map<std::string, double> throughput;  // per model name, built-in backend only
  struct Group {
    const PlannedRun* example = nullptr;
    int runs = 0;
  };
  std::map<std::pair<std::string, double>, Group> groups;
  for (const PlannedRun& run : runs) {
    Group& group = groups[{run.model.name, run.tokens}];
    if (!group.example) group.example = &run;
    ++group.runs;
  }
  RunCost cost;
  for (const auto& [key, group] : groups) {
    const PlannedRun& run = *group.example;
    RunCostRow row;
    row.model = run.model.name;
    row.n_params = run.spec.n_params;
    row.n_params_nonembed = run.spec.n_params_nonembed;
    row.tokens = run.tokens;
    row.flops_per_run = run.spec.flops;
    row.runs = group.runs;
    if (experiment.backend.kind == "builtin") {
      if (!throughput.count(run.model.name)) {
        auto measured =
            MeasureTrainingThroughput(run.model, experiment.train, experiment.backend.threads, 0.3);
        throughput[run.model.name] = measured.ok() ? *measured : NAN;
      }
      const double rate = throughput[run.model.name];
      row.tokens_per_second = rate;
      row.seconds_per_run = EstimateRunSeconds(experiment, run.tokens, rate);
      row.memory_per_run = EstimateTrainingMemory(run.model, experiment.train).total();
    }
    cost.total_flops += row.flops_per_run * row.runs;
    cost.total_seconds += row.seconds_per_run.value_or(NAN) * row.runs;
    cost.rows.push_back(std::move(row));
  }
  return cost;
}

Status CheckExperimentMemory(const Experiment& experiment, const AvailableMemory& available,
                             int concurrent) {
  if (experiment.backend.kind != "builtin") return Status::Ok();
  for (const ModelSpec& model : experiment.models) {
    MIXRUN_RETURN_IF_ERROR(CheckTrainingMemory(model, experiment.train, available, concurrent));
  }
  return Status::Ok();
}

}  // namespace mixrun

#include "cluster/collect.h"

namespace mixrun {

Result<CollectReport> CollectShards(Store& main, const std::vector<std::string>& shard_paths,
                                    const std::string& experiment) {
  CollectReport report;
  for (const auto& path : shard_paths) {
    auto counts = main.MergeFrom(path);
    if (counts.ok()) {
      report.merged.push_back(std::move(*counts));
    } else {
      report.errors.push_back(counts.status());
    }
  }
  RunFilter filter;
  if (!experiment.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(auto found, main.FindExperiment(experiment));
    if (!found) return report;  // nothing registered and no shard had it: nothing to finish
    filter.experiment = experiment;
  }
  MIXRUN_ASSIGN_OR_RETURN(auto runs, main.ListRuns(filter));
  for (auto& run : runs) {
    if (run.spec.status != RunStatus::kDone) report.unfinished.push_back(std::move(run));
  }
  return report;
}

}  // namespace mixrun

#include "cluster/collect.h"

namespace mixrun {

Result<CollectReport> CollectShards(Store& main, const std::vector<std::string>& shard_paths,
                                    const std::string& experiment) {
  CollectReport report;
  MIXRUN_ASSIGN_OR_RETURN(report.merged, main.MergeFrom(shard_paths));
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

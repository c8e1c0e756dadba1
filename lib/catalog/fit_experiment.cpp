#include "catalog/fit_experiment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "catalog/catalog.h"

namespace mixrun {

void DropHighest(std::vector<RunPoint>& runs, const std::string& metric, int count) {
  if (count <= 0) return;
  std::stable_sort(runs.begin(), runs.end(), [&](const RunPoint& a, const RunPoint& b) {
    auto va = a.metrics.find(metric), vb = b.metrics.find(metric);
    double x = va == a.metrics.end() ? -INFINITY : va->second;
    double y = vb == b.metrics.end() ? -INFINITY : vb->second;
    return x > y;
  });
  runs.erase(runs.begin(), runs.begin() + std::min<size_t>(count, runs.size()));
  std::sort(runs.begin(), runs.end(),
            [](const RunPoint& a, const RunPoint& b) { return a.run_id < b.run_id; });
}

Result<ExperimentFit> FitExperiment(Store& store, FitRequest request) {
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, FindLaw(request.law));
  if (request.law != "mixing" && request.metric.empty()) {
    return Status::InvalidInput("fit-law " + request.law + ": --metric is required");
  }
  MIXRUN_ASSIGN_OR_RETURN(std::optional<ExperimentRow> experiment,
                          store.FindExperiment(request.experiment));
  if (!experiment) return store.ExperimentId(request.experiment).status();
  const std::set<std::string> history =
      entry->history ? entry->history(request) : std::set<std::string>{};
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> train, store.LoadRunPoints(experiment->id, history));
  if (train.empty()) {
    return Status::InvalidInput("experiment '" + request.experiment +
                                "' has no finished runs to fit");
  }
  if (entry->defaults) {
    const nlohmann::json config = nlohmann::json::parse(experiment->config_json, nullptr, false);
    MIXRUN_RETURN_IF_ERROR(entry->defaults(request, train, config));
  }
  DropHighest(train, request.metric, request.drop_highest);
  std::vector<RunPoint> test;
  if (!request.test_experiment.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(int64_t test_id, store.ExperimentId(request.test_experiment));
    MIXRUN_ASSIGN_OR_RETURN(test, store.LoadRunPoints(test_id, history));
  }
  spdlog::info("fitting {} to {} runs of {}{}", request.law, train.size(), request.experiment,
               test.empty() ? "" : " (" + std::to_string(test.size()) + " held out)");
  ExperimentFit out;
  MIXRUN_ASSIGN_OR_RETURN(out.report, FitWith(*entry, request, train, test));
  for (const std::string& warning : out.report.stats.warnings) spdlog::warn("{}", warning);
  MIXRUN_ASSIGN_OR_RETURN(out.fit_id, store.AddFit(experiment->id, out.report.law,
                                                   out.report.options.dump(),
                                                   out.report.ParamsJson().dump(),
                                                   out.report.StatsJson().dump()));
  out.request = std::move(request);
  out.test_runs = test.size();
  return out;
}

}  // namespace mixrun

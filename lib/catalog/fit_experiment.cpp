#include "catalog/fit_experiment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "catalog/catalog.h"
#include "catalog/run_pairing.h"
#include "common/run_settings.h"
#include "common/version.h"

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

namespace {

// Keeps the runs whose settings satisfy --where (runs without recorded settings, e.g. imported,
// satisfy no condition), then refuses runs of several training settings unless allowed.
Status SelectBySettings(std::vector<RunPoint>& runs, const FitRequest& request) {
  if (!request.where.empty()) {
    std::vector<SettingCondition> conditions;
    for (const std::string& text : request.where) {
      MIXRUN_ASSIGN_OR_RETURN(SettingCondition condition, ParseSettingCondition(text));
      conditions.push_back(condition);
    }
    std::vector<RunPoint> kept;
    for (RunPoint& run : runs) {
      if (run.settings.empty()) continue;
      MIXRUN_ASSIGN_OR_RETURN(bool match, SettingsMatch(run.settings, conditions));
      if (match) kept.push_back(std::move(run));
    }
    if (kept.empty()) {
      return Status::InvalidInput("no finished run of '" + request.experiment +
                                  "' has settings matching --where");
    }
    runs = std::move(kept);
  }
  std::map<std::string, std::pair<size_t, const RunPoint*>> groups;  // settings_id -> count, one
  for (const RunPoint& run : runs) {
    auto& group = groups[run.settings_id];
    if (group.first++ == 0) group.second = &run;
  }
  if (groups.size() <= 1 || request.allow_mixed_settings) return Status::Ok();
  std::vector<const std::map<std::string, std::string>*> settings;
  std::string counts;
  for (const auto& [id, group] : groups) {
    settings.push_back(&group.second->settings);
    counts += (counts.empty() ? "" : ", ") + std::to_string(group.first) + " runs of " +
              (id.empty() ? std::string("unrecorded settings") : "settings " + id.substr(0, 6));
  }
  std::string differing;
  for (const std::string& key : DifferingSettings(settings)) {
    std::string values;
    for (const auto* one : settings) {
      auto found = one->find(key);
      values += (values.empty() ? "" : " / ") + (found == one->end() ? "-" : found->second);
    }
    differing += (differing.empty() ? "" : "; ") + key + ": " + values;
  }
  return Status::InvalidInput(
      "experiment '" + request.experiment +
      "' has finished runs trained with different settings (" + counts +
      (differing.empty() ? "" : "; differing in " + differing) +
      "): fitting them together mixes what they measure. Select runs with --where KEY=VALUE "
      "(e.g. --where lr=1e-3) or pass --allow-mixed-settings");
}

}  // namespace

Result<ExperimentFit> FitExperiment(Store& store, FitRequest request) {
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, FindLaw(request.law));
  MIXRUN_ASSIGN_OR_RETURN(std::optional<ExperimentRow> experiment,
                          store.FindExperiment(request.experiment));
  if (!experiment) return store.ExperimentId(request.experiment).status();
  MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> train,
                          store.LoadRunPoints(experiment->id, {}, request.max_step));
  if (train.empty()) {
    return Status::InvalidInput("experiment '" + request.experiment +
                                "' has no finished runs to fit");
  }
  if (entry->defaults) {
    const nlohmann::json config = nlohmann::json::parse(experiment->config_json, nullptr, false);
    MIXRUN_RETURN_IF_ERROR(entry->defaults(request, train, config));
  }
  // The histories a law reads may depend on its defaults (the pipeline's domain metrics).
  const std::set<std::string> history =
      entry->history ? entry->history(request) : std::set<std::string>{};
  if (!history.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(train, store.LoadRunPoints(experiment->id, history, request.max_step));
  }
  // Laws fitted per domain fill a target in their defaults; the others need it named.
  if (request.metric.empty() && request.target_weights.empty()) {
    return Status::InvalidInput("fit-law " + request.law + ": --metric is required");
  }
  MIXRUN_RETURN_IF_ERROR(SelectBySettings(train, request));
  request.mixrun_version = kMixrunVersion;
  DropHighest(train, request.metric, request.drop_highest);
  std::vector<RunPoint> test;
  if (!request.test_experiment.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(int64_t test_id, store.ExperimentId(request.test_experiment));
    MIXRUN_ASSIGN_OR_RETURN(test, store.LoadRunPoints(test_id, history, request.max_step));
  }
  std::optional<PairingSummary> pairing;
  if (!request.from_experiment.empty()) {
    // Train-to-train: each run carries the --from metric of its partner at the same N and D.
    MIXRUN_ASSIGN_OR_RETURN(int64_t partner_id, store.ExperimentId(request.from_experiment));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> partners,
                            store.LoadRunPoints(partner_id, {}, request.max_step));
    MIXRUN_ASSIGN_OR_RETURN(
        pairing, PairByScale(train, partners, request.from_experiment, request.from_metric));
    if (!test.empty()) {
      MIXRUN_ASSIGN_OR_RETURN(
          PairingSummary test_pairing,
          PairByScale(test, partners, request.from_experiment, request.from_metric));
      pairing->unpaired.insert(pairing->unpaired.end(), test_pairing.unpaired.begin(),
                               test_pairing.unpaired.end());
    }
    if (!pairing->unpaired.empty()) {
      spdlog::warn("{} runs have no run of '{}' at the same N and D and are left out (first: {})",
                   pairing->unpaired.size(), request.from_experiment, pairing->unpaired.front());
    }
  }
  spdlog::info("fitting {} to {} runs of {}{}", request.law, train.size(), request.experiment,
               test.empty() ? "" : " (" + std::to_string(test.size()) + " held out)");
  ExperimentFit out;
  MIXRUN_ASSIGN_OR_RETURN(out.report, FitWith(*entry, request, train, test));
  if (pairing) {
    out.report.stats.extra["pairing"] = {{"experiment", request.from_experiment},
                                         {"paired", pairing->paired},
                                         {"unpaired", pairing->unpaired.size()}};
  }
  for (const std::string& warning : out.report.stats.warnings) spdlog::warn("{}", warning);
  // A chain's stages first, each its own fit; the last stage's fit names them.
  nlohmann::json stages = nlohmann::json::array();
  for (FitReport& stage : out.report.stages) {
    stage.options = out.report.options;
    stage.options["stage"] = stage.law;
    for (const std::string& warning : stage.stats.warnings) spdlog::warn("{}", warning);
    MIXRUN_ASSIGN_OR_RETURN(int64_t stage_id,
                            store.AddFit(experiment->id, stage.law, stage.options.dump(),
                                         stage.ParamsJson().dump(), stage.StatsJson().dump()));
    stages.push_back({{"law", stage.law}, {"fit_id", stage_id}});
  }
  if (!stages.empty()) out.report.stats.extra["stages"] = std::move(stages);
  MIXRUN_ASSIGN_OR_RETURN(
      out.fit_id, store.AddFit(experiment->id, out.report.law, out.report.options.dump(),
                               out.report.ParamsJson().dump(), out.report.StatsJson().dump()));
  out.request = std::move(request);
  out.test_runs = test.size();
  return out;
}

}  // namespace mixrun

#include "catalog/stored_fit.h"

#include "catalog/catalog.h"
#include "laws/task_law.h"

namespace mixrun {

std::string StoredFit::Describe() const {
  std::string text = law;
  // append, not operator+: GCC 12 warns (-Wrestrict) on a temporary's concatenation.
  if (law == "regmix") text.append(" ").append(request.model);
  return text;
}

std::string StoredFit::TargetMetric() const { return request.TargetMetric(); }

std::optional<double> StoredFit::ObservedTarget(const RunPoint& run) const {
  if (law == "task") {
    auto target = TaskTarget(run, request.task_metrics, request.task_error);
    return target.ok() ? std::optional<double>(*target) : std::nullopt;
  }
  if (!request.metric.empty()) {
    auto found = run.metrics.find(request.metric);
    if (found == run.metrics.end()) return std::nullopt;
    return found->second;
  }
  if (request.target_weights.empty()) return std::nullopt;
  double total = 0;
  for (const auto& [name, weight] : request.target_weights) {
    auto found = run.metrics.find(name);
    if (found == run.metrics.end()) return std::nullopt;
    total += weight * found->second;
  }
  return total;
}

Result<StoredFit> LoadStoredFit(Store& store, int64_t id) {
  MIXRUN_ASSIGN_OR_RETURN(FitRow row, store.GetFit(id));
  StoredFit fit;
  fit.id = row.id;
  fit.law = row.law;
  fit.experiment_id = row.experiment_id;
  const std::string where = "fit " + std::to_string(id);
  fit.options = nlohmann::json::parse(row.options_json, nullptr, false);
  const nlohmann::json params = nlohmann::json::parse(row.params_json, nullptr, false);
  const nlohmann::json stats = nlohmann::json::parse(row.stats_json, nullptr, false);
  if (fit.options.is_discarded() || params.is_discarded() || stats.is_discarded()) {
    return Status::InvalidInput(where + ": stored JSON does not parse");
  }
  auto request = FitRequest::FromJson(fit.options);
  if (!request.ok()) return request.status().WithContext(where);
  fit.request = *request;
  fit.request.law = row.law;
  auto typed = FitStats::FromJson(stats.is_object() ? stats : nlohmann::json::object());
  if (!typed.ok()) return typed.status().WithContext(where);
  fit.stats = *typed;
  if (stats.contains("run_ids") && stats["run_ids"].is_array()) {
    for (const nlohmann::json& run_id : stats["run_ids"]) {
      if (run_id.is_number_integer()) fit.run_ids.push_back(run_id.get<int64_t>());
    }
  }
  auto fitted = LoadFit(row.law, fit.options, params);
  if (!fitted.ok()) return fitted.status().WithContext(where);
  fit.fitted = std::move(*fitted);
  return fit;
}

Result<FitReport> LoadFitReport(Store& store, int64_t id) {
  MIXRUN_ASSIGN_OR_RETURN(FitRow row, store.GetFit(id));
  const std::string where = "fit " + std::to_string(id);
  const nlohmann::json options = nlohmann::json::parse(row.options_json, nullptr, false);
  const nlohmann::json params = nlohmann::json::parse(row.params_json, nullptr, false);
  const nlohmann::json stats = nlohmann::json::parse(row.stats_json, nullptr, false);
  if (options.is_discarded() || params.is_discarded() || stats.is_discarded()) {
    return Status::InvalidInput(where + ": stored JSON does not parse");
  }
  auto report = FitReport::FromStored(row.law, options, params, stats);
  if (!report.ok()) return report.status().WithContext(where);
  // A chain's last stage names the earlier ones, each stored as a fit of its own.
  for (const nlohmann::json& stage : report->stats.extra.value("stages", nlohmann::json::array())) {
    // Stages are stored before the fit naming them: an id not below `id` is damage (a cycle).
    if (!stage.is_object() || !stage.contains("fit_id") || !stage["fit_id"].is_number_integer() ||
        stage["fit_id"].get<int64_t>() >= id) {
      return Status::InvalidInput(where + ": stats \"stages\" names no earlier fit");
    }
    MIXRUN_ASSIGN_OR_RETURN(FitReport earlier,
                            LoadFitReport(store, stage["fit_id"].get<int64_t>()));
    report->stages.push_back(std::move(earlier));
  }
  return report;
}

}  // namespace mixrun

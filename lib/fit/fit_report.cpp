#include "fit/fit_report.h"

#include <cmath>
#include <limits>

namespace mixrun {
namespace {

nlohmann::json NumberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json NumberMap(const std::map<std::string, double>& values) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, value] : values) json[name] = NumberOrNull(value);
  return json;
}

nlohmann::json IntervalMap(const std::map<std::string, std::pair<double, double>>& intervals) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [name, bounds] : intervals) {
    json[name] = {NumberOrNull(bounds.first), NumberOrNull(bounds.second)};
  }
  return json;
}

// null (NaN written by NumberOrNull) reads back as NaN.
double NumberOrNan(const nlohmann::json& json) {
  return json.is_number() ? json.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

Result<std::map<std::string, double>> ReadNumberMap(const nlohmann::json& json, const char* key) {
  std::map<std::string, double> values;
  if (!json.contains(key)) return values;
  if (!json[key].is_object()) return Status::InvalidInput(std::string(key) + ": not an object");
  for (const auto& [name, value] : json[key].items()) values[name] = NumberOrNan(value);
  return values;
}

Result<std::map<std::string, std::pair<double, double>>> ReadIntervalMap(
    const nlohmann::json& json) {
  std::map<std::string, std::pair<double, double>> intervals;
  if (!json.contains("intervals")) return intervals;
  if (!json["intervals"].is_object()) return Status::InvalidInput("intervals: not an object");
  for (const auto& [name, bounds] : json["intervals"].items()) {
    if (!bounds.is_array() || bounds.size() != 2) {
      return Status::InvalidInput("intervals: '" + name + "' is not [low, high]");
    }
    intervals[name] = {NumberOrNan(bounds[0]), NumberOrNan(bounds[1])};
  }
  return intervals;
}

}  // namespace

Result<FitReport> FitReport::FromStored(const std::string& law, const nlohmann::json& options,
                                        const nlohmann::json& params_json,
                                        const nlohmann::json& stats_json) {
  if (!params_json.is_object()) return Status::InvalidInput("fit params: not a JSON object");
  FitReport report;
  report.law = law;
  report.options = options;
  MIXRUN_ASSIGN_OR_RETURN(report.params, ReadNumberMap(params_json, "values"));
  MIXRUN_ASSIGN_OR_RETURN(report.derived, ReadNumberMap(params_json, "derived"));
  report.state = params_json.value("state", nlohmann::json());
  MIXRUN_ASSIGN_OR_RETURN(report.stats, FitStats::FromJson(stats_json));
  MIXRUN_ASSIGN_OR_RETURN(report.standard_errors, ReadNumberMap(stats_json, "standard_errors"));
  MIXRUN_ASSIGN_OR_RETURN(report.intervals, ReadIntervalMap(stats_json));
  if (stats_json.contains("run_ids")) {
    if (!stats_json["run_ids"].is_array()) return Status::InvalidInput("run_ids: not an array");
    for (const auto& id : stats_json["run_ids"]) {
      if (!id.is_number_integer()) return Status::InvalidInput("run_ids: not whole numbers");
      report.run_ids.push_back(id.get<int64_t>());
    }
  }
  return report;
}

nlohmann::json FitReport::ParamsJson() const {
  return {{"values", NumberMap(params)}, {"derived", NumberMap(derived)}, {"state", state}};
}

nlohmann::json FitReport::StatsJson() const {
  nlohmann::json json = stats.ToJson();
  if (!standard_errors.empty()) json["standard_errors"] = NumberMap(standard_errors);
  if (!intervals.empty()) json["intervals"] = IntervalMap(intervals);
  if (!run_ids.empty()) json["run_ids"] = run_ids;
  return json;
}

nlohmann::json FitReport::ToJson() const {
  return {{"law", law},
          {"options", options},
          {"params", NumberMap(params)},
          {"derived", NumberMap(derived)},
          {"standard_errors", NumberMap(standard_errors)},
          {"intervals", IntervalMap(intervals)},
          {"stats", stats.ToJson()}};
}

}  // namespace mixrun

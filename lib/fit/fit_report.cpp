#include "fit/fit_report.h"

#include <cmath>

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

}  // namespace

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

#include "fit/fit_stats.h"

#include <cmath>

namespace mixrun {
namespace {

nlohmann::json NumberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}
nlohmann::json NumberOrNull(const std::optional<double>& value) {
  return value ? NumberOrNull(*value) : nlohmann::json(nullptr);
}
double NumberOr(const nlohmann::json& json, const char* key, double fallback = NAN) {
  return json.contains(key) && json[key].is_number() ? json[key].get<double>() : fallback;
}
std::optional<double> Optional(const nlohmann::json& json, const char* key) {
  if (!json.contains(key) || !json[key].is_number()) return std::nullopt;
  return json[key].get<double>();
}

const char* const kKnownKeys[] = {"objective", "rmse",  "mre",  "spearman",
                                  "pearson",   "mae",   "n",    "huber_delta",
                                  "bootstrap", "kfold", "test", "prediction_interval",
                                  "warnings",  "standard_errors", "intervals", "run_ids"};

}  // namespace

nlohmann::json HeldOut::ToJson() const {
  nlohmann::json json = {{"n", accuracy.n},
                         {"rmse", NumberOrNull(accuracy.rmse)},
                         {"mae", NumberOrNull(accuracy.mae)},
                         {"mre", NumberOrNull(accuracy.mre)},
                         {"spearman", NumberOrNull(accuracy.spearman)},
                         {"pearson", NumberOrNull(accuracy.pearson)},
                         {"coverage_95", NumberOrNull(coverage_95)},
                         {"prediction_interval_width", NumberOrNull(mean_prediction_width)},
                         {"mean_interval_coverage", NumberOrNull(mean_interval_coverage)},
                         {"mean_interval_width", NumberOrNull(mean_mean_width)}};
  if (k > 0) json["k"] = k;
  return json;
}

HeldOut HeldOut::FromJson(const nlohmann::json& json) {
  HeldOut held_out;
  held_out.accuracy.n = static_cast<size_t>(NumberOr(json, "n", 0));
  held_out.accuracy.rmse = NumberOr(json, "rmse");
  held_out.accuracy.mae = NumberOr(json, "mae");
  held_out.accuracy.mre = NumberOr(json, "mre");
  held_out.accuracy.spearman = NumberOr(json, "spearman");
  held_out.accuracy.pearson = NumberOr(json, "pearson");
  held_out.k = static_cast<int>(NumberOr(json, "k", 0));
  held_out.coverage_95 = Optional(json, "coverage_95");
  held_out.mean_prediction_width = Optional(json, "prediction_interval_width");
  held_out.mean_interval_coverage = Optional(json, "mean_interval_coverage");
  held_out.mean_mean_width = Optional(json, "mean_interval_width");
  return held_out;
}

nlohmann::json FitStats::ToJson() const {
  nlohmann::json json = extra.is_object() ? extra : nlohmann::json::object();
  json["objective"] = NumberOrNull(objective);
  json["rmse"] = NumberOrNull(in_sample.rmse);
  json["mre"] = NumberOrNull(in_sample.mre);
  json["spearman"] = NumberOrNull(in_sample.spearman);
  json["n"] = in_sample.n;
  if (huber_delta) json["huber_delta"] = *huber_delta;
  if (bootstrap > 0) json["bootstrap"] = bootstrap;
  if (kfold) json["kfold"] = kfold->ToJson();
  if (test) json["test"] = test->ToJson();
  if (calibration) json["prediction_interval"] = calibration->ToJson();
  json["warnings"] = warnings;
  return json;
}

Result<FitStats> FitStats::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Status::InvalidInput("fit stats: expected a JSON object");
  FitStats stats;
  stats.objective = NumberOr(json, "objective");
  stats.in_sample.rmse = NumberOr(json, "rmse");
  stats.in_sample.mre = NumberOr(json, "mre");
  stats.in_sample.spearman = NumberOr(json, "spearman");
  stats.in_sample.n = static_cast<size_t>(NumberOr(json, "n", 0));
  stats.huber_delta = Optional(json, "huber_delta");
  stats.bootstrap = static_cast<size_t>(NumberOr(json, "bootstrap", 0));
  if (json.contains("kfold") && json["kfold"].is_object()) {
    stats.kfold = HeldOut::FromJson(json["kfold"]);
  }
  if (json.contains("test") && json["test"].is_object()) stats.test = HeldOut::FromJson(json["test"]);
  if (json.contains("prediction_interval") && json["prediction_interval"].is_object()) {
    MIXRUN_ASSIGN_OR_RETURN(Calibration calibration,
                            Calibration::FromJson(json["prediction_interval"]));
    stats.calibration = calibration;
  }
  if (json.contains("warnings") && json["warnings"].is_array()) {
    for (const auto& warning : json["warnings"]) {
      if (warning.is_string()) stats.warnings.push_back(warning.get<std::string>());
    }
  }
  for (const auto& [key, value] : json.items()) {
    bool known = false;
    for (const char* name : kKnownKeys) known = known || key == name;
    if (!known) stats.extra[key] = value;
  }
  return stats;
}

std::optional<double> FitStats::HeldOutRmse() const {
  if (test && std::isfinite(test->accuracy.rmse)) return test->accuracy.rmse;
  if (kfold && std::isfinite(kfold->accuracy.rmse)) return kfold->accuracy.rmse;
  return std::nullopt;
}

HeadlineAccuracy FitStats::Headline() const {
  if (test) return {"test", test->accuracy.n, test->accuracy.mre, test->coverage_95};
  if (kfold) return {"k-fold", kfold->accuracy.n, kfold->accuracy.mre, kfold->coverage_95};
  return {"in-sample", in_sample.n, in_sample.mre, std::nullopt};
}

}  // namespace mixrun

#include "laws/fit_types.h"

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

}  // namespace

nlohmann::json FitRequest::ToJson() const {
  nlohmann::json json = {{"law", law},     {"metric", metric}, {"bootstrap", bootstrap},
                         {"kfold", kfold}, {"seed", seed},     {"threads", threads}};
  if (huber_delta) json["huber_delta"] = *huber_delta;
  if (law == "chinchilla" && compute > 0) json["compute"] = compute;
  if (law == "power") json["x"] = x;
  if (law == "mixing") {
    json["domain_metrics"] = domain_metrics;
    json["target_weights"] = target_weights;
    json["mixing_random_starts"] = mixing_random_starts;
  }
  if (law == "regmix") {
    json["model"] = model;
    json["ridge"] = ridge;
  }
  return json;
}

Result<FitRequest> FitRequest::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Status::InvalidInput("fit options: expected a JSON object");
  FitRequest request;
  try {
    request.law = json.value("law", "");
    request.metric = json.value("metric", "");
    request.bootstrap = json.value("bootstrap", 0);
    request.kfold = json.value("kfold", 0);
    request.seed = json.value("seed", uint64_t{42});
    request.threads = json.value("threads", 2);
    if (json.contains("huber_delta")) request.huber_delta = json.at("huber_delta").get<double>();
    request.compute = json.value("compute", 0.0);
    request.x = json.value("x", "n");
    request.domain_metrics = json.value("domain_metrics", std::vector<std::string>{});
    request.target_weights = json.value("target_weights", std::map<std::string, double>{});
    request.mixing_random_starts = json.value("mixing_random_starts", 30);
    request.model = json.value("model", "linear");
    request.ridge = json.value("ridge", 0.0);
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("fit options: ") + error.what());
  }
  return request;
}

nlohmann::json FitReport::ParamsJson() const {
  return {{"values", NumberMap(params)}, {"derived", NumberMap(derived)}, {"state", state}};
}

nlohmann::json FitReport::StatsJson() const {
  nlohmann::json json = stats.is_object() ? stats : nlohmann::json::object();
  if (!standard_errors.empty()) json["standard_errors"] = NumberMap(standard_errors);
  if (!intervals.empty()) {
    nlohmann::json interval_json = nlohmann::json::object();
    for (const auto& [name, bounds] : intervals) {
      interval_json[name] = {NumberOrNull(bounds.first), NumberOrNull(bounds.second)};
    }
    json["intervals"] = interval_json;
  }
  return json;
}

nlohmann::json FitReport::ToJson() const {
  nlohmann::json stats_json = StatsJson();
  nlohmann::json json = {{"law", law},
                         {"options", options},
                         {"params", NumberMap(params)},
                         {"derived", NumberMap(derived)}};
  if (stats_json.contains("standard_errors")) {
    json["standard_errors"] = stats_json["standard_errors"];
    stats_json.erase("standard_errors");
  }
  if (stats_json.contains("intervals")) {
    json["intervals"] = stats_json["intervals"];
    stats_json.erase("intervals");
  }
  json["stats"] = stats_json;
  return json;
}

Result<std::vector<double>> FittedLaw::PredictMixtures(const std::vector<double>& weights,
                                                       size_t rows) const {
  const std::vector<std::string> names = domains();
  if (names.empty()) return Status::InvalidInput("law " + law() + " does not read mixtures");
  if (weights.size() != rows * names.size()) {
    return Status::InvalidInput("PredictMixtures: expected " + std::to_string(rows) + " rows of " +
                                std::to_string(names.size()) + " weights");
  }
  std::vector<double> predictions(rows);
  RunPoint run;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < names.size(); ++j) run.weights[names[j]] = weights[r * names.size() + j];
    MIXRUN_ASSIGN_OR_RETURN(predictions[r], Predict(run));
  }
  return predictions;
}

}  // namespace mixrun

#include "fit/fit_request.h"

#include "common/metric_names.h"

namespace mixrun {

nlohmann::json FitRequest::ToJson() const {
  nlohmann::json json = {{"law", law},
                         {"metric", metric},
                         {"bootstrap", bootstrap},
                         {"kfold", kfold},
                         {"calibration_folds", calibration_folds},
                         {"seed", seed},
                         {"threads", threads}};
  if (huber_delta) json["huber_delta"] = *huber_delta;
  if (law == "chinchilla" && compute > 0) json["compute"] = compute;
  if (law == "power") json["x"] = x;
  if (law == "mixing" || law == "mixscale") {
    json["domain_metrics"] = domain_metrics;
    json["target_weights"] = target_weights;
  }
  if (law == "mixing" || law == "pipeline") json["mixing_random_starts"] = mixing_random_starts;
  if (law == "pipeline") {
    json["domain_metrics"] = domain_metrics;
    json["target_weights"] = target_weights;
    json["at_steps"] = at_steps;
    json["at_size"] = at_size;
    json["step_window"] = {step_window.first, step_window.second};
  }
  if (law == "mixscale") json["form"] = form;
  if (law == "loss2loss") {
    json["from_metric"] = from_metric;
    if (!from_experiment.empty()) json["from_experiment"] = from_experiment;
    json["offsets"] = offsets;
  }
  if (law == "task") {
    json["task_metrics"] = task_metrics;
    json["task_error"] = task_error;
    json["loss_law"] = loss_law;
    json["link"] = link;
  }
  if (law == "regmix") {
    json["model"] = model;
    json["ridge"] = ridge;
  }
  if (!experiment.empty()) json["experiment"] = experiment;
  if (!test_experiment.empty()) json["test_experiment"] = test_experiment;
  if (max_step) json["max_step"] = *max_step;
  if (drop_highest > 0) json["drop_highest"] = drop_highest;
  if (!where.empty()) json["where"] = where;
  if (allow_mixed_settings) json["allow_mixed_settings"] = true;
  if (!mixrun_version.empty()) json["mixrun_version"] = mixrun_version;
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
    request.calibration_folds = json.value("calibration_folds", 10);
    request.seed = json.value("seed", uint64_t{42});
    request.threads = json.value("threads", 2);
    if (json.contains("huber_delta")) request.huber_delta = json.at("huber_delta").get<double>();
    request.compute = json.value("compute", 0.0);
    request.x = json.value("x", "n");
    request.domain_metrics = json.value("domain_metrics", std::vector<std::string>{});
    request.target_weights = json.value("target_weights", std::map<std::string, double>{});
    request.mixing_random_starts = json.value("mixing_random_starts", 30);
    request.at_steps = json.value("at_steps", int64_t{0});
    request.at_size = json.value("at_size", 0.0);
    if (json.contains("step_window")) {
      const auto window = json.at("step_window").get<std::vector<int64_t>>();
      if (window.size() != 2) return Status::InvalidInput("fit options: step_window needs 2 steps");
      request.step_window = {window[0], window[1]};
    }
    request.model = json.value("model", "linear");
    request.form = json.value("form", "joint");
    request.ridge = json.value("ridge", 0.0);
    request.from_metric = json.value("from_metric", "");
    request.from_experiment = json.value("from_experiment", "");
    request.offsets = json.value("offsets", "scaling");
    request.task_metrics = json.value("task_metrics", std::vector<std::string>{});
    request.task_error = json.value("task_error", false);
    request.loss_law = json.value("loss_law", "overtrain");
    request.link = json.value("link", "exp");
    request.experiment = json.value("experiment", "");
    request.test_experiment = json.value("test_experiment", "");
    if (json.contains("max_step")) request.max_step = json.at("max_step").get<int64_t>();
    request.drop_highest = json.value("drop_highest", 0);
    request.where = json.value("where", std::vector<std::string>{});
    request.allow_mixed_settings = json.value("allow_mixed_settings", false);
    request.mixrun_version = json.value("mixrun_version", "");
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("fit options: ") + error.what());
  }
  return request;
}

Status FitRequest::CheckCommon(size_t train_rows) const {
  if (train_rows == 0) return Status::InvalidInput(law + ": no training runs");
  if (threads < 1) return Status::InvalidInput("threads must be at least 1");
  if (bootstrap < 0) return Status::InvalidInput("bootstrap must be 0 or more resamples");
  if (kfold == 1 || kfold < 0) return Status::InvalidInput("kfold must be 0 (none) or at least 2");
  if (kfold > static_cast<int>(train_rows)) {
    return Status::InvalidInput("kfold " + std::to_string(kfold) + " exceeds the " +
                                std::to_string(train_rows) + " training runs");
  }
  if (calibration_folds < 2) return Status::InvalidInput("calibration folds must be at least 2");
  if (huber_delta && !(*huber_delta > 0))
    return Status::InvalidInput("huber delta must be positive");
  if (drop_highest < 0) return Status::InvalidInput("drop-highest must be 0 or more");
  if (max_step && *max_step < 0) return Status::InvalidInput("max-step must be 0 or more");
  return Status::Ok();
}

std::string FitRequest::TargetMetric() const {
  if (law == "task") {  // the mean of its task metrics, predicted from its loss
    std::string text = task_error ? "1 - mean(" : "mean(";
    if (task_metrics.size() > 2) {  // a table column, not a list
      return text.append(task_metrics.front())
          .append(" … ")
          .append(std::to_string(task_metrics.size()))
          .append(" task metrics)");
    }
    for (size_t i = 0; i < task_metrics.size(); ++i) {
      text.append(i ? ", " : "").append(task_metrics[i]);
    }
    return text.append(")");
  }
  return metric.empty() ? kTargetLossMetric : metric;
}

}  // namespace mixrun

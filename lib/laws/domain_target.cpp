#include "laws/domain_target.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/metric_names.h"

namespace mixrun {

void DomainTarget::AddTo(nlohmann::json& state) const {
  state["metrics"] = metrics;
  state["target_weights"] = weights;
}

Result<DomainTarget> DomainTarget::FromJson(const nlohmann::json& state, const std::string& law) {
  DomainTarget target;
  try {
    target.metrics = state.at("metrics").get<std::vector<std::string>>();
    target.weights = state.at("target_weights").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput("stored " + law + " fit: " + error.what());
  }
  if (target.metrics.empty() || target.weights.size() != target.metrics.size()) {
    return Status::InvalidInput("stored " + law + " fit: inconsistent metrics and weights");
  }
  return target;
}

Result<std::vector<std::vector<double>>> DomainTarget::DecodeParams(const nlohmann::json& json,
                                                                    size_t params_per_metric,
                                                                    const std::string& law) const {
  std::vector<std::vector<double>> params;
  try {
    params = json.get<std::vector<std::vector<double>>>();
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput("stored " + law + " fit: " + error.what());
  }
  bool consistent = params.size() == metrics.size();
  for (const auto& p : params) consistent = consistent && p.size() == params_per_metric;
  if (!consistent)
    return Status::InvalidInput("stored " + law + " fit: inconsistent parameter sizes");
  return params;
}

Result<DomainTarget> ResolveDomainTarget(const FitRequest& request, const std::string& law) {
  if (request.domain_metrics.empty()) {
    return Status::InvalidInput(law + ": give the per-domain metrics to fit (one law each)");
  }
  DomainTarget target;
  target.metrics = request.domain_metrics;
  target.weights.assign(target.metrics.size(), 0.0);
  if (request.target_weights.empty()) {
    for (size_t i = 0; i < target.metrics.size(); ++i) {
      if (target.metrics[i] == request.metric) target.weights[i] = 1.0;
    }
    if (request.metric.empty() ||
        std::count(target.weights.begin(), target.weights.end(), 1.0) != 1) {
      return Status::InvalidInput(law +
                                  ": give target weights over the domain metrics, or a target "
                                  "metric that is one of them");
    }
    return target;
  }
  bool normalised = false;
  MIXRUN_ASSIGN_OR_RETURN(Mixture weights, NormalisedMixture(request.target_weights,
                                                             law + " target weights", &normalised));
  if (normalised) spdlog::warn("{} target weights did not sum to 1 (off by < 1%); rescaled", law);
  for (const auto& [metric, weight] : weights) {
    auto it = std::find(target.metrics.begin(), target.metrics.end(), metric);
    if (it == target.metrics.end()) {
      return Status::InvalidInput(law + ": target weight on '" + metric +
                                  "', which is not among the domain metrics");
    }
    target.weights[it - target.metrics.begin()] = weight;
  }
  return target;
}

TargetTerms ObservedTarget(const FitRequest& request, const DomainTarget& target) {
  if (!request.metric.empty()) return {{request.metric, 1.0}};
  TargetTerms terms;
  for (size_t i = 0; i < target.metrics.size(); ++i) {
    terms.emplace_back(target.metrics[i], target.weights[i]);
  }
  return terms;
}

Status FillDomainTargetDefaults(FitRequest& request, const std::vector<RunPoint>& runs,
                                const nlohmann::json& config, const std::string& law,
                                bool single_metric) {
  if (single_metric && request.domain_metrics.empty() && request.target_weights.empty() &&
      !request.metric.empty() && request.metric != kTargetLossMetric) {
    request.domain_metrics = {request.metric};
    return Status::Ok();
  }
  if (request.domain_metrics.empty()) {
    std::set<std::string> names;
    for (const auto& run : runs) {
      for (const auto& [name, value] : run.metrics) {
        if (DomainOfLossMetric(name)) names.insert(name);
      }
    }
    request.domain_metrics.assign(names.begin(), names.end());
    if (request.domain_metrics.empty()) {
      return Status::InvalidInput("fit-law " + law +
                                  ": the runs have no eval/<domain>/loss metrics; "
                                  "name the per-domain metrics with --domain-metric");
    }
  }
  if (request.target_weights.empty() && request.metric.empty()) request.metric = kTargetLossMetric;
  const bool metric_is_domain =
      std::find(request.domain_metrics.begin(), request.domain_metrics.end(), request.metric) !=
      request.domain_metrics.end();
  if (!request.target_weights.empty() || metric_is_domain || !config.is_object()) {
    return Status::Ok();
  }
  Mixture target;
  try {
    if (config.contains("target") && config["target"].contains("weights")) {
      target = config["target"]["weights"].get<Mixture>();
    } else if (config.contains("target") && config["target"].contains("domain")) {
      target[config["target"]["domain"].get<std::string>()] = 1.0;
    }
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("the experiment's stored target: ") + error.what());
  }
  for (const auto& [domain, weight] : target) {
    request.target_weights[DomainLossMetric(domain)] = weight;
  }
  return Status::Ok();
}

}  // namespace mixrun

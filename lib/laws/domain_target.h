// The target of a law fitted once per evaluated domain (mixing, mixscale): one law per domain
// metric, combined as Σ_i w_i·L_i with the request's target weights, or one named target metric.
// Contract: the weights are resolved once, stored with the fit, and read back unchanged.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_request.h"
#include "fit/run_inputs.h"

namespace mixrun {

struct DomainTarget {
  std::vector<std::string> metrics;  // one law each, in request order
  std::vector<double> weights;       // per metric; 0 for a metric fitted but not in the target

  // {"metrics", "target_weights"}: the keys stored fits of mixing have always used.
  void AddTo(nlohmann::json& state) const;
  static Result<DomainTarget> FromJson(const nlohmann::json& state, const std::string& law);
  // A stored parameter set: one vector of `params_per_metric` numbers per metric.
  Result<std::vector<std::vector<double>>> DecodeParams(const nlohmann::json& json,
                                                        size_t params_per_metric,
                                                        const std::string& law) const;
};

// The request's domain metrics with their weights, from request.target_weights (normalised within
// 1%) or a named target metric that is one of them. Errors name `law`.
Result<DomainTarget> ResolveDomainTarget(const FitRequest& request, const std::string& law);

// The observed target of a run: the target metric when named, else Σ w_i · domain metric i.
TargetTerms ObservedTarget(const FitRequest& request, const DomainTarget& target);

// Request defaults for a trained experiment: every eval/<domain>/loss metric of the runs as the
// domain metrics, eval/target/loss as the target metric, and the experiment's target (config JSON
// "target": weights or domain) as the weights. A request that names one metric and no domain
// metrics fits that metric alone when `single_metric` (mixscale --metric DOMAIN_LOSS).
Status FillDomainTargetDefaults(FitRequest& request, const std::vector<RunPoint>& runs,
                                const nlohmann::json& config, const std::string& law,
                                bool single_metric);

}  // namespace mixrun

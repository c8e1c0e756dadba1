#include "fit/run_inputs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace mixrun {

std::string RunLabel(const RunPoint& run) {
  std::string label = "run " + std::to_string(run.run_id);
  if (!run.run_key.empty()) label += " (key " + run.run_key + ")";
  return label;
}

Status CheckLoss(double value, const std::string& where, const std::string& metric) {
  if (std::isfinite(value) && value > 0 && value < kMaxLoss) return Status::Ok();
  char text[64];  // %g: 1e+300 rather than std::to_string's 301 digits
  std::snprintf(text, sizeof text, "%.9g", value);
  char bound[32];
  std::snprintf(bound, sizeof bound, "%g", kMaxLoss);
  return Status::InvalidInput(where + ": metric '" + metric + "' is " + text +
                              "; losses must be finite, positive and below " + bound);
}

Result<std::vector<double>> PositiveMetric(const std::vector<RunPoint>& runs,
                                           const std::string& metric, const std::string& set_name) {
  if (metric.empty()) return Status::InvalidInput("no metric given");
  std::vector<double> values;
  std::vector<int64_t> missing;
  for (const RunPoint& run : runs) {
    auto it = run.metrics.find(metric);
    if (it == run.metrics.end()) {
      missing.push_back(run.run_id);
      continue;
    }
    MIXRUN_RETURN_IF_ERROR(CheckLoss(it->second, set_name + " " + RunLabel(run), metric));
    values.push_back(it->second);
  }
  if (!missing.empty()) {
    std::string ids;
    for (size_t i = 0; i < missing.size() && i < 10; ++i) {
      ids += (i ? ", " : "") + std::to_string(missing[i]);
    }
    if (missing.size() > 10) ids += " and " + std::to_string(missing.size() - 10) + " more";
    return Status::InvalidInput("metric '" + metric + "' is missing on " +
                                std::to_string(missing.size()) + " of " +
                                std::to_string(runs.size()) + " " + set_name + " runs: " + ids);
  }
  return values;
}

Result<RunScale> PositiveScale(const RunPoint& run, const std::string& law) {
  const RunScale scale{run.n_params, run.TokensOrFromCompute()};
  if (!(std::isfinite(scale.n) && scale.n > 0 && std::isfinite(scale.d) && scale.d > 0)) {
    return Status::InvalidInput(RunLabel(run) + ": " + law +
                                " needs a positive parameter count N and token count D (or "
                                "compute C, or tokens per parameter M)");
  }
  return scale;
}

Status CheckEnoughPoints(size_t points, size_t params, const std::string& what) {
  if (points > params) return Status::Ok();
  return Status::InvalidInput(what + ": " + std::to_string(points) + " points are too few for " +
                              std::to_string(params) + " parameters (need at least " +
                              std::to_string(params + 1) + ")");
}

Result<Mixture> NormalisedMixture(const Mixture& weights, const std::string& what,
                                  bool* normalised) {
  double total = 0;
  for (const auto& [domain, weight] : weights) {
    if (!std::isfinite(weight) || weight < 0) {
      return Status::InvalidInput(what + ": weight of '" + domain + "' is " +
                                  std::to_string(weight) + "; weights must be non-negative");
    }
    total += weight;
  }
  if (std::abs(total - 1.0) >= 0.01) {
    return Status::InvalidInput(what + ": weights sum to " + std::to_string(total) +
                                ", not 1 (rescaling is only done within 1%)");
  }
  if (total == 1.0) return weights;
  Mixture rescaled;
  for (const auto& [domain, weight] : weights) rescaled[domain] = weight / total;
  // Round-off of weights that were normalised already is not worth a warning.
  if (normalised && std::abs(total - 1.0) > 1e-9) *normalised = true;
  return rescaled;
}

std::vector<std::string> MixtureDomains(const std::vector<RunPoint>& runs) {
  std::set<std::string> names;
  for (const RunPoint& run : runs) {
    for (const auto& [domain, weight] : run.weights) names.insert(domain);
  }
  return {names.begin(), names.end()};
}

Result<std::vector<double>> MixtureMatrix(const std::vector<RunPoint>& runs,
                                          const std::vector<std::string>& domains,
                                          const std::string& set_name, bool warn) {
  std::vector<double> matrix;
  matrix.reserve(runs.size() * domains.size());
  size_t rescaled = 0;
  for (const RunPoint& run : runs) {
    if (run.weights.empty()) {
      return Status::InvalidInput(set_name + " " + RunLabel(run) + " has no mixture weights");
    }
    bool normalised = false;
    MIXRUN_ASSIGN_OR_RETURN(
        Mixture mixture,
        NormalisedMixture(run.weights, set_name + " " + RunLabel(run), &normalised));
    rescaled += normalised ? 1 : 0;
    for (const auto& [domain, weight] : mixture) {
      if (weight > 0 && std::find(domains.begin(), domains.end(), domain) == domains.end()) {
        return Status::InvalidInput(set_name + " " + RunLabel(run) + " weighs domain '" + domain +
                                    "', which the fit does not know");
      }
    }
    for (const std::string& domain : domains) {
      auto it = mixture.find(domain);
      matrix.push_back(it == mixture.end() ? 0.0 : it->second);
    }
  }
  if (warn && rescaled > 0) {
    spdlog::warn("{} of {} {} mixtures did not sum to 1 (off by < 1%); rescaled them", rescaled,
                 runs.size(), set_name);
  }
  return matrix;
}

Result<std::vector<double>> TargetValues(const std::vector<RunPoint>& runs,
                                         const TargetTerms& terms, const std::string& set_name) {
  std::vector<double> total(runs.size(), 0.0);
  for (const auto& [metric, weight] : terms) {
    if (weight == 0) continue;
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values, PositiveMetric(runs, metric, set_name));
    for (size_t r = 0; r < runs.size(); ++r) total[r] += weight * values[r];
  }
  return total;
}

Result<std::vector<double>> MixtureReader::Features(const RunPoint& run) const {
  return MixtureMatrix({run}, domains_, "prediction", false);
}

Result<FitRows> MixtureReader::Rows(const std::vector<RunPoint>& runs,
                                    const std::string& set_name) const {
  FitRows rows;
  rows.num_features = static_cast<int>(domains_.size());
  MIXRUN_ASSIGN_OR_RETURN(rows.x, MixtureMatrix(runs, domains_, set_name));
  MIXRUN_ASSIGN_OR_RETURN(rows.y, TargetValues(runs, terms_, set_name));
  return rows;
}

}  // namespace mixrun

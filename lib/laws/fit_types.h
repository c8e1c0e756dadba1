// The vocabulary of a fit: what the caller asks for (FitRequest), what a fit returns (FitReport,
// JSON for the store and --json) and a stored fit brought back to predict (FittedLaw).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

struct FitRequest {
  std::string law;     // chinchilla | power | mixing | regmix
  std::string metric;  // the target metric; for mixing optional (held-out accuracy is then
                       // measured against it; without it against Σ w_i · domain metric)
  // mixing: one law per domain metric, combined as Σ target_weights[metric] · L_metric(r).
  // With no target_weights, `metric` must be one of domain_metrics (a named target domain).
  std::vector<std::string> domain_metrics;
  std::map<std::string, double> target_weights;
  std::string x = "n";           // power: n | d | c | step (step fits every run's metric history)
  std::string model = "linear";  // regmix: linear | loglinear | gbdt
  double ridge = 0;   // regmix linear/loglinear: L2 penalty on the weights (not intercept)
  int bootstrap = 0;  // resamples for standard errors and 95% intervals; 0 = none
  int kfold = 0;      // k-fold cross-validation on the training runs; 0 = none
  uint64_t seed = 42;
  int threads = 2;
  std::optional<double> huber_delta;  // default: the law's (chinchilla/power 1e-3, mixing 0.05)
  double compute = 0;                 // chinchilla: C for the compute-optimal allocation; 0 = none
  int mixing_random_starts = 30;      // mixing: random t vectors per (log c, log k) grid pair

  // The request as stored in fits.options_json (every field, defaults resolved).
  nlohmann::json ToJson() const;
  static Result<FitRequest> FromJson(const nlohmann::json& json);
};

struct FitReport {
  std::string law;
  nlohmann::json options;                         // FitRequest::ToJson(): fits.options_json
  std::map<std::string, double> params;           // readable parameters, name → value
  std::map<std::string, double> derived;          // quantities computed from params (e.g. N_opt)
  std::map<std::string, double> standard_errors;  // with bootstrap, by name
  std::map<std::string, std::pair<double, double>> intervals;  // 95% percentile, by name
  nlohmann::json stats;  // {objective, rmse, mre, n, bootstrap, test: {...}, kfold: {...}}
  nlohmann::json state;  // everything prediction needs (fitted vector, bootstrap sets, booster)

  // fits.params_json: {"values": params, "derived": derived, "state": state}.
  nlohmann::json ParamsJson() const;
  // fits.stats_json: stats plus "standard_errors" and "intervals".
  nlohmann::json StatsJson() const;
  // Everything, for --json: law, options, params, derived, standard_errors, intervals, stats.
  nlohmann::json ToJson() const;
};

// A fit loaded back from the store: predicts the target metric (a loss) for runs or mixtures.
class FittedLaw {
 public:
  virtual ~FittedLaw() = default;
  virtual std::string law() const = 0;
  // The mixture domains the law reads, in the column order of PredictMixtures; empty for laws of
  // scale only (chinchilla, power).
  virtual std::vector<std::string> domains() const { return {}; }
  // What Predict reads of a run: chinchilla N and D (or C), power its x (step: metrics["step"]),
  // mixing and regmix the weights (missing domains count as 0; weights are renormalised).
  virtual Result<double> Predict(const RunPoint& run) const = 0;
  // One prediction per bootstrap parameter set; empty when the fit had no bootstrap.
  virtual std::vector<double> PredictBootstrap(const RunPoint& run) const = 0;
  // Predictions for many mixtures at once: `weights` holds `rows` rows of domains().size()
  // weights (row-major). Mixture laws override it with a fast path (recommend simulates 10⁶).
  virtual Result<std::vector<double>> PredictMixtures(const std::vector<double>& weights,
                                                      size_t rows) const;
};

}  // namespace mixrun

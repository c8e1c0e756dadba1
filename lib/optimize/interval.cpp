#include "optimize/interval.h"

#include <algorithm>
#include <cmath>

#include "common/percentile.h"

namespace mixrun {
namespace {

double Rmse(const nlohmann::json& stats, const char* key) {
  if (!stats.is_object() || !stats.contains(key) || !stats[key].is_object()) return NAN;
  const auto& held_out = stats[key];
  return held_out.contains("rmse") && held_out["rmse"].is_number() ? held_out["rmse"].get<double>()
                                                                   : NAN;
}

struct Spread {
  double down = 0, up = 0;  // prediction − low, high − prediction
  std::string source;
};

Spread FitSpread(const LoadedFit& fit, const RunPoint& point, double prediction) {
  std::vector<double> refits = fit.fitted->PredictBootstrap(point);
  refits.erase(
      std::remove_if(refits.begin(), refits.end(), [](double v) { return !std::isfinite(v); }),
      refits.end());
  if (refits.size() >= 20) {
    return {std::max(0.0, prediction - Percentile(refits, 0.025)),
            std::max(0.0, Percentile(refits, 0.975) - prediction),
            "bootstrap (" + std::to_string(refits.size()) + " refits)"};
  }
  // Held-out error before in-sample: a prediction at a new mixture is out of sample.
  const std::pair<const char*, const char*> sources[] = {
      {"test", "held-out RMSE (test set)"},
      {"kfold", "k-fold RMSE"},
      {"cv", "CV RMSE (gbdt hyper-parameter search)"}};
  for (const auto& [key, name] : sources) {
    const double rmse = Rmse(fit.stats, key);
    if (std::isfinite(rmse)) return {1.96 * rmse, 1.96 * rmse, std::string("±1.96 × ") + name};
  }
  const double rmse =
      fit.stats.is_object() && fit.stats.contains("rmse") && fit.stats["rmse"].is_number()
          ? fit.stats["rmse"].get<double>()
          : 0.0;
  return {1.96 * rmse, 1.96 * rmse,
          "±1.96 × in-sample RMSE (the fit stored no held-out error: refit with --kfold)"};
}

}  // namespace

Result<PredictionInterval> PredictWithInterval(const std::vector<LoadedFit>& fits,
                                               const Mixture& mixture) {
  RunPoint point;
  point.weights = mixture;
  PredictionInterval out;
  double down2 = 0, up2 = 0;
  for (const LoadedFit& fit : fits) {
    MIXRUN_ASSIGN_OR_RETURN(double prediction, fit.fitted->Predict(point));
    out.prediction += fit.weight * prediction;
    const Spread spread = FitSpread(fit, point, prediction);
    down2 += fit.weight * fit.weight * spread.down * spread.down;
    up2 += fit.weight * fit.weight * spread.up * spread.up;
    if (out.source.empty()) {
      out.source = spread.source;
    } else if (out.source.find(spread.source) == std::string::npos) {
      out.source += "; " + spread.source;
    }
  }
  out.low = out.prediction - std::sqrt(down2);
  out.high = out.prediction + std::sqrt(up2);
  return out;
}

}  // namespace mixrun

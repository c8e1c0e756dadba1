#include "optimize/interval.h"

#include <algorithm>
#include <cmath>

namespace mixrun {
namespace {

// A fit stored without a calibration (by an older mixrun): ±1.96 × its held-out RMSE, else its
// in-sample RMSE, named as such.
Calibration FallbackCalibration(const LoadedFit& fit, std::string* source) {
  Calibration calibration;
  calibration.method = "gaussian";
  calibration.quantile = 1.96;
  if (auto rmse = fit.stats.HeldOutRmse()) {
    calibration.noise_sd = *rmse;
    *source = "±1.96 × held-out RMSE (fit stored without a calibration: refit it)";
  } else {
    calibration.noise_sd = std::isfinite(fit.stats.in_sample.rmse) ? fit.stats.in_sample.rmse : 0;
    *source = "±1.96 × in-sample RMSE (fit stored without a calibration: refit it)";
  }
  return calibration;
}

void AddSource(std::string& sources, const std::string& source) {
  if (sources.empty()) {
    sources = source;
  } else if (sources.find(source) == std::string::npos) {
    sources += "; " + source;
  }
}

}  // namespace

Result<PredictionInterval> PredictWithInterval(const std::vector<LoadedFit>& fits,
                                               const Mixture& mixture,
                                               const std::optional<ModelScale>& scale) {
  RunPoint point;
  point.weights = mixture;
  if (scale) {
    point.n_params = scale->n_params;
    point.n_tokens = scale->n_tokens;
  }
  PredictionInterval out;
  double down2 = 0, up2 = 0, mean_down2 = 0, mean_up2 = 0;
  bool every_fit_has_mean = true;
  size_t refits = 0;
  for (const LoadedFit& fit : fits) {
    MIXRUN_ASSIGN_OR_RETURN(PointPrediction predicted, fit.fitted->PredictWithIntervals(point));
    out.prediction += fit.weight * predicted.value;
    Interval interval;
    std::string source;
    if (predicted.prediction_interval) {
      interval = *predicted.prediction_interval;
      source = predicted.interval_method;
    } else {
      const Calibration fallback = FallbackCalibration(fit, &source);
      interval =
          fallback.Around(predicted.value, BootstrapSpread(fit.fitted->PredictBootstrap(point)));
    }
    AddSource(out.source, source);
    const double w2 = fit.weight * fit.weight;
    down2 += w2 * std::pow(std::max(0.0, predicted.value - interval.low), 2);
    up2 += w2 * std::pow(std::max(0.0, interval.high - predicted.value), 2);
    if (predicted.mean_interval) {
      refits = std::max(refits, fit.fitted->bootstrap_size());
      mean_down2 += w2 * std::pow(std::max(0.0, predicted.value - predicted.mean_interval->low), 2);
      mean_up2 += w2 * std::pow(std::max(0.0, predicted.mean_interval->high - predicted.value), 2);
    } else {
      every_fit_has_mean = false;
    }
  }
  out.low = out.prediction - std::sqrt(down2);
  out.high = out.prediction + std::sqrt(up2);
  if (every_fit_has_mean) {
    out.mean =
        Interval{out.prediction - std::sqrt(mean_down2), out.prediction + std::sqrt(mean_up2)};
    out.mean_source = "bootstrap (" + std::to_string(refits) + " refits)";
  } else {
    out.mean_source = "none: fit with --bootstrap for the mean interval";
  }
  return out;
}

}  // namespace mixrun

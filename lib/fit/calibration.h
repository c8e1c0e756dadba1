// The two kinds of interval of a prediction, and the calibration that makes the prediction
// interval mean what it says.
//
// mean interval: where the law's expected loss at a point lies — the 2.5/97.5% percentiles of the
//   bootstrap refits' predictions there (parameter uncertainty only).
// prediction interval: where one new run's loss will lie — μ(x) ± q·σ(x), σ(x)² = s_boot(x)² + σ²,
//   with s_boot(x) the bootstrap refits' spread at x (0 without bootstrap), σ the noise scale (the
//   RMS of the cross-validated residuals, floored by the seed noise measured from repeated seeds),
//   and q the split-conformal quantile of the normalised out-of-fold residuals |y − μ₋ₖ(x)|/σ(x)
//   (the ⌈(n+1)·0.95⌉-th smallest). The interval widens where the refits disagree (extrapolation)
//   and its coverage on held-out runs is measured, not assumed (stats.kfold / stats.test).
// Without enough runs for cross-validation the fallback is Gaussian on the in-sample residuals
// (σ = RMSE·√(n/(n−p)), q = 1.96), labelled as uncalibrated.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mixrun {

inline constexpr double kIntervalLevel = 0.95;
// Fewer usable bootstrap refits than this and the spread at a point is not used.
inline constexpr size_t kMinBootstrapForSpread = 20;

struct Interval {
  double low = 0, high = 0;
  double width() const { return high - low; }
  bool Contains(double value) const { return low <= value && value <= high; }
};

struct Calibration {
  std::string method;  // "cv-conformal" | "gaussian"
  double level = kIntervalLevel;
  double quantile = 1.96;  // q, on the normalised scale
  double noise_sd = 0;     // σ
  double residual_sd = 0;  // RMS of the residuals σ came from (out-of-fold, or in-sample)
  std::optional<double> seed_sd;  // pooled SD of repeated runs of one configuration
  size_t seed_groups = 0;         // configurations with more than one run
  int folds = 0;                  // of the calibrating cross-validation (0 for gaussian)
  size_t scores = 0;              // residuals the quantile was taken over
  bool bootstrap_spread = false;  // σ(x) includes the bootstrap spread at x

  // σ(x) at a point where the bootstrap refits' SD is `bootstrap_sd` (ignored unless
  // bootstrap_spread).
  double Scale(double bootstrap_sd) const;
  Interval Around(double prediction, double bootstrap_sd) const;
  // "cv-conformal, 10 folds, q 2.03 × σ 0.0124" — how the interval was made, for tables.
  std::string Describe() const;

  nlohmann::json ToJson() const;
  static Result<Calibration> FromJson(const nlohmann::json& json);
};

// The split-conformal quantile: the ⌈(n+1)·level⌉-th smallest score (the largest when that rank
// exceeds n); NaN for no scores.
double ConformalQuantile(std::vector<double> scores, double level);

// The bootstrap predictions' spread — the width of their central 95% over 2·1.96, which is their
// SD when they are normal, but is not blown up by the few refits that land in another basin (a
// mixing law's t at its bound predicted ±30 nats at a weight of 0 and made a 2.3-nat prediction's
// interval [−30, 35]) — NaN when fewer than kMinBootstrapForSpread are finite; and their
// 2.5/97.5% percentiles: the mean interval.
double BootstrapSpread(const std::vector<double>& predictions);
std::optional<Interval> MeanInterval(const std::vector<double>& predictions);

// A prediction with both intervals, as every command prints and writes it.
// Why a 95% interval around a prediction is too wide to act on, or nullopt: it is wider than the
// prediction itself, or it reaches below 0 around a positive prediction (a loss, an error or an
// accuracy cannot). It happens when a law is extrapolated far beyond its runs or its calibration
// was measured at other scales; the message says so, to be shown next to the interval.
std::optional<std::string> ImplausibleInterval(double prediction, const Interval& interval);

struct PointPrediction {
  double value = 0;
  std::optional<Interval> mean_interval;        // needs bootstrap refits
  std::optional<Interval> prediction_interval;  // needs a calibration
  std::string interval_method;                  // Calibration::Describe()
  std::optional<std::string> warning;           // ImplausibleInterval of the prediction interval

  // {"prediction", "mean_interval", "prediction_interval", "interval" (alias of the prediction
  // interval), "interval_method"}; absent intervals are null.
  nlohmann::json ToJson() const;
};

}  // namespace mixrun

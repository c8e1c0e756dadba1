// FitStats: what a fit measured about itself — in-sample error, the bootstrap, k-fold and held-out
// accuracy with the coverage of the prediction intervals, the calibration, warnings — typed, with
// the JSON kept in fits.stats_json. Readers use the fields, never keys of the JSON.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "fit/accuracy.h"
#include "fit/calibration.h"

namespace mixrun {

// Accuracy on runs the fit did not see (a test experiment, or the folds of a k-fold), and how
// often their measured loss fell inside the intervals.
struct HeldOut {
  Accuracy accuracy;
  int k = 0;                          // folds (k-fold only)
  std::optional<double> coverage_95;  // fraction inside the 95% prediction interval
  std::optional<double> mean_prediction_width;
  std::optional<double> mean_interval_coverage;  // fraction inside the mean interval (bootstrap)
  std::optional<double> mean_mean_width;

  // {"n","rmse","mae","mre","spearman","pearson","coverage_95","prediction_interval_width",
  //  "mean_interval_coverage","mean_interval_width", "k" for k-fold}; missing values are null.
  nlohmann::json ToJson() const;
  static HeldOut FromJson(const nlohmann::json& json);
};

// The accuracy a fit is best judged by: on a test experiment when it had one, else of its k-fold
// cross-validation, else in-sample; the coverage of the 95% prediction interval where measured.
struct HeadlineAccuracy {
  std::string on;  // "test" | "k-fold" | "in-sample"
  size_t n = 0;
  double mre = 0;
  std::optional<double> coverage_95;  // test or k-fold only
};

struct FitStats {
  double objective = 0;  // what the estimator minimised (Σ Huber, or the squared error)
  Accuracy in_sample;    // of the full fit on its training rows
  std::optional<double> huber_delta;
  size_t bootstrap = 0;  // usable bootstrap refits
  std::optional<HeldOut> kfold;
  std::optional<HeldOut> test;
  std::optional<Calibration> calibration;  // of the prediction interval
  std::vector<std::string> warnings;
  nlohmann::json extra = nlohmann::json::object();  // the law's own (mixing per domain, gbdt CV)

  // {"objective","rmse","mre","spearman","n","huber_delta","bootstrap","kfold","test",
  //  "prediction_interval","warnings", and the extra keys}.
  nlohmann::json ToJson() const;
  static Result<FitStats> FromJson(const nlohmann::json& json);
  // The best held-out RMSE there is: test, else k-fold; nullopt without either.
  std::optional<double> HeldOutRmse() const;
  HeadlineAccuracy Headline() const;
};

}  // namespace mixrun

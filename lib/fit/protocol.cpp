#include "fit/protocol.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/parallel.h"
#include "fit/resampling.h"

namespace mixrun {
namespace {

// Fewer configurations than this and the prediction interval falls back to Gaussian: a 95%
// conformal quantile over fewer scores is the largest score, and folds of one or two runs say
// little.
constexpr size_t kMinGroupsForConformal = 10;

using Predictors = std::vector<std::unique_ptr<Predictor>>;

Result<std::vector<double>> PredictAll(const Predictor& predictor, const FitRows& rows) {
  if (rows.size() == 0) return std::vector<double>{};
  return predictor.Predict(rows.x.data(), rows.size());
}

// The bootstrap refits' predictions at every row: predictions[row][refit].
std::vector<std::vector<double>> RefitPredictions(const Predictors& refits, const FitRows& rows,
                                                  int threads) {
  std::vector<std::vector<double>> by_refit(refits.size());
  ParallelFor(refits.size(), threads, [&](size_t b) {
    auto predicted = PredictAll(*refits[b], rows);
    by_refit[b] = predicted.ok() ? std::move(*predicted)
                                 : std::vector<double>(rows.size(), std::nan(""));
  });
  std::vector<std::vector<double>> by_row(rows.size(), std::vector<double>(refits.size()));
  for (size_t b = 0; b < refits.size(); ++b) {
    for (size_t i = 0; i < rows.size(); ++i) by_row[i][b] = by_refit[b][i];
  }
  return by_row;
}

Predictors Bootstrap(const Estimator& estimator, const FitRows& train, const FitRequest& request) {
  Predictors refits(static_cast<size_t>(request.bootstrap));
  ParallelFor(refits.size(), request.threads, [&](size_t b) {
    auto refit = estimator.Refit(train, ResampleCounts(train.size(), request.seed, b),
                                 Estimator::Purpose::kBootstrap);
    if (refit.ok()) refits[b] = std::move(*refit);
  });
  std::erase_if(refits, [](const auto& refit) { return refit == nullptr; });
  return refits;
}

void SummarizeParameters(const Predictors& refits, FitReport& report) {
  std::map<std::string, std::vector<double>> samples;
  for (const auto& refit : refits) {
    for (const auto& [name, value] : refit->Params()) samples[name].push_back(value);
    for (const auto& [name, value] : refit->Derived()) samples[name].push_back(value);
  }
  for (const auto& [name, values] : samples) {
    const SampleSummary summary = Summarize(values);
    report.standard_errors[name] = summary.standard_error;
    report.intervals[name] = {summary.low, summary.high};
  }
}

// The pooled SD of the target within configurations that were run more than once.
std::optional<double> SeedNoise(const FitRows& rows, const std::vector<std::string>& groups,
                                size_t* seed_groups) {
  std::map<std::string, std::vector<double>> by_group;
  for (size_t i = 0; i < rows.size(); ++i) by_group[groups[i]].push_back(rows.y[i]);
  double squares = 0, dof = 0;
  *seed_groups = 0;
  for (const auto& [group, values] : by_group) {
    if (values.size() < 2) continue;
    ++*seed_groups;
    double mean = 0;
    for (double v : values) mean += v;
    mean /= static_cast<double>(values.size());
    for (double v : values) squares += (v - mean) * (v - mean);
    dof += static_cast<double>(values.size() - 1);
  }
  if (dof == 0) return std::nullopt;
  return std::sqrt(squares / dof);
}

double RootMeanSquare(const std::vector<double>& a, const std::vector<double>& b) {
  double squares = 0;
  for (size_t i = 0; i < a.size(); ++i) squares += (a[i] - b[i]) * (a[i] - b[i]);
  return a.empty() ? 0.0 : std::sqrt(squares / static_cast<double>(a.size()));
}

// σ never 0: a perfect fit would make every score infinite or NaN.
double FloorNoise(double noise, const std::vector<double>& y) {
  double scale = 0;
  for (double v : y) scale = std::max(scale, std::abs(v));
  return std::max(noise, 1e-12 * std::max(scale, 1.0));
}

// Out-of-fold predictions of every row, each from the refit without its fold.
Result<std::vector<double>> OutOfFold(const Estimator& estimator, const FitRows& train,
                                      const std::vector<int>& fold, int k, int threads) {
  std::vector<double> out_of_fold(train.size(), std::nan(""));
  std::vector<Status> failures(static_cast<size_t>(k));
  ParallelFor(static_cast<size_t>(k), threads, [&](size_t f) {
    std::vector<double> weights(train.size());
    for (size_t i = 0; i < train.size(); ++i) weights[i] = fold[i] == static_cast<int>(f) ? 0 : 1;
    auto refit = estimator.Refit(train, weights, Estimator::Purpose::kFold);
    if (!refit.ok()) {
      failures[f] = refit.status();
      return;
    }
    auto predicted = PredictAll(**refit, train);
    if (!predicted.ok()) {
      failures[f] = predicted.status();
      return;
    }
    for (size_t i = 0; i < train.size(); ++i) {
      if (fold[i] == static_cast<int>(f)) out_of_fold[i] = (*predicted)[i];
    }
  });
  for (const Status& failure : failures) {
    if (!failure.ok()) return failure.WithContext("cross-validation refit");
  }
  return out_of_fold;
}

struct CrossValidation {
  Calibration calibration;
  std::optional<HeldOut> kfold;  // when the request asked for k-fold
};

// Steps 3: the calibration from out-of-fold residuals, and each fold's coverage under the
// quantile of the other folds' scores (the fold's own residuals never set its interval).
Result<CrossValidation> CrossValidate(const Estimator& estimator, const FitRows& train,
                                      const std::vector<double>& spread,
                                      const FitRequest& request, int k) {
  const std::vector<std::string> groups = train.Groups();
  const std::vector<int> fold = GroupFolds(groups, k, request.seed);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> out_of_fold,
                          OutOfFold(estimator, train, fold, k, request.threads));
  CrossValidation result;
  Calibration& calibration = result.calibration;
  calibration.method = "cv-conformal";
  calibration.folds = k;
  calibration.residual_sd = RootMeanSquare(out_of_fold, train.y);
  calibration.seed_sd = SeedNoise(train, groups, &calibration.seed_groups);
  calibration.noise_sd =
      FloorNoise(std::max(calibration.residual_sd, calibration.seed_sd.value_or(0.0)), train.y);
  calibration.bootstrap_spread = !spread.empty();
  std::vector<double> scores(train.size()), scale(train.size());
  for (size_t i = 0; i < train.size(); ++i) {
    scale[i] = calibration.Scale(spread.empty() ? 0.0 : spread[i]);
    scores[i] = std::abs(train.y[i] - out_of_fold[i]) / scale[i];
  }
  calibration.scores = scores.size();
  calibration.quantile = ConformalQuantile(scores, kIntervalLevel);
  if (request.kfold < 2) return result;

  HeldOut held_out;
  held_out.k = k;
  held_out.accuracy = MeasureAccuracy(out_of_fold, train.y);
  size_t covered = 0;
  double width = 0;
  for (int f = 0; f < k; ++f) {
    std::vector<double> others;
    for (size_t i = 0; i < train.size(); ++i) {
      if (fold[i] != f) others.push_back(scores[i]);
    }
    const double quantile = ConformalQuantile(others, kIntervalLevel);
    for (size_t i = 0; i < train.size(); ++i) {
      if (fold[i] != f) continue;
      covered += scores[i] <= quantile;
      width += 2 * quantile * scale[i];
    }
  }
  const double n = static_cast<double>(train.size());
  held_out.coverage_95 = static_cast<double>(covered) / n;
  held_out.mean_prediction_width = width / n;
  result.kfold = held_out;
  return result;
}

// The fallback without enough configurations to cross-validate: Gaussian on the in-sample
// residuals with their degrees of freedom.
Calibration GaussianCalibration(const FitRows& train, const std::vector<double>& fitted,
                                const std::vector<double>& spread, int num_params) {
  Calibration calibration;
  calibration.method = "gaussian";
  const double n = static_cast<double>(train.size());
  const double dof_correction = n > num_params ? std::sqrt(n / (n - num_params)) : 1.0;
  calibration.residual_sd = RootMeanSquare(fitted, train.y) * dof_correction;
  calibration.seed_sd = SeedNoise(train, train.Groups(), &calibration.seed_groups);
  calibration.noise_sd =
      FloorNoise(std::max(calibration.residual_sd, calibration.seed_sd.value_or(0.0)), train.y);
  calibration.quantile = 1.959963984540054;
  calibration.scores = train.size();
  calibration.bootstrap_spread = !spread.empty();
  return calibration;
}

Result<HeldOut> Test(const Predictor& fit, const Predictors& refits, const FitRows& test,
                     const Calibration& calibration, int threads) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted, PredictAll(fit, test));
  HeldOut held_out;
  held_out.accuracy = MeasureAccuracy(predicted, test.y);
  const std::vector<std::vector<double>> refit_predictions =
      RefitPredictions(refits, test, threads);
  size_t covered = 0, mean_covered = 0, mean_count = 0;
  double width = 0, mean_width = 0;
  for (size_t i = 0; i < test.size(); ++i) {
    const double spread = refits.empty() ? 0.0 : BootstrapSpread(refit_predictions[i]);
    const Interval interval = calibration.Around(predicted[i], spread);
    covered += interval.Contains(test.y[i]);
    width += interval.width();
    if (refits.empty()) continue;
    if (auto mean = MeanInterval(refit_predictions[i])) {
      ++mean_count;
      mean_covered += mean->Contains(test.y[i]);
      mean_width += mean->width();
    }
  }
  const double n = static_cast<double>(test.size());
  held_out.coverage_95 = static_cast<double>(covered) / n;
  held_out.mean_prediction_width = width / n;
  if (mean_count > 0) {
    held_out.mean_interval_coverage =
        static_cast<double>(mean_covered) / static_cast<double>(mean_count);
    held_out.mean_mean_width = mean_width / static_cast<double>(mean_count);
  }
  return held_out;
}

}  // namespace

Result<FitReport> RunFitProtocol(Estimator& estimator, const FitRows& train, const FitRows& test,
                                 const FitRequest& request) {
  MIXRUN_RETURN_IF_ERROR(request.CheckCommon(train.size()));
  FitReport report;
  // 1. The full fit.
  MIXRUN_ASSIGN_OR_RETURN(EstimatorFit fit, estimator.Fit(train));
  report.params = fit.predictor->Params();
  report.derived = fit.predictor->Derived();
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> fitted, PredictAll(*fit.predictor, train));
  FitStats& stats = report.stats;
  stats.objective = fit.objective;
  stats.in_sample = MeasureAccuracy(fitted, train.y);
  stats.extra = fit.extra;
  stats.warnings = fit.warnings;
  for (const std::string& feature : train.ConstantFeatures()) {
    stats.warnings.push_back(feature + " takes one value in all " + std::to_string(train.size()) +
                             " training rows: the law cannot tell its effect, and the parameters "
                             "tied to it are not determined by these runs");
  }

  // 2. Bootstrap.
  Predictors refits;
  std::vector<double> spread;  // at each training row; empty without enough refits
  if (request.bootstrap > 0) {
    refits = Bootstrap(estimator, train, request);
    stats.bootstrap = refits.size();
    SummarizeParameters(refits, report);
    if (refits.size() >= kMinBootstrapForSpread) {
      for (const auto& at_row : RefitPredictions(refits, train, request.threads)) {
        spread.push_back(BootstrapSpread(at_row));
      }
    } else {
      stats.warnings.push_back("only " + std::to_string(refits.size()) + " of " +
                               std::to_string(request.bootstrap) +
                               " bootstrap refits converged: no mean interval");
    }
  }

  // 3. Cross-validation: calibration, and k-fold accuracy when asked.
  const size_t groups = CountGroups(train.Groups());
  const int k = request.kfold >= 2 ? request.kfold
                                   : static_cast<int>(std::min<size_t>(
                                         static_cast<size_t>(request.calibration_folds), groups));
  if (request.kfold > static_cast<int>(groups)) {
    return Status::InvalidInput("kfold " + std::to_string(request.kfold) + " exceeds the " +
                                std::to_string(groups) +
                                " distinct configurations (repeated seeds share a fold)");
  }
  if (groups >= kMinGroupsForConformal || request.kfold >= 2) {
    MIXRUN_ASSIGN_OR_RETURN(CrossValidation cv,
                            CrossValidate(estimator, train, spread, request, k));
    stats.calibration = cv.calibration;
    stats.kfold = cv.kfold;
  }
  if (groups < kMinGroupsForConformal) {
    stats.calibration = GaussianCalibration(train, fitted, spread, estimator.num_params());
    stats.warnings.push_back("only " + std::to_string(groups) +
                             " distinct configurations: the prediction interval is Gaussian on "
                             "in-sample residuals, not calibrated by cross-validation");
  }

  // 4. Held-out test set.
  if (test.size() > 0) {
    MIXRUN_ASSIGN_OR_RETURN(stats.test, Test(*fit.predictor, refits, test, *stats.calibration,
                                             request.threads));
  }

  // 5. The state a stored fit predicts from.
  report.state = estimator.Context();
  MIXRUN_ASSIGN_OR_RETURN(report.state["fit"], fit.predictor->ToJson());
  nlohmann::json sets = nlohmann::json::array();
  for (const auto& refit : refits) {
    MIXRUN_ASSIGN_OR_RETURN(nlohmann::json set, refit->ToJson());
    sets.push_back(std::move(set));
  }
  report.state["bootstrap"] = std::move(sets);
  report.state["calibration"] = stats.calibration->ToJson();
  return report;
}

}  // namespace mixrun

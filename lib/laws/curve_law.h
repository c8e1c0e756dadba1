// Laws fitted with one LawModel on log loss (chinchilla, power, overtrain, loss2loss) or on the
// target itself (the task law's link from loss to a task metric), as an Estimator of the fit
// protocol: the multi-start fit, tight refits for the bootstrap and the folds, and the
// predictor a stored fit is brought back as.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fit/estimator.h"
#include "fit/law_entry.h"
#include "laws/law_model.h"

namespace mixrun {

struct CurveLawSpec {
  std::string law;
  std::unique_ptr<LawModel> model;  // predicts log y from features (y itself if !log_target)
  // Whether the model and its Huber loss work on log y (losses: relative errors, y > 0) or on y
  // (a task accuracy, which may be near 0 or negative when centred).
  bool log_target = true;
  int num_features = 1;
  std::vector<std::string> feature_names;  // e.g. "log N", for messages
  std::vector<std::vector<double>> starts;
  double huber_delta = 1e-3;
  // The fewest rows it is fitted on; 0: one more than its parameters. A law fitted as one stage
  // of a chain may interpolate (the pipeline's size law: 3 sizes, 3 parameters).
  size_t min_points = 0;
  // Features of a run for prediction (e.g. log N, log D).
  std::function<Result<std::vector<double>>(const RunPoint&)> features;
  // Features and observed losses of runs for fitting (one row per run, or per history point).
  std::function<Result<FitRows>(const std::vector<RunPoint>&, const std::string&)> rows;
  // Readable parameters and derived quantities from the fitted vector.
  std::function<std::map<std::string, double>(const std::vector<double>&)> named;
  std::function<std::map<std::string, double>(const std::vector<double>&)> derived;
  // Why a prediction may be undefined (loss2loss below E_A), for the error that says so.
  std::string undefined_hint;
};

// One row per run: the features `features` gives it, and its `metric` as y (a positive loss);
// what a law of scale reads (chinchilla, overtrain).
Result<FitRows> MetricRows(
    const std::vector<RunPoint>& runs, const std::string& metric, const std::string& set_name,
    int num_features, const std::function<Result<std::vector<double>>(const RunPoint&)>& features);

// The law prepared on the training runs: fails when there are too few rows for its parameters.
Result<PreparedLaw> PrepareCurveLaw(std::shared_ptr<const CurveLawSpec> spec,
                                    const FitRequest& request, const std::vector<RunPoint>& train);

// The reader and decoder of a stored fit (each parameter set is the fitted vector).
LawLoader LoadCurveLaw(std::shared_ptr<const CurveLawSpec> spec);

// The pieces, for laws built of curve laws (loss2loss, task): the spec's estimator, and its
// predictor at a fitted vector (a prediction that is not finite is an error naming the law).
std::unique_ptr<Estimator> NewCurveEstimator(std::shared_ptr<const CurveLawSpec> spec, int threads);
std::unique_ptr<Predictor> NewCurvePredictor(std::shared_ptr<const CurveLawSpec> spec,
                                             std::vector<double> params);

}  // namespace mixrun

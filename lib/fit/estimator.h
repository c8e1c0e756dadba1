// What a law family implements to go through the one fit protocol (fit/protocol.h):
//   RunReader — how the law reads a run: its features and observed target;
//   Predictor — one fitted instance (the full fit, a bootstrap refit, a fold's refit);
//   Estimator — fits a Predictor on the training rows, and refits it on weighted rows.
// Everything else — bootstrap, folds, accuracy, intervals, stats — is the protocol's.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

// The rows of a fit in the law's feature space. y is the observed target on the loss scale (what
// predictions are compared with). Rows with identical features are one configuration (seeds of
// one mixture): folds keep them together and the seed noise is measured within them.
struct FitRows {
  int num_features = 0;
  std::vector<double> x;  // size() × num_features, row-major
  std::vector<double> y;
  // What each feature is ("log N"), for messages; empty when the law does not say.
  std::vector<std::string> feature_names;

  size_t size() const { return y.size(); }
  const double* row(size_t i) const { return x.data() + i * num_features; }
  // One key per row, equal for rows with equal features.
  std::vector<std::string> Groups() const;
  // The features that take one value in every row (with two rows or more): a law cannot tell
  // their effect, and the parameters tied to them are not determined. Named when known.
  std::vector<std::string> ConstantFeatures() const;
};

class RunReader {
 public:
  virtual ~RunReader() = default;
  // The features of one run (for prediction); an error names the run and what it lacks.
  virtual Result<std::vector<double>> Features(const RunPoint& run) const = 0;
  // Features and observed targets of runs (one row per run, or for curve histories one per
  // point); `set_name` ("train", "test") goes into errors.
  virtual Result<FitRows> Rows(const std::vector<RunPoint>& runs,
                               const std::string& set_name) const = 0;
  // Mixture laws: the domains whose normalised weights ARE the features, in order, so that rows of
  // weights can be predicted directly (recommend simulates 10⁶ of them). Empty for laws of scale.
  virtual std::vector<std::string> domains() const { return {}; }
  // Mixture-and-scale laws: the weights are followed by log N and log D, so a row of weights is
  // predicted at a model size and token count (recommend --at).
  virtual bool ReadsScale() const { return false; }
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  // Predictions (loss scale) for `rows` rows of features.
  virtual Result<std::vector<double>> Predict(const double* x, size_t rows) const = 0;
  // Readable parameters (name → value) and quantities derived from them; the protocol's standard
  // errors and percentile intervals are taken over both.
  virtual std::map<std::string, double> Params() const = 0;
  virtual std::map<std::string, double> Derived() const { return {}; }
  // The parameter set as stored; the catalog's loader reads it back.
  virtual Result<nlohmann::json> ToJson() const = 0;
};

struct EstimatorFit {
  std::unique_ptr<Predictor> predictor;
  double objective = 0;  // what was minimised
  nlohmann::json extra = nlohmann::json::object();  // the law's own statistics, into stats
  std::vector<std::string> warnings;
};

class Estimator {
 public:
  enum class Purpose { kBootstrap, kFold };
  virtual ~Estimator() = default;
  // Parameters the fit estimates (degrees of freedom of the in-sample residuals).
  virtual int num_params() const = 0;
  // The full fit on every row; called once, before any Refit.
  virtual Result<EstimatorFit> Fit(const FitRows& rows) = 0;
  // A refit with row i counted row_weights[i] times (a bootstrap resample's multiplicities; 0 leaves
  // a row out: a fold). Starts from what Fit found. Called in parallel: must be thread-safe and
  // depend only on its arguments.
  virtual Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows,
                                                   const std::vector<double>& row_weights,
                                                   Purpose purpose) const = 0;
  // What loading a stored fit needs besides the parameter sets (domains, metrics, x), kept at the
  // top level of the fit's state.
  virtual nlohmann::json Context() const { return nlohmann::json::object(); }
};

}  // namespace mixrun

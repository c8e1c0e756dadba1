// FittedLaw: a fit brought back to predict — the full fit's predictor, its bootstrap refits and
// the calibration of its prediction interval, behind the law's RunReader. One class for every law:
// the catalog's loader builds it from a stored fit (catalog/stored_fit.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/calibration.h"
#include "fit/estimator.h"

namespace mixrun {

// The scale a mixture-and-scale law predicts at: the model's parameters N and its tokens D.
struct ModelScale {
  double n_params = 0;
  double n_tokens = 0;
};

class FittedLaw {
 public:
  FittedLaw(std::string law, std::shared_ptr<const RunReader> reader,
            std::unique_ptr<Predictor> fit, std::vector<std::unique_ptr<Predictor>> bootstrap,
            std::optional<Calibration> calibration);

  const std::string& law() const { return law_; }
  // The mixture domains the law reads, in the column order of PredictMixtures; empty for laws of
  // scale only (chinchilla, power).
  std::vector<std::string> domains() const { return reader_->domains(); }
  // Whether the law predicts a mixture at a scale (mixscale): PredictMixtures then needs one.
  bool reads_scale() const { return reader_->ReadsScale(); }
  const std::optional<Calibration>& calibration() const { return calibration_; }
  size_t bootstrap_size() const { return bootstrap_.size(); }

  // The full fit's prediction for a run (what it reads: the law's RunReader).
  Result<double> Predict(const RunPoint& run) const;
  // One prediction per bootstrap refit; empty when the fit had no bootstrap.
  std::vector<double> PredictBootstrap(const RunPoint& run) const;
  // The prediction with its mean interval and its prediction interval.
  Result<PointPrediction> PredictWithIntervals(const RunPoint& run) const;
  // The full fit's predictions for `rows` rows of domains().size() weights (row-major, each row
  // normalised); only for mixture laws, at `scale` exactly when reads_scale(). The fast path for
  // simulating many mixtures.
  Result<std::vector<double>> PredictMixtures(const std::vector<double>& weights, size_t rows,
                                              const std::optional<ModelScale>& scale = {}) const;
  // The same by bootstrap refit `replicate` (< bootstrap_size()): one draw of the law from the
  // uncertainty of its parameters (what Thompson sampling picks mixtures under).
  Result<std::vector<double>> PredictMixturesByRefit(
      size_t replicate, const std::vector<double>& weights, size_t rows,
      const std::optional<ModelScale>& scale = {}) const;

 private:
  Result<std::vector<double>> PredictMixturesWith(const Predictor& predictor,
                                                  const std::vector<double>& weights, size_t rows,
                                                  const std::optional<ModelScale>& scale) const;

  std::string law_;
  std::shared_ptr<const RunReader> reader_;
  std::unique_ptr<Predictor> fit_;
  std::vector<std::unique_ptr<Predictor>> bootstrap_;
  std::optional<Calibration> calibration_;
};

}  // namespace mixrun

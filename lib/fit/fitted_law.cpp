#include "fit/fitted_law.h"

#include <cmath>

namespace mixrun {

FittedLaw::FittedLaw(std::string law, std::shared_ptr<const RunReader> reader,
                     std::unique_ptr<Predictor> fit,
                     std::vector<std::unique_ptr<Predictor>> bootstrap,
                     std::optional<Calibration> calibration)
    : law_(std::move(law)),
      reader_(std::move(reader)),
      fit_(std::move(fit)),
      bootstrap_(std::move(bootstrap)),
      calibration_(std::move(calibration)) {}

Result<double> FittedLaw::Predict(const RunPoint& run) const {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> features, reader_->Features(run));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted, fit_->Predict(features.data(), 1));
  return predicted[0];
}

std::vector<double> FittedLaw::PredictBootstrap(const RunPoint& run) const {
  auto features = reader_->Features(run);
  if (!features.ok()) return {};
  std::vector<double> predictions;
  predictions.reserve(bootstrap_.size());
  for (const auto& set : bootstrap_) {
    auto predicted = set->Predict(features->data(), 1);
    if (predicted.ok()) predictions.push_back((*predicted)[0]);
  }
  return predictions;
}

Result<PointPrediction> FittedLaw::PredictWithIntervals(const RunPoint& run) const {
  PointPrediction out;
  MIXRUN_ASSIGN_OR_RETURN(out.value, Predict(run));
  const std::vector<double> refits = PredictBootstrap(run);
  out.mean_interval = MeanInterval(refits);
  if (calibration_) {
    out.prediction_interval = calibration_->Around(out.value, BootstrapSpread(refits));
    out.interval_method = calibration_->Describe();
    out.warning = ImplausibleInterval(out.value, *out.prediction_interval);
  }
  return out;
}

Result<std::vector<double>> FittedLaw::PredictMixtures(
    const std::vector<double>& weights, size_t rows, const std::optional<ModelScale>& scale) const {
  return PredictMixturesWith(*fit_, weights, rows, scale);
}

Result<std::vector<double>> FittedLaw::PredictMixturesByRefit(
    size_t replicate, const std::vector<double>& weights, size_t rows,
    const std::optional<ModelScale>& scale) const {
  if (replicate >= bootstrap_.size()) {
    return Status::InvalidInput("refit " + std::to_string(replicate) + " of a fit with " +
                                std::to_string(bootstrap_.size()) + " bootstrap refits");
  }
  return PredictMixturesWith(*bootstrap_[replicate], weights, rows, scale);
}

Result<std::vector<double>> FittedLaw::PredictMixturesWith(
    const Predictor& predictor, const std::vector<double>& weights, size_t rows,
    const std::optional<ModelScale>& scale) const {
  const size_t columns = domains().size();
  if (columns == 0) return Status::InvalidInput("law " + law_ + " does not read mixtures");
  if (weights.size() != rows * columns) {
    return Status::InvalidInput("PredictMixtures: expected " + std::to_string(rows) + " rows of " +
                                std::to_string(columns) + " weights");
  }
  if (!reads_scale()) {
    if (scale) return Status::InvalidInput("a " + law_ + " fit does not predict at a scale");
    return predictor.Predict(weights.data(), rows);
  }
  if (!scale) {
    return Status::InvalidInput("a " + law_ +
                                " fit predicts at a model size and token count: give the scale");
  }
  if (!(scale->n_params > 0 && scale->n_tokens > 0)) {
    return Status::InvalidInput("the scale's N and D must be positive");
  }
  // The reader's features: the weights, then log N and log D.
  std::vector<double> features;
  features.reserve(rows * (columns + 2));
  for (size_t r = 0; r < rows; ++r) {
    features.insert(features.end(), weights.begin() + r * columns,
                    weights.begin() + (r + 1) * columns);
    features.push_back(std::log(scale->n_params));
    features.push_back(std::log(scale->n_tokens));
  }
  return predictor.Predict(features.data(), rows);
}

}  // namespace mixrun

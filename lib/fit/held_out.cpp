#include "fit/held_out.h"

#include <cstddef>

#include "fit/accuracy.h"

namespace mixrun {

HeldOut MeasureHeldOut(const std::vector<PointPrediction>& predictions,
                       const std::vector<double>& observed) {
  std::vector<double> predicted;
  size_t in_prediction = 0, with_prediction = 0, in_mean = 0, with_mean = 0;
  double prediction_width = 0, mean_width = 0;
  for (size_t i = 0; i < predictions.size(); ++i) {
    const PointPrediction& prediction = predictions[i];
    predicted.push_back(prediction.value);
    if (prediction.prediction_interval) {
      ++with_prediction;
      in_prediction += prediction.prediction_interval->Contains(observed[i]);
      prediction_width += prediction.prediction_interval->width();
    }
    if (prediction.mean_interval) {
      ++with_mean;
      in_mean += prediction.mean_interval->Contains(observed[i]);
      mean_width += prediction.mean_interval->width();
    }
  }
  HeldOut held_out;
  held_out.accuracy = MeasureAccuracy(predicted, observed);
  if (with_prediction > 0) {
    held_out.coverage_95 = static_cast<double>(in_prediction) / with_prediction;
    held_out.mean_prediction_width = prediction_width / with_prediction;
  }
  if (with_mean > 0) {
    held_out.mean_interval_coverage = static_cast<double>(in_mean) / with_mean;
    held_out.mean_mean_width = mean_width / with_mean;
  }
  return held_out;
}

}  // namespace mixrun

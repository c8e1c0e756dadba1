#include "fit/calibration.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/percentile.h"
#include "common/text_table.h"

namespace mixrun {
namespace {

nlohmann::json IntervalJson(const std::optional<Interval>& interval) {
  if (!interval) return nullptr;
  return {interval->low, interval->high};
}

std::vector<double> Finite(const std::vector<double>& values) {
  std::vector<double> finite;
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  return finite;
}

}  // namespace

double Calibration::Scale(double bootstrap_sd) const {
  const double spread = bootstrap_spread && std::isfinite(bootstrap_sd) ? bootstrap_sd : 0.0;
  return std::sqrt(spread * spread + noise_sd * noise_sd);
}

Interval Calibration::Around(double prediction, double bootstrap_sd) const {
  const double half = quantile * Scale(bootstrap_sd);
  return {prediction - half, prediction + half};
}

std::string Calibration::Describe() const {
  std::string text = method;
  if (method == "cv-conformal") text.append(", ").append(std::to_string(folds)).append(" folds");
  text.append(", q ").append(FormatSignificant(quantile, 3)).append(" × σ ");
  text.append(FormatSignificant(noise_sd, 3));
  if (bootstrap_spread) text += " ⊕ bootstrap spread";
  if (method == "gaussian") text += " (in-sample residuals: uncalibrated)";
  return text;
}

nlohmann::json Calibration::ToJson() const {
  nlohmann::json json = {{"method", method},
                         {"level", level},
                         {"quantile", quantile},
                         {"noise_sd", noise_sd},
                         {"residual_sd", residual_sd},
                         {"seed_sd", seed_sd ? nlohmann::json(*seed_sd) : nlohmann::json(nullptr)},
                         {"seed_groups", seed_groups},
                         {"folds", folds},
                         {"scores", scores},
                         {"bootstrap_spread", bootstrap_spread}};
  return json;
}

Result<Calibration> Calibration::FromJson(const nlohmann::json& json) {
  Calibration calibration;
  try {
    calibration.method = json.at("method").get<std::string>();
    calibration.level = json.value("level", kIntervalLevel);
    calibration.quantile = json.at("quantile").get<double>();
    calibration.noise_sd = json.at("noise_sd").get<double>();
    calibration.residual_sd = json.value("residual_sd", calibration.noise_sd);
    if (json.contains("seed_sd") && json["seed_sd"].is_number()) {
      calibration.seed_sd = json["seed_sd"].get<double>();
    }
    calibration.seed_groups = json.value("seed_groups", size_t{0});
    calibration.folds = json.value("folds", 0);
    calibration.scores = json.value("scores", size_t{0});
    calibration.bootstrap_spread = json.value("bootstrap_spread", false);
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored calibration: ") + error.what());
  }
  if (!(std::isfinite(calibration.quantile) && std::isfinite(calibration.noise_sd))) {
    return Status::InvalidInput("stored calibration: quantile and noise_sd must be numbers");
  }
  return calibration;
}

double ConformalQuantile(std::vector<double> scores, double level) {
  scores = Finite(scores);
  if (scores.empty()) return NAN;
  std::sort(scores.begin(), scores.end());
  const double n = static_cast<double>(scores.size());
  const size_t rank = static_cast<size_t>(std::ceil((n + 1.0) * level));  // 1-based
  return scores[std::min(rank, scores.size()) - 1];
}

double BootstrapSpread(const std::vector<double>& predictions) {
  const std::optional<Interval> central = MeanInterval(predictions);
  return central ? central->width() / (2 * 1.959963984540054) : NAN;
}

std::optional<Interval> MeanInterval(const std::vector<double>& predictions) {
  std::vector<double> finite = Finite(predictions);
  if (finite.size() < kMinBootstrapForSpread) return std::nullopt;
  std::sort(finite.begin(), finite.end());  // once, for both ends
  return Interval{PercentileOfSorted(finite, 0.025), PercentileOfSorted(finite, 0.975)};
}

nlohmann::json PointPrediction::ToJson() const {
  nlohmann::json json = {{"prediction", value},
                         {"mean_interval", IntervalJson(mean_interval)},
                         {"prediction_interval", IntervalJson(prediction_interval)},
                         {"interval", IntervalJson(prediction_interval)},
                         {"interval_method", interval_method}};
  if (warning) json["warning"] = *warning;
  return json;
}

std::optional<std::string> ImplausibleInterval(double prediction, const Interval& interval) {
  const bool wider = interval.width() > std::abs(prediction);
  const bool below_zero = prediction > 0 && interval.low < 0;
  if (!wider && !below_zero) return std::nullopt;
  std::ostringstream text;
  text << "the 95% interval [" << interval.low << ", " << interval.high << "] "
       << (wider ? "is wider than the prediction " : "reaches below 0 around the prediction ")
       << prediction
       << " itself: the law is far outside its runs here, or its calibration was measured at other "
          "scales; do not act on this interval";
  return text.str();
}

}  // namespace mixrun

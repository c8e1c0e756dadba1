#include "io/prediction_points.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/json_text.h"
#include "common/text_table.h"

namespace mixrun {
namespace {

using nlohmann::json;

Status PointError(const std::string& source, size_t index, const std::string& message) {
  return Status::InvalidInput(source + ": /" + std::to_string(index) + ": " + message);
}

Result<RunPoint> ReadPoint(const json& item, const std::string& source, size_t index,
                           const std::string& x_variable) {
  if (!item.is_object() || item.empty()) {
    return PointError(source, index, "expected an object such as {\"N\": 1e9, \"D\": 2e10}");
  }
  RunPoint point;
  const json* weights = item.contains("weights") ? &item.at("weights") : nullptr;
  bool scale_keys = false;
  double per_param = std::nan("");  // M = D/N
  for (const auto& [key, value] : item.items()) {
    if (key == "weights") continue;
    if (key == "metrics") {  // a law that predicts from other metrics (loss2loss)
      if (!value.is_object()) return PointError(source, index, "'metrics' must be an object");
      for (const auto& [metric, number] : value.items()) {
        if (!number.is_number() || !std::isfinite(number.get<double>())) {
          return PointError(source, index, "metric '" + metric + "' must be a finite number");
        }
        point.metrics[metric] = number.get<double>();
      }
      scale_keys = true;
      continue;
    }
    if (!value.is_number() || !std::isfinite(value.get<double>())) {
      return PointError(source, index, "'" + key + "' must be a finite number");
    }
    double number = value.get<double>();
    if (key == "N" || key == "D" || key == "C" || key == "M" || key == "x" || key == "step") {
      scale_keys = true;
      std::string variable = key == "x" ? x_variable : key;
      if (variable == "N" || variable == "n") {
        point.n_params = number;
      } else if (variable == "D" || variable == "d") {
        point.n_tokens = number;
      } else if (variable == "C" || variable == "c") {
        point.flops = number;
      } else if (variable == "M" || variable == "m") {
        per_param = number;
      } else {
        point.metrics[variable] = number;  // step, or the metric a law predicts from
      }
    } else if (!weights) {
      point.weights[key] = number;  // a bare mixture
    } else {
      return PointError(source, index, "unknown key '" + key + "'");
    }
  }
  if (weights) {
    if (!weights->is_object()) return PointError(source, index, "'weights' must be an object");
    for (const auto& [domain, value] : weights->items()) {
      if (!value.is_number() || value.get<double>() < 0) {
        return PointError(source, index, "weight of '" + domain + "' must be a number >= 0");
      }
      point.weights[domain] = value.get<double>();
    }
  }
  if (scale_keys && !point.weights.empty() && !weights) {
    return PointError(source, index,
                      "mixing scale keys and domain names; put the mixture under "
                      "\"weights\"");
  }
  if (!std::isnan(per_param)) {
    if (!(per_param > 0)) return PointError(source, index, "'M' must be positive");
    // D = M·N; with C instead of N: C = 6·N·M·N, so N = √(C/(6M)).
    if (std::isnan(point.n_params) && !std::isnan(point.flops)) {
      point.n_params = std::sqrt(point.flops / (6 * per_param));
    }
    if (std::isnan(point.n_params) || !std::isnan(point.n_tokens)) {
      return PointError(source, index, "'M' goes with N or C, and without D (D = M·N)");
    }
    point.n_tokens = per_param * point.n_params;
  }
  if (std::isnan(point.flops) && !std::isnan(point.n_params) && !std::isnan(point.n_tokens)) {
    point.flops = 6 * point.n_params * point.n_tokens;
  }
  if (std::isnan(point.n_tokens) && !std::isnan(point.n_params) && !std::isnan(point.flops)) {
    point.n_tokens = point.flops / (6 * point.n_params);
  }
  return point;
}

}  // namespace

Result<std::vector<RunPoint>> ReadPredictionPoints(const std::string& source,
                                                   const std::string& x_variable) {
  std::string text = source;
  std::string name = "--predict";
  size_t first = source.find_first_not_of(" \t\n");
  if (first == std::string::npos || (source[first] != '[' && source[first] != '{')) {
    std::ifstream in(source);
    if (!in) return Status::InvalidInput(source + ": cannot read the points file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    name = source;
  }
  MIXRUN_ASSIGN_OR_RETURN(json parsed, ParseJsonText(text, name));
  if (parsed.is_object()) parsed = json::array({parsed});
  if (!parsed.is_array() || parsed.empty()) {
    return Status::InvalidInput(name + ": expected a point or a non-empty array of points");
  }
  std::vector<RunPoint> points;
  for (size_t i = 0; i < parsed.size(); ++i) {
    MIXRUN_ASSIGN_OR_RETURN(RunPoint point, ReadPoint(parsed[i], name, i, x_variable));
    points.push_back(std::move(point));
  }
  return points;
}

std::string DescribePoint(const RunPoint& point) {
  std::string text;
  auto add = [&](const std::string& name, double value) {
    if (!std::isnan(value)) text += (text.empty() ? "" : " ") + name + "=" + HumanCount(value);
  };
  add("N", point.n_params);
  add("D", point.n_tokens);
  add("C", point.flops);
  for (const auto& [metric, value] : point.metrics) add(metric, value);
  for (const auto& [domain, weight] : point.weights) {
    text += (text.empty() ? "" : " ") + domain + "=" + FormatSignificant(weight, 3);
  }
  return text;
}

nlohmann::json PointJson(const RunPoint& point) {
  nlohmann::json json = nlohmann::json::object();
  if (!std::isnan(point.n_params)) json["N"] = point.n_params;
  if (!std::isnan(point.n_tokens)) json["D"] = point.n_tokens;
  if (!std::isnan(point.flops)) json["C"] = point.flops;
  if (!point.weights.empty()) json["weights"] = point.weights;
  if (!point.metrics.empty()) json["metrics"] = point.metrics;
  return json;
}

}  // namespace mixrun

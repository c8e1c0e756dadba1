// RunPoint: one finished run as the laws see it — its scale, its mixture and its metrics.
// Values that a run does not have are NaN (scale) or absent (metrics); the store fills these.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace mixrun {

// A mixture: domain name -> weight; weights are non-negative and sum to 1.
using Mixture = std::map<std::string, double>;

struct MetricSample {
  int64_t step = 0;
  double tokens = 0;
  double value = 0;
};

// One value of a named metric of a run, as trainers write it and the store keeps it.
struct MetricRow {
  std::string name;   // train/loss, train/lr, eval/<domain>/loss, eval/target/loss, ...
  int64_t step = 0;   // optimizer steps completed when measured
  double tokens = 0;  // training tokens seen at that step
  double value = 0;
};

struct RunPoint {
  int64_t run_id = 0;
  std::string run_key;
  double n_params = std::numeric_limits<double>::quiet_NaN();  // N
  double n_tokens = std::numeric_limits<double>::quiet_NaN();  // D
  double flops = std::numeric_limits<double>::quiet_NaN();     // C (6ND unless given)
  Mixture weights;
  std::map<std::string, double> metrics;  // final value of each metric, by name
  // Full history of some metrics, by name; filled only when a caller asks for it.
  std::map<std::string, std::vector<MetricSample>> history;
  // The training settings the run was trained with, flattened ("train.lr" -> "0.003", as JSON
  // text), and their short hash; both empty when unknown (imported runs).
  std::string settings_id;
  std::map<std::string, std::string> settings;

  // D: the tokens when known, else the compute over 6N (C = 6ND); NaN when neither is.
  double TokensOrFromCompute() const {
    return std::isfinite(n_tokens) ? n_tokens : flops / (6.0 * n_params);
  }
};

}  // namespace mixrun

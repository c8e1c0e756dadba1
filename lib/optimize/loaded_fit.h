// A stored fit brought back for recommend: the predictor plus what intervals and baselines need
// (its options, its stats with held-out error, its experiment), and its weight in the objective.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/run_point.h"
#include "laws/fit_types.h"

namespace mixrun {

struct LoadedFit {
  int64_t id = 0;
  double weight = 1;  // in the objective: Σ weight · prediction
  std::string law;
  nlohmann::json options;  // fits.options_json
  nlohmann::json stats;    // fits.stats_json
  std::optional<int64_t> experiment_id;
  std::shared_ptr<const FittedLaw> fitted;

  // "regmix gbdt", "mixing", ...
  std::string Describe() const;
  // Piecewise-constant models (gbdt) have no useful gradient: only simulate works for them.
  bool Smooth() const;
  // The fit's target as observed in a run: its metric, or for a mixing fit without one the
  // target-weighted sum of its domain metrics; nullopt when the run lacks them.
  std::optional<double> ObservedTarget(const RunPoint& run) const;
};

}  // namespace mixrun

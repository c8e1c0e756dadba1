// FitReport: a finished fit — readable parameters with their bootstrap SEs and 95% percentile
// intervals, typed stats, and the state a stored fit predicts from — as the store keeps it
// (fits.options_json, params_json, stats_json) and as --json prints it.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "fit/fit_stats.h"

namespace mixrun {

struct FitReport {
  std::string law;
  nlohmann::json options;                         // FitRequest::ToJson(): fits.options_json
  std::map<std::string, double> params;           // readable parameters, name → value
  std::map<std::string, double> derived;          // quantities computed from params (e.g. N_opt)
  std::map<std::string, double> standard_errors;  // with bootstrap, by name
  std::map<std::string, std::pair<double, double>> intervals;  // 95% percentile, by name
  FitStats stats;
  std::vector<int64_t> run_ids;  // the runs fitted (provenance)
  // Everything prediction needs: the estimator's context, "fit" (the parameter set), "bootstrap"
  // (the refits' sets) and "calibration" (of the prediction interval).
  nlohmann::json state;
  // A law fitted as a chain (pipeline): the earlier stages, each its own fit with its own
  // accuracy (fit-law stores each and names them in stats "stages").
  std::vector<FitReport> stages;

  // fits.params_json: {"values": params, "derived": derived, "state": state}.
  nlohmann::json ParamsJson() const;
  // fits.stats_json: stats plus "standard_errors", "intervals" and "run_ids".
  nlohmann::json StatsJson() const;
  // Everything, for --json: law, options, params, derived, standard_errors, intervals, stats.
  nlohmann::json ToJson() const;

  // The inverse of ParamsJson and StatsJson: the report a stored fit was made from, without its
  // stages (each is a fit of its own, named in stats "stages"). InvalidInput when the JSON is not
  // what they write.
  static Result<FitReport> FromStored(const std::string& law, const nlohmann::json& options,
                                      const nlohmann::json& params_json,
                                      const nlohmann::json& stats_json);
};

}  // namespace mixrun

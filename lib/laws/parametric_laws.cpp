#include "laws/parametric_laws.h"

#include "laws/chinchilla.h"
#include "laws/curve_law.h"
#include "laws/mixing.h"
#include "laws/power.h"
#include "laws/run_inputs.h"

namespace mixrun {
namespace {

Result<CurveLawSpec> CurveSpec(const FitRequest& request) {
  if (request.law == "chinchilla") return ChinchillaSpec(request);
  return PowerSpec(request);
}

Result<Observations> CurveObservations(const FitRequest& request, const std::vector<RunPoint>& runs,
                                       const std::string& set_name) {
  if (request.law == "chinchilla") return ChinchillaObservations(runs, request.metric, set_name);
  return PowerObservations(runs, request.metric, request.x, set_name);
}

}  // namespace

bool IsParametricLaw(const std::string& law) {
  return law == "chinchilla" || law == "power" || law == "mixing";
}

Status CheckCommonRequest(const FitRequest& request, size_t train_runs) {
  if (train_runs == 0) return Status::InvalidInput(request.law + ": no training runs");
  if (request.threads < 1) return Status::InvalidInput("threads must be at least 1");
  if (request.bootstrap < 0) return Status::InvalidInput("bootstrap must be 0 or more resamples");
  if (request.kfold == 1 || request.kfold < 0) {
    return Status::InvalidInput("kfold must be 0 (none) or at least 2");
  }
  if (request.kfold > static_cast<int>(train_runs)) {
    return Status::InvalidInput("kfold " + std::to_string(request.kfold) + " exceeds the " +
                                std::to_string(train_runs) + " training runs");
  }
  if (request.huber_delta && !(*request.huber_delta > 0)) {
    return Status::InvalidInput("huber delta must be positive");
  }
  return Status::Ok();
}

Result<FitReport> FitParametricLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                                   const std::vector<RunPoint>& test) {
  if (!IsParametricLaw(request.law)) {
    return Status::InvalidInput("unknown law '" + request.law + "'");
  }
  MIXRUN_RETURN_IF_ERROR(CheckCommonRequest(request, train.size()));
  if (request.law == "mixing") return FitMixingLaw(request, train, test);
  if (request.law == "chinchilla" && (request.compute < 0 || !std::isfinite(request.compute))) {
    return Status::InvalidInput("compute must be positive");
  }
  MIXRUN_ASSIGN_OR_RETURN(CurveLawSpec spec, CurveSpec(request));
  MIXRUN_ASSIGN_OR_RETURN(Observations observations, CurveObservations(request, train, "train"));
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(
      observations.size(), static_cast<size_t>(spec.model->num_params()), request.law + " law"));
  if (request.kfold > static_cast<int>(observations.size())) {
    return Status::InvalidInput("kfold exceeds the number of points");
  }
  Observations held_out;
  if (!test.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(held_out, CurveObservations(request, test, "test"));
  }
  return FitCurveLaw(spec, observations, held_out, request);
}

Result<std::unique_ptr<FittedLaw>> LoadParametricFit(const std::string& law,
                                                     const nlohmann::json& options,
                                                     const nlohmann::json& params) {
  if (!IsParametricLaw(law)) return Status::InvalidInput("unknown law '" + law + "'");
  if (!params.is_object() || !params.contains("state")) {
    return Status::InvalidInput("stored " + law + " fit has no state to predict from");
  }
  if (law == "mixing") return LoadMixingLaw(params.at("state"));
  MIXRUN_ASSIGN_OR_RETURN(FitRequest request, FitRequest::FromJson(options));
  request.law = law;
  MIXRUN_ASSIGN_OR_RETURN(CurveLawSpec spec, CurveSpec(request));
  return LoadCurveLaw(std::move(spec), params.at("state"));
}

}  // namespace mixrun

#include "fit/law_entry.h"

#include "fit/protocol.h"

namespace mixrun {

Result<FitReport> FitWith(const LawEntry& entry, const FitRequest& request,
                          const std::vector<RunPoint>& train, const std::vector<RunPoint>& test) {
  MIXRUN_RETURN_IF_ERROR(request.CheckCommon(train.size()));
  MIXRUN_ASSIGN_OR_RETURN(PreparedLaw law, entry.prepare(request, train));
  FitRows test_rows;
  test_rows.num_features = law.train.num_features;
  if (!test.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(test_rows, law.reader->Rows(test, "test"));
  }
  MIXRUN_ASSIGN_OR_RETURN(FitReport report,
                          RunFitProtocol(*law.estimator, law.train, test_rows, request));
  report.law = entry.name;
  report.options = request.ToJson();
  report.stages = std::move(law.stages);
  for (const RunPoint& run : train) report.run_ids.push_back(run.run_id);
  return report;
}

Result<std::unique_ptr<FittedLaw>> LoadWith(const LawEntry& entry, const FitRequest& request,
                                            const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("fit")) {
    return Status::InvalidInput("stored " + entry.name + " fit has no state to predict from");
  }
  MIXRUN_ASSIGN_OR_RETURN(LawLoader loader, entry.load(request, state));
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Predictor> fit, loader.decode(state.at("fit")));
  std::vector<std::unique_ptr<Predictor>> bootstrap;
  if (state.contains("bootstrap")) {
    if (!state["bootstrap"].is_array()) {
      return Status::InvalidInput("stored " + entry.name + " fit: bootstrap is not a list");
    }
    for (const auto& set : state["bootstrap"]) {
      MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Predictor> refit, loader.decode(set));
      bootstrap.push_back(std::move(refit));
    }
  }
  std::optional<Calibration> calibration;
  if (state.contains("calibration")) {
    auto parsed = Calibration::FromJson(state["calibration"]);
    if (!parsed.ok()) return parsed.status().WithContext("stored " + entry.name + " fit");
    calibration = *parsed;
  }
  return std::make_unique<FittedLaw>(entry.name, loader.reader, std::move(fit),
                                     std::move(bootstrap), std::move(calibration));
}

}  // namespace mixrun

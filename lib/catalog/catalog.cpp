#include "catalog/catalog.h"

#include "laws/chinchilla.h"
#include "laws/loss2loss.h"
#include "laws/mixing.h"
#include "laws/mixscale.h"
#include "laws/overtrain.h"
#include "laws/pipeline.h"
#include "laws/power.h"
#include "laws/task_law.h"
#include "regress/regmix.h"

namespace mixrun {

const std::vector<const LawEntry*>& LawCatalog() {
  static const std::vector<const LawEntry*> catalog = {
      &ChinchillaLaw(), &PowerLaw(),    &OvertrainLaw(), &Loss2LossLaw(), &TaskLaw(),
      &MixingLaw(),     &MixscaleLaw(), &PipelineLaw(),  &RegmixLaw()};
  return catalog;
}

Result<const LawEntry*> FindLaw(const std::string& law) {
  std::string known;
  for (const LawEntry* entry : LawCatalog()) {
    if (entry->name == law) return entry;
    known += (known.empty() ? "" : ", ") + entry->name;
  }
  return Status::InvalidInput("unknown law '" + law + "' (known: " + known + ")");
}

Result<FitReport> FitLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                         const std::vector<RunPoint>& test) {
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, FindLaw(request.law));
  return FitWith(*entry, request, train, test);
}

std::string PredictionVariable(const FitRequest& request) {
  return request.law == "loss2loss" ? Loss2LossInput(request) : request.x;
}

Result<std::unique_ptr<FittedLaw>> LoadFit(const std::string& law, const nlohmann::json& options,
                                           const nlohmann::json& params) {
  if (law.find('/') != std::string::npos) {  // "pipeline/step": a stage of a chain
    return Status::InvalidInput(
        "the fit is the '" + law.substr(law.find('/') + 1) + "' stage of a " +
        law.substr(0, law.find('/')) +
        " fit: it keeps the stage's parameters and accuracy; predict with the " +
        law.substr(0, law.find('/')) + " fit that names it in its stats (\"stages\")");
  }
  MIXRUN_ASSIGN_OR_RETURN(const LawEntry* entry, FindLaw(law));
  MIXRUN_ASSIGN_OR_RETURN(FitRequest request, FitRequest::FromJson(options));
  request.law = law;
  if (!params.is_object() || !params.contains("state")) {
    return Status::InvalidInput("stored " + law + " fit has no state to predict from");
  }
  return LoadWith(*entry, request, params.at("state"));
}

}  // namespace mixrun

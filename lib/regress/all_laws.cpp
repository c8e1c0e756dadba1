#include "regress/all_laws.h"

#include "laws/parametric_laws.h"
#include "regress/regmix.h"

namespace mixrun {

const std::vector<std::string>& KnownLaws() {
  static const std::vector<std::string> laws = {"chinchilla", "power", "mixing", "regmix"};
  return laws;
}

Result<FitReport> FitLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                         const std::vector<RunPoint>& test) {
  if (request.law == "regmix") return FitRegmixLaw(request, train, test);
  if (IsParametricLaw(request.law)) return FitParametricLaw(request, train, test);
  return Status::InvalidInput("unknown law '" + request.law +
                              "' (known: chinchilla, power, mixing, regmix)");
}

Result<std::unique_ptr<FittedLaw>> LoadFit(const std::string& law, const nlohmann::json& options,
                                           const nlohmann::json& params) {
  if (law == "regmix") {
    if (!params.is_object() || !params.contains("state")) {
      return Status::InvalidInput("stored regmix fit has no state to predict from");
    }
    return LoadRegmixLaw(options, params.at("state"));
  }
  if (IsParametricLaw(law)) return LoadParametricFit(law, options, params);
  return Status::InvalidInput("unknown law '" + law + "'");
}

}  // namespace mixrun

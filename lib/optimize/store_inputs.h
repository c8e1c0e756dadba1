// What recommend reads from and writes to the store: the fits named by --fit ID[:WEIGHT] (or an
// experiment's latest mixture fit), their training runs, the prior, and the stored recommendation.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mixture/prior.h"
#include "optimize/loaded_fit.h"
#include "optimize/recommend.h"
#include "store/store.h"

namespace mixrun {

struct FitChoice {
  std::vector<std::string> specs;  // --fit ID[:WEIGHT], as typed
  std::string experiment;          // else: this experiment's latest fit…
  std::string law;                 // …of this law when given (else any mixing/regmix fit)
};

Result<std::vector<LoadedFit>> LoadFits(Store& store, const FitChoice& choice);

// The finished runs of the fits' experiments (each experiment once).
Result<std::vector<RunPoint>> LoadTrainingRuns(Store& store, const std::vector<LoadedFit>& fits);

// --prior tokens | uniform | FILE.json over the fits' domains. A failure is returned as the
// Result's status; recommend treats it as fatal only when the method needs a prior.
Result<Prior> ResolvePrior(Store& store, const std::string& flag,
                           const std::vector<LoadedFit>& fits);

// The first fit's experiment's token counts (empty when it has none).
Result<std::map<std::string, int64_t>> FitDomainTokens(Store& store,
                                                       const std::vector<LoadedFit>& fits);

// --domain-tokens FILE.json: each of the fits' domains' available tokens.
Result<std::map<std::string, int64_t>> ReadFitDomainTokens(const std::string& path,
                                                           const std::vector<LoadedFit>& fits);

// Stores the recommendation under the first fit; options_json records every fit, the method's
// settings and the constraints. Returns the row id.
Result<int64_t> SaveRecommendation(Store& store, const std::vector<LoadedFit>& fits,
                                   const Recommendation& recommendation,
                                   const nlohmann::json& options);

}  // namespace mixrun

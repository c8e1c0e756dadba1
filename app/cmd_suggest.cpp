// mixrun suggest: the next mixtures to train under a stored fit and recommend's constraints
// (lib/optimize/suggest.h chooses them), printed with why each was chosen, optionally written as
// a JSON array that a config's mixtures.include accepts.
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "commands.h"
#include "optimize/print.h"
#include "optimize/suggest.h"

namespace mixrun {

Status RunSuggest(const GlobalOptions& global, const SuggestOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<LoadedFit> fits, LoadFits(*store, options.base.fits));
  SuggestRequest request = options.request;
  MIXRUN_ASSIGN_OR_RETURN(request.recommend, BuildRecommendRequest(*store, options.base, fits));
  request.seed = options.base.request.simulate.seed;
  MIXRUN_ASSIGN_OR_RETURN(SuggestResult result, Suggest(fits, std::move(request)));
  if (!options.base.out.empty()) {
    MIXRUN_RETURN_IF_ERROR(WriteJsonFile(options.base.out, result.MixturesJson(), "--out"));
    spdlog::info("wrote {} mixtures to {} (a config's mixtures.include takes the file)",
                 result.suggestions.size(), options.base.out);
  }
  if (global.json) {
    nlohmann::json json = result.ToJson();
    nlohmann::json fit_list = nlohmann::json::array();
    for (const LoadedFit& fit : fits) {
      fit_list.push_back({{"id", fit.id}, {"law", fit.Describe()}, {"weight", fit.weight}});
    }
    json["fits"] = fit_list;
    if (!options.base.out.empty()) json["out"] = options.base.out;
    std::cout << json.dump(2) << '\n';
  } else {
    PrintSuggestions(result, fits, std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun

// mixrun suggest: the next mixtures to train under a stored fit and recommend's constraints
// (lib/optimize/suggest.h chooses them), printed with why each was chosen, optionally written as
// a JSON array that a config's mixtures.include accepts.
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "commands.h"
#include "common/text_table.h"
#include "optimize/print.h"
#include "optimize/suggest.h"

namespace mixrun {
namespace {

// --out FILE: the mixtures as one array; with scales to train at (a fit across scale), one array
// per scale, FILE's name with "-N<N>-D<D>" before its extension. Returns the files written.
Result<std::vector<std::string>> WriteSuggestions(const SuggestResult& result,
                                                  const std::string& out) {
  const auto groups = result.MixturesByScale();
  if (groups.empty()) {
    MIXRUN_RETURN_IF_ERROR(WriteJsonFile(out, result.MixturesJson(), "--out"));
    spdlog::info("wrote {} mixtures to {} (a config's mixtures.include takes the file)",
                 result.suggestions.size(), out);
    return std::vector<std::string>{out};
  }
  const size_t slash = out.find_last_of('/');
  const size_t dot = out.find_last_of('.');
  const bool has_extension =
      dot != std::string::npos && (slash == std::string::npos || dot > slash);
  const std::string stem = has_extension ? out.substr(0, dot) : out;
  const std::string extension = has_extension ? out.substr(dot) : ".json";
  std::vector<std::string> written;
  for (const auto& [scale, mixtures] : groups) {
    std::string path = stem;
    path.append("-N").append(HumanCount(scale.n_params)).append("-D");
    path.append(HumanCount(scale.n_tokens)).append(extension);
    MIXRUN_RETURN_IF_ERROR(WriteJsonFile(path, mixtures, "--out"));
    spdlog::info("wrote {} mixtures to train at {} to {} (a config's mixtures.include takes it)",
                 mixtures.size(), ScaleText(scale), path);
    written.push_back(path);
  }
  return written;
}

}  // namespace

Status RunSuggest(const GlobalOptions& global, const SuggestOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<LoadedFit> fits, LoadFits(*store, options.base.fits));
  SuggestRequest request = options.request;
  MIXRUN_ASSIGN_OR_RETURN(request.recommend, BuildRecommendRequest(*store, options.base, fits));
  request.seed = options.base.request.simulate.seed;
  for (const std::string& text : options.train_at) {
    MIXRUN_ASSIGN_OR_RETURN(std::optional<ModelScale> scale, ParseScale(text, "--train-at"));
    request.scales.push_back(*scale);
  }
  MIXRUN_ASSIGN_OR_RETURN(SuggestResult result, Suggest(fits, std::move(request)));
  std::vector<std::string> written;
  if (!options.base.out.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(written, WriteSuggestions(result, options.base.out));
  }

  if (global.json) {
    nlohmann::json json = result.ToJson();
    nlohmann::json fit_list = nlohmann::json::array();
    for (const LoadedFit& fit : fits) {
      fit_list.push_back({{"id", fit.id}, {"law", fit.Describe()}, {"weight", fit.weight}});
    }
    json["fits"] = fit_list;
    if (!written.empty()) json["out"] = written;
    std::cout << json.dump(2) << '\n';
  } else {
    PrintSuggestions(result, fits, std::cout);
  }
  return Status::Ok();
}

}  // namespace mixrun

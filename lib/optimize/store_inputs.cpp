#include "optimize/store_inputs.h"

#include <cmath>
#include <cstdlib>
#include <set>

#include "common/key_value.h"

namespace mixrun {
namespace {

Result<std::pair<int64_t, double>> ParseFitSpec(const std::string& spec) {
  const KeyValueSyntax syntax{.flag = "--fit",
                              .expected = "ID[:WEIGHT], a stored fit's id and a positive weight",
                              .separator = ':',
                              .value_optional = true};
  MIXRUN_ASSIGN_OR_RETURN(KeyValue fit, SplitKeyValue(spec, syntax));
  const std::optional<int64_t> id = ParseInteger(fit.key);
  const std::optional<double> weight = fit.has_value ? ParseNumber(fit.value) : 1.0;
  if (!id || *id <= 0 || !weight || !(*weight > 0) || !std::isfinite(*weight)) {
    return KeyValueError(spec, syntax);
  }
  return std::make_pair(*id, *weight);
}

Result<LoadedFit> LoadOne(Store& store, int64_t id, double weight) {
  LoadedFit fit;
  MIXRUN_ASSIGN_OR_RETURN(static_cast<StoredFit&>(fit), LoadStoredFit(store, id));
  fit.weight = weight;
  return fit;
}

}  // namespace

Result<std::vector<LoadedFit>> LoadFits(Store& store, const FitChoice& choice) {
  std::vector<LoadedFit> fits;
  if (!choice.specs.empty()) {
    if (!choice.experiment.empty()) {
      return Status::InvalidInput("recommend: give --fit or --experiment, not both");
    }
    for (const std::string& spec : choice.specs) {
      MIXRUN_ASSIGN_OR_RETURN(auto parsed, ParseFitSpec(spec));
      MIXRUN_ASSIGN_OR_RETURN(LoadedFit fit, LoadOne(store, parsed.first, parsed.second));
      fits.push_back(std::move(fit));
    }
    return fits;
  }
  if (choice.experiment.empty()) {
    return Status::InvalidInput("recommend: give --fit ID[:WEIGHT] or --experiment NAME");
  }
  MIXRUN_ASSIGN_OR_RETURN(int64_t experiment_id, store.ExperimentId(choice.experiment));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<FitRow> rows, store.ListFits(experiment_id));
  const FitRow* latest = nullptr;
  for (const FitRow& row : rows) {
    const bool wanted =
        choice.law.empty() ? (row.law == "mixing" || row.law == "regmix") : row.law == choice.law;
    if (wanted && (!latest || row.id > latest->id)) latest = &row;
  }
  if (!latest) {
    return Status::NotFound("experiment '" + choice.experiment + "' has no " +
                            (choice.law.empty() ? "mixing or regmix" : choice.law) +
                            " fit; run mixrun fit-law first");
  }
  MIXRUN_ASSIGN_OR_RETURN(LoadedFit fit, LoadOne(store, latest->id, 1.0));
  fits.push_back(std::move(fit));
  return fits;
}

Result<std::vector<RunPoint>> LoadTrainingRuns(Store& store, const std::vector<LoadedFit>& fits) {
  std::set<int64_t> experiments;
  std::vector<RunPoint> runs;
  for (const LoadedFit& fit : fits) {
    if (!fit.experiment_id || !experiments.insert(*fit.experiment_id).second) continue;
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> loaded, store.LoadRunPoints(*fit.experiment_id));
    runs.insert(runs.end(), std::make_move_iterator(loaded.begin()),
                std::make_move_iterator(loaded.end()));
  }
  return runs;
}

Result<std::map<std::string, int64_t>> FitDomainTokens(Store& store,
                                                       const std::vector<LoadedFit>& fits) {
  if (fits.empty() || !fits[0].experiment_id) return std::map<std::string, int64_t>{};
  return store.DomainTokens(*fits[0].experiment_id);
}

Result<std::map<std::string, int64_t>> ReadFitDomainTokens(const std::string& path,
                                                           const std::vector<LoadedFit>& fits) {
  if (fits.empty()) return Status::InvalidInput("recommend: no fit");
  return ReadDomainTokensFile(path, fits[0].fitted->domains());
}

Result<Prior> ResolvePrior(Store& store, const std::string& flag,
                           const std::vector<LoadedFit>& fits) {
  if (fits.empty()) return Status::InvalidInput("recommend: no fit");
  const std::vector<std::string> domains = fits[0].fitted->domains();
  if (flag == "uniform") return UniformPrior(domains);
  if (flag == "tokens") {
    MIXRUN_ASSIGN_OR_RETURN(auto tokens, FitDomainTokens(store, fits));
    std::string experiment = "?";
    if (fits[0].experiment_id) {
      MIXRUN_ASSIGN_OR_RETURN(std::vector<ExperimentRow> rows, store.ListExperiments());
      for (const auto& row : rows) {
        if (row.id == *fits[0].experiment_id) experiment = row.name;
      }
    }
    return TokenPrior(tokens, domains, experiment);
  }
  return ReadPriorFile(flag, domains);
}

Result<int64_t> SaveRecommendation(Store& store, const std::vector<LoadedFit>& fits,
                                   const Recommendation& recommendation,
                                   const nlohmann::json& options) {
  nlohmann::json recorded = options;
  nlohmann::json fit_list = nlohmann::json::array();
  for (const LoadedFit& fit : fits) fit_list.push_back({{"id", fit.id}, {"weight", fit.weight}});
  recorded["fits"] = fit_list;
  recorded["method"] = recommendation.method;
  recorded["interval_source"] = recommendation.predicted.source;
  recorded["mean_interval_source"] = recommendation.predicted.mean_source;
  if (recommendation.predicted.mean) {
    recorded["mean_interval"] = {recommendation.predicted.mean->low,
                                 recommendation.predicted.mean->high};
  }
  recorded["details"] = recommendation.details;
  if (recommendation.scale_shift) {
    const nlohmann::json full = recommendation.ToJson();
    for (const char* key : {"at", "proxy", "shift_from_proxy"}) recorded[key] = full[key];
  }
  nlohmann::json bounds = nlohmann::json::object();
  const Constraints& c = recommendation.constraints;
  for (size_t j = 0; j < c.size(); ++j) bounds[c.domains[j]] = {c.lo[j], c.hi[j]};
  recorded["bounds"] = bounds;
  return store.AddRecommendation(fits.at(0).id, recommendation.MixtureJson().dump(),
                                 recommendation.predicted.prediction, recommendation.predicted.low,
                                 recommendation.predicted.high, recorded.dump());
}

}  // namespace mixrun

// mixrun recommend: the mixture to train with under stored fits and the user's constraints, with
// its predicted loss, 95% interval and baselines; stored in `recommendations`, optionally written
// as a mixture JSON for a config's mixtures.include.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "optimize/print.h"
#include "optimize/recommend.h"
#include "optimize/store_inputs.h"

namespace mixrun {
namespace {

Result<RecommendRequest> BuildRequest(Store& store, const RecommendOptions& options,
                                      const std::vector<LoadedFit>& fits) {
  RecommendRequest request;
  request.method = options.method;
  request.simulate.samples = options.samples;
  request.simulate.top_k = options.top_k;
  request.simulate.seed = options.seed;
  request.search.seed = options.seed;
  request.kl_reg = options.kl_reg;
  // Results do not depend on the thread count, so use the machine.
  request.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.min, ParseDomainWeights(options.min_bounds, "--min"));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.max, ParseDomainWeights(options.max_bounds, "--max"));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.fixed, ParseDomainWeights(options.fixed, "--fix"));
  request.constraints.max_epochs = options.max_epochs;
  request.constraints.target_tokens = options.target_tokens;
  request.constraints.allow_extrapolation = options.allow_extrapolation;
  if (options.target_tokens) {
    MIXRUN_ASSIGN_OR_RETURN(request.constraints.domain_tokens, FitDomainTokens(store, fits));
  }
  MIXRUN_ASSIGN_OR_RETURN(request.runs, LoadTrainingRuns(store, fits));
  // A prior that cannot be had is an error only for what needs one (simulate, --kl-reg, caps).
  auto prior = ResolvePrior(store, options.prior, fits);
  if (prior.ok()) {
    request.prior = std::move(*prior);
  } else if (prior.status().code() == Status::Code::kNotFound || options.prior != "tokens") {
    return prior.status();  // a named file that is missing or malformed is always an error
  } else {
    request.prior_error = prior.status();
    spdlog::info("{}", prior.status().message());
  }
  return request;
}

nlohmann::json RecordedOptions(const RecommendOptions& options) {
  nlohmann::json json = {
      {"method", options.method},  {"samples", options.samples},
      {"top_k", options.top_k},    {"prior", options.prior},
      {"min", options.min_bounds}, {"max", options.max_bounds},
      {"fix", options.fixed},      {"kl_reg", options.kl_reg},
      {"seed", options.seed},      {"allow_extrapolation", options.allow_extrapolation}};
  if (options.max_epochs) json["max_epochs"] = *options.max_epochs;
  if (options.target_tokens) json["target_tokens"] = *options.target_tokens;
  return json;
}

// Written to a temporary name and renamed, so a reader never sees half a file.
Status WriteMixture(const std::string& path, const nlohmann::json& mixture) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << mixture.dump(2) << '\n';
    if (!out) return Status::Failed("--out " + path + ": cannot write the file");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return Status::Failed("--out " + path + ": " + error.message());
  return Status::Ok();
}

}  // namespace

int RunRecommend(const GlobalOptions& global, const RecommendOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist);
  if (!store.ok()) return ReportFailure(store.status());
  auto fits = LoadFits(**store, {options.fits, options.experiment, options.law});
  if (!fits.ok()) return ReportFailure(fits.status());
  auto request = BuildRequest(**store, options, *fits);
  if (!request.ok()) return ReportFailure(request.status());
  auto recommendation = Recommend(*fits, std::move(*request));
  if (!recommendation.ok()) return ReportFailure(recommendation.status());
  auto id = SaveRecommendation(**store, *fits, *recommendation, RecordedOptions(options));
  if (!id.ok()) return ReportFailure(id.status());
  if (!options.out.empty()) {
    Status written = WriteMixture(options.out, recommendation->MixtureJson());
    if (!written.ok()) return ReportFailure(written);
    spdlog::info("wrote the mixture to {}", options.out);
  }
  if (global.json) {
    nlohmann::json json = recommendation->ToJson();
    json["recommendation_id"] = *id;
    nlohmann::json fit_list = nlohmann::json::array();
    for (const LoadedFit& fit : *fits) {
      fit_list.push_back({{"id", fit.id}, {"law", fit.Describe()}, {"weight", fit.weight}});
    }
    json["fits"] = fit_list;
    if (!options.out.empty()) json["out"] = options.out;
    std::cout << json.dump(2) << '\n';
  } else {
    PrintRecommendation(*recommendation, *fits, *id, std::cout);
  }
  return 0;
}

}  // namespace mixrun

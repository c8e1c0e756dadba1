// mixrun recommend: the mixture to train with under stored fits and the user's constraints, with
// its predicted loss, 95% interval and baselines; stored in `recommendations`, optionally written
// as a mixture JSON for a config's mixtures.include.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "common/text_table.h"
#include "optimize/print.h"
#include "optimize/recommend.h"
#include "optimize/store_inputs.h"

namespace mixrun {

Result<std::optional<ModelScale>> ParseScale(const std::string& text, const std::string& flag) {
  if (text.empty()) return std::optional<ModelScale>();
  const size_t comma = text.find(',');
  double values[2] = {0, 0};
  const std::string parts[2] = {text.substr(0, comma),
                                comma == std::string::npos ? "" : text.substr(comma + 1)};
  for (int i = 0; i < 2; ++i) {
    char* end = nullptr;
    values[i] = std::strtod(parts[i].c_str(), &end);
    if (parts[i].empty() || *end != '\0' || !std::isfinite(values[i]) || !(values[i] >= 1)) {
      return Status::InvalidInput(flag + " '" + text +
                                  "': expected N,D — the model's parameters and its training "
                                  "tokens, positive numbers such as 2.7e9,5e10");
    }
  }
  return std::optional<ModelScale>(ModelScale{values[0], values[1]});
}

Result<RecommendRequest> BuildRecommendRequest(Store& store, const RecommendOptions& options,
                                               const std::vector<LoadedFit>& fits) {
  RecommendRequest request = options.request;
  request.search.seed = request.simulate.seed;  // --seed: of the starts and of the samples
  // Results do not depend on the thread count, so use the machine.
  request.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.min, ParseDomainWeights(options.min_bounds, "--min"));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.max, ParseDomainWeights(options.max_bounds, "--max"));
  MIXRUN_ASSIGN_OR_RETURN(request.constraints.fixed, ParseDomainWeights(options.fixed, "--fix"));
  MIXRUN_ASSIGN_OR_RETURN(request.at, ParseScale(options.at, "--at"));
  MIXRUN_ASSIGN_OR_RETURN(request.proxy_at, ParseScale(options.proxy_at, "--proxy-at"));
  if (request.proxy_at && !request.at) return Status::InvalidInput("--proxy-at needs --at");
  // At the target scale the run's tokens are D: availability caps are computed there.
  if (request.at && request.constraints.max_epochs) {
    if (request.constraints.target_tokens &&
        *request.constraints.target_tokens != request.at->n_tokens) {
      return Status::InvalidInput("--target-tokens " +
                                  FormatSignificant(*request.constraints.target_tokens) +
                                  " contradicts --at's D " +
                                  FormatSignificant(request.at->n_tokens) + ": give one of them");
    }
    request.constraints.target_tokens = request.at->n_tokens;
  }
  if (!options.domain_tokens.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(request.constraints.domain_tokens,
                            ReadFitDomainTokens(options.domain_tokens, fits));
  } else if (request.constraints.target_tokens) {
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

namespace {

nlohmann::json RecordedOptions(const RecommendOptions& options) {
  const RecommendRequest& request = options.request;
  nlohmann::json json = {{"method", request.method},
                         {"samples", request.simulate.samples},
                         {"top_k", request.simulate.top_k},
                         {"prior", options.prior},
                         {"min", options.min_bounds},
                         {"max", options.max_bounds},
                         {"fix", options.fixed},
                         {"kl_reg", request.kl_reg},
                         {"seed", request.simulate.seed},
                         {"allow_extrapolation", request.constraints.allow_extrapolation}};
  if (request.constraints.max_epochs) json["max_epochs"] = *request.constraints.max_epochs;
  if (request.constraints.target_tokens) json["target_tokens"] = *request.constraints.target_tokens;
  if (!options.at.empty()) json["at"] = options.at;
  if (!options.proxy_at.empty()) json["proxy_at"] = options.proxy_at;
  if (!options.domain_tokens.empty()) json["domain_tokens"] = options.domain_tokens;
  return json;
}

}  // namespace

Status WriteJsonFile(const std::string& path, const nlohmann::json& json, const std::string& flag) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << json.dump(2) << '\n';
    if (!out) return Status::Failed(flag + " " + path + ": cannot write the file");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return Status::Failed(flag + " " + path + ": " + error.message());
  return Status::Ok();
}

Status RunRecommend(const GlobalOptions& global, const RecommendOptions& options) {
  auto store = Store::Open(ChooseStorePath(global, ""), Store::Mode::kMustExist);
  if (!store.ok()) return store.status();
  auto fits = LoadFits(**store, options.fits);
  if (!fits.ok()) return fits.status();
  auto request = BuildRecommendRequest(**store, options, *fits);
  if (!request.ok()) return request.status();
  auto recommendation = Recommend(*fits, std::move(*request));
  if (!recommendation.ok()) return recommendation.status();
  auto id = SaveRecommendation(**store, *fits, *recommendation, RecordedOptions(options));
  if (!id.ok()) return id.status();
  if (!options.out.empty()) {
    Status written = WriteJsonFile(options.out, recommendation->MixtureJson(), "--out");
    if (!written.ok()) return written;
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
  return Status::Ok();
}

}  // namespace mixrun

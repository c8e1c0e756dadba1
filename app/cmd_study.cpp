// mixrun study: sequential design as one command — the config's design trained, then rounds of
// fit → recommend → suggest → train (lib/study/study_loop.h) on the store (lib/study/
// store_study.h) until the budget or the interval goal; resumable, each round printed and stored.
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/text_table.h"
#include "config/config.h"
#include "mixture/mixture.h"
#include "optimize/print.h"
#include "study/store_study.h"

namespace mixrun {
namespace {

nlohmann::json RoundJson(const StudyRound& round) {
  return {{"round", round.round},
          {"runs", round.runs},
          {"fit_id", round.fit_id ? nlohmann::json(*round.fit_id) : nlohmann::json(nullptr)},
          {"recommended", round.recommended},
          {"predicted_loss", round.predicted.prediction},
          {"prediction_interval", {round.predicted.low, round.predicted.high}},
          {"suggestions", round.suggestions},
          {"stop_reason", round.stop_reason}};
}

}  // namespace

Status RunStudyCommand(const GlobalOptions& global, const StudyCommandOptions& options) {
  MIXRUN_ASSIGN_OR_RETURN(Experiment experiment, LoadExperiment(options.train.config));
  const std::string store_path = ChooseStorePath(global, experiment.store);
  MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(store_path));
  StudyOptions study = options.study;
  RecommendRequest& recommend = study.suggest.recommend;
  recommend.constraints.allow_extrapolation =
      options.constraints.request.constraints.allow_extrapolation;
  recommend.kl_reg = options.constraints.request.kl_reg;
  MIXRUN_ASSIGN_OR_RETURN(recommend.constraints.min,
                          ParseDomainWeights(options.constraints.min_bounds, "--min"));
  MIXRUN_ASSIGN_OR_RETURN(recommend.constraints.max,
                          ParseDomainWeights(options.constraints.max_bounds, "--max"));
  MIXRUN_ASSIGN_OR_RETURN(recommend.constraints.fixed,
                          ParseDomainWeights(options.constraints.fixed, "--fix"));
  study.suggest.seed = options.constraints.request.simulate.seed;

  StoreStudy backend(*store, store_path, options.train, options.constraints.prior, StopOnSignals());
  const auto progress = [&](const StudyRound& round) {
    std::string line = "round " + std::to_string(round.round) + ": " + std::to_string(round.runs) +
                       " runs; fit " + (round.fit_id ? std::to_string(*round.fit_id) : "-") +
                       " recommends " + HeaviestDomains(round.recommended, 4) + ", predicted " +
                       FormatSignificant(round.predicted.prediction, 5) + " " +
                       PredictionBracket(round.predicted) + " (95% prediction interval, width " +
                       FormatSignificant(round.predicted.high - round.predicted.low, 3) + ")";
    line += round.stop_reason.empty()
                ? "; next: " + std::to_string(round.suggestions.size()) + " suggested mixtures"
                : "; stop: " + round.stop_reason;
    spdlog::info("{}", line);
  };
  MIXRUN_ASSIGN_OR_RETURN(std::vector<StudyRound> rounds, RunStudy(study, backend, progress));
  if (global.json) {
    nlohmann::json json = {{"experiment", backend.experiment()}, {"store", store_path}};
    for (const StudyRound& round : rounds) json["rounds"].push_back(RoundJson(round));
    std::cout << json.dump(2) << '\n';
    return Status::Ok();
  }
  TextTable table({"round", "runs", "fit", "predicted", "prediction 95%", "width", "recommended"});
  for (const StudyRound& round : rounds) {
    table.AddRow({std::to_string(round.round), std::to_string(round.runs),
                  round.fit_id ? std::to_string(*round.fit_id) : "-",
                  FormatSignificant(round.predicted.prediction, 5),
                  PredictionBracket(round.predicted),
                  FormatSignificant(round.predicted.high - round.predicted.low, 3),
                  HeaviestDomains(round.recommended, 4)});
  }
  std::cout << "study of " << backend.experiment() << " (store " << store_path << ")\n\n";
  table.Print(std::cout);
  std::cout << "\nstopped: " << rounds.back().stop_reason << "\n";
  return Status::Ok();
}

}  // namespace mixrun

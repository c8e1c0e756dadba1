#include "study/store_study.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "catalog/fit_experiment.h"
#include "catalog/stored_fit.h"
#include "config/config.h"
#include "optimize/store_inputs.h"
#include "train/progress_display.h"
#include "train/sweep.h"

namespace mixrun {
namespace {

namespace fs = std::filesystem;

// Written to a temporary name and renamed: a worker never reads half a batch.
Status WriteBatch(const std::string& path, const std::vector<Mixture>& batch) {
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << nlohmann::json(batch).dump(2) << '\n';
    if (!out) return Status::Failed(path + ": cannot write the study's batch");
  }
  fs::rename(temporary, path, error);
  if (error) return Status::Failed(path + ": " + error.message());
  return Status::Ok();
}

}  // namespace

StoreStudy::StoreStudy(Store& store, std::string store_path, TrainSweepRequest train,
                       std::string prior, const std::atomic<bool>* stop)
    : store_(store),
      store_path_(std::move(store_path)),
      train_(std::move(train)),
      prior_(std::move(prior)),
      stop_(stop) {}

std::string StoreStudy::BatchFile(int round) const {
  return (fs::absolute(store_path_).parent_path() / "runs" / experiment_ / "study" /
          ("round-" + std::to_string(round) + ".json"))
      .string();
}

Result<std::vector<RunPoint>> StoreStudy::Train(const std::vector<std::vector<Mixture>>& batches) {
  if (experiment_.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(Experiment plain, LoadExperiment(train_.config));
    experiment_ = plain.name;
  }
  TrainSweepRequest request = train_;
  for (size_t k = 0; k < batches.size(); ++k) {
    const std::string file = BatchFile(static_cast<int>(k));
    MIXRUN_RETURN_IF_ERROR(WriteBatch(file, batches[k]));
    request.include.push_back(file);
  }
  MIXRUN_ASSIGN_OR_RETURN(Experiment experiment, LoadExperiment(request.config, request.include));
  MIXRUN_ASSIGN_OR_RETURN(SweepSummary summary,
                          TrainSweep(experiment, store_, store_path_, request, stop_));
  spdlog::info("{}", DescribeSweepSummary(experiment_, summary));
  if (summary.interrupted > 0 || (stop_ && stop_->load())) {
    return Status::Interrupted("study: interrupted while training round " +
                               std::to_string(batches.size()) +
                               "; run it again to go on (runs resume from their checkpoints)");
  }
  if (summary.failed + summary.failed_before > 0) {
    spdlog::warn("study: {} runs failed; the fits use the finished ones",
                 summary.failed + summary.failed_before);
  }
  MIXRUN_ASSIGN_OR_RETURN(int64_t id, store_.ExperimentId(experiment_));
  return store_.LoadRunPoints(id);
}

Result<LoadedFit> StoreStudy::Fit(const FitRequest& request, const std::vector<RunPoint>& runs) {
  FitRequest mine = request;
  mine.experiment = experiment_;
  MIXRUN_ASSIGN_OR_RETURN(ExperimentFit fitted, FitExperiment(store_, mine));
  if (fitted.report.stats.in_sample.n != runs.size()) {
    spdlog::debug("study: fit {} saw {} runs, the study {}", fitted.fit_id,
                  fitted.report.stats.in_sample.n, runs.size());
  }
  MIXRUN_ASSIGN_OR_RETURN(StoredFit stored, LoadStoredFit(store_, fitted.fit_id));
  LoadedFit fit;
  static_cast<StoredFit&>(fit) = std::move(stored);
  return fit;
}

Result<std::vector<StudyRound>> StoreStudy::Rounds() {
  if (experiment_.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(Experiment plain, LoadExperiment(train_.config));
    experiment_ = plain.name;
  }
  MIXRUN_ASSIGN_OR_RETURN(std::optional<ExperimentRow> row, store_.FindExperiment(experiment_));
  if (!row) return std::vector<StudyRound>();
  MIXRUN_ASSIGN_OR_RETURN(std::vector<StudyRoundRow> rows, store_.ListStudyRounds(row->id));
  std::vector<StudyRound> rounds;
  for (const StudyRoundRow& r : rows) {
    StudyRound round;
    round.round = r.round;
    round.runs = r.runs;
    round.fit_id = r.fit_id;
    round.predicted.prediction = r.predicted_loss;
    round.predicted.low = r.interval_low;
    round.predicted.high = r.interval_high;
    round.stop_reason = r.stop_reason;
    const nlohmann::json batch = nlohmann::json::parse(r.suggestions_json, nullptr, false);
    if (!batch.is_array()) {
      return Status::InvalidInput("study round " + std::to_string(r.round) + " of " + experiment_ +
                                  ": its stored batch does not parse");
    }
    for (const auto& mixture : batch) round.suggestions.push_back(mixture.get<Mixture>());
    rounds.push_back(std::move(round));
  }
  return rounds;
}

Status StoreStudy::Record(const StudyRound& round) {
  MIXRUN_ASSIGN_OR_RETURN(int64_t experiment_id, store_.ExperimentId(experiment_));
  StudyRoundRow row;
  row.experiment_id = experiment_id;
  row.round = round.round;
  row.runs = round.runs;
  row.fit_id = round.fit_id;
  row.predicted_loss = round.predicted.prediction;
  row.interval_low = round.predicted.low;
  row.interval_high = round.predicted.high;
  row.suggestions_json = nlohmann::json(round.suggestions).dump();
  row.stop_reason = round.stop_reason;
  if (round.fit_id) {
    const nlohmann::json options = {{"study", experiment_}, {"round", round.round}};
    MIXRUN_ASSIGN_OR_RETURN(
        row.recommendation_id,
        store_.AddRecommendation(*round.fit_id, nlohmann::json(round.recommended).dump(),
                                 round.predicted.prediction, round.predicted.low,
                                 round.predicted.high, options.dump()));
  }
  return store_.PutStudyRound(row);
}

Result<std::optional<Prior>> StoreStudy::PriorFor(const LoadedFit& fit) {
  auto prior = ResolvePrior(store_, prior_, {fit});
  if (prior.ok()) return std::optional<Prior>(std::move(*prior));
  if (prior_ != "tokens") return prior.status();
  spdlog::info("study: {}; candidates are drawn from a uniform Dirichlet",
               prior.status().message());
  return std::optional<Prior>();
}

}  // namespace mixrun

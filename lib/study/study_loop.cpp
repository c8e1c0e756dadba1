#include "study/study_loop.h"

#include <algorithm>
#include <functional>

#include "common/format.h"
#include "common/text_table.h"

namespace mixrun {
namespace {

// Why the study stops after a fit on `runs` whose recommendation is `predicted`; empty: go on.
std::string StopReason(const StudyOptions& options, size_t runs, size_t runs_before,
                       const PredictionInterval& predicted, bool first) {
  if (static_cast<int>(runs) >= options.budget) {
    return "budget spent: " + std::to_string(runs) + " finished runs of " +
           std::to_string(options.budget);
  }
  const double width = predicted.high - predicted.low;
  if (options.until_width && width <= *options.until_width) {
    return "the recommendation's 95% prediction interval is " + FormatSignificant(width, 3) +
           " wide (goal " + FormatSignificant(*options.until_width, 3) + ")";
  }
  // A batch that trained nothing (every run failed) would be suggested again and again.
  if (!first && runs <= runs_before) return "the last batch added no finished run";
  return "";
}

}  // namespace

Result<std::vector<StudyRound>> RunStudy(const StudyOptions& options, StudyBackend& backend,
                                         const std::function<void(const StudyRound&)>& progress) {
  if (options.budget < 1) return Status::InvalidInput("study: --budget must be at least 1");
  if (options.batch < 1) return Status::InvalidInput("study: --batch must be at least 1");
  if (options.fit.bootstrap < 1) {
    return Status::InvalidInput(
        "study: the fit needs bootstrap refits (--bootstrap): the suggestions are drawn from them");
  }
  MIXRUN_ASSIGN_OR_RETURN(std::vector<StudyRound> rounds, backend.Rounds());
  // The batches already suggested: trained (or resumed) before the next fit.
  std::vector<std::vector<Mixture>> batches;
  for (const StudyRound& round : rounds) {
    if (!round.suggestions.empty()) batches.push_back(round.suggestions);
  }
  rounds.resize(batches.size());  // a round that stopped is fitted again: the options may differ
  size_t runs_before = rounds.empty() ? 0 : static_cast<size_t>(rounds.back().runs);
  while (true) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> runs, backend.Train(batches));
    if (runs.empty()) return Status::Failed("study: no run of the initial design finished");
    StudyRound round;
    round.round = static_cast<int>(batches.size());
    round.runs = static_cast<int>(runs.size());
    MIXRUN_ASSIGN_OR_RETURN(LoadedFit fit, backend.Fit(options.fit, runs));
    if (fit.id > 0) round.fit_id = fit.id;
    const std::vector<LoadedFit> fits = {fit};
    SuggestRequest suggest = options.suggest;
    suggest.recommend.runs = runs;
    if (!suggest.recommend.prior) {
      MIXRUN_ASSIGN_OR_RETURN(suggest.recommend.prior, backend.PriorFor(fit));
    }
    MIXRUN_ASSIGN_OR_RETURN(Recommendation recommendation, Recommend(fits, suggest.recommend));
    round.recommended = recommendation.mixture;
    round.predicted = recommendation.predicted;
    round.stop_reason =
        StopReason(options, runs.size(), runs_before, round.predicted, round.round == 0);
    if (round.stop_reason.empty()) {
      suggest.count = std::min(options.batch, options.budget - round.runs);
      suggest.seed = options.suggest.seed + static_cast<uint64_t>(round.round);
      MIXRUN_ASSIGN_OR_RETURN(SuggestResult suggested, Suggest(fits, std::move(suggest)));
      for (const Suggestion& s : suggested.suggestions) round.suggestions.push_back(s.mixture);
    }
    MIXRUN_RETURN_IF_ERROR(backend.Record(round));
    rounds.push_back(round);
    if (progress) progress(round);
    if (!round.stop_reason.empty()) return rounds;
    batches.push_back(round.suggestions);
    runs_before = runs.size();
  }
}

}  // namespace mixrun

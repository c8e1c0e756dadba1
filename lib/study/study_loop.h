// StudyLoop: sequential design as a closed loop — fit the finished runs, recommend under the fit
// (the decision, with its 95% prediction interval), stop when the budget of runs is spent or the
// interval is narrower than the goal, else suggest the next batch (optimize/suggest.h) and have
// it trained; again. Contract: the backend trains and keeps the rounds, so a study killed at any
// moment goes on from its last recorded round when run again (each round's batch is trained
// before the next fit); a round is a pure function of the runs and the options (seeded).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_request.h"
#include "optimize/loaded_fit.h"
#include "optimize/recommend.h"
#include "optimize/suggest.h"

namespace mixrun {

struct StudyOptions {
  int budget = 0;                     // finished runs in all, the initial design's included
  int batch = 8;                      // mixtures suggested per round
  std::optional<double> until_width;  // stop once the recommendation's 95% PI is this narrow
  FitRequest fit;  // the law fitted each round; it needs bootstrap refits (suggest draws on them)
  // What suggest and recommend share: constraints, prior, --kl-reg, --at; and suggest's own
  // knobs (explore, candidates, min_distance). Round k suggests with seed + k.
  SuggestRequest suggest;
};

struct StudyRound {
  int round = 0;                  // 0: the fit of the initial design
  int runs = 0;                   // finished runs the round's fit saw
  std::optional<int64_t> fit_id;  // the fit as the backend keeps it
  Mixture recommended;
  PredictionInterval predicted;      // the recommended mixture's, both intervals
  std::vector<Mixture> suggestions;  // the next batch; empty when the study stopped here
  std::string stop_reason;           // why it stopped here; empty: it went on
};

// What a study runs on: `mixrun study` trains with worker processes and keeps everything in the
// store; the simulated study draws losses from an oracle and keeps rounds in memory.
class StudyBackend {
 public:
  virtual ~StudyBackend() = default;
  // Trains what is not yet trained of the initial design and of `batches` (every round's
  // suggestions so far, in order), and returns the study's finished runs. Interrupted (a
  // signal) is returned as it is: the study stops there, to go on next time.
  virtual Result<std::vector<RunPoint>> Train(const std::vector<std::vector<Mixture>>& batches) = 0;
  // Fits `request` to `runs` and brings the fit back to predict (keeping it, with an id, if the
  // backend keeps fits).
  virtual Result<LoadedFit> Fit(const FitRequest& request, const std::vector<RunPoint>& runs) = 0;
  // The rounds recorded so far, by round; recording one replaces a round of the same number.
  virtual Result<std::vector<StudyRound>> Rounds() = 0;
  virtual Status Record(const StudyRound& round) = 0;
  // The prior candidates are drawn around when the options give none (the store's token
  // shares, say); nullopt: a uniform one.
  virtual Result<std::optional<Prior>> PriorFor(const LoadedFit& /*fit*/) {
    return std::optional<Prior>();
  }
};

// Runs the study to its end (budget, interval goal, or a round that adds no finished run) from
// wherever its recorded rounds left it; returns every round. `progress` is told each round.
Result<std::vector<StudyRound>> RunStudy(
    const StudyOptions& options, StudyBackend& backend,
    const std::function<void(const StudyRound&)>& progress = {});

}  // namespace mixrun

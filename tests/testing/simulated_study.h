// A study (study/study_loop.h) against the simulated oracle (testing/simulated_oracle.h): runs are
// the oracle's noisy losses, fits are made in memory, and every round's decision is scored by the
// oracle's true loss. Contract: deterministic for a seed; the 16-run initial design of seed s is
// RegMix's 16-run design of seed s (FitRegmixDesign), so the two procedures start from one place.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "study/study_loop.h"
#include "testing/in_memory_fit.h"
#include "testing/simulated_oracle.h"

namespace mixrun::testing {

// Trains by the oracle: the initial design is `initial` Dirichlet(prior) mixtures of the seed's
// design stream, run r (in the order the study asks for them) gets the noise stream 1000 + r.
class OracleStudyBackend : public StudyBackend {
 public:
  OracleStudyBackend(const SimulatedOracle& oracle, int initial, uint64_t seed)
      : oracle_(oracle), initial_(initial), seed_(seed) {}

  Result<std::vector<RunPoint>> Train(const std::vector<std::vector<Mixture>>& batches) override {
    const size_t m = oracle_.domains().size();
    const std::vector<double> design =
        oracle_.DrawMixtures(static_cast<size_t>(initial_), SimulatedOracle::SubSeed(seed_, 0));
    std::vector<std::vector<double>> mixtures;
    for (int r = 0; r < initial_; ++r) {
      mixtures.emplace_back(design.begin() + r * m, design.begin() + (r + 1) * m);
    }
    for (const auto& batch : batches) {
      for (const Mixture& mixture : batch) mixtures.push_back(oracle_.ToWeights(mixture));
    }
    // Runs already made keep their noise: only the new ones are drawn.
    for (size_t r = runs_.size(); r < mixtures.size(); ++r) {
      MIXRUN_ASSIGN_OR_RETURN(
          RunPoint run, oracle_.NoisyRun(mixtures[r], SimulatedOracle::SubSeed(seed_, 1000 + r),
                                         static_cast<int64_t>(r + 1)));
      runs_.push_back(std::move(run));
    }
    return runs_;
  }

  Result<LoadedFit> Fit(const FitRequest& request, const std::vector<RunPoint>& runs) override {
    return FitInMemory(request, runs, ++fits_);
  }

  Result<std::vector<StudyRound>> Rounds() override { return rounds_; }
  Status Record(const StudyRound& round) override {
    rounds_.resize(static_cast<size_t>(round.round));
    rounds_.push_back(round);
    return Status::Ok();
  }
  Result<std::optional<Prior>> PriorFor(const LoadedFit& /*fit*/) override {
    return std::optional<Prior>(oracle_.prior_mixture());
  }

 private:
  const SimulatedOracle& oracle_;
  int initial_;
  uint64_t seed_;
  std::vector<RunPoint> runs_;
  std::vector<StudyRound> rounds_;
  int64_t fits_ = 0;
};

// One round of a simulated study, scored.
struct ScoredRound {
  int runs = 0;
  double true_loss = 0;         // the oracle's, at the round's recommendation
  double predicted = 0;         // the fit's prediction there
  double width = 0;             // of its 95% prediction interval
  std::vector<double> mixture;  // the recommendation, in the oracle's domain order
};

// A study's options for the oracle: the regmix `model` refitted each round with `bootstrap`
// refits, batches of `batch` up to `budget` runs. The decision is the single best of
// simulate's 100,000 Dirichlet(prior) candidates under the fit (top-1: RegMix's top-128 average
// has a floor of 0.02 above the best even under the oracle itself), with no extrapolation guard
// (RegMix has none; the candidates come from the design's own distribution).
inline StudyOptions OracleStudyOptions(const std::string& model, int budget, int batch,
                                       int bootstrap, uint64_t seed) {
  StudyOptions options;
  options.budget = budget;
  options.batch = batch;
  options.fit.law = "regmix";
  options.fit.model = model;
  options.fit.metric = kOracleMetric;
  options.fit.bootstrap = bootstrap;
  options.fit.seed = seed;
  options.suggest.seed = seed;
  RecommendRequest& decision = options.suggest.recommend;
  decision.method = "simulate";
  decision.simulate.top_k = 1;
  decision.simulate.seed = seed;
  decision.constraints.allow_extrapolation = true;
  return options;
}

// Runs a study from `initial` Dirichlet(prior) runs of `seed` and scores each round's decision.
inline Result<std::vector<ScoredRound>> RunOracleStudy(const SimulatedOracle& oracle, int initial,
                                                       uint64_t seed, const StudyOptions& options) {
  OracleStudyBackend backend(oracle, initial, seed);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<StudyRound> rounds, RunStudy(options, backend));
  std::vector<ScoredRound> scored;
  for (const StudyRound& round : rounds) {
    ScoredRound s;
    s.runs = round.runs;
    s.mixture = oracle.ToWeights(round.recommended);
    MIXRUN_ASSIGN_OR_RETURN(s.true_loss, oracle.TrueLoss(s.mixture));
    s.predicted = round.predicted.prediction;
    s.width = round.predicted.high - round.predicted.low;
    scored.push_back(s);
  }
  return scored;
}

}  // namespace mixrun::testing

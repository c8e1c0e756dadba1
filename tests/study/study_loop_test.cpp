// The study loop on a planted mixing law, trained by a simulated backend (each mixture's domain
// losses from the law, with noise): rounds of the batch size until the budget, the decision
// close to the optimum, and a study interrupted at any round ends as an uninterrupted one does.
#include "study/study_loop.h"

#include <doctest/doctest.h>

#include <map>

#include "testing/in_memory_fit.h"
#include "testing/planted_mixing.h"

namespace mixrun {
namespace {

const testing::PlantedMixing kPlanted;

// Trains by the planted law (noise 0.003, a stream per run); keeps rounds in memory. With
// `interrupt_at`, the Train call of that number returns Interrupted once.
class SimulatedBackend : public StudyBackend {
 public:
  int interrupt_at = -1;
  int train_calls = 0;
  int64_t fits = 0;

  Result<std::vector<RunPoint>> Train(const std::vector<std::vector<Mixture>>& batches) override {
    if (train_calls++ == interrupt_at) return Status::Interrupted("");
    std::vector<std::vector<double>> mixtures = kPlanted.Design(8, 3);
    for (const auto& batch : batches) {
      for (const Mixture& m : batch) mixtures.push_back(ToWeights(m, kPlanted.domains));
    }
    std::vector<RunPoint> runs;
    for (size_t i = 0; i < mixtures.size(); ++i) {
      Rng rng(17, i);
      runs.push_back(kPlanted.Run(static_cast<int64_t>(i + 1), mixtures[i], 0.003, rng));
    }
    return runs;
  }

  Result<LoadedFit> Fit(const FitRequest& request, const std::vector<RunPoint>& runs) override {
    return testing::FitInMemory(request, runs, ++fits);
  }

  Result<std::vector<StudyRound>> Rounds() override { return recorded; }
  Status Record(const StudyRound& round) override {
    recorded.resize(static_cast<size_t>(round.round));
    recorded.push_back(round);
    return Status::Ok();
  }

  std::vector<StudyRound> recorded;
};

StudyOptions Options() {
  StudyOptions options;
  options.budget = 24;
  options.batch = 4;
  options.fit = kPlanted.MixingRequest(30);
  options.suggest.candidates = 3000;
  options.suggest.min_distance = 0.02;
  options.suggest.recommend.method = "optimize";
  return options;
}

}  // namespace

TEST_CASE("a study runs rounds of its batch until the budget, and its decision nears the optimum") {
  SimulatedBackend backend;
  std::vector<int> seen;
  auto rounds = RunStudy(Options(), backend, [&](const StudyRound& r) { seen.push_back(r.runs); });
  REQUIRE_MESSAGE(rounds.ok(), rounds.status().message());
  CHECK(seen == std::vector<int>{8, 12, 16, 20, 24});
  REQUIRE(rounds->size() == 5);
  for (size_t k = 0; k + 1 < rounds->size(); ++k) {
    CHECK((*rounds)[k].suggestions.size() == 4);
    CHECK((*rounds)[k].stop_reason.empty());
    CHECK((*rounds)[k].predicted.low < (*rounds)[k].predicted.high);
  }
  CHECK(rounds->back().suggestions.empty());
  CHECK(rounds->back().stop_reason == "budget spent: 24 finished runs of 24");
  const double best = kPlanted.BestOfRandom(100000, 5);
  const double first = kPlanted.Loss(rounds->front().recommended);
  const double last = kPlanted.Loss(rounds->back().recommended);
  MESSAGE("true loss of the decision: round 0 " << first << ", last " << last << "; best of 100k "
                                                << best);
  CHECK(last <= best + 0.002);
  CHECK(backend.recorded.size() == 5);
}

TEST_CASE("a study interrupted at any round goes on and ends as an uninterrupted one") {
  SimulatedBackend reference;
  auto expected = RunStudy(Options(), reference);
  REQUIRE(expected.ok());
  for (int interrupt_at : {0, 2, 4}) {
    CAPTURE(interrupt_at);
    SimulatedBackend backend;
    backend.interrupt_at = interrupt_at;
    auto stopped = RunStudy(Options(), backend);
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.status().code() == Status::Code::kInterrupted);
    auto resumed = RunStudy(Options(), backend);
    REQUIRE_MESSAGE(resumed.ok(), resumed.status().message());
    REQUIRE(resumed->size() == expected->size());
    for (size_t k = 0; k < expected->size(); ++k) {
      CHECK((*resumed)[k].runs == (*expected)[k].runs);
      CHECK((*resumed)[k].suggestions == (*expected)[k].suggestions);
      CHECK((*resumed)[k].recommended == (*expected)[k].recommended);
    }
  }
}

TEST_CASE("the interval goal ends a study early; a fit without refits is refused") {
  StudyOptions options = Options();
  options.until_width = 10.0;  // any interval is narrower
  SimulatedBackend backend;
  auto rounds = RunStudy(options, backend);
  REQUIRE(rounds.ok());
  REQUIRE(rounds->size() == 1);
  CHECK(rounds->front().stop_reason.find("prediction interval is") != std::string::npos);
  options.fit.bootstrap = 0;
  auto refused = RunStudy(options, backend);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("--bootstrap") != std::string::npos);
}

}  // namespace mixrun

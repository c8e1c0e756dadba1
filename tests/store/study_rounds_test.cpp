// The study rounds a store keeps (schema version 3): written, replaced by round, listed in order,
// gone with their experiment; a fit's deletion leaves the round without it.
#include <doctest/doctest.h>

#include <cmath>

#include "store/store.h"
#include "testing/temp_dir.h"

TEST_CASE("study rounds round-trip, replace by round and list in order") {
  mixrun::testing::TempDir dir;
  auto store = std::move(mixrun::Store::Open((dir.path() / "s.db").string()).value());
  const int64_t experiment = store->PutExperiment("study", "{}").value();
  const int64_t other = store->PutExperiment("other", "{}").value();
  const int64_t fit = store->AddFit(experiment, "mixing", "{}", "{}", "{}").value();
  mixrun::StudyRoundRow first;
  first.experiment_id = experiment;
  first.round = 1;
  first.runs = 24;
  first.fit_id = fit;
  first.predicted_loss = 2.3;
  first.interval_low = 2.2;
  first.interval_high = 2.4;
  first.suggestions_json = R"([{"a": 0.5, "b": 0.5}])";
  mixrun::StudyRoundRow zero = first;
  zero.round = 0;
  zero.runs = 16;
  zero.fit_id.reset();
  zero.stop_reason = "";
  REQUIRE(store->PutStudyRound(first).ok());
  REQUIRE(store->PutStudyRound(zero).ok());
  mixrun::StudyRoundRow elsewhere = zero;
  elsewhere.experiment_id = other;
  REQUIRE(store->PutStudyRound(elsewhere).ok());
  first.stop_reason = "budget spent";
  REQUIRE(store->PutStudyRound(first).ok());  // the same round again: replaced
  auto rounds = store->ListStudyRounds(experiment);
  REQUIRE(rounds.ok());
  REQUIRE(rounds->size() == 2);
  CHECK((*rounds)[0].round == 0);
  CHECK_FALSE((*rounds)[0].fit_id.has_value());
  CHECK((*rounds)[0].stop_reason.empty());
  CHECK((*rounds)[1].round == 1);
  CHECK((*rounds)[1].runs == 24);
  CHECK((*rounds)[1].fit_id == fit);
  CHECK((*rounds)[1].predicted_loss == 2.3);
  CHECK((*rounds)[1].interval_high == 2.4);
  CHECK((*rounds)[1].suggestions_json == first.suggestions_json);
  CHECK((*rounds)[1].stop_reason == "budget spent");
  CHECK_FALSE((*rounds)[1].created_at.empty());
  CHECK(store->ListStudyRounds(other)->size() == 1);
}

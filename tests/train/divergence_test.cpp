// The divergence checker on planted evaluation histories: healthy, exploding, slowly rising,
// noisy but fine, never learning, too short or too sparse to judge.
#include "train/divergence.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace mixrun {
namespace {

using Finding = DivergenceVerdict::Finding;
const std::string kMetric = "eval/target/loss";

DivergenceVerdict Check(const std::vector<LossPoint>& history) {
  return CheckDivergence(history, kMetric);
}

TEST_CASE("a healthy run: loss falls from the untrained model's and flattens") {
  const DivergenceVerdict verdict =
      Check({{0, 5.55}, {200, 3.7}, {400, 3.1}, {600, 2.8}, {800, 2.7}, {1000, 2.66}});
  CHECK(verdict.finding == Finding::kHealthy);
  CHECK(!verdict.failed());
  CHECK(!verdict.warning());
  CHECK(verdict.reason.empty());
}

TEST_CASE("an exploding run fails, naming its best and final steps and losses") {
  const DivergenceVerdict verdict =
      Check({{0, 5.55}, {200, 3.0}, {400, 2.31}, {600, 2.6}, {800, 4.2}, {1000, 7.9}});
  CHECK(verdict.finding == Finding::kExploded);
  CHECK(verdict.failed());
  CHECK(verdict.reason ==
        "diverged: eval/target/loss rose from 2.31 at step 400 to 7.9 at step 1000");
}

TEST_CASE("a run that ends above the untrained model's loss fails") {
  // Up at once and never back: 6.3 is not 1.5× the start, but worse than no training at all.
  const DivergenceVerdict verdict = Check({{0, 5.55}, {100, 7.2}, {200, 6.8}, {300, 6.3}});
  CHECK(verdict.finding == Finding::kAboveStart);
  CHECK(verdict.reason ==
        "diverged: eval/target/loss rose from 5.55 at step 0 (untrained) to 6.3 at step 300");
}

TEST_CASE("a run that never came down fails as one that did not learn") {
  const DivergenceVerdict verdict = Check({{0, 5.55}, {50, 5.53}, {100, 5.52}});
  CHECK(verdict.finding == Finding::kNoProgress);
  CHECK(verdict.failed());
  CHECK(verdict.reason ==
        "did not learn: eval/target/loss went from 5.55 at step 0 (untrained) to 5.52 at step "
        "100, less than 1% lower");
}

TEST_CASE("a slowly rising run finishes with a warning naming the last evaluations") {
  const DivergenceVerdict verdict =
      Check({{0, 5.5}, {200, 3.0}, {400, 2.8}, {600, 2.85}, {800, 2.9}, {1000, 2.95}});
  CHECK(verdict.finding == Finding::kRising);
  CHECK(verdict.warning());
  CHECK(!verdict.failed());
  CHECK(verdict.reason ==
        "warning: eval/target/loss rose over the last 3 evaluations (2.85 at step 600, 2.9 at "
        "step 800, 2.95 at step 1000); its best was 2.8 at step 400");
}

TEST_CASE("noise around a falling trend is neither a failure nor a warning") {
  // ±3% wobbles, a final value a little above the best, rises never three in a row.
  CHECK(Check({{0, 5.5},
               {100, 3.2},
               {200, 3.3},
               {300, 3.0},
               {400, 3.1},
               {500, 2.9},
               {600, 2.95},
               {700, 2.85},
               {800, 2.9}})
            .finding == Finding::kHealthy);
  // Two rises in a row, but within 2% of the best: evaluation noise.
  CHECK(Check({{0, 5.5}, {100, 3.0}, {200, 2.9}, {300, 2.91}, {400, 2.92}}).finding ==
        Finding::kHealthy);
  // A loss spike the run recovered from.
  CHECK(Check({{0, 5.5}, {100, 3.0}, {200, 9.0}, {300, 3.1}, {400, 2.8}}).finding ==
        Finding::kHealthy);
}

TEST_CASE("what cannot be judged is healthy: one evaluation, a smoke test, no step 0") {
  CHECK(Check({}).finding == Finding::kHealthy);
  CHECK(Check({{1000, 9.0}}).finding == Finding::kHealthy);
  // One step cannot be expected to move the loss by 1%.
  CHECK(Check({{0, 5.55}, {1, 5.54}}).finding == Finding::kHealthy);
  // A trainer that evaluates first at step 500: its first loss is not the untrained model's.
  CHECK(Check({{500, 3.0}, {1000, 2.99}}).finding == Finding::kHealthy);
}

TEST_CASE("near-zero losses need an absolute rise, not only a ratio, to count as exploded") {
  CHECK(Check({{100, 0.05}, {200, 0.02}, {300, 0.06}}).finding == Finding::kHealthy);
  CHECK(Check({{100, 0.05}, {200, 0.02}, {300, 0.2}}).finding == Finding::kExploded);
}

TEST_CASE("order does not matter and a repeated step keeps its last value") {
  const DivergenceVerdict verdict =
      Check({{1000, 7.9}, {0, 5.55}, {400, 2.31}, {1000, 2.0}, {1000, 7.9}});
  CHECK(verdict.reason ==
        "diverged: eval/target/loss rose from 2.31 at step 400 to 7.9 at step 1000");
}

TEST_CASE("a non-finite loss fails naming its step") {
  const DivergenceVerdict verdict = Check({{0, 5.55}, {100, 3.0}, {200, NAN}});
  CHECK(verdict.finding == Finding::kNotFinite);
  CHECK(verdict.reason == "diverged: eval/target/loss is nan at step 200");
}

TEST_CASE("on metric rows, only the named metric's history is judged") {
  const std::vector<MetricRow> rows = {{"train/loss", 0, 0, 5.5},         {kMetric, 0, 0, 5.55},
                                       {"train/loss", 100, 1e5, 90.0},    {kMetric, 100, 1e5, 3.0},
                                       {"eval/web/loss", 100, 1e5, 80.0}, {kMetric, 200, 2e5, 2.9}};
  CHECK(CheckDivergence(rows, kMetric).finding == Finding::kHealthy);
  CHECK(CheckDivergence(rows, "eval/web/loss").finding == Finding::kHealthy);  // one point
  CHECK(CheckDivergence(rows, "train/loss").finding == Finding::kExploded);
}

}  // namespace
}  // namespace mixrun

// The run-cost model behind `mixrun plan`: runs grouped per model and token budget, their FLOPs
// added up, and the wall time from a measured throughput (built-in backend only).
#include "design/run_cost.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "config/config.h"

namespace {

using mixrun::Experiment;

const std::string kExamples = std::string(MIXRUN_SOURCE_DIR) + "/configs/examples";
const mixrun::DomainTokens kTokens = {{"code", 30000}, {"web", 10000}};

// Two mixtures × one tiny model × two budgets × two seeds: 8 runs in 2 groups.
Experiment Config(const std::string& backend) {
  const std::string text = R"({"name": "cost", "domains": [
      {"name": "code", "paths": ["data/code/*.txt"]},
      {"name": "web", "paths": ["data/web/*.jsonl"], "format": "jsonl"}],
    "mixtures": {"design": "explicit", "include": [{"code": 0.5, "web": 0.5}, {"web": 1}]},
    "models": [{"name": "m", "layers": 1, "d_model": 32, "heads": 4}],
    "train": {"tokens": [1e5, 2e5], "seeds": [0, 1], "context": 32, "batch": 4},
    "backend": )" + backend +
                           "}";
  auto experiment = mixrun::ParseExperiment(text, kExamples + "/inline.json");
  REQUIRE_MESSAGE(experiment.ok(), experiment.status().message());
  return *experiment;
}

std::vector<mixrun::PlannedRun> Runs(const Experiment& experiment) {
  auto runs = mixrun::ExpandRuns(experiment, kTokens);
  REQUIRE_MESSAGE(runs.ok(), runs.status().message());
  return *runs;
}

}  // namespace

TEST_CASE("a run's time is its training tokens plus a third of its evaluation tokens") {
  Experiment experiment = Config(R"({"kind": "builtin"})");
  experiment.train.batch = 16;
  experiment.train.context = 128;
  experiment.train.eval_every = 200;
  experiment.train.eval_tokens = 65536;
  // 100 steps: evaluations at the start and the end only; two domains.
  const double tokens = 16 * 128 * 100;
  const double eval_tokens = 2 * 65536 * 2;
  CHECK(mixrun::EstimateRunSeconds(experiment, tokens, 1000) ==
        doctest::Approx((tokens + eval_tokens / 3) / 1000));
}

TEST_CASE("the command backend's cost has FLOPs per group and no time") {
  const Experiment experiment = Config(R"({"kind": "command", "command": ["true"]})");
  const auto runs = Runs(experiment);
  REQUIRE(runs.size() == 8);
  const mixrun::RunCost cost = mixrun::EstimateRunCost(experiment, runs);
  REQUIRE(cost.rows.size() == 2);
  double flops = 0;
  for (const mixrun::RunCostRow& row : cost.rows) {
    CHECK(row.model == "m");
    CHECK(row.runs == 4);
    CHECK(row.n_params == runs[0].spec.n_params);
    CHECK_FALSE(row.tokens_per_second);
    CHECK_FALSE(row.seconds_per_run);
    flops += row.flops_per_run * row.runs;
  }
  CHECK(cost.rows[0].tokens == 1e5);
  CHECK(cost.rows[1].tokens == 2e5);
  CHECK(cost.total_flops == doctest::Approx(flops));
  CHECK(std::isnan(cost.total_seconds));
}

TEST_CASE("the built-in backend's cost measures each model's throughput once") {
  const Experiment experiment = Config(R"({"kind": "builtin"})");
  const mixrun::RunCost cost = mixrun::EstimateRunCost(experiment, Runs(experiment));
  REQUIRE(cost.rows.size() == 2);
  REQUIRE(cost.rows[0].tokens_per_second);
  const double rate = *cost.rows[0].tokens_per_second;
  CHECK(rate > 0);
  CHECK(*cost.rows[1].tokens_per_second == rate);
  double seconds = 0;
  for (const mixrun::RunCostRow& row : cost.rows) {
    REQUIRE(row.seconds_per_run);
    CHECK(*row.seconds_per_run == mixrun::EstimateRunSeconds(experiment, row.tokens, rate));
    seconds += *row.seconds_per_run * row.runs;
  }
  CHECK(cost.total_seconds == doctest::Approx(seconds));
}

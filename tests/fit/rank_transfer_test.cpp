// Rank transfer: runs pair by mixture (normalised weights, not labels or order), seeds are
// averaged, unpaired runs are counted, and the statistics match values computed by hand.
#include "fit/rank_transfer.h"

#include <doctest/doctest.h>

namespace mixrun {
namespace {

int64_t next_run_id = 1;

RunPoint Run(Mixture weights, double loss, double n_params = 1e6) {
  RunPoint run;
  run.run_id = next_run_id++;
  run.weights = std::move(weights);
  run.metrics["loss"] = loss;
  run.n_params = n_params;
  return run;
}

// Five mixtures over two domains, by index.
Mixture Mix(int i) { return {{"a", 0.1 * (i + 1)}, {"b", 1 - 0.1 * (i + 1)}}; }

RankTransferRequest Request(size_t top_k = 2) {
  RankTransferRequest request;
  request.metric = "loss";
  request.top_k = top_k;
  request.small_name = "proxy";
  request.large_name = "big";
  return request;
}

// Small-scale losses 1..5 for mixtures 0..4; large-scale losses 3 1 2 5 4. By hand: Spearman
// 1 − 6·Σd²/(n(n²−1)) with d = 2 −1 −1 1 −1 → 1 − 48/120 = 0.6; Kendall 7 concordant and 3
// discordant of 10 → 0.4; top-2 {0, 1} and {1, 2} share one.
std::vector<RunPoint> SmallRuns() {
  std::vector<RunPoint> runs;
  for (int i = 0; i < 5; ++i) runs.push_back(Run(Mix(i), 1.0 + i));
  return runs;
}
std::vector<RunPoint> LargeRuns() {
  const double losses[] = {3, 1, 2, 5, 4};
  std::vector<RunPoint> runs;
  // Another order, and weights that sum to 2 (as a file's might, unnormalised): still paired.
  for (int i = 4; i >= 0; --i) {
    Mixture doubled = Mix(i);
    for (auto& [domain, weight] : doubled) weight *= 2;
    runs.push_back(Run(doubled, losses[i], 6e7));
  }
  return runs;
}

TEST_CASE("runs pair by mixture, and the statistics match a hand computation") {
  auto transfer = MeasureRankTransfer(SmallRuns(), LargeRuns(), Request());
  REQUIRE(transfer.ok());
  CHECK(transfer->n() == 5);
  CHECK(transfer->spearman == doctest::Approx(0.6));
  CHECK(transfer->kendall_tau_b == doctest::Approx(0.4));
  CHECK(transfer->top_k == 2);
  CHECK(transfer->top_k_shared == 1);
  CHECK(transfer->top_k_overlap == doctest::Approx(0.5));
  CHECK(transfer->small_best_rank_large == 3);
  CHECK(transfer->large_best_rank_small == 2);
  CHECK(transfer->large_gap == doctest::Approx(2.0));
  CHECK(transfer->large_gap_relative == doctest::Approx(2.0));
  CHECK_FALSE(transfer->best_still_best);
  // Pairs come best first at the small scale, each with both values.
  CHECK(transfer->small_best().small == 1.0);
  CHECK(transfer->small_best().large == 3.0);
  CHECK(transfer->small_best().weights.at("a") == doctest::Approx(0.1));
  CHECK(transfer->pairs[1].large_rank == 1);
  CHECK(transfer->small.paired_runs == 5);
  CHECK(transfer->large.unpaired_runs == 0);
  CHECK(transfer->Verdict().find("ranks 3rd of 5 there, 200% worse than the best") !=
        std::string::npos);
  CHECK(transfer->ToJson()["kendall_tau_b"] == doctest::Approx(0.4));
}

TEST_CASE("higher is better flips the picks, not the correlations") {
  RankTransferRequest request = Request();
  request.higher_is_better = true;
  auto transfer = MeasureRankTransfer(SmallRuns(), LargeRuns(), request);
  REQUIRE(transfer.ok());
  CHECK(transfer->spearman == doctest::Approx(0.6));
  // The small scale's best is mixture 4 (5); at the large scale it scores 4, second to 5.
  CHECK(transfer->small_best().small == 5.0);
  CHECK(transfer->small_best_rank_large == 2);
  CHECK(transfer->large_gap == doctest::Approx(1.0));
  CHECK(transfer->large_gap_relative == doctest::Approx(0.2));
  CHECK(transfer->top_k_shared == 2);  // {4, 3} at both scales
}

TEST_CASE("runs of one mixture (seeds) are averaged and runs without a partner counted") {
  std::vector<RunPoint> small = SmallRuns();
  small.push_back(Run(Mix(0), 3.0));                      // a second seed: mean 2
  small.push_back(Run({{"a", 0.05}, {"b", 0.95}}, 1.5));  // not run at the large scale
  small.push_back(Run({{"a", 0.05}, {"b", 0.95}}, 1.7));  // nor its seed
  RunPoint no_metric = Run(Mix(1), 0);
  no_metric.metrics.clear();
  small.push_back(no_metric);
  std::vector<RunPoint> large = LargeRuns();
  large.push_back(Run({{"a", 0.99}, {"b", 0.01}}, 9.0, 6e7));
  auto transfer = MeasureRankTransfer(small, large, Request());
  REQUIRE(transfer.ok());
  CHECK(transfer->n() == 5);
  CHECK(transfer->small.runs == 9);
  CHECK(transfer->small.runs_with_metric == 8);
  CHECK(transfer->small.mixtures == 6);
  CHECK(transfer->small.repeated_mixtures == 2);
  CHECK(transfer->small.paired_runs == 6);
  CHECK(transfer->small.unpaired_runs == 2);
  CHECK(transfer->small.unpaired_mixtures == 1);
  CHECK(transfer->large.unpaired_runs == 1);
  // Mixture 0 now averages 2 at the small scale, tied with mixture 1 (2): the tie keeps the
  // small experiment's order, and both share rank 1.
  CHECK(transfer->small_best().small == doctest::Approx(2.0));
  CHECK(transfer->small_best().small_run_ids.size() == 2);
  CHECK(transfer->pairs[1].small_rank == 1);
}

TEST_CASE("a domain one run lacks weighs 0 there, but other domain names do not pair") {
  std::vector<RunPoint> small, large;
  for (int i = 0; i < 3; ++i) {
    small.push_back(Run(Mix(i), i));
    Mixture with_zero = Mix(i);
    with_zero["c"] = 0;
    large.push_back(Run(with_zero, i, 6e7));
  }
  CHECK(MeasureRankTransfer(small, large, Request()).ok());

  std::vector<RunPoint> renamed;
  for (int i = 0; i < 3; ++i) {
    renamed.push_back(Run({{"A", Mix(i).at("a")}, {"b", Mix(i).at("b")}}, i, 6e7));
  }
  auto transfer = MeasureRankTransfer(small, renamed, Request());
  REQUIRE_FALSE(transfer.ok());
  CHECK(transfer.status().exit_code() == 2);
  CHECK(transfer.status().message().find("0 of the 3 mixtures of 'proxy'") != std::string::npos);
  CHECK(transfer.status().message().find("their domains differ") != std::string::npos);
}

TEST_CASE("errors a user can cause are InvalidInput with a message") {
  RankTransferRequest missing = Request();
  missing.metric = "lost";
  auto transfer = MeasureRankTransfer(SmallRuns(), LargeRuns(), missing);
  REQUIRE_FALSE(transfer.ok());
  CHECK(transfer.status().message() ==
        "experiment 'proxy' has no finished run with metric 'lost' (its runs have: loss)");

  std::vector<RunPoint> mixed_scales = SmallRuns();
  mixed_scales.push_back(Run(Mix(0), 1.0, 6e7));
  transfer = MeasureRankTransfer(mixed_scales, LargeRuns(), Request());
  REQUIRE_FALSE(transfer.ok());
  CHECK(transfer.status().message().find("share a mixture but not their scale (N 1M and 60M)") !=
        std::string::npos);

  std::vector<RunPoint> other_settings = SmallRuns();
  other_settings.push_back(Run(Mix(0), 1.0));
  other_settings.back().settings_id = "4d5e6f";
  other_settings.back().settings = {{"train.lr", "0.001"}};
  transfer = MeasureRankTransfer(other_settings, LargeRuns(), Request());
  REQUIRE_FALSE(transfer.ok());
  CHECK(transfer.status().message().find(
            "share a mixture but not their training settings (train.lr - and 0.001)") !=
        std::string::npos);

  std::vector<RunPoint> two = SmallRuns();
  two.resize(2);
  CHECK(MeasureRankTransfer(two, LargeRuns(), Request()).status().exit_code() == 2);
  CHECK(MeasureRankTransfer(SmallRuns(), LargeRuns(), Request(0)).status().exit_code() == 2);
}

TEST_CASE("top-k is at most the number of pairs, and a proxy whose pick holds says so") {
  auto transfer = MeasureRankTransfer(SmallRuns(), SmallRuns(), Request(10));
  REQUIRE(transfer.ok());
  CHECK(transfer->top_k == 5);
  CHECK(transfer->top_k_overlap == 1.0);
  CHECK(transfer->spearman == doctest::Approx(1.0));
  CHECK(transfer->best_still_best);
  CHECK(transfer->large_gap == 0.0);
  CHECK(transfer->Verdict().find("its best mixture is still the best there") != std::string::npos);
}

}  // namespace
}  // namespace mixrun

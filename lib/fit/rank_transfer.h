// Rank transfer: does the ranking of mixtures measured at a small scale (proxy runs) hold at a
// large scale — "is my proxy big enough?". Pairs two experiments' runs by mixture, averages the
// runs (seeds) of one mixture, and compares the two rankings of one metric: Spearman ρ, Kendall
// τ-b, the top-k overlap and where each scale's best mixture ranks at the other.
//
// Contract: runs pair by mixture, never by label: two runs share a mixture when their weights,
// each divided by its sum, are within kDuplicateL1 in L1 (a domain one run lacks weighs 0 there,
// so domain names must match). Runs without the metric are left out; runs of one mixture in one
// experiment are averaged only as repeats (seeds): at different scales (N or D) or training
// settings they are an error, as are fewer than 3 paired mixtures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

struct RankTransferRequest {
  std::string metric;                // the final metric ranked, e.g. pile_cc_val_loss
  size_t top_k = 10;                 // the top-k overlap's k (at most the number of pairs)
  bool higher_is_better = false;     // losses: lower is better
  std::string small_name = "small";  // the experiments' names, for messages
  std::string large_name = "large";
};

// What one experiment's runs contributed.
struct RankTransferSide {
  std::string name;
  size_t runs = 0;               // finished runs given
  size_t runs_with_metric = 0;   // of those, the runs that have the metric
  size_t mixtures = 0;           // distinct mixtures among the runs with the metric
  size_t repeated_mixtures = 0;  // of those, mixtures with several runs (seeds): averaged
  size_t paired_runs = 0;        // runs whose mixture the other experiment has
  size_t unpaired_runs = 0;      // runs with the metric whose mixture it lacks
  size_t unpaired_mixtures = 0;
  std::vector<std::string> domains;  // every domain named by its runs' mixtures
};

// One mixture both experiments ran, with its metric averaged over each experiment's runs.
struct PairedMixture {
  Mixture
      weights;  // the small experiment's first run's, normalised, over both experiments' domains
  std::vector<int64_t> small_run_ids;
  std::vector<int64_t> large_run_ids;
  double small = 0;  // the metric's mean over small_run_ids
  double large = 0;
  size_t small_rank = 0;  // 1 = best; ties share the better rank ("2nd of 256" = one is better)
  size_t large_rank = 0;
};

struct RankTransfer {
  std::string metric;
  bool higher_is_better = false;
  RankTransferSide small;
  RankTransferSide large;
  // The paired mixtures, best first at the small scale (ties: in the small experiment's order).
  std::vector<PairedMixture> pairs;
  double spearman = 0;  // of the paired values, ties by average rank
  double kendall_tau_b = 0;
  size_t top_k = 0;          // k used: the request's, at most the number of pairs
  size_t top_k_shared = 0;   // |top-k small ∩ top-k large| (each top-k: the first k in order)
  double top_k_overlap = 0;  // top_k_shared / top_k
  size_t small_best_rank_large = 0;  // the large-scale rank of the small scale's best mixture
  size_t large_best_rank_small = 0;  // the small-scale rank of the large scale's best mixture
  // At the large scale: how much worse the small scale's pick is than the best mixture there
  // (≥ 0; for higher_is_better the best minus the pick), absolute and relative to the best.
  double large_gap = 0;
  double large_gap_relative = 0;
  bool best_still_best = false;  // no mixture beats the small scale's pick at the large scale

  size_t n() const { return pairs.size(); }
  const PairedMixture& small_best() const { return pairs.front(); }
  // Everything above, for --json; the pairs with their run ids, values and ranks.
  nlohmann::json ToJson() const;
  // One plain sentence: how well the ranking transfers and what the proxy's pick is worth.
  std::string Verdict() const;
};

// `small` and `large` are the two experiments' finished runs (Store::LoadRunPoints).
Result<RankTransfer> MeasureRankTransfer(const std::vector<RunPoint>& small,
                                         const std::vector<RunPoint>& large,
                                         const RankTransferRequest& request);

}  // namespace mixrun

#include "fit/rank_transfer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>

#include "common/run_settings.h"
#include "common/text_table.h"
#include "fit/accuracy.h"
#include "fit/fit_print.h"
#include "mixture/mixture.h"

namespace mixrun {
namespace {

// The runs of one experiment that share a mixture (repeated seeds), with their summed metric.
struct MixtureGroup {
  WeightVector weights;             // normalised, over the domains of both experiments
  const RunPoint* first = nullptr;  // the runs it averages: the first and its repeats
  std::vector<int64_t> run_ids;
  double total = 0;
  std::optional<size_t> partner;  // the other experiment's group it pairs with

  double mean() const { return total / static_cast<double>(run_ids.size()); }
};

// Σ|a_d − b_d|, or infinity as soon as it passes `limit`: most pairs of mixtures differ in
// their first weights already, which keeps pairing fast though it compares every pair.
double L1UpTo(const WeightVector& a, const WeightVector& b, double limit) {
  double distance = 0;
  for (size_t d = 0; d < a.size(); ++d) {
    distance += std::abs(a[d] - b[d]);
    if (distance > limit) return std::numeric_limits<double>::infinity();
  }
  return distance;
}

// The group whose mixture is nearest to `weights` within kDuplicateL1 (mixture/mixture.h), if
// any, skipping those `taken`.
std::optional<size_t> NearestGroup(const std::vector<MixtureGroup>& groups,
                                   const WeightVector& weights,
                                   const std::vector<bool>* taken = nullptr) {
  std::optional<size_t> nearest;
  double nearest_distance = kDuplicateL1;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (taken && (*taken)[g]) continue;
    const double distance = L1UpTo(groups[g].weights, weights, nearest_distance);
    if (distance <= nearest_distance) {
      nearest = g;
      nearest_distance = distance;
    }
  }
  return nearest;
}

// Every domain the runs' mixtures name, sorted.
std::set<std::string> DomainsOf(const std::vector<RunPoint>& runs) {
  std::set<std::string> domains;
  for (const RunPoint& run : runs) {
    for (const auto& [domain, weight] : run.weights) domains.insert(domain);
  }
  return domains;
}

// Whether `run` may be averaged with the group's first run as a repeat (another seed): an error
// when the two differ in scale (N or D, where both are known) or in training settings.
Status CheckRepeat(const MixtureGroup& group, const RunPoint& run, const std::string& experiment) {
  const RunPoint& first = *group.first;
  const std::string runs = "experiment '" + experiment + "': runs " + std::to_string(first.run_id) +
                           " and " + std::to_string(run.run_id) + " share a mixture but not their ";
  for (auto [first_value, run_value, what] : {std::make_tuple(first.n_params, run.n_params, "N"),
                                              std::make_tuple(first.n_tokens, run.n_tokens, "D")}) {
    if (std::isnan(first_value) || std::isnan(run_value) || first_value == run_value) continue;
    return Status::InvalidInput(runs + "scale (" + what + " " + HumanCount(first_value) + " and " +
                                HumanCount(run_value) +
                                "): rank transfer compares two experiments of one scale each");
  }
  if (first.settings_id == run.settings_id) return Status::Ok();
  std::string differing;
  for (const std::string& key : DifferingSettings({&first.settings, &run.settings})) {
    auto a = first.settings.find(key), b = run.settings.find(key);
    differing.append(differing.empty() ? "" : "; ")
        .append(key + " " + (a == first.settings.end() ? "-" : a->second) + " and " +
                (b == run.settings.end() ? "-" : b->second));
  }
  return Status::InvalidInput(runs + "training settings (" +
                              (differing.empty() ? "one has none recorded" : differing) +
                              "): only repeats of one run (seeds) are averaged");
}

// The metric names the runs have, for an error message (at most a dozen).
std::string MetricNames(const std::vector<RunPoint>& runs) {
  std::set<std::string> names;
  for (const RunPoint& run : runs) {
    for (const auto& [name, value] : run.metrics) names.insert(name);
  }
  std::string text;
  size_t shown = 0;
  for (const std::string& name : names) {
    if (shown++ == 12) return text + ", …";
    text += (text.empty() ? "" : ", ") + name;
  }
  return text.empty() ? "none" : text;
}

// Groups the runs that have the metric by mixture, their weights over `domains`; fills the side's
// counts of runs and mixtures.
Result<std::vector<MixtureGroup>> GroupByMixture(const std::vector<RunPoint>& runs,
                                                 const std::string& metric,
                                                 const std::vector<std::string>& domains,
                                                 RankTransferSide& side) {
  std::vector<MixtureGroup> groups;
  side.runs = runs.size();
  for (const RunPoint& run : runs) {
    auto found = run.metrics.find(metric);
    if (found == run.metrics.end() || !std::isfinite(found->second)) continue;
    ++side.runs_with_metric;
    WeightVector weights = ToWeights(run.weights, domains);
    if (!Normalise(weights)) {
      return Status::InvalidInput("experiment '" + side.name + "': run " +
                                  std::to_string(run.run_id) +
                                  " has no mixture weights; rank transfer pairs runs by mixture");
    }
    const std::optional<size_t> existing = NearestGroup(groups, weights);
    if (!existing) {
      MixtureGroup group;
      group.weights = std::move(weights);
      group.first = &run;
      group.run_ids.push_back(run.run_id);
      group.total = found->second;
      groups.push_back(std::move(group));
      continue;
    }
    MixtureGroup& group = groups[*existing];
    Status repeat = CheckRepeat(group, run, side.name);
    if (!repeat.ok()) return repeat;
    group.run_ids.push_back(run.run_id);
    group.total += found->second;
  }
  if (groups.empty()) {
    return Status::InvalidInput("experiment '" + side.name + "' has no finished run with metric '" +
                                metric + "' (its runs have: " + MetricNames(runs) + ")");
  }
  const std::set<std::string> named = DomainsOf(runs);
  side.domains.assign(named.begin(), named.end());
  side.mixtures = groups.size();
  for (const MixtureGroup& group : groups) {
    if (group.run_ids.size() > 1) ++side.repeated_mixtures;
  }
  return groups;
}

// Counts the paired and unpaired runs and mixtures of one side once its groups are paired.
void CountPairing(const std::vector<MixtureGroup>& groups, RankTransferSide& side) {
  for (const MixtureGroup& group : groups) {
    if (group.partner) {
      side.paired_runs += group.run_ids.size();
    } else {
      side.unpaired_runs += group.run_ids.size();
      ++side.unpaired_mixtures;
    }
  }
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : " ") + name;
  return text;
}

Status TooFewPairs(const RankTransfer& transfer) {
  std::string message = "rank transfer needs 3 or more mixtures run in both experiments; " +
                        std::to_string(transfer.n()) + " of the " +
                        std::to_string(transfer.small.mixtures) + " mixtures of '" +
                        transfer.small.name + "' with metric '" + transfer.metric + "' are among " +
                        "the " + std::to_string(transfer.large.mixtures) + " of '" +
                        transfer.large.name + "'";
  if (transfer.small.domains != transfer.large.domains) {
    message += " (their domains differ: '" + transfer.small.name + "' has " +
               JoinNames(transfer.small.domains) + "; '" + transfer.large.name + "' has " +
               JoinNames(transfer.large.domains) + ")";
  }
  return Status::InvalidInput(message);
}

// Indices 0..n-1 from best to worst by `value` (lower is better after the sign is applied);
// ties keep index order.
std::vector<size_t> BestFirst(const std::vector<double>& value) {
  std::vector<size_t> order(value.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return value[a] < value[b]; });
  return order;
}

// 1 + the number of values strictly better (lower) than value[i].
size_t RankOf(const std::vector<double>& value, size_t i) {
  return 1 + static_cast<size_t>(std::count_if(value.begin(), value.end(),
                                               [&](double other) { return other < value[i]; }));
}

std::string Ordinal(size_t rank) {
  const size_t last_two = rank % 100;
  const char* suffix = "th";
  if (last_two < 11 || last_two > 13) {
    if (rank % 10 == 1) suffix = "st";
    if (rank % 10 == 2) suffix = "nd";
    if (rank % 10 == 3) suffix = "rd";
  }
  return std::to_string(rank) + suffix;
}

nlohmann::json SideJson(const RankTransferSide& side) {
  return {{"experiment", side.name},
          {"runs", side.runs},
          {"runs_with_metric", side.runs_with_metric},
          {"mixtures", side.mixtures},
          {"repeated_mixtures", side.repeated_mixtures},
          {"paired_runs", side.paired_runs},
          {"unpaired_runs", side.unpaired_runs},
          {"unpaired_mixtures", side.unpaired_mixtures}};
}

}  // namespace

Result<RankTransfer> MeasureRankTransfer(const std::vector<RunPoint>& small,
                                         const std::vector<RunPoint>& large,
                                         const RankTransferRequest& request) {
  if (request.metric.empty()) return Status::InvalidInput("rank transfer: give the metric");
  if (request.top_k == 0) return Status::InvalidInput("rank transfer: top-k must be at least 1");
  RankTransfer transfer;
  transfer.metric = request.metric;
  transfer.higher_is_better = request.higher_is_better;
  transfer.small.name = request.small_name;
  transfer.large.name = request.large_name;
  std::set<std::string> domain_set = DomainsOf(small);
  domain_set.merge(DomainsOf(large));
  const std::vector<std::string> domains(domain_set.begin(), domain_set.end());
  auto small_groups = GroupByMixture(small, request.metric, domains, transfer.small);
  if (!small_groups.ok()) return small_groups.status();
  auto large_groups = GroupByMixture(large, request.metric, domains, transfer.large);
  if (!large_groups.ok()) return large_groups.status();

  // Each small-scale mixture takes the nearest large-scale one not yet taken.
  std::vector<bool> taken(large_groups->size(), false);
  for (size_t s = 0; s < small_groups->size(); ++s) {
    MixtureGroup& group = (*small_groups)[s];
    const std::optional<size_t> partner = NearestGroup(*large_groups, group.weights, &taken);
    if (!partner) continue;
    taken[*partner] = true;
    group.partner = *partner;
    (*large_groups)[*partner].partner = s;
    const MixtureGroup& other = (*large_groups)[*partner];
    PairedMixture pair;
    pair.weights = ToMixture(domains, group.weights);
    pair.small_run_ids = group.run_ids;
    pair.large_run_ids = other.run_ids;
    pair.small = group.mean();
    pair.large = other.mean();
    transfer.pairs.push_back(std::move(pair));
  }
  CountPairing(*small_groups, transfer.small);
  CountPairing(*large_groups, transfer.large);
  if (transfer.n() < 3) return TooFewPairs(transfer);

  // Rank on "badness" (lower is better) so one code path serves both directions.
  const double sign = request.higher_is_better ? -1.0 : 1.0;
  std::vector<double> small_values, large_values, small_bad, large_bad;
  for (const PairedMixture& pair : transfer.pairs) {
    small_values.push_back(pair.small);
    large_values.push_back(pair.large);
    small_bad.push_back(sign * pair.small);
    large_bad.push_back(sign * pair.large);
  }
  transfer.spearman = Spearman(small_values, large_values);
  transfer.kendall_tau_b = KendallTauB(small_values, large_values);
  for (size_t i = 0; i < transfer.n(); ++i) {
    transfer.pairs[i].small_rank = RankOf(small_bad, i);
    transfer.pairs[i].large_rank = RankOf(large_bad, i);
  }
  const std::vector<size_t> small_order = BestFirst(small_bad);
  const std::vector<size_t> large_order = BestFirst(large_bad);
  transfer.top_k = std::min(request.top_k, transfer.n());
  const std::set<size_t> large_top(large_order.begin(), large_order.begin() + transfer.top_k);
  for (size_t i = 0; i < transfer.top_k; ++i)
    transfer.top_k_shared += large_top.count(small_order[i]);
  transfer.top_k_overlap =
      static_cast<double>(transfer.top_k_shared) / static_cast<double>(transfer.top_k);

  const size_t small_best = small_order.front();
  const size_t large_best = large_order.front();
  transfer.small_best_rank_large = transfer.pairs[small_best].large_rank;
  transfer.large_best_rank_small = transfer.pairs[large_best].small_rank;
  const double pick = transfer.pairs[small_best].large;
  const double best = transfer.pairs[large_best].large;
  transfer.large_gap = request.higher_is_better ? best - pick : pick - best;
  transfer.large_gap_relative = transfer.large_gap / std::abs(best);
  transfer.best_still_best = transfer.small_best_rank_large == 1;

  std::vector<PairedMixture> ordered;
  for (size_t i : small_order) ordered.push_back(std::move(transfer.pairs[i]));
  transfer.pairs = std::move(ordered);
  return transfer;
}

nlohmann::json RankTransfer::ToJson() const {
  nlohmann::json pairs_json = nlohmann::json::array();
  for (const PairedMixture& pair : pairs) {
    pairs_json.push_back({{"weights", pair.weights},
                          {"small_run_ids", pair.small_run_ids},
                          {"large_run_ids", pair.large_run_ids},
                          {"small", pair.small},
                          {"large", pair.large},
                          {"small_rank", pair.small_rank},
                          {"large_rank", pair.large_rank}});
  }
  return {{"metric", metric},
          {"higher_is_better", higher_is_better},
          {"small", SideJson(small)},
          {"large", SideJson(large)},
          {"n", n()},
          {"spearman", spearman},
          {"kendall_tau_b", kendall_tau_b},
          {"top_k", top_k},
          {"top_k_shared", top_k_shared},
          {"top_k_overlap", top_k_overlap},
          {"small_best_rank_large", small_best_rank_large},
          {"large_best_rank_small", large_best_rank_small},
          {"large_gap", large_gap},
          {"large_gap_relative", large_gap_relative},
          {"best_still_best", best_still_best},
          {"verdict", Verdict()},
          {"pairs", pairs_json}};
}

std::string RankTransfer::Verdict() const {
  const std::string count = std::to_string(n());
  std::string text = small.name + "'s ranking of " + metric + " transfers to " + large.name +
                     " with Spearman " + FormatSignificant(spearman, 3) + " (Kendall " +
                     FormatSignificant(kendall_tau_b, 3) + ") over " + count + " mixtures; " +
                     std::to_string(top_k_shared) + " of its top " + std::to_string(top_k) +
                     " are in " + large.name + "'s top " + std::to_string(top_k) + "; its best";
  if (best_still_best) return text + " mixture is still the best there";
  return text + " mixture ranks " + Ordinal(small_best_rank_large) + " of " + count + " there, " +
         FormatPercent(large_gap_relative) + " worse than the best";
}

}  // namespace mixrun

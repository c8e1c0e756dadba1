#include "fit/resampling.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/percentile.h"
#include "common/random.h"

namespace mixrun {
namespace {

// Group index of each row, numbered by first appearance.
std::vector<size_t> GroupIndex(const std::vector<std::string>& groups, size_t* count) {
  std::unordered_map<std::string, size_t> seen;
  std::vector<size_t> index(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    index[i] = seen.emplace(groups[i], seen.size()).first->second;
  }
  *count = seen.size();
  return index;
}

}  // namespace

std::vector<double> ResampleCounts(size_t n, uint64_t seed, uint64_t index) {
  Rng rng(seed, index);
  std::vector<double> counts(n, 0.0);
  for (size_t i = 0; i < n; ++i) counts[rng.Below(n)] += 1.0;
  return counts;
}

std::vector<int> GroupFolds(const std::vector<std::string>& groups, int k, uint64_t seed) {
  size_t count = 0;
  const std::vector<size_t> group = GroupIndex(groups, &count);
  std::vector<size_t> order(count);
  for (size_t g = 0; g < count; ++g) order[g] = g;
  Rng rng(seed, 0x6b666f6c64ULL);  // a stream of its own, apart from the bootstrap's
  for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  std::vector<int> fold_of_group(count);
  for (size_t i = 0; i < count; ++i) {
    fold_of_group[order[i]] = static_cast<int>(i % static_cast<size_t>(k));
  }
  std::vector<int> fold(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) fold[i] = fold_of_group[group[i]];
  return fold;
}

std::vector<int> RowFolds(size_t n, int k, uint64_t seed) {
  std::vector<std::string> groups(n);
  for (size_t i = 0; i < n; ++i) groups[i] = std::to_string(i);
  return GroupFolds(groups, k, seed);
}

size_t CountGroups(const std::vector<std::string>& groups) {
  size_t count = 0;
  GroupIndex(groups, &count);
  return count;
}

SampleSummary Summarize(std::vector<double> samples) {
  SampleSummary summary;
  std::erase_if(samples, [](double v) { return !std::isfinite(v); });
  if (samples.size() < 2) {
    summary.standard_error = summary.low = summary.high = std::nan("");
    return summary;
  }
  double mean = 0;
  for (double v : samples) mean += v;
  mean /= static_cast<double>(samples.size());
  double squares = 0;
  for (double v : samples) squares += (v - mean) * (v - mean);
  summary.standard_error = std::sqrt(squares / static_cast<double>(samples.size() - 1));
  summary.low = Percentile(samples, 0.025);
  summary.high = Percentile(samples, 0.975);
  return summary;
}

}  // namespace mixrun

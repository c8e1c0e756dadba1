// Accuracy of predictions against observed values: RMSE, MAE, mean relative error, Spearman ρ and
// Pearson r — the same measures in-sample, on k-fold and on a held-out test set — and the rank
// statistics they rest on (average ranks, Kendall's τ-b), which rank transfer uses too.
#pragma once

#include <cstddef>
#include <vector>

namespace mixrun {

struct Accuracy {
  size_t n = 0;
  double rmse = 0;
  double mae = 0;
  double mre = 0;  // mean of |predicted − actual| / |actual|
  double spearman = 0;
  double pearson = 0;
};

// Requires predicted.size() == actual.size(); correlations are NaN for fewer than 2 points or a
// constant input. Spearman ranks ties by their average rank.
Accuracy MeasureAccuracy(const std::vector<double>& predicted, const std::vector<double>& actual);
double Pearson(const std::vector<double>& x, const std::vector<double>& y);
double Spearman(const std::vector<double>& x, const std::vector<double>& y);
// Kendall's τ-b: (concordant − discordant pairs) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2 and n₁, n₂
// the pairs tied in x and in y, so ties count against neither side. O(n²); NaN for fewer than 2
// points, a constant input or x.size() != y.size().
double KendallTauB(const std::vector<double>& x, const std::vector<double>& y);
// The 1-based rank of each value in increasing order; tied values share their average rank.
std::vector<double> AverageRanks(const std::vector<double>& values);

}  // namespace mixrun

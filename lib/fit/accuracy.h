// Accuracy of predictions against observed values: RMSE, MAE, mean relative error, Spearman ρ and
// Pearson r — the same measures in-sample, on k-fold and on a held-out test set.
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

}  // namespace mixrun

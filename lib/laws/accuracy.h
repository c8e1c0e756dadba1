// Accuracy of predictions against observed values: in-sample (RMSE, MRE) and held-out (MAE, MRE,
// Spearman ρ, Pearson r), plus the seeded fold assignment used for k-fold cross-validation.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
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

// The fold (0..k−1) of each of n items: a seeded shuffle dealt round-robin, so folds differ in size
// by at most one.
std::vector<int> KFoldAssignment(size_t n, int k, uint64_t seed);

// {"spearman","pearson","mae","mre","rmse","n"}; NaN correlations become null.
nlohmann::json HeldOutJson(const Accuracy& accuracy);

}  // namespace mixrun

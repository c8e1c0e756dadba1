#include "fit/accuracy.h"

#include <algorithm>
#include <cmath>
#include <numeric>


namespace mixrun {
namespace {

std::vector<double> AverageRanks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (size_t t = i; t <= j; ++t) ranks[order[t]] = rank;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < 2 || y.size() != n) return std::nan("");
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(n);
  double xy = 0, xx = 0, yy = 0;
  for (size_t i = 0; i < n; ++i) {
    xy += (x[i] - mean_x) * (y[i] - mean_y);
    xx += (x[i] - mean_x) * (x[i] - mean_x);
    yy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  if (xx == 0 || yy == 0) return std::nan("");
  return xy / std::sqrt(xx * yy);
}

double Spearman(const std::vector<double>& x, const std::vector<double>& y) {
  return Pearson(AverageRanks(x), AverageRanks(y));
}

Accuracy MeasureAccuracy(const std::vector<double>& predicted, const std::vector<double>& actual) {
  Accuracy accuracy;
  accuracy.n = predicted.size();
  if (accuracy.n == 0) return accuracy;
  double squares = 0, absolute = 0, relative = 0;
  for (size_t i = 0; i < accuracy.n; ++i) {
    const double error = predicted[i] - actual[i];
    squares += error * error;
    absolute += std::abs(error);
    relative += std::abs(error) / std::abs(actual[i]);
  }
  const double n = static_cast<double>(accuracy.n);
  accuracy.rmse = std::sqrt(squares / n);
  accuracy.mae = absolute / n;
  accuracy.mre = relative / n;
  accuracy.pearson = Pearson(predicted, actual);
  accuracy.spearman = Spearman(predicted, actual);
  return accuracy;
}

}  // namespace mixrun

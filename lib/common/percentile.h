// Percentiles of a sample by linear interpolation between order statistics (numpy's default),
// ignoring non-finite values; NaN for a sample with no finite value.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace mixrun {

// q in [0, 1] of finite values already sorted (several percentiles of one sample sort it once).
inline double PercentileOfSorted(const std::vector<double>& values, double q) {
  if (values.empty()) return NAN;
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(position);
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

// q in [0, 1]; the sample is taken by value because it is sorted.
inline double Percentile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double value) { return !std::isfinite(value); }),
               values.end());
  std::sort(values.begin(), values.end());
  return PercentileOfSorted(values, q);
}

}  // namespace mixrun

// Resampling for the fit protocol: bootstrap resamples as row multiplicities, folds that keep a
// configuration's rows together, and the summary (SE, 95% percentile interval) of a sample.
// Every draw comes from its own stream of the seed, so results never depend on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mixrun {

// The resample `index` of n rows as multiplicities (how often each row was drawn).
std::vector<double> ResampleCounts(size_t n, uint64_t seed, uint64_t index);

// The fold (0..k−1) of each row: the distinct groups (in order of first appearance) are shuffled
// with the seed and dealt round-robin, so rows of one group share a fold and folds differ by at most
// one group. With all groups distinct this is a seeded shuffle of the rows.
std::vector<int> GroupFolds(const std::vector<std::string>& groups, int k, uint64_t seed);

// GroupFolds with every row its own group.
std::vector<int> RowFolds(size_t n, int k, uint64_t seed);

// How many distinct groups there are.
size_t CountGroups(const std::vector<std::string>& groups);

struct SampleSummary {
  double standard_error = 0;  // sample standard deviation (n − 1)
  double low = 0, high = 0;   // 2.5% and 97.5% percentiles (linear interpolation, as numpy)
};
// Non-finite values are ignored; fewer than 2 finite values give NaN.
SampleSummary Summarize(std::vector<double> samples);

}  // namespace mixrun

// Bootstrap over observations: resample rows with replacement, refit tightly from the best point.
// Resample b draws from its own stream of the seed, so results never depend on the thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "laws/law_model.h"

namespace mixrun {

struct BootstrapOptions {
  int resamples = 1000;
  uint64_t seed = 42;
  int threads = 2;
  double huber_delta = 1e-3;
};

// The resample `index` of n rows as multiplicities (how often each row was drawn).
std::vector<double> ResampleCounts(size_t n, uint64_t seed, uint64_t index);

// Fitting-space parameter sets of the usable refits, in resample order (failed refits are left
// out).
std::vector<std::vector<double>> BootstrapRefits(const LawModel& model,
                                                 const Observations& observations,
                                                 const std::vector<double>& best,
                                                 const BootstrapOptions& options);

struct SampleSummary {
  double standard_error = 0;  // sample standard deviation (n − 1)
  double low = 0, high = 0;   // 2.5% and 97.5% percentiles (linear interpolation, as numpy)
};
SampleSummary Summarize(std::vector<double> samples);

}  // namespace mixrun

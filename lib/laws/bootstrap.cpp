#include "laws/bootstrap.h"

#include <algorithm>
#include <cmath>

#include "common/percentile.h"
#include "laws/engine.h"
#include "laws/parallel.h"
#include "laws/rng.h"

namespace mixrun {
namespace {}  // namespace

std::vector<double> ResampleCounts(size_t n, uint64_t seed, uint64_t index) {
  Rng rng(seed, index);
  std::vector<double> counts(n, 0.0);
  for (size_t i = 0; i < n; ++i) counts[rng.Below(n)] += 1.0;
  return counts;
}

std::vector<std::vector<double>> BootstrapRefits(const LawModel& model,
                                                 const Observations& observations,
                                                 const std::vector<double>& best,
                                                 const BootstrapOptions& options) {
  const size_t n = observations.size();
  std::vector<RefitResult> refits(options.resamples > 0 ? options.resamples : 0);
  ParallelFor(refits.size(), options.threads, [&](size_t b) {
    const std::vector<double> counts = ResampleCounts(n, options.seed, b);
    // Only the rows drawn at least once enter the problem, weighted by their count.
    Observations resample;
    resample.num_features = observations.num_features;
    for (size_t i = 0; i < n; ++i) {
      if (counts[i] == 0) continue;
      const double base = observations.weight(i);
      resample.x.insert(resample.x.end(), observations.row(i),
                        observations.row(i) + observations.num_features);
      resample.y.push_back(observations.y[i]);
      resample.multiplicity.push_back(counts[i] * base);
    }
    refits[b] = RefitTightly(model, resample, best, options.huber_delta);
  });
  std::vector<std::vector<double>> sets;
  sets.reserve(refits.size());
  for (auto& refit : refits) {
    if (refit.usable) sets.push_back(std::move(refit.params));
  }
  return sets;
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
  std::sort(samples.begin(), samples.end());
  summary.low = Percentile(samples, 0.025);
  summary.high = Percentile(samples, 0.975);
  return summary;
}

}  // namespace mixrun

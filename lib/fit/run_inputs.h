// Reading a fit's inputs from RunPoints with the checks a user needs: metrics missing on some runs
// (named), non-positive or NaN losses, too few points, mixtures that do not sum to 1.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/estimator.h"

namespace mixrun {

// "run 17" or "run 17 (key abc)": how messages name a run.
std::string RunLabel(const RunPoint& run);

// The largest loss a fit takes. Losses are cross-entropies of a few nats (log of the vocabulary
// at initialisation is ~11 for 65536 tokens); a value near 1e6 is a corrupt row or a unit mix-up,
// and squared in the fit's residuals it overflows the statistics (RMSE inf).
inline constexpr double kMaxLoss = 1e6;

// Ok when `value` is finite, positive and below kMaxLoss; otherwise InvalidInput
// "WHERE: metric 'METRIC' is VALUE; losses must be finite, positive and below 1e+06".
Status CheckLoss(double value, const std::string& where, const std::string& metric);

// The final value of `metric` on every run, in order. Errors name the runs missing it (up to 10)
// and any run where CheckLoss refuses it.
Result<std::vector<double>> PositiveMetric(const std::vector<RunPoint>& runs,
                                           const std::string& metric, const std::string& set_name);

// A run's N and D (D = C/(6N) when only C is known), or an error naming the run and `law`, which
// needs both positive.
struct RunScale {
  double n = 0, d = 0;
};
Result<RunScale> PositiveScale(const RunPoint& run, const std::string& law);

// Fails unless there are more points than parameters.
Status CheckEnoughPoints(size_t points, size_t params, const std::string& what);

// A mixture normalised to sum to 1: off by less than 1% it is rescaled (with one warning per
// call site via *normalised), otherwise an error naming `what`. Negative or NaN weights are errors.
Result<Mixture> NormalisedMixture(const Mixture& weights, const std::string& what,
                                  bool* normalised);

// The sorted union of the domains in the runs' mixtures.
std::vector<std::string> MixtureDomains(const std::vector<RunPoint>& runs);

// Rows of normalised weights in `domains` order (row-major); a domain a run lacks weighs 0, a
// domain outside `domains` with weight > 0 is an error. With warn, logs one warning when rows were
// rescaled (predictions rescale silently: they are called once per candidate).
Result<std::vector<double>> MixtureMatrix(const std::vector<RunPoint>& runs,
                                          const std::vector<std::string>& domains,
                                          const std::string& set_name, bool warn = true);

// The target of a mixture law as observed in a run: Σ weight · metric over its terms (one term
// of weight 1 for a single metric).
using TargetTerms = std::vector<std::pair<std::string, double>>;
Result<std::vector<double>> TargetValues(const std::vector<RunPoint>& runs,
                                         const TargetTerms& terms, const std::string& set_name);

// How mixture laws (mixing, regmix) read a run: the features are its normalised weights over
// `domains` in order, the target the weighted sum of `terms`.
class MixtureReader : public RunReader {
 public:
  MixtureReader(std::vector<std::string> domains, TargetTerms terms)
      : domains_(std::move(domains)), terms_(std::move(terms)) {}
  Result<std::vector<double>> Features(const RunPoint& run) const override;
  Result<FitRows> Rows(const std::vector<RunPoint>& runs,
                       const std::string& set_name) const override;
  std::vector<std::string> domains() const override { return domains_; }

 private:
  std::vector<std::string> domains_;
  TargetTerms terms_;
};

}  // namespace mixrun

#include "design/dirichlet_design.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "design/design_prior.h"
#include "design/design_rng.h"

namespace mixrun {
namespace {

std::string Format(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::vector<double> LogSpaced(double low, double high, int count) {
  if (low == high || count <= 1) return {low};
  std::vector<double> values(static_cast<size_t>(count));
  const double log_low = std::log(low), log_high = std::log(high);
  for (int i = 0; i < count; ++i) {
    values[static_cast<size_t>(i)] = std::exp(log_low + (log_high - log_low) * i / (count - 1));
  }
  return values;
}

// One Dirichlet(alpha) draw, normalised in log space so that tiny concentrations cannot make every
// component underflow to 0. alpha_j = 0 gives weight 0.
void DrawDirichlet(DesignRng& rng, const std::vector<double>& alpha, WeightVector& out) {
  double max_log = -INFINITY;
  for (size_t j = 0; j < alpha.size(); ++j) {
    out[j] = alpha[j] > 0 ? rng.LogGamma(alpha[j]) : -INFINITY;
    max_log = std::max(max_log, out[j]);
  }
  double total = 0;
  for (double& x : out) {
    x = std::exp(x - max_log);
    total += x;
  }
  for (double& x : out) x /= total;
}

// Rounds weights summing to 1 to multiples of 1/units whose counts sum to exactly `units`
// (Hamilton's largest-remainder method; ties go to the lower domain index).
void RoundToGrid(const WeightVector& weights, int64_t units, std::vector<int64_t>& counts) {
  std::vector<std::pair<double, size_t>> remainders(weights.size());
  int64_t assigned = 0;
  for (size_t j = 0; j < weights.size(); ++j) {
    const double scaled = weights[j] * static_cast<double>(units);
    counts[j] = static_cast<int64_t>(std::floor(scaled));
    assigned += counts[j];
    remainders[j] = {scaled - static_cast<double>(counts[j]), j};
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t r = 0; assigned < units && r < remainders.size(); ++r, ++assigned) {
    ++counts[remainders[r].second];
  }
}

// Finds accepted candidates within kDuplicateL1 of an earlier one. On a grid coarser than the
// threshold, near-duplicates are exactly equal count vectors; otherwise candidates are indexed by a
// projection s = Σ c_j x_j with c_j in [1, 2], since L1 ≤ ε implies |Δs| ≤ 2ε, and only those
// within that window are compared.
class DuplicateFilter {
 public:
  explicit DuplicateFilter(size_t domains) : coefficients_(domains) {
    for (size_t j = 0; j < domains; ++j) {
      coefficients_[j] = 1.0 + static_cast<double>(j) / static_cast<double>(domains);
    }
  }

  bool InsertGrid(const std::vector<int64_t>& counts) { return seen_counts_.insert(counts).second; }

  bool InsertContinuous(const WeightVector& weights) {
    double key = 0;
    for (size_t j = 0; j < weights.size(); ++j) key += coefficients_[j] * weights[j];
    const double window = 2 * kDuplicateL1;
    for (auto it = by_key_.lower_bound(key - window);
         it != by_key_.end() && it->first <= key + window; ++it) {
      double distance = 0;
      for (size_t j = 0; j < weights.size(); ++j) distance += std::abs(weights[j] - it->second[j]);
      if (distance <= kDuplicateL1) return false;
    }
    by_key_.emplace(key, weights);
    return true;
  }

 private:
  std::vector<double> coefficients_;
  std::set<std::vector<int64_t>> seen_counts_;
  std::multimap<double, WeightVector> by_key_;
};

}  // namespace

Result<std::vector<WeightVector>> DrawDirichletDesign(const DirichletDesignOptions& options) {
  const size_t n = options.prior.size();
  if (n == 0) return Status::InvalidInput("/domains: the design needs at least one domain");
  if (options.count < 1) {
    return Status::InvalidInput(
        "/mixtures/count: the Dirichlet design needs a count of at least 1");
  }
  int64_t units = 0;  // the grid: multiples of 1/units
  if (options.min_weight > 0) {
    units = std::llround(1.0 / options.min_weight);
    if (units < 1 || std::abs(static_cast<double>(units) * options.min_weight - 1) > 1e-9) {
      return Status::InvalidInput("/mixtures/min_weight: " + Format(options.min_weight) +
                                  " is not 1/K for an integer K, so weights on its grid cannot "
                                  "sum to 1 (use e.g. 2e-4, 1e-3, 0.01)");
    }
  }

  std::vector<double> bound(n);
  double bound_total = 0;
  for (size_t j = 0; j < n; ++j) {
    bound[j] = std::min(options.max_epochs * options.prior[j], 1.0);
    bound_total += bound[j];
  }
  if (bound_total < 1 - 1e-12) {
    return Status::InvalidInput(
        "/mixtures/max_epochs: the bounds min(max_epochs × share, 1) sum to " +
        Format(bound_total) + " < 1, so no mixture satisfies them");
  }
  const WeightVector prior = ApplyTemperature(options.prior, options.temperature);
  const std::vector<double> strengths =
      LogSpaced(options.strength_min, options.strength_max, options.strength_count);

  DesignRng rng(options.seed);
  DuplicateFilter filter(n);
  const bool exact_grid = units > 0 && 2.0 / static_cast<double>(units) > kDuplicateL1;
  std::vector<WeightVector> distinct;
  std::vector<double> alpha(n);
  WeightVector draw(n);
  std::vector<int64_t> counts(n);
  const int64_t candidates = int64_t{options.count} * options.oversample;
  int64_t accepted = 0;
  for (int64_t c = 0; c < candidates; ++c) {
    const double strength = strengths[rng.Below(strengths.size())];
    for (size_t j = 0; j < n; ++j) alpha[j] = strength * prior[j];
    DrawDirichlet(rng, alpha, draw);
    bool within = true;
    for (size_t j = 0; j < n && within; ++j) within = draw[j] <= bound[j];
    if (!within) continue;

    if (options.min_weight > 0) {
      double total = 0;
      for (double& x : draw) {
        if (x < options.min_weight) x = 0;
        total += x;
      }
      if (total == 0)
        continue;  // only when every weight is below min_weight (> 1/min_weight
                   // domains)
      for (double& x : draw) x /= total;
      RoundToGrid(draw, units, counts);
      for (size_t j = 0; j < n && within; ++j) {
        draw[j] = static_cast<double>(counts[j]) / static_cast<double>(units);
        within = draw[j] <= bound[j];
      }
      if (!within) continue;
    }
    ++accepted;
    const bool fresh = exact_grid ? filter.InsertGrid(counts) : filter.InsertContinuous(draw);
    if (fresh) distinct.push_back(draw);
  }

  if (distinct.size() < static_cast<size_t>(options.count)) {
    return Status::InvalidInput("/mixtures/count: only " + std::to_string(distinct.size()) +
                                " distinct mixtures among " + std::to_string(accepted) +
                                " accepted of " + std::to_string(candidates) +
                                " candidates, fewer than the " + std::to_string(options.count) +
                                " requested (lower count or min_weight, or raise max_epochs)");
  }
  // Partial Fisher–Yates: a uniform sample of `count` without replacement, in sampled order.
  for (size_t i = 0; i < static_cast<size_t>(options.count); ++i) {
    std::swap(distinct[i], distinct[i + rng.Below(distinct.size() - i)]);
  }
  distinct.resize(static_cast<size_t>(options.count));
  return distinct;
}

}  // namespace mixrun

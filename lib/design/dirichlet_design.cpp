#include "design/dirichlet_design.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <unordered_set>

#include "common/random.h"
#include "mixture/dirichlet.h"

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

// The accepted candidates that are not within kDuplicateL1 of an earlier one, stored flat (n
// weights each: a few hundred thousand of them for a 10,000-mixture design). On a grid coarser
// than the threshold, near-duplicates are exactly equal (the weights k/K are computed the same
// way), so a hash set finds them; otherwise candidates are indexed by a projection
// s = Σ c_j x_j with c_j in [1, 2], since L1 ≤ ε implies |Δs| ≤ 2ε, and only those within that
// window are compared.
class DistinctMixtures {
 public:
  DistinctMixtures(size_t domains, bool exact)
      : n_(domains),
        exact_(exact),
        coefficients_(domains),
        by_weights_(0, Hash{this}, Equal{this}) {
    for (size_t j = 0; j < n_; ++j) {
      coefficients_[j] = 1.0 + static_cast<double>(j) / static_cast<double>(n_);
    }
  }

  DistinctMixtures(const DistinctMixtures&) = delete;  // the set's hash and equality point here
  DistinctMixtures& operator=(const DistinctMixtures&) = delete;

  size_t size() const { return weights_.size() / n_; }
  const double* at(size_t i) const { return weights_.data() + i * n_; }

  // Keeps `mixture` unless it duplicates a kept one; returns whether it was kept.
  bool Insert(const WeightVector& mixture) {
    const size_t index = size();
    weights_.insert(weights_.end(), mixture.begin(), mixture.end());
    const bool fresh = exact_ ? by_weights_.insert(index).second : InsertByProjection(index);
    if (!fresh) weights_.resize(index * n_);
    return fresh;
  }

 private:
  struct Hash {
    const DistinctMixtures* self;
    size_t operator()(size_t i) const {
      uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over the weights' bits
      for (size_t j = 0; j < self->n_; ++j) {
        uint64_t bits;
        std::memcpy(&bits, self->at(i) + j, sizeof bits);
        h = (h ^ bits) * 0x100000001b3ull;
      }
      return static_cast<size_t>(h ^ (h >> 32));
    }
  };
  struct Equal {
    const DistinctMixtures* self;
    bool operator()(size_t a, size_t b) const {
      return std::equal(self->at(a), self->at(a) + self->n_, self->at(b));
    }
  };

  bool InsertByProjection(size_t index) {
    const double* x = at(index);
    double key = 0;
    for (size_t j = 0; j < n_; ++j) key += coefficients_[j] * x[j];
    const double window = 2 * kDuplicateL1;
    for (auto it = by_key_.lower_bound(key - window);
         it != by_key_.end() && it->first <= key + window; ++it) {
      const double* y = at(it->second);
      double distance = 0;
      for (size_t j = 0; j < n_; ++j) distance += std::abs(x[j] - y[j]);
      if (distance <= kDuplicateL1) return false;
    }
    by_key_.emplace(key, index);
    return true;
  }

  size_t n_;
  bool exact_;
  std::vector<double> coefficients_;
  std::vector<double> weights_;
  std::unordered_set<size_t, Hash, Equal> by_weights_;
  std::multimap<double, size_t> by_key_;
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

  DirichletBox box;  // the availability bounds: w = d ≤ bound
  box.hi.resize(n);
  std::vector<double>& bound = box.hi;
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

  Xoshiro256Rng rng(options.seed);
  DistinctMixtures distinct(n, units > 0 && 2.0 / static_cast<double>(units) > kDuplicateL1);
  std::vector<double> alpha(n);
  WeightVector draw(n);
  std::vector<int64_t> counts(n);
  const int64_t candidates = int64_t{options.count} * options.oversample;
  int64_t accepted = 0;
  for (int64_t c = 0; c < candidates; ++c) {
    const double strength = strengths[rng.Below(strengths.size())];
    for (size_t j = 0; j < n; ++j) alpha[j] = strength * prior[j];
    if (!DrawBoundedDirichlet(rng, alpha, box, draw.data())) continue;

    if (options.min_weight > 0) {
      double total = 0;
      for (double& x : draw) {
        if (x < options.min_weight) x = 0;
        total += x;
      }
      if (total == 0) continue;  // every weight below min_weight: more than 1/min_weight domains
      for (double& x : draw) x /= total;
      RoundToGrid(draw, units, counts);
      bool within = true;
      for (size_t j = 0; j < n && within; ++j) {
        draw[j] = static_cast<double>(counts[j]) / static_cast<double>(units);
        within = draw[j] <= bound[j];
      }
      if (!within) continue;
    }
    ++accepted;
    distinct.Insert(draw);
  }

  if (distinct.size() < static_cast<size_t>(options.count)) {
    return Status::InvalidInput("/mixtures/count: only " + std::to_string(distinct.size()) +
                                " distinct mixtures among " + std::to_string(accepted) +
                                " accepted of " + std::to_string(candidates) +
                                " candidates, fewer than the " + std::to_string(options.count) +
                                " requested (lower count or min_weight, or raise max_epochs)");
  }
  // Partial Fisher–Yates: a uniform sample of `count` without replacement, in sampled order.
  std::vector<size_t> order(distinct.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<WeightVector> design;
  for (size_t i = 0; i < static_cast<size_t>(options.count); ++i) {
    std::swap(order[i], order[i + rng.Below(order.size() - i)]);
    design.emplace_back(distinct.at(order[i]), distinct.at(order[i]) + n);
  }
  return design;
}

}  // namespace mixrun

#include "design/simplex_designs.h"

#include <string>

namespace mixrun {
namespace {

// Number of compositions of `steps` into `domains` parts, C(steps + domains − 1, domains − 1),
// in floating point so that huge designs are recognised before they are built.
double LatticeSize(size_t domains, int steps) {
  double size = 1;
  for (size_t k = 1; k < domains; ++k) {
    size = size * static_cast<double>(steps + static_cast<int>(k)) / static_cast<double>(k);
  }
  return size;
}

void Compositions(size_t domain, int remaining, int steps, std::vector<int>& counts,
                  std::vector<WeightVector>& out) {
  if (domain + 1 == counts.size()) {
    counts[domain] = remaining;
    WeightVector weights(counts.size());
    for (size_t d = 0; d < counts.size(); ++d) weights[d] = double(counts[d]) / double(steps);
    out.push_back(std::move(weights));
    return;
  }
  for (int k = remaining; k >= 0; --k) {
    counts[domain] = k;
    Compositions(domain + 1, remaining - k, steps, counts, out);
  }
}

}  // namespace

Result<std::vector<WeightVector>> GridDesign(size_t domains, int steps) {
  if (domains == 0 || steps < 1) {
    return Status::InvalidInput("/mixtures/grid_steps: a grid needs a domain and steps >= 1");
  }
  const double size = LatticeSize(domains, steps);
  if (size > kMaxGridMixtures) {
    return Status::InvalidInput("/mixtures/grid_steps: a grid of " + std::to_string(steps) +
                                " steps over " + std::to_string(domains) + " domains has " +
                                std::to_string(static_cast<long long>(size)) +
                                " mixtures, more than the 1000000 allowed");
  }
  std::vector<WeightVector> out;
  out.reserve(static_cast<size_t>(size));
  std::vector<int> counts(domains);
  Compositions(0, steps, steps, counts, out);
  return out;
}

std::vector<WeightVector> OneHotDesign(size_t domains) {
  std::vector<WeightVector> out(domains, WeightVector(domains, 0.0));
  for (size_t d = 0; d < domains; ++d) out[d][d] = 1.0;
  return out;
}

Result<std::vector<WeightVector>> LeaveOneOutDesign(const std::vector<std::string>& domains,
                                                    const WeightVector& prior) {
  if (prior.size() < 2) {
    return Status::InvalidInput("/mixtures/design: leave-one-out needs at least 2 domains");
  }
  std::vector<WeightVector> out;
  for (size_t left_out = 0; left_out < prior.size(); ++left_out) {
    WeightVector weights = prior;
    weights[left_out] = 0;
    double total = 0;
    for (double w : weights) total += w;
    if (!(total > 0)) {
      return Status::InvalidInput(
          "/mixtures/prior: leaving out domain '" + domains[left_out] + "'" +
          " leaves no prior weight on the others; give the prior weight on more than one domain");
    }
    for (double& w : weights) w /= total;
    out.push_back(std::move(weights));
  }
  return out;
}

}  // namespace mixrun

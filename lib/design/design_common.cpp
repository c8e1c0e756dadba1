#include "design/design_common.h"

#include <cmath>

namespace mixrun {

Mixture ToMixture(const std::vector<std::string>& domains, const WeightVector& weights) {
  Mixture mixture;
  for (size_t d = 0; d < domains.size(); ++d) mixture[domains[d]] = weights[d];
  return mixture;
}

double L1Distance(const Mixture& a, const Mixture& b) {
  double distance = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      distance += std::abs(i++->second);
    } else if (i == a.end() || j->first < i->first) {
      distance += std::abs(j++->second);
    } else {
      distance += std::abs(i++->second - j++->second);
    }
  }
  return distance;
}

void AppendDistinct(std::vector<Mixture>& mixtures, const std::vector<Mixture>& more) {
  for (const Mixture& candidate : more) {
    bool duplicate = false;
    for (const Mixture& kept : mixtures) {
      if (L1Distance(candidate, kept) <= kDuplicateL1) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) mixtures.push_back(candidate);
  }
}

}  // namespace mixrun

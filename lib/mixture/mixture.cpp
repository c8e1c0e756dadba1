#include "mixture/mixture.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/text_table.h"

namespace mixrun {

Mixture ToMixture(const std::vector<std::string>& domains, const WeightVector& weights) {
  Mixture mixture;
  for (size_t d = 0; d < domains.size(); ++d) mixture[domains[d]] = weights[d];
  return mixture;
}

WeightVector ToWeights(const Mixture& mixture, const std::vector<std::string>& domains) {
  WeightVector weights(domains.size(), 0.0);
  for (size_t d = 0; d < domains.size(); ++d) {
    auto found = mixture.find(domains[d]);
    if (found != mixture.end()) weights[d] = found->second;
  }
  return weights;
}

bool Normalise(WeightVector& weights) {
  double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) return false;
  for (double& w : weights) w /= total;
  return true;
}

WeightVector ApplyTemperature(const WeightVector& prior, double temperature) {
  WeightVector tempered(prior.size());
  double total = 0;
  for (size_t d = 0; d < prior.size(); ++d) {
    tempered[d] = prior[d] > 0 ? std::pow(prior[d], temperature) : 0.0;
    total += tempered[d];
  }
  for (double& p : tempered) p /= total;
  return tempered;
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

std::string HeaviestDomains(const Mixture& mixture, size_t count) {
  std::vector<std::pair<double, std::string>> sorted;
  for (const auto& [domain, weight] : mixture) sorted.emplace_back(weight, domain);
  std::sort(sorted.rbegin(), sorted.rend());
  std::string text;
  for (size_t i = 0; i < sorted.size() && i < count; ++i) {
    text += (i ? " " : "") + sorted[i].second + ":" + FormatSignificant(sorted[i].first, 2);
  }
  if (sorted.size() > count) text += " …";
  return text;
}

Mixture NormalisedOver(const Mixture& weights, const std::vector<std::string>& domains) {
  WeightVector w = ToWeights(weights, domains);
  Normalise(w);
  return ToMixture(domains, w);
}

}  // namespace mixrun

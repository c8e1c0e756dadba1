// Runs generated from known laws with seeded noise, for the planted-parameter tests.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/run_point.h"

namespace mixrun::testing {

inline double Gaussian(Rng& rng) {
  // Box–Muller (common/random.h): portable, unlike std::normal_distribution.
  const double u = 1.0 - rng.Uniform(), v = rng.Uniform();
  return BoxMuller(u, v, 1.0).cosine;
}

// A uniform draw from the simplex over `domains` (normalised exponentials).
inline Mixture RandomMixture(Rng& rng, const std::vector<std::string>& domains) {
  Mixture mixture;
  double total = 0;
  for (const auto& domain : domains) total += mixture[domain] = -std::log(1.0 - rng.Uniform());
  for (auto& [domain, weight] : mixture) weight /= total;
  return mixture;
}

// Ye et al.'s law for one evaluated domain: c + k·exp(Σ_j t_j r_j) over domains in sorted order.
struct PlantedMixingLaw {
  double c, k;
  std::vector<double> t;  // one per domain; the last is 0 (the reference)
  double operator()(const Mixture& mixture) const {
    double exponent = 0;
    size_t j = 0;
    for (const auto& [domain, weight] : mixture) exponent += t[j++] * weight;
    return c + k * std::exp(exponent);
  }
};

// Per-domain laws over `domain_count` domains d0, d1, …: c_i = 2 + 0.3i, k_i = 0.8 + 0.1i, a
// domain's own t_ii = −2, cross terms uniform in ±0.5, the last domain the reference (t = 0).
inline std::vector<PlantedMixingLaw> PlantedMixingLaws(int domain_count, Rng& rng) {
  std::vector<PlantedMixingLaw> laws;
  for (int i = 0; i < domain_count; ++i) {
    PlantedMixingLaw law{2.0 + 0.3 * i, 0.8 + 0.1 * i, {}};
    for (int j = 0; j < domain_count; ++j) {
      law.t.push_back(j + 1 == domain_count ? 0.0 : (i == j ? -2.0 : 0.5 * rng.Uniform(-1, 1)));
    }
    laws.push_back(law);
  }
  return laws;
}

// Shukor et al.'s joint law for one evaluated domain, in the paper's parameters, over domains in
// sorted order: E + 1/(Σ_j C_j h_j^γ_j) + (Σ_j CA_j h_j)^γA / N^α + (Σ_j CB_j h_j)^γB / D^β.
struct PlantedJointLaw {
  double e;
  std::vector<double> c, gamma, c_a, c_b;
  double gamma_a, alpha, gamma_b, beta;
  double operator()(const Mixture& mixture, double n, double d) const {
    double sum = 0, a = 0, b = 0;
    size_t j = 0;
    for (const auto& [domain, weight] : mixture) {
      if (weight > 0) sum += c[j] * std::pow(weight, gamma[j]);
      a += c_a[j] * weight;
      b += c_b[j] * weight;
      ++j;
    }
    return e + 1 / sum + std::pow(a, gamma_a) / std::pow(n, alpha) +
           std::pow(b, gamma_b) / std::pow(d, beta);
  }
};

}  // namespace mixrun::testing

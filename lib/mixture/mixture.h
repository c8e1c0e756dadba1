// Mixtures as weight vectors over an ordered list of domains, shared by designs and optimisation:
// conversion to and from Mixture (every domain present, zeros explicit), normalisation,
// temperature and de-duplication. Pure functions; no errors a user can cause.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/run_point.h"

namespace mixrun {

// Tokens available per domain (the token prior and availability bounds of designs read them).
using DomainTokens = std::map<std::string, int64_t>;

// Weights of the domains in config order.
using WeightVector = std::vector<double>;

// Two mixtures this close in L1 are the same mixture (RegMix's de-duplication threshold).
inline constexpr double kDuplicateL1 = 1e-5;

Mixture ToMixture(const std::vector<std::string>& domains, const WeightVector& weights);

// The weights of `domains` in that order; a domain absent from `mixture` weighs 0.
WeightVector ToWeights(const Mixture& mixture, const std::vector<std::string>& domains);

// Divides every weight by their sum (taken in order); false, and nothing changed, when the sum
// is not positive.
bool Normalise(WeightVector& weights);

// p^τ renormalised: τ < 1 flattens the prior towards uniform, τ > 1 sharpens it; zeros stay zero.
WeightVector ApplyTemperature(const WeightVector& prior, double temperature);

// `weights` over exactly `domains` (absent ones 0, others dropped), divided by their sum; an
// all-zero mixture stays as it is.
Mixture NormalisedOver(const Mixture& weights, const std::vector<std::string>& domains);

// Σ |a_d − b_d| over the union of domains; a domain absent from one side weighs 0 there.
double L1Distance(const Mixture& a, const Mixture& b);

// The heaviest `count` domains, heaviest first, as a reader scans a table for them:
// "python:0.58 changelogs:0.39 c_headers:0.025 …" (… when some are left out).
std::string HeaviestDomains(const Mixture& mixture, size_t count);

// Appends each mixture of `more` that is not within kDuplicateL1 of one already in `mixtures`
// (nor of an earlier one of `more`). Quadratic: meant for short lists such as `include`.
void AppendDistinct(std::vector<Mixture>& mixtures, const std::vector<Mixture>& more);

}  // namespace mixrun

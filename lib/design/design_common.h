// Shared vocabulary of mixture designs: weight vectors over the experiment's domains (config
// order), their conversion to Mixtures (every domain present, zeros explicit) and de-duplication.
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

// Σ |a_d − b_d| over the union of domains; a domain absent from one side weighs 0 there.
double L1Distance(const Mixture& a, const Mixture& b);

// Appends each mixture of `more` that is not within kDuplicateL1 of one already in `mixtures`
// (nor of an earlier one of `more`). Quadratic: meant for short lists such as `include`.
void AppendDistinct(std::vector<Mixture>& mixtures, const std::vector<Mixture>& more);

}  // namespace mixrun

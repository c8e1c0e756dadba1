// Mixture priors: each domain's share of the data before any design or optimisation — token
// shares, uniform, or given weights — summing to 1. Designs draw around a prior; recommend
// draws around it, pulls toward it (--kl-reg) and offers it as the "natural" baseline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "mixture/mixture.h"

namespace mixrun {

enum class PriorKind {
  kTokens,   // shares of the domains' token counts
  kUniform,  // 1/n each
  kGiven,    // weights given by the user (a config object or a JSON file)
};

// The prior over `domains`, in that order, summing to 1: kTokens reads `tokens` (a domain without
// a count is InvalidInput, one with 0 tokens gets share 0), kGiven reads `given` (a domain absent
// from it weighs 0). InvalidInput when no weight is positive. Messages begin with `where`
// ("/mixtures/prior: ...").
Result<WeightVector> MixturePrior(PriorKind kind, const std::vector<std::string>& domains,
                                  const DomainTokens& tokens, const Mixture& given,
                                  const std::string& where);

// A prior over a fit's domains as recommend uses it: every share positive (a zero share is a
// domain simulate can never draw and a KL penalty cannot be computed against).
struct Prior {
  std::string source;  // "tokens", "uniform" or the file's path
  Mixture shares;      // over exactly the fit's domains, positive, summing to 1
};

Prior UniformPrior(const std::vector<std::string>& domains);

// Token shares from the store's domain token counts; InvalidInput when a domain has none (runs
// imported from another trainer carry no token counts) naming --prior FILE.json as the way out.
Result<Prior> TokenPrior(const DomainTokens& tokens, const std::vector<std::string>& domains,
                         const std::string& experiment);

// A JSON object of non-negative shares over exactly `domains` (renormalised to sum 1).
Result<Prior> ReadPriorFile(const std::string& path, const std::vector<std::string>& domains);

// A JSON object of each domain's available tokens, over exactly `domains` (sorted): availability
// caps for experiments whose store has no token counts (imported ones).
Result<DomainTokens> ReadDomainTokensFile(const std::string& path,
                                          const std::vector<std::string>& domains);

}  // namespace mixrun

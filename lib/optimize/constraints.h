// The per-domain bounds a recommendation must respect, from the user's flags (--min, --max, --fix),
// availability (--max-epochs, --target-tokens) and the extrapolation guard (the weight range the
// fit saw), with where each bound comes from; infeasible combinations are InvalidInput.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

// Where the binding bound of a domain comes from (the tightest wins; on a tie the user's flag).
enum class BoundSource { kSimplex, kUser, kFixed, kAvailability, kObserved };
// "simplex", "--min" or "--max" (by side), "--fix", "availability", "observed range".
const char* BoundSourceName(BoundSource source, bool upper);

struct ConstraintSpec {
  std::vector<std::string> domains;  // the search space: the fit's domains, sorted
  Mixture min, max, fixed;           // --min, --max, --fix
  std::optional<double> max_epochs;
  std::optional<double> target_tokens;
  // Available tokens per domain (the store's domains.tokens); caps need them with target_tokens.
  std::map<std::string, int64_t> domain_tokens;
  // Token shares; with max_epochs alone the cap is max_epochs · share (RegMix: the target run is
  // as large as the data). Empty when no prior is known.
  Mixture prior;
  // The per-domain [min, max] weight of the fit's training runs; empty disables the guard.
  std::map<std::string, std::pair<double, double>> observed;
  bool allow_extrapolation = false;
};

struct Constraints {
  std::vector<std::string> domains;
  std::vector<double> lo, hi;
  std::vector<BoundSource> lo_source, hi_source;
  std::vector<bool> fixed;
  // Human-readable notes on what was applied ("availability caps: 2 epochs of 1e9 tokens").
  std::vector<std::string> notes;

  size_t size() const { return domains.size(); }
  bool Contains(const std::vector<double>& w, double tolerance = 1e-9) const;
};

// Intersects every source of bounds; errors name the flag and the domain.
Result<Constraints> BuildConstraints(const ConstraintSpec& spec);

// A chosen mixture made exact: weights below `zero_below` (whose lower bound is 0) are zeroed and
// the sum's remaining error goes to the weight with the most room, so a written mixture sums to 1
// and respects every bound; projected onto the bounds when that is not enough. (The projection
// alone would spread 1e-18 over every weight at 0.)
std::vector<double> CleanWeights(std::vector<double> w, const Constraints& c,
                                 double zero_below = 1e-12);

// Parses "DOMAIN=W" flag values (W in [0, 1]) into a mixture; `flag` names the flag in errors.
Result<Mixture> ParseDomainWeights(const std::vector<std::string>& values, const std::string& flag);

}  // namespace mixrun

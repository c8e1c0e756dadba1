#include "optimize/constraints.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/key_value.h"
#include "common/text_table.h"
#include "optimize/bounded_simplex.h"

namespace mixrun {
namespace {

constexpr double kSlack = 1e-12;  // rounding in stored weights and sums

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string Fmt(double value) { return FormatSignificant(value, 4); }

// Unknown domains are the commonest fault (a typo, or a domain the fit never saw): say which
// domains the fit has.
Status CheckKnown(const Mixture& weights, const std::vector<std::string>& domains,
                  const std::string& flag) {
  for (const auto& [domain, weight] : weights) {
    if (!std::binary_search(domains.begin(), domains.end(), domain)) {
      return Status::InvalidInput(flag + " " + domain + "=" + Fmt(weight) +
                                  ": the fit never saw domain '" + domain +
                                  "' (its domains: " + Join(domains) + ")");
    }
  }
  return Status::Ok();
}

// Tightens one side of a bound; on equal values the earlier (user) source is kept.
void TightenLow(double value, BoundSource source, double& lo, BoundSource& lo_source) {
  if (value > lo + kSlack) {
    lo = value;
    lo_source = source;
  }
}
void TightenHigh(double value, BoundSource source, double& hi, BoundSource& hi_source) {
  if (value < hi - kSlack) {
    hi = value;
    hi_source = source;
  }
}

std::string Describe(const Constraints& c, size_t j, bool low) {
  const BoundSource source = low ? c.lo_source[j] : c.hi_source[j];
  return c.domains[j] + (low ? " ≥ " : " ≤ ") + Fmt(low ? c.lo[j] : c.hi[j]) + " (" +
         BoundSourceName(source, !low) + ")";
}

}  // namespace

const char* BoundSourceName(BoundSource source, bool upper) {
  switch (source) {
    case BoundSource::kSimplex:
      return "simplex";
    case BoundSource::kUser:
      return upper ? "--max" : "--min";
    case BoundSource::kFixed:
      return "--fix";
    case BoundSource::kAvailability:
      return "availability";
    case BoundSource::kObserved:
      return "observed range";
  }
  return "?";
}

bool Constraints::Contains(const std::vector<double>& w, double tolerance) const {
  double total = 0;
  for (size_t j = 0; j < w.size(); ++j) {
    if (w[j] < lo[j] - tolerance || w[j] > hi[j] + tolerance) return false;
    total += w[j];
  }
  return std::abs(total - 1) <= tolerance * static_cast<double>(std::max<size_t>(w.size(), 1));
}

Result<Mixture> ParseDomainWeights(const std::vector<std::string>& values,
                                   const std::string& flag) {
  Mixture weights;
  const KeyValueSyntax syntax{
      .flag = flag, .expected = "DOMAIN=W with W in [0, 1]", .split_at_last = true};
  for (const std::string& value : values) {
    MIXRUN_ASSIGN_OR_RETURN(KeyValue bound, SplitKeyValue(value, syntax));
    const std::optional<double> weight = ParseNumber(bound.value);
    if (!weight || !(*weight >= 0 && *weight <= 1)) return KeyValueError(value, syntax);
    const std::string& domain = bound.key;
    if (weights.count(domain)) {
      return Status::InvalidInput(flag + " " + domain + ": given twice");
    }
    weights[domain] = *weight;
  }
  return weights;
}

Result<Constraints> BuildConstraints(const ConstraintSpec& spec) {
  const size_t m = spec.domains.size();
  if (m == 0) return Status::InvalidInput("recommend: the fit reads no mixture domains");
  MIXRUN_RETURN_IF_ERROR(CheckKnown(spec.min, spec.domains, "--min"));
  MIXRUN_RETURN_IF_ERROR(CheckKnown(spec.max, spec.domains, "--max"));
  MIXRUN_RETURN_IF_ERROR(CheckKnown(spec.fixed, spec.domains, "--fix"));
  if (spec.max_epochs && !(*spec.max_epochs > 0)) {
    return Status::InvalidInput("--max-epochs must be positive");
  }
  if (spec.target_tokens && !(*spec.target_tokens > 0)) {
    return Status::InvalidInput("--target-tokens must be positive");
  }

  Constraints c;
  c.domains = spec.domains;
  c.lo.assign(m, 0.0);
  c.hi.assign(m, 1.0);
  c.lo_source.assign(m, BoundSource::kSimplex);
  c.hi_source.assign(m, BoundSource::kSimplex);
  c.fixed.assign(m, false);

  // Availability: a domain cannot repeat more than max_epochs times in the target run.
  std::vector<double> cap(m, INFINITY);
  if (spec.max_epochs || spec.target_tokens) {
    const double epochs = spec.max_epochs.value_or(1.0);
    if (spec.target_tokens) {
      for (size_t j = 0; j < m; ++j) {
        auto found = spec.domain_tokens.find(spec.domains[j]);
        if (found == spec.domain_tokens.end() || found->second <= 0) {
          return Status::InvalidInput(
              "--target-tokens: the store has no token count for domain '" + spec.domains[j] +
              "' (imported experiments have none); give --max-epochs alone to cap each domain at "
              "max_epochs × its prior share");
        }
        cap[j] = epochs * static_cast<double>(found->second) / *spec.target_tokens;
      }
      c.notes.push_back("availability: at most " + Fmt(epochs) + " epochs of each domain in " +
                        HumanCount(*spec.target_tokens) + " target tokens");
    } else {
      if (spec.prior.empty()) {
        return Status::InvalidInput(
            "--max-epochs without --target-tokens caps each domain at max_epochs × its prior "
            "share, and no prior is known: give --prior FILE.json or --target-tokens");
      }
      for (size_t j = 0; j < m; ++j) cap[j] = epochs * spec.prior.at(spec.domains[j]);
      c.notes.push_back("availability: at most " + Fmt(epochs) +
                        " × each domain's prior share (the target run as large as the data)");
    }
  }

  for (size_t j = 0; j < m; ++j) {
    const std::string& domain = spec.domains[j];
    if (auto it = spec.min.find(domain); it != spec.min.end()) {
      TightenLow(it->second, BoundSource::kUser, c.lo[j], c.lo_source[j]);
    }
    if (auto it = spec.max.find(domain); it != spec.max.end()) {
      TightenHigh(it->second, BoundSource::kUser, c.hi[j], c.hi_source[j]);
    }
    TightenHigh(std::min(cap[j], 1.0), BoundSource::kAvailability, c.hi[j], c.hi_source[j]);
    if (auto it = spec.fixed.find(domain); it != spec.fixed.end()) {
      const double w = it->second;
      if (w < c.lo[j] - kSlack || w > c.hi[j] + kSlack) {
        return Status::InvalidInput("--fix " + domain + "=" + Fmt(w) + " conflicts with " +
                                    (w < c.lo[j] ? Describe(c, j, true) : Describe(c, j, false)));
      }
      c.lo[j] = c.hi[j] = w;
      c.lo_source[j] = c.hi_source[j] = BoundSource::kFixed;
      c.fixed[j] = true;
      continue;
    }
    if (!spec.allow_extrapolation && !spec.observed.empty()) {
      auto range = spec.observed.find(domain);
      const double seen_lo = range == spec.observed.end() ? 0.0 : range->second.first;
      const double seen_hi = range == spec.observed.end() ? 0.0 : range->second.second;
      TightenLow(seen_lo, BoundSource::kObserved, c.lo[j], c.lo_source[j]);
      TightenHigh(seen_hi, BoundSource::kObserved, c.hi[j], c.hi_source[j]);
    }
    if (c.lo[j] > c.hi[j] + kSlack) {
      const bool observed =
          c.lo_source[j] == BoundSource::kObserved || c.hi_source[j] == BoundSource::kObserved;
      return Status::InvalidInput(
          "infeasible bounds on " + domain + ": " + Describe(c, j, true) + " but " +
          Describe(c, j, false) +
          (observed ? "; --allow-extrapolation lifts the observed range" : ""));
    }
    c.hi[j] = std::max(c.hi[j], c.lo[j]);
  }

  double lo_sum = 0, hi_sum = 0;
  for (size_t j = 0; j < m; ++j) {
    lo_sum += c.lo[j];
    hi_sum += c.hi[j];
  }
  auto list = [&](bool low) {
    std::vector<std::string> items;
    for (size_t j = 0; j < m; ++j) {
      const BoundSource source = low ? c.lo_source[j] : c.hi_source[j];
      if (source != BoundSource::kSimplex || !low) items.push_back(Describe(c, j, low));
    }
    return Join(items);
  };
  if (lo_sum > 1 + 1e-9) {
    return Status::InvalidInput("infeasible bounds: the lower bounds sum to " + Fmt(lo_sum) +
                                " > 1: " + list(true));
  }
  if (hi_sum < 1 - 1e-9) {
    bool observed = false;
    for (auto source : c.hi_source) observed = observed || source == BoundSource::kObserved;
    return Status::InvalidInput(
        "infeasible bounds: the upper bounds sum to " + Fmt(hi_sum) + " < 1: " + list(false) +
        (observed ? "; --allow-extrapolation lifts the observed range" : ""));
  }
  if (!spec.allow_extrapolation && !spec.observed.empty()) {
    c.notes.push_back("extrapolation guard: every weight within the range of the fit's runs");
  }
  return c;
}

std::vector<double> CleanWeights(std::vector<double> w, const Constraints& c, double zero_below) {
  double total = 0;
  for (size_t j = 0; j < w.size(); ++j) {
    if (w[j] < zero_below && c.lo[j] == 0) w[j] = 0;
    total += w[j];
  }
  size_t roomiest = 0;
  double room = -1;
  for (size_t j = 0; j < w.size(); ++j) {
    const double slack = std::min(w[j] - c.lo[j], c.hi[j] - w[j]);
    if (!c.fixed[j] && slack > room) {
      room = slack;
      roomiest = j;
    }
  }
  if (room > std::abs(1 - total)) w[roomiest] += 1 - total;
  return c.Contains(w, 1e-15) ? w : ProjectOntoBoundedSimplex(w, c.lo, c.hi);
}

}  // namespace mixrun

#include "mixture/prior.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/json_text.h"

namespace mixrun {
namespace {

// Every one of `domains` and nothing else has a positive, finite share in `prior`; then the
// shares are normalised as MixturePrior normalises given weights.
Result<Prior> PositiveOverDomains(Prior prior, const std::vector<std::string>& domains,
                                  const std::string& where) {
  for (const std::string& domain : domains) {
    auto found = prior.shares.find(domain);
    if (found == prior.shares.end()) {
      return Status::InvalidInput(where + ": no share for domain '" + domain + "'");
    }
    if (!(found->second > 0) || !std::isfinite(found->second)) {
      return Status::InvalidInput(where + ": the share of '" + domain + "' must be positive");
    }
  }
  for (const auto& [domain, share] : prior.shares) {
    if (!std::binary_search(domains.begin(), domains.end(), domain)) {
      return Status::InvalidInput(where + ": domain '" + domain + "' is not one of the fit's");
    }
  }
  MIXRUN_ASSIGN_OR_RETURN(WeightVector shares,
                          MixturePrior(PriorKind::kGiven, domains, {}, prior.shares, where));
  prior.shares = ToMixture(domains, shares);
  return prior;
}

}  // namespace

Result<WeightVector> MixturePrior(PriorKind kind, const std::vector<std::string>& domains,
                                  const DomainTokens& tokens, const Mixture& given,
                                  const std::string& where) {
  const size_t n = domains.size();
  WeightVector prior(n, 0.0);
  if (kind == PriorKind::kUniform) {
    prior.assign(n, 1.0 / static_cast<double>(n));
    return prior;
  }
  if (kind == PriorKind::kGiven) {
    prior = ToWeights(given, domains);
  } else {
    for (size_t d = 0; d < n; ++d) {
      auto found = tokens.find(domains[d]);
      if (found == tokens.end()) {
        return Status::InvalidInput(where + ": the token prior has no token count for domain '" +
                                    domains[d] + "'");
      }
      prior[d] = static_cast<double>(found->second);
    }
  }
  if (!Normalise(prior)) {
    return Status::InvalidInput(where + ": the prior has no positive weight (" +
                                std::string(kind == PriorKind::kTokens ? "every domain has 0 tokens"
                                                                       : "all weights are 0") +
                                ")");
  }
  return prior;
}

Prior UniformPrior(const std::vector<std::string>& domains) {
  return {"uniform", ToMixture(domains, WeightVector(domains.size(), 1.0 / domains.size()))};
}

Result<Prior> TokenPrior(const DomainTokens& tokens, const std::vector<std::string>& domains,
                         const std::string& experiment) {
  Prior prior{"tokens", {}};
  for (const auto& domain : domains) {
    auto found = tokens.find(domain);
    if (found == tokens.end() || found->second <= 0) {
      return Status::InvalidInput(
          "--prior tokens: experiment '" + experiment + "' has no token count for domain '" +
          domain +
          "' (runs imported from another trainer carry none); give --prior FILE.json with each "
          "domain's share of the data, or --prior uniform");
    }
    prior.shares[domain] = static_cast<double>(found->second);
  }
  return PositiveOverDomains(std::move(prior), domains, "--prior tokens");
}

Result<Prior> ReadPriorFile(const std::string& path, const std::vector<std::string>& domains) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("--prior " + path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseJsonText(text.str(), "--prior " + path);
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& json = *parsed;
  if (!json.is_object()) {
    return Status::InvalidInput("--prior " + path +
                                ": expected a JSON object of domain shares, e.g. "
                                "{\"pile_cc\": 0.24, ...}");
  }
  Prior prior{path, {}};
  for (const auto& [domain, share] : json.items()) {
    if (!share.is_number()) {
      return Status::InvalidInput(path + ": /" + domain + ": expected a number");
    }
    prior.shares[domain] = share.get<double>();
  }
  return PositiveOverDomains(std::move(prior), domains, path);
}

}  // namespace mixrun

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

// A JSON object of numbers by domain name, read for `flag`; `example` shows the expected shape.
Result<Mixture> ReadDomainNumbers(const std::string& path, const std::string& flag,
                                  const std::string& example) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(flag + " " + path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  MIXRUN_ASSIGN_OR_RETURN(nlohmann::json json, ParseJsonText(text.str(), flag + " " + path));
  if (!json.is_object()) {
    return Status::InvalidInput(flag + " " + path + ": expected a JSON object by domain, e.g. " +
                                example);
  }
  Mixture numbers;
  for (const auto& [domain, value] : json.items()) {
    if (!value.is_number())
      return Status::InvalidInput(path + ": /" + domain + ": expected a number");
    numbers[domain] = value.get<double>();
  }
  return numbers;
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
  MIXRUN_ASSIGN_OR_RETURN(Mixture shares,
                          ReadDomainNumbers(path, "--prior", "{\"pile_cc\": 0.24, ...}"));
  return PositiveOverDomains(Prior{path, std::move(shares)}, domains, path);
}

Result<DomainTokens> ReadDomainTokensFile(const std::string& path,
                                          const std::vector<std::string>& domains) {
  MIXRUN_ASSIGN_OR_RETURN(Mixture counts,
                          ReadDomainNumbers(path, "--domain-tokens", "{\"c4\": 1.75e11, ...}"));
  DomainTokens tokens;
  for (const auto& [domain, count] : counts) {
    if (!std::binary_search(domains.begin(), domains.end(), domain)) {
      return Status::InvalidInput(path + ": /" + domain + ": not one of the fit's domains");
    }
    if (!(count >= 1 && count < 9e18)) {
      return Status::InvalidInput(path + ": /" + domain + ": a token count must be at least 1");
    }
    tokens[domain] = static_cast<int64_t>(std::llround(count));
  }
  for (const std::string& domain : domains) {
    if (!tokens.count(domain)) {
      return Status::InvalidInput(path + ": no token count for domain '" + domain + "'");
    }
  }
  return tokens;
}

}  // namespace mixrun

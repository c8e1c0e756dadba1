#include "optimize/prior.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace mixrun {
namespace {

// Shares must cover every domain with a positive value: a zero share is a domain simulate can
// never draw and a KL penalty cannot be computed against.
Result<Prior> Normalise(Prior prior, const std::vector<std::string>& domains,
                        const std::string& where) {
  double total = 0;
  for (const std::string& domain : domains) {
    auto found = prior.shares.find(domain);
    if (found == prior.shares.end()) {
      return Status::InvalidInput(where + ": no share for domain '" + domain + "'");
    }
    if (!(found->second > 0) || !std::isfinite(found->second)) {
      return Status::InvalidInput(where + ": the share of '" + domain + "' must be positive");
    }
    total += found->second;
  }
  for (const auto& [domain, share] : prior.shares) {
    if (!std::binary_search(domains.begin(), domains.end(), domain)) {
      return Status::InvalidInput(where + ": domain '" + domain + "' is not one of the fit's");
    }
  }
  for (auto& [domain, share] : prior.shares) share /= total;
  return prior;
}

}  // namespace

Prior UniformPrior(const std::vector<std::string>& domains) {
  Prior prior{"uniform", {}};
  for (const auto& domain : domains) prior.shares[domain] = 1.0 / domains.size();
  return prior;
}

Result<Prior> TokenPrior(const std::map<std::string, int64_t>& tokens,
                         const std::vector<std::string>& domains, const std::string& experiment) {
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
  return Normalise(std::move(prior), domains, "--prior tokens");
}

Result<Prior> ReadPriorFile(const std::string& path, const std::vector<std::string>& domains) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("--prior " + path + ": cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
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
  return Normalise(std::move(prior), domains, path);
}

}  // namespace mixrun

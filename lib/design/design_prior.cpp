#include "design/design_prior.h"

#include <cmath>

namespace mixrun {

Result<WeightVector> DesignPrior(const Experiment& experiment, const DomainTokens& domain_tokens) {
  const MixtureDesignSpec& spec = experiment.mixtures;
  const size_t n = experiment.domains.size();
  WeightVector prior(n, 0.0);
  if (spec.prior == "uniform") {
    prior.assign(n, 1.0 / static_cast<double>(n));
    return prior;
  }
  if (spec.prior == "given") {
    for (size_t d = 0; d < n; ++d) {
      auto found = spec.prior_weights.find(experiment.domains[d].name);
      prior[d] = found == spec.prior_weights.end() ? 0.0 : found->second;
    }
  } else {
    for (size_t d = 0; d < n; ++d) {
      auto found = domain_tokens.find(experiment.domains[d].name);
      if (found == domain_tokens.end()) {
        return Status::InvalidInput(
            "/mixtures/prior: the token prior has no token count for domain '" +
            experiment.domains[d].name + "'");
      }
      prior[d] = static_cast<double>(found->second);
    }
  }
  double total = 0;
  for (double p : prior) total += p;
  if (!(total > 0)) {
    return Status::InvalidInput(
        "/mixtures/prior: the prior has no positive weight (" +
        std::string(spec.prior == "tokens" ? "every domain has 0 tokens" : "all weights are 0") +
        ")");
  }
  for (double& p : prior) p /= total;
  return prior;
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

}  // namespace mixrun

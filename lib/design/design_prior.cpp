#include "design/design_prior.h"

#include <string>
#include <vector>

#include "mixture/prior.h"

namespace mixrun {

Result<WeightVector> DesignPrior(const Experiment& experiment, const DomainTokens& domain_tokens) {
  const MixtureDesignSpec& spec = experiment.mixtures;
  const PriorKind kind = spec.prior == "uniform" ? PriorKind::kUniform
                         : spec.prior == "given" ? PriorKind::kGiven
                                                 : PriorKind::kTokens;
  std::vector<std::string> domains;
  for (const auto& domain : experiment.domains) domains.push_back(domain.name);
  return MixturePrior(kind, domains, domain_tokens, spec.prior_weights, "/mixtures/prior");
}

}  // namespace mixrun

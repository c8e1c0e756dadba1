// The prior of a mixture design, in config order: the domains' token shares (`prior: "tokens"`),
// uniform, or the config's weights (mixture/prior.h computes it; this reads the config).
#pragma once

#include "common/status.h"
#include "config/experiment.h"
#include "mixture/mixture.h"

namespace mixrun {

// Errors read "/mixtures/prior: ..." (the caller adds the file).
Result<WeightVector> DesignPrior(const Experiment& experiment, const DomainTokens& domain_tokens);

}  // namespace mixrun

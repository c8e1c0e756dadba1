// The prior of a mixture design, in config order: the domains' token shares (`prior: "tokens"`),
// uniform, or the config's weights; and its temperature (p ← p^τ, renormalised).
#pragma once

#include "common/status.h"
#include "config/experiment.h"
#include "design/design_common.h"

namespace mixrun {

// Errors read "/mixtures/prior: ..." (the caller adds the file).
Result<WeightVector> DesignPrior(const Experiment& experiment, const DomainTokens& domain_tokens);

// p^τ renormalised: τ < 1 flattens the prior towards uniform, τ > 1 sharpens it; zeros stay zero.
WeightVector ApplyTemperature(const WeightVector& prior, double temperature);

}  // namespace mixrun

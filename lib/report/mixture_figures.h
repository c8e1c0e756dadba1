// The figures of a mixture law around a reference mixture (report/mixture_reference.h): the
// predicted target along each domain's weight, and the reference beside recommend's baselines.
// Contract: "mixture_sweep" varies one domain's weight from 0 to 1 while the others keep the
// reference's proportions (renormalised; equal shares when the reference gives them nothing), with
// the mean interval of the bootstrap refits as a band and the reference's own point on each line;
// "mixture_baselines" shows each mixture's prediction with both intervals, named in the captions.
#pragma once

#include <vector>

#include "catalog/stored_fit.h"
#include "common/status.h"
#include "report/figure.h"
#include "report/mixture_reference.h"

namespace mixrun {

// None when the context is not drawable; an error when the law cannot predict the mixtures.
Result<std::vector<Figure>> MixtureFigures(const StoredFit& fit, const MixtureContext& context);

}  // namespace mixrun

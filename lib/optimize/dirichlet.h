// Seeded Dirichlet draws on mixrun's SplitMix generator (laws/rng.h), identical on every platform
// (std:: distributions differ between standard libraries; recommendations must not).
#pragma once

#include <vector>

#include "laws/rng.h"

namespace mixrun {

// log of a Gamma(shape, 1) deviate. Marsaglia–Tsang for shape ≥ 1; below 1 the boost
// Gamma(a) = Gamma(a + 1)·U^(1/a) taken in logs, because RegMix's priors give shapes near 0.002
// whose deviates underflow to 0 in linear scale.
double LogGamma(Rng& rng, double shape);

// One draw of Dirichlet(alpha) into out[0..alpha.size()); entries with alpha 0 are 0.
void DrawDirichlet(Rng& rng, const std::vector<double>& alpha, double* out);

}  // namespace mixrun

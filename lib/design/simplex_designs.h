// The deterministic designs: a lattice over the simplex (`grid`), each domain alone (`onehot`),
// and each domain left out with the others in proportion to the prior (`leave-one-out`).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "mixture/mixture.h"

namespace mixrun {

// Every mixture whose weights are multiples of 1/steps, C(steps + n − 1, n − 1) of them, in
// lexicographic order of the weights from the largest first domain down. Errors (too many
// mixtures) name /mixtures/grid_steps.
Result<std::vector<WeightVector>> GridDesign(size_t domains, int steps);

// n mixtures: domain d with weight 1, in domain order.
std::vector<WeightVector> OneHotDesign(size_t domains);

// n mixtures: domain d with weight 0 and the rest ∝ prior. Errors when fewer than 2 domains or
// when the prior has no weight outside d (/mixtures/prior).
Result<std::vector<WeightVector>> LeaveOneOutDesign(const std::vector<std::string>& domains,
                                                    const WeightVector& prior);

// The largest grid design expanded (a guard against grid_steps typos over many domains).
inline constexpr double kMaxGridMixtures = 1e6;

}  // namespace mixrun

// The joint mixture-and-scale laws of Shukor et al. (2025, "Scaling Laws for Optimal Data
// Mixtures", arXiv:2507.09404), one law per evaluated domain i over the mixture h, N and D:
//   additive: L_i = E_i + 1/(Σ_j C_ij·h_j^γ_ij) + A_i/N^α_i + B_i/D^β_i
//   joint:    L_i = E_i + 1/(Σ_j C_ij·h_j^γ_ij) + A_i(h)/N^α_i + B_i(h)/D^β_i,
//             A_i(h) = (Σ_j C^A_ij·h_j)^γA_i, B_i(h) = (Σ_j C^B_ij·h_j)^γB_i.
// Fitted as the paper does: Huber (δ 1e-3) on the loss, multi-start; the joint form starts from
// the additive optimum as well as from the grid, and starts are compared by objective. A target
// over several domains is Σ_i w_i·L_i as for the mixing law; a run lacking a domain's loss is left
// out of that domain's law only.
#pragma once

#include <vector>

#include "fit/law_entry.h"
#include "laws/law_model.h"

namespace mixrun {

inline constexpr double kMixscaleHuberDelta = 1e-3;
// Bootstrap and fold refits converge from the full fit in at most this many iterations, not the
// engine's 1000: measured on SlimPajama (stackexchange, github; 100 refits each), the mean interval
// at the held-out runs is 93-94% as wide as with 1000-iteration refits (81-88% at 50), and the
// prediction interval and coverage do not change, at a fifth of the time.
inline constexpr int kMixscaleRefitIterations = 100;

// The additive grid in the engine's space (mixscale_model.h's features): E a tenth
// to seven tenths of the lowest loss, the rest of the mean loss split evenly between the three
// terms, γ ∈ {0.3, 1}, α, β ∈ {0.25, 0.75} — 24 starts, scaled to the observations.
std::vector<std::vector<double>> MixscaleStarts(int domains, const Observations& observations);

// An additive parameter vector as the joint form's with λA = λB = `lambda` and τ = 0: at
// λ = 0 the same law, so the additive optimum is a joint start with the same objective.
std::vector<double> JointFromAdditive(const std::vector<double>& additive, int domains,
                                      double lambda = 0);

// The catalog's row: mixscale.
const LawEntry& MixscaleLaw();

}  // namespace mixrun

// suggest: the next runs to train — a batch of mixtures whose results most help the decision (the
// loss of the mixture recommend would pick), chosen from the fit's own uncertainty by Thompson
// sampling over its bootstrap refits, under recommend's constraints. Contract: deterministic for
// a seed (any thread count); every suggestion inside the bounds, at least min_distance (L1) from
// the others and from the fit's training runs; a fit without bootstrap refits is InvalidInput.
//
// How: candidates are drawn from Dirichlet(strength · prior) inside the bounds. The batch's
// "exploit" slots take the candidate of lowest predicted loss under the fit itself; its "explore"
// slots each take a bootstrap refit — one plausible law given the runs so far — and the candidate
// that refit predicts lowest (Thompson sampling: a mixture is chosen as often as it is plausibly
// the best, so the batch spreads where the fit is unsure whether it is). Each pick is refined by
// draws around it (Dirichlet concentrated on it), and later picks keep their distance from
// earlier ones (local penalisation), so a batch is not eight copies of one mixture.
//
// Multi-fidelity: when a fit predicts across scale (mixscale) and the decision is at --at, each
// suggestion also gets the proxy scale to train it at — the one whose run tells most about the
// mixture's loss at --at per FLOP (optimize/fidelity.h), among the fit's runs' scales.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "optimize/fidelity.h"
#include "optimize/loaded_fit.h"
#include "optimize/recommend.h"

namespace mixrun {

struct SuggestRequest {
  int count = 8;               // mixtures to suggest
  double explore = 0.75;       // share of them chosen by Thompson sampling; the rest exploit
  int64_t candidates = 20000;  // Dirichlet draws inside the bounds, per model a slot ranks
  double strength = 1;         // Dirichlet concentration = strength · prior (uniform without one)
  double min_distance = 0.05;  // L1 between suggestions, and to the fit's training runs
  uint64_t seed = 42;
  // The proxy scales a suggestion may be trained at (fits across scale, with --at); empty: the
  // distinct (N, D) of the fit's runs.
  std::vector<ModelScale> scales;
  // Bounds, prior, training runs (the extrapolation guard, and the runs kept at a distance),
  // --kl-reg and --at, as recommend takes them; its method and simulate options are not used.
  RecommendRequest recommend;
};

struct Suggestion {
  Mixture mixture;
  bool explore = false;  // chosen under a bootstrap refit (else: under the fit)
  int refit = -1;        // that refit's index; -1 for exploit
  // What the chosen model predicts there, and what the fit predicts (with both intervals).
  double chosen_under = 0;
  PredictionInterval predicted;
  double spread = 0;  // standard deviation of the bootstrap refits' predictions there
  std::string reason;
  std::optional<FidelityChoice> fidelity;  // the scale to train it at (fits across scale)
};

struct SuggestResult {
  std::vector<Suggestion> suggestions;
  Constraints constraints;
  int64_t candidates = 0;  // drawn inside the bounds (the same pool for every slot)
  std::vector<std::string> notes;

  // The mixtures alone, as a config's mixtures.include takes a file of them: [{"d": w, ...}].
  nlohmann::json MixturesJson() const;
  // With fidelity choices: the mixtures to train at each scale, a MixturesJson array per scale.
  std::vector<std::pair<ModelScale, nlohmann::json>> MixturesByScale() const;
  // Everything, for --json.
  nlohmann::json ToJson() const;
};

Result<SuggestResult> Suggest(const std::vector<LoadedFit>& fits, SuggestRequest request);

}  // namespace mixrun

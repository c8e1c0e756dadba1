// The human-readable form of a recommendation (and of suggestions) for the terminal: the mixture
// sorted by weight, the predicted loss with its interval, the baselines, and the weights at bounds
// or at the edge of the observed range.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "optimize/loaded_fit.h"
#include "optimize/recommend.h"
#include "optimize/suggest.h"

namespace mixrun {

// "[2.2004, 2.3856]": a prediction's 95% prediction interval, 5 significant digits.
std::string PredictionBracket(const PredictionInterval& interval);

void PrintRecommendation(const Recommendation& recommendation, const std::vector<LoadedFit>& fits,
                         int64_t recommendation_id, std::ostream& out);

// The suggestions as a table (kind, predicted loss with both intervals, the refits' spread, the
// heaviest domains) with each one's reason below it, and the notes.
void PrintSuggestions(const SuggestResult& result, const std::vector<LoadedFit>& fits,
                      std::ostream& out);

}  // namespace mixrun

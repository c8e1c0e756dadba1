// Expanding an experiment into runs: mixtures × models × token budgets × seeds, each with a
// run key hashed from its canonical spec, so that re-planning an unchanged config adds nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/experiment.h"
#include "store/store.h"

namespace mixrun {

struct PlannedRun {
  RunSpec spec;  // what the store registers (key, model JSON, N, D, seed, weights)
  ModelSpec model;
  double tokens = 0;
  uint64_t seed = 0;
};

// Tokens available per domain (the token prior and availability bounds of designs read them).
using DomainTokens = std::map<std::string, int64_t>;

// The experiment's mixtures, in design order (for now the explicit `include` list).
Result<std::vector<Mixture>> ExpandMixtures(const Experiment& experiment,
                                            const DomainTokens& domain_tokens);

Result<std::vector<PlannedRun>> ExpandRuns(const Experiment& experiment,
                                           const DomainTokens& domain_tokens);

// The canonical JSON of a model spec, as stored in runs.model_json.
std::string ModelJson(const ModelSpec& model);

}  // namespace mixrun

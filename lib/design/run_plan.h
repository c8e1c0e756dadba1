// Expanding an experiment into runs: mixtures × models × token budgets × seeds, each with a
// run key hashed from its canonical spec, so that re-planning an unchanged config adds nothing.
#pragma once

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

// The experiment's mixtures, in design order (for now the explicit `include` list).
Result<std::vector<Mixture>> ExpandMixtures(const Experiment& experiment);

Result<std::vector<PlannedRun>> ExpandRuns(const Experiment& experiment);

// The canonical JSON of a model spec, as stored in runs.model_json.
std::string ModelJson(const ModelSpec& model);

}  // namespace mixrun

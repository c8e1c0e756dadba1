// Expanding an experiment into runs: mixtures × models × token budgets × seeds, each with a
// run key hashed from its canonical spec, so that re-planning an unchanged config adds nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/run_spec.h"
#include "common/status.h"
#include "config/experiment.h"
#include "mixture/mixture.h"  // DomainTokens

namespace mixrun {

struct PlannedRun {
  RunSpec spec;  // what the store registers (key, model JSON, N, D, seed, weights)
  ModelSpec model;
  double tokens = 0;
  uint64_t seed = 0;
};

// The experiment's mixtures: the design's (explicit: none), then the `include` list, each
// mixture naming every domain (zeros explicit) and none within L1 1e-5 of an earlier one.
// Errors read "FILE: /mixtures/...: message".
Result<std::vector<Mixture>> ExpandMixtures(const Experiment& experiment,
                                            const DomainTokens& domain_tokens);

// The token budgets of `model`: train.tokens, or train.tokens_per_param × its parameter count
// (train.param_count) rounded to whole tokens; in config order, repeats dropped.
std::vector<double> TokenBudgets(const TrainSpec& train, const ModelSpec& model);

// Runs in order mixture, model, budget, seed; a run whose key repeats an earlier one is dropped.
Result<std::vector<PlannedRun>> ExpandRuns(const Experiment& experiment,
                                           const DomainTokens& domain_tokens);

// What the store registers of each run, in order.
std::vector<RunSpec> RunSpecs(const std::vector<PlannedRun>& runs);

// The canonical JSON of a model spec, as stored in runs.model_json.
std::string ModelJson(const ModelSpec& model);

}  // namespace mixrun

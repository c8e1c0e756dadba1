// The mixtures a mixture-law fit's figures are drawn around: the reference (the fit's latest stored
// recommendation, else its best observed training run) and recommend's baselines beside it.
// Contract: every mixture is over the fit's domains, normalised, predicted by recommend's
// PredictWithInterval at `scale` (mixscale: the recommendation's --at, else the largest training
// run's N and D); what cannot be had (natural without token counts, a scale) is a note, not an
// error. A stored recommendation that is damaged or misses the fit's domains is InvalidInput.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/stored_fit.h"
#include "common/run_point.h"
#include "common/status.h"
#include "optimize/recommend.h"
#include "store/store.h"

namespace mixrun {

struct MixtureContext {
  // False when the figures cannot be drawn (a mixscale fit with no scale known); notes say why.
  bool drawable = true;
  // "the recommended mixture (recommendation 3, stored 2026-…)", or the best observed run's.
  std::string reference_text;
  bool recommended = false;  // the reference is a stored recommendation
  Mixture reference;
  PredictionInterval reference_predicted;
  std::vector<Baseline> baselines;  // uniform, natural (when known), best observed (when any)
  std::optional<double> reference_observed;  // measured on held-out runs (AddMeasuredValues)
  std::string observed_text;        // where the measured values (the figure's diamonds) come from
  std::optional<ModelScale> scale;  // mixscale fits: where every mixture is predicted
  std::string scale_text;           // e.g. "N 85M, D 1.7B (run 12, the training run of …)"
  std::vector<std::string> notes;   // what was left out and why, for the page and the captions
};

// `training` are the fit's training runs (the best observed run and the default scale).
Result<MixtureContext> LoadMixtureContext(Store& store, const StoredFit& fit,
                                          const std::vector<RunPoint>& training);

// The reference's and the baselines' measured values where `held_out` (an experiment's runs, e.g.
// the recommendation trained) has runs of that mixture (within kDuplicateL1, normalised): the
// mean of their targets, seeds averaged; a baseline that has one (best observed) keeps it.
void AddMeasuredValues(MixtureContext& context, const StoredFit& fit,
                       const std::vector<RunPoint>& held_out, const std::string& held_out_name);

}  // namespace mixrun

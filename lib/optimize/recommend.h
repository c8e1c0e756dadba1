// recommend: the mixture to train with. Minimises the fits' combined predicted loss (plus an
// optional KL pull toward the prior) under the constraints, by `optimize` (smooth laws) or
// `simulate` (RegMix's, any model), and predicts it and the baselines with 95% intervals.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "mixture/prior.h"
#include "optimize/constraints.h"
#include "optimize/gradient_search.h"
#include "optimize/interval.h"
#include "optimize/loaded_fit.h"
#include "optimize/simulate.h"

namespace mixrun {

struct RecommendRequest {
  std::string method = "auto";  // auto (simulate for gbdt, else optimize) | optimize | simulate
  SimulateOptions simulate;
  GradientSearchOptions search;
  double kl_reg = 0;
  std::optional<Prior> prior;  // required by simulate, --kl-reg and share-based caps
  Status prior_error;          // why there is no prior: returned when one is required
  // User bounds and availability; `domains`, `prior` and `observed` are filled in by Recommend.
  ConstraintSpec constraints;
  // The fits' training runs: the observed weight range (the extrapolation guard) and the best
  // observed run (a baseline). May be empty (no guard, no such baseline).
  std::vector<RunPoint> runs;
  // --at: the target model's N and D, for mixture-and-scale (mixscale) fits. The mixture is then
  // also optimised at the proxy scale, under the same bounds, to say how far the optimum moved.
  std::optional<ModelScale> at;
  // --proxy-at: the proxies' scale; by default the training run of the largest compute 6ND.
  std::optional<ModelScale> proxy_at;
  int threads = 2;
};

struct Baseline {
  std::string name;  // uniform | natural | best observed
  Mixture mixture;
  PredictionInterval predicted;
  std::optional<double> observed;  // best observed run: its measured target
  std::string note;                // e.g. "run 217", "outside the bounds"
};

struct ActiveBound {
  std::string domain;
  std::string side;  // lower | upper
  double bound = 0;
  std::string source;  // BoundSourceName
};

struct RangeEdge {
  std::string domain;
  double weight = 0, seen_low = 0, seen_high = 0;
  std::string where;  // "at the observed max", "above the observed max", ...
};

// How the optimum at the target scale differs from the one at the proxy scale.
struct ScaleShift {
  ModelScale target, proxy;
  std::string proxy_source;           // "--proxy-at" or "run 17, the largest training run (6ND)"
  Mixture proxy_mixture;              // the optimum at the proxy scale
  PredictionInterval proxy_at_proxy;  // its loss at the proxy scale
  double l1 = 0;                      // Σ_j |recommended_j − proxy_j|
  double loss_gap =
      0;  // at the target scale: the proxy optimum's predicted loss − the recommended's
  // How far the target lies beyond the training runs ("N 2.2× the largest training run's").
  std::vector<std::string> extrapolation;
};

struct Recommendation {
  std::string method;  // optimize | simulate
  Mixture mixture;
  PredictionInterval predicted;
  double objective = 0;  // what was minimised: predicted + λ·KL
  double kl_to_prior = 0;
  std::vector<ActiveBound> active;
  std::vector<RangeEdge> edges;
  std::vector<Baseline> baselines;
  Constraints constraints;
  std::optional<Prior> prior;
  nlohmann::json details;                 // the method's statistics (draws, starts, iterations)
  std::optional<ScaleShift> scale_shift;  // with --at
  // Doubts about the result to show beside it (an implausibly wide interval).
  std::vector<std::string> warnings;

  // Everything, for --json (recommend adds the stored ids).
  nlohmann::json ToJson() const;
  // The mixture alone, as a config's mixtures.include takes it: {"domain": weight, ...}.
  nlohmann::json MixtureJson() const;
};

Result<Recommendation> Recommend(const std::vector<LoadedFit>& fits, RecommendRequest request);

// A prediction as --json prints it: predicted_loss, prediction_interval (and its alias interval),
// interval_source, mean_interval, mean_interval_source.
nlohmann::json IntervalJson(const PredictionInterval& interval);

// InvalidInput (naming `command`) unless there are fits and each reads mixtures.
Status CheckMixtureFits(const std::vector<LoadedFit>& fits, const std::string& command);

// The bounds recommend (and suggest) search within: the request's constraints over the first
// fit's domains, with the prior's shares and the extrapolation guard of the request's runs
// filled into request.constraints.
Result<Constraints> SearchConstraints(const std::vector<LoadedFit>& fits, RecommendRequest& request,
                                      const std::string& command);

// The mixtures a recommendation is compared with, each predicted by PredictWithInterval at `at`:
// uniform, natural (the prior's shares, unless the prior is uniform or absent) and the training
// run with the best observed target (its measured value in `observed`; absent when no run has
// every fit's target). Notes name the run and the prior's source.
Result<std::vector<Baseline>> PredictBaselines(const std::vector<LoadedFit>& fits,
                                               const std::optional<Prior>& prior,
                                               const std::vector<RunPoint>& runs,
                                               const std::optional<ModelScale>& at = {});

// The N and D of the run of the largest compute N·D among `runs`, with "run ID, the training run
// of the largest compute"; nullopt when no run has both.
std::optional<std::pair<ModelScale, std::string>> LargestTrainingScale(
    const std::vector<RunPoint>& runs);

// Per-domain [min, max] of the runs' normalised weights (absent domains weigh 0).
std::map<std::string, std::pair<double, double>> ObservedRanges(
    const std::vector<RunPoint>& runs, const std::vector<std::string>& domains);

}  // namespace mixrun

// FitRequest: everything that decides a fit — the law and its options, the runs it reads, the
// resampling — stored with the fit (fits.options_json) so that every fit can be traced and redone.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct FitRequest {
  std::string law;     // a name in the catalog: chinchilla | power | overtrain | loss2loss | task |
                       // mixing | mixscale | pipeline | regmix
  std::string metric;  // the target metric; for mixing optional (held-out accuracy is then
                       // measured against it; without it against Σ w_i · domain metric)
  // mixing, mixscale: one law per domain metric, combined as Σ target_weights[metric] · L_metric.
  // With no target_weights, `metric` must be one of domain_metrics (a named target domain).
  std::vector<std::string> domain_metrics;
  std::map<std::string, double> target_weights;
  std::string x = "n";  // power: n | d | c | m | step (step fits every run's metric history)
  std::string model = "linear";  // regmix: linear | loglinear | gbdt | gp
  std::string form = "joint";    // mixscale: additive | joint (A and B depend on the mixture)
  double ridge = 0;   // regmix linear/loglinear: L2 penalty on the weights (not intercept)
  int bootstrap = 0;  // resamples for standard errors and mean intervals; 0 = none
  int kfold = 0;      // k-fold cross-validation reported in stats.kfold; 0 = none
  // Folds of the cross-validation that calibrates the prediction interval when kfold is 0.
  int calibration_folds = 10;
  uint64_t seed = 42;
  int threads = 2;
  std::optional<double> huber_delta;  // default: the law's (chinchilla/power 1e-3, mixing 0.05)
  double compute = 0;                 // chinchilla: C for the compute-optimal allocation; 0 = none
  int mixing_random_starts = 30;      // mixing: random t vectors per (log c, log k) grid pair
  // loss2loss (Brandfonbrener et al. 2024): `metric` (L_B) from `from_metric` (L_A) of the same
  // runs, or with from_experiment of that experiment's run of the same N and D (train-to-train).
  // Offsets "scaling": E_A, E_B are the irreducible losses of each loss's own Chinchilla law on
  // the same runs (the paper's protocol); "free": fitted with K and κ.
  std::string from_metric;
  std::string from_experiment;
  std::string offsets = "scaling";
  // task (Gadre et al. 2024; OLMo's ladder): the target is the mean of task_metrics (or 1 − it,
  // the error, with task_error), predicted from `metric` (a loss) predicted by loss_law
  // (chinchilla | overtrain) in N and D; link: exp (Gadre: y = ε − k·e^(−γL)) | sigmoid (the
  // ladder: y = a/(1 + e^(−k(L−L₀))) + b).
  std::vector<std::string> task_metrics;
  bool task_error = false;
  std::string loss_law = "overtrain";
  std::string link = "exp";
  // pipeline (Ye et al. 2024 §4): per run a step law fitted on the history points in
  // step_window, extrapolated to at_steps; per mixture a size law over the runs' sizes,
  // extrapolated to at_size; the mixing law on those losses.
  int64_t at_steps = 0;
  double at_size = 0;
  std::pair<int64_t, int64_t> step_window = {10000, 30000};

  // Which runs: the experiment fitted, an optional held-out experiment, and Epoch's protocol of
  // dropping the runs with the highest target (recorded, so a stored fit says what it saw).
  std::string experiment;
  std::string test_experiment;
  // The runs as they were at this step: final metrics are the last values at steps ≤ max_step
  // (eval histories) and histories end there; nullopt = as they finished.
  std::optional<int64_t> max_step;
  int drop_highest = 0;
  // Runs of different training settings (runs.settings_id) are not fitted together unless allowed;
  // `where` (KEY=VALUE over the runs' settings, e.g. "lr=1e-3") selects the runs fitted.
  std::vector<std::string> where;
  bool allow_mixed_settings = false;
  std::string mixrun_version;  // of the mixrun that made the fit (set when fitting)

  // The metric whose values the fit predicts ("eval/target/loss" for a mixing fit without one;
  // "mean(task/a, task/b)" for a task fit).
  std::string TargetMetric() const;

  // The request as stored in fits.options_json (every field, defaults resolved).
  nlohmann::json ToJson() const;
  static Result<FitRequest> FromJson(const nlohmann::json& json);
  // Checks shared by every law: threads, bootstrap, folds and δ in range.
  Status CheckCommon(size_t train_rows) const;
};

}  // namespace mixrun

// A simulated mixture study: RegMix's gbdt on all 768 of its 1M runs is the "true" loss, runs add
// Gaussian noise of its CV residual size (deterministic per seed); RegmixProcedure scores RegMix.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/random.h"
#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "fit/fitted_law.h"
#include "mixture/prior.h"
#include "optimize/loaded_fit.h"
#include "optimize/recommend.h"
#include "testing/in_memory_fit.h"
#include "testing/reference_data.h"

namespace mixrun::testing {

// The metric RegMix optimises (README: Pile-CC validation loss of the 1M models).
inline constexpr const char* kOracleMetric = "pile_cc_val_loss";

struct OracleOptions {
  std::string model = "gbdt";  // the regmix model that is the truth
  int kfold = 5;               // its out-of-fold residuals give the noise SD
  uint64_t seed = 42;
  int threads = 2;
};

// A mixture with its oracle loss.
struct ScoredMixture {
  std::vector<double> mixture;  // in SimulatedOracle::domains() order
  double loss = 0;
};

class SimulatedOracle {
 public:
  // Fits the oracle (a few seconds for gbdt: its depth/rounds CV plus the k folds) and loads it
  // back the way a stored fit comes back, so that predictions take the fast batch path.
  static Result<SimulatedOracle> Create(const OracleOptions& options = {}) {
    SimulatedOracle oracle;
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> train, LoadRegmix("train", "1m"));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<RunPoint> test, LoadRegmix("test", "1m"));
    // Both files number their runs from 1: the test runs move past the train runs' ids.
    for (RunPoint& run : test) run.run_id += static_cast<int64_t>(train.size());
    oracle.runs_ = std::move(train);
    oracle.runs_.insert(oracle.runs_.end(), test.begin(), test.end());

    FitRequest request;
    request.law = "regmix";
    request.model = options.model;
    request.metric = kOracleMetric;
    request.kfold = options.kfold;
    request.seed = options.seed;
    request.threads = options.threads;
    MIXRUN_ASSIGN_OR_RETURN(oracle.report_, FitLaw(request, oracle.runs_, {}));
    MIXRUN_ASSIGN_OR_RETURN(std::unique_ptr<FittedLaw> fitted,
                            LoadFit("regmix", oracle.report_.options, oracle.report_.ParamsJson()));
    oracle.law_ = std::move(fitted);
    oracle.domains_ = oracle.law_->domains();
    // The noise is the size of the oracle's own out-of-fold residuals (calibration.residual_sd,
    // the RMS the prediction interval is calibrated from; with --kfold it equals stats.kfold's
    // RMSE): what a model of this family misses on a run it did not see, seed noise included.
    if (!oracle.report_.stats.calibration || oracle.report_.stats.calibration->folds < 2) {
      return Status::Failed("simulated oracle: the fit has no cross-validated calibration");
    }
    oracle.noise_sd_ = oracle.report_.stats.calibration->residual_sd;

    // RegMix's prior: the Pile's token shares (pile_token_prior.json), which its notebook's
    // simulation draws Dirichlet(prior) from untempered.
    const std::string prior_path = SharedData("regmix/pile_token_prior.json");
    std::ifstream in(prior_path);
    if (!in) return Status::InvalidInput(prior_path + ": cannot read");
    const nlohmann::json shares = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    double total = 0;
    for (const std::string& domain : oracle.domains_) {
      if (!shares.is_object() || !shares.contains(domain) || !shares[domain].is_number()) {
        return Status::InvalidInput(prior_path + ": no share for " + domain);
      }
      oracle.prior_.push_back(shares[domain].get<double>());
      total += oracle.prior_.back();
    }
    for (double& share : oracle.prior_) share /= total;
    return oracle;
  }

  // One oracle per process, made on first use (a few seconds) and never destroyed: freeing its
  // xgboost booster during static destruction, after xgboost's own statics are gone, crashes
  // the process at exit.
  static Result<const SimulatedOracle*> Shared() {
    static const auto* shared =
        new Result<const SimulatedOracle*>([]() -> Result<const SimulatedOracle*> {
          MIXRUN_ASSIGN_OR_RETURN(SimulatedOracle oracle, Create());
          return new SimulatedOracle(std::move(oracle));
        }());
    return *shared;
  }

  // The 17 domains, sorted (the fit's column order: every mixture here is in this order).
  const std::vector<std::string>& domains() const { return domains_; }
  // The Dirichlet prior over domains(): token shares summing to 1.
  const std::vector<double>& prior() const { return prior_; }
  Prior prior_mixture() const { return {"pile_token_prior.json", ToMixture(prior_)}; }
  double noise_sd() const { return noise_sd_; }
  // For studies of what the noise costs: runs then add N(0, sd²) instead (0: exact losses).
  void set_noise_sd(double sd) { noise_sd_ = sd; }
  const FitReport& report() const { return report_; }
  // The 768 runs the oracle was fitted on (train ids 1..512, test 513..768).
  const std::vector<RunPoint>& runs() const { return runs_; }

  // True losses of `count` mixtures, row-major in domains() order (each row renormalised).
  Result<std::vector<double>> TrueLoss(std::vector<double> rows, size_t count) const {
    // PredictMixtures takes normalised rows, as the fit read its runs (RegMix's weights are
    // rounded to 3 decimals and sum to 0.996-1.003).
    const size_t m = domains_.size();
    if (rows.size() != count * m) {
      return Status::InvalidInput("TrueLoss: expected " + std::to_string(count) + " rows of " +
                                  std::to_string(m) + " weights");
    }
    for (size_t r = 0; r < count; ++r) {
      double total = 0;
      for (size_t j = 0; j < m; ++j) total += rows[r * m + j];
      if (!(total > 0)) return Status::InvalidInput("TrueLoss: a mixture with no weight");
      for (size_t j = 0; j < m; ++j) rows[r * m + j] /= total;
    }
    return law_->PredictMixtures(rows, count);
  }
  Result<double> TrueLoss(const std::vector<double>& mixture) const {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> loss, TrueLoss(mixture, 1));
    return loss[0];
  }
  // One training run's loss: the true loss plus N(0, noise_sd²), the same for the same seed.
  Result<double> NoisyLoss(const std::vector<double>& mixture, uint64_t seed) const {
    MIXRUN_ASSIGN_OR_RETURN(double loss, TrueLoss(mixture));
    Rng rng(seed);
    return loss + noise_sd_ * NormalVariate(rng);
  }
  // A finished run as the laws read it: the mixture's weights and its noisy loss as the metric.
  Result<RunPoint> NoisyRun(const std::vector<double>& mixture, uint64_t seed,
                            int64_t run_id) const {
    RunPoint run;
    run.run_id = run_id;
    run.weights = ToMixture(mixture);
    MIXRUN_ASSIGN_OR_RETURN(run.metrics[kOracleMetric], NoisyLoss(mixture, seed));
    return run;
  }

  // `count` Dirichlet(prior) mixtures, row-major; row r comes from stream r of `seed`, so the
  // first rows of a larger draw are the smaller draw (designs of one seed are nested).
  std::vector<double> DrawMixtures(size_t count, uint64_t seed) const {
    const size_t m = domains_.size();
    std::vector<double> rows(count * m);
    for (size_t r = 0; r < count; ++r) {
      Rng rng(seed, r);
      DirichletVariate(rng, prior_, rows.data() + r * m);
    }
    return rows;
  }
  // The lowest true loss among `count` Dirichlet(prior) candidates: the target a study is
  // measured against (not the oracle's global minimum, which may sit where no draw goes).
  Result<ScoredMixture> BestOfCandidates(size_t count, uint64_t seed) const {
    const size_t m = domains_.size();
    const std::vector<double> rows = DrawMixtures(count, seed);
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> loss, TrueLoss(rows, count));
    const size_t best =
        static_cast<size_t>(std::min_element(loss.begin(), loss.end()) - loss.begin());
    return ScoredMixture{{rows.begin() + best * m, rows.begin() + (best + 1) * m}, loss[best]};
  }

  // Independent seeds for the parts of one study (design, noise of run r, simulate): stream
  // `stream` of `seed`.
  static uint64_t SubSeed(uint64_t seed, uint64_t stream) { return Rng(seed, stream).Next(); }

  Mixture ToMixture(const std::vector<double>& weights) const {
    Mixture mixture;
    for (size_t j = 0; j < domains_.size(); ++j) mixture[domains_[j]] = weights[j];
    return mixture;
  }
  std::vector<double> ToWeights(const Mixture& mixture) const {
    std::vector<double> weights(domains_.size(), 0.0);
    for (size_t j = 0; j < domains_.size(); ++j) {
      auto it = mixture.find(domains_[j]);
      if (it != mixture.end()) weights[j] = it->second;
    }
    return weights;
  }

 private:
  SimulatedOracle() = default;

  std::vector<RunPoint> runs_;
  FitReport report_;
  std::shared_ptr<const FittedLaw> law_;
  std::vector<std::string> domains_;
  std::vector<double> prior_;
  double noise_sd_ = 0;
};

struct RegmixProcedureOptions {
  std::string model = "gbdt";  // the regression RegMix fits (its paper: LightGBM)
  int64_t samples = 100000;    // simulate's candidates, as RegMix's notebook
  int top_k = 128;             // averaged, as RegMix's notebook
  // recommend's extrapolation guard (candidates within the runs' observed weight ranges). Off:
  // RegMix has none, and the candidates come from the distribution the design came from.
  bool extrapolation_guard = false;
  int threads = 2;
};

struct RegmixOutcome {
  int runs = 0;
  std::vector<double> mixture;  // the recommendation, in domains() order
  double predicted = 0;         // the fit's prediction there
  double true_loss = 0;         // the oracle's
};

// recommend --method simulate on a fit of `runs` (RegMix's last step), scored by the oracle's true
// loss. With the oracle's own report and runs it gives the procedure's floor: what simulate-and-
// rank reaches with a perfect, noiseless model.
inline Result<RegmixOutcome> RecommendBySimulate(const SimulatedOracle& oracle,
                                                 const FitReport& report,
                                                 const std::vector<RunPoint>& runs,
                                                 uint64_t simulate_seed,
                                                 const RegmixProcedureOptions& options = {}) {
  MIXRUN_ASSIGN_OR_RETURN(LoadedFit fit, LoadedFitFrom(report));

  RecommendRequest recommend;
  recommend.method = "simulate";
  recommend.simulate.samples = options.samples;
  recommend.simulate.top_k = options.top_k;
  recommend.simulate.seed = simulate_seed;
  recommend.prior = oracle.prior_mixture();
  recommend.runs = runs;
  recommend.constraints.allow_extrapolation = !options.extrapolation_guard;
  recommend.threads = options.threads;
  MIXRUN_ASSIGN_OR_RETURN(Recommendation recommendation, Recommend({fit}, recommend));

  RegmixOutcome outcome;
  outcome.runs = static_cast<int>(runs.size());
  outcome.mixture = oracle.ToWeights(recommendation.mixture);
  outcome.predicted = recommendation.predicted.prediction;
  MIXRUN_ASSIGN_OR_RETURN(outcome.true_loss, oracle.TrueLoss(outcome.mixture));
  return outcome;
}

// RegMix's design and fit with `runs` runs: Dirichlet(prior) mixtures, their noisy oracle losses,
// one regmix fit. For one seed the designs are nested (the 16-run design is the first 16 of the
// 32-run one) and each run's noise is its own, so curves over `runs` vary less than independent
// draws would.
struct RegmixFit {
  std::vector<RunPoint> runs;
  FitReport report;
};
inline Result<RegmixFit> FitRegmixDesign(const SimulatedOracle& oracle, int runs, uint64_t seed,
                                         const RegmixProcedureOptions& options = {}) {
  const size_t m = oracle.domains().size();
  const std::vector<double> design =
      oracle.DrawMixtures(static_cast<size_t>(runs), SimulatedOracle::SubSeed(seed, 0));
  RegmixFit fit;
  for (int r = 0; r < runs; ++r) {
    const std::vector<double> mixture(design.begin() + r * m, design.begin() + (r + 1) * m);
    MIXRUN_ASSIGN_OR_RETURN(
        RunPoint run, oracle.NoisyRun(mixture, SimulatedOracle::SubSeed(seed, 1000 + r), r + 1));
    fit.runs.push_back(std::move(run));
  }
  FitRequest request;
  request.law = "regmix";
  request.model = options.model;
  request.metric = kOracleMetric;
  request.seed = seed;
  request.threads = options.threads;
  MIXRUN_ASSIGN_OR_RETURN(fit.report, FitLaw(request, fit.runs, {}));
  return fit;
}

// RegMix's one-shot procedure with `runs` runs: FitRegmixDesign, then recommend --method
// simulate; scored by the oracle's true loss.
inline Result<RegmixOutcome> RegmixProcedure(const SimulatedOracle& oracle, int runs, uint64_t seed,
                                             const RegmixProcedureOptions& options = {}) {
  MIXRUN_ASSIGN_OR_RETURN(RegmixFit fit, FitRegmixDesign(oracle, runs, seed, options));
  return RecommendBySimulate(oracle, fit.report, fit.runs, SimulatedOracle::SubSeed(seed, 1),
                             options);
}

}  // namespace mixrun::testing

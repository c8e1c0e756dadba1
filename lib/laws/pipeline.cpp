#include "laws/pipeline.h"

#include <cmath>
#include <memory>

#include "fit/run_inputs.h"
#include "laws/domain_target.h"
#include "laws/mixing.h"
#include "laws/pipeline_stages.h"

namespace mixrun {
namespace {

// The chain's stages, shared by the full fit and every refit.
struct Chain {
  std::vector<RunPoint> runs;
  StepStage steps;
  SizeStage sizes;
};

// A seed for the stages' resamples of one bootstrap replicate, from its multiplicities of the
// mixtures (themselves drawn from the request's seed and the replicate's index): replicates are
// independent of the threads that run them.
uint64_t ReplicateSeed(uint64_t seed, const std::vector<double>& row_weights) {
  uint64_t hash = 1469598103934665603ULL ^ seed;
  for (double weight : row_weights) {
    hash ^= static_cast<uint64_t>(weight) + 0x9e3779b97f4a7c15ULL;
    hash *= 1099511628211ULL;
  }
  return hash;
}

class PipelineEstimator : public Estimator {
 public:
  PipelineEstimator(std::shared_ptr<const Chain> chain, std::unique_ptr<MixingStage> mixing,
                    uint64_t seed)
      : chain_(std::move(chain)), mixing_(std::move(mixing)), seed_(seed) {}

  int num_params() const override { return mixing_->num_params(); }
  Result<EstimatorFit> Fit(const FitRows& rows) override { return mixing_->Fit(rows); }

  // A fold refits the mixing law alone (the earlier stages of a mixture do not depend on the
  // other mixtures); a bootstrap replicate refits the whole chain.
  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows,
                                           const std::vector<double>& row_weights,
                                           Purpose purpose) const override {
    if (purpose == Purpose::kFold) return mixing_->Refit(rows, row_weights, purpose);
    MIXRUN_ASSIGN_OR_RETURN(StageValues at_steps,
                            chain_->steps.Resample(ReplicateSeed(seed_, row_weights)));
    MIXRUN_ASSIGN_OR_RETURN(StageValues at_size, chain_->sizes.Refit(chain_->runs, at_steps));
    return mixing_->RefitOnValues(rows, row_weights, at_size);
  }

  nlohmann::json Context() const override { return mixing_->Context(); }

 private:
  std::shared_ptr<const Chain> chain_;
  std::unique_ptr<MixingStage> mixing_;
  uint64_t seed_;
};

Status CheckPipelineRequest(const FitRequest& request) {
  if (request.at_steps <= 0) {
    return Status::InvalidInput("pipeline: --at-steps S (the steps to extrapolate to) is required");
  }
  if (!(request.at_size > 0 && std::isfinite(request.at_size))) {
    return Status::InvalidInput(
        "pipeline: --at-size N (the model size to extrapolate to) is required");
  }
  const auto [first, last] = request.step_window;
  if (first < 1 || last <= first) {
    return Status::InvalidInput("pipeline: --step-window MIN:MAX needs 1 <= MIN < MAX, not " +
                                std::to_string(first) + ":" + std::to_string(last));
  }
  return Status::Ok();
}

Result<PreparedLaw> PreparePipeline(const FitRequest& request, const std::vector<RunPoint>& train) {
  MIXRUN_RETURN_IF_ERROR(CheckPipelineRequest(request));
  MIXRUN_ASSIGN_OR_RETURN(DomainTarget target, ResolveDomainTarget(request, "pipeline"));
  auto chain = std::make_shared<Chain>();
  chain->runs = train;
  MIXRUN_ASSIGN_OR_RETURN(chain->steps, FitStepStage(request, train, target.metrics));
  MIXRUN_ASSIGN_OR_RETURN(MixtureGroups groups, GroupByMixture(train));
  MIXRUN_ASSIGN_OR_RETURN(
      chain->sizes, FitSizeStage(request, train, groups, target.metrics, chain->steps.Values()));
  // One run per mixture at the target steps and size: what the mixing law is fitted on. A
  // target metric outside the domain metrics is their target-weighted sum there.
  const StageValues values = chain->sizes.Values();
  std::vector<RunPoint> extrapolated;
  for (size_t g = 0; g < groups.runs.size(); ++g) {
    const RunPoint& first = train[groups.runs[g][0]];
    RunPoint point;
    point.run_id = first.run_id;
    point.weights = first.weights;
    point.n_params = request.at_size;
    double total = 0;
    for (size_t m = 0; m < target.metrics.size(); ++m) {
      point.metrics[target.metrics[m]] = values[m][g];
      total += target.weights[m] * values[m][g];
    }
    if (!request.metric.empty() && !point.metrics.count(request.metric)) {
      point.metrics[request.metric] = total;
    }
    extrapolated.push_back(std::move(point));
  }
  MIXRUN_ASSIGN_OR_RETURN(PreparedMixing mixing, PrepareMixingStage(request, extrapolated));
  PreparedLaw law;
  law.reader = std::move(mixing.reader);
  law.train = std::move(mixing.train);
  law.stages.push_back(chain->steps.report);
  law.stages.push_back(chain->sizes.report);
  law.estimator = std::make_unique<PipelineEstimator>(std::move(chain), std::move(mixing.estimator),
                                                      request.seed);
  return law;
}

Status FillPipelineDefaults(FitRequest& request, const std::vector<RunPoint>& runs,
                            const nlohmann::json& config) {
  MIXRUN_RETURN_IF_ERROR(FillDomainTargetDefaults(request, runs, config, "pipeline", false));
  // Held-out runs are judged at the steps the pipeline extrapolates to.
  if (!request.max_step && request.at_steps > 0) request.max_step = request.at_steps;
  return Status::Ok();
}

}  // namespace

const LawEntry& PipelineLaw() {
  static const LawEntry entry = {
      .name = "pipeline",
      .family = "chain of laws (Ceres)",
      .reads = "each run's history of its per-domain losses, its size N and its mixture",
      .prepare = PreparePipeline,
      .load = LoadMixingLaw,
      .defaults = FillPipelineDefaults,
      .history =
          [](const FitRequest& request) {
            return std::set<std::string>(request.domain_metrics.begin(),
                                         request.domain_metrics.end());
          },
  };
  return entry;
}

}  // namespace mixrun

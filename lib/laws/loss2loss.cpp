#include "laws/loss2loss.h"

#include <algorithm>
#include <cmath>

#include "fit/run_inputs.h"
#include "laws/chinchilla.h"
#include "laws/curve_law.h"
#include "laws/engine.h"

namespace mixrun {
namespace {

constexpr int kLoss2LossParams = 4;
// A free E_A stays below this share of the smallest training L_A: the law is undefined at
// L_A ≤ E_A, and a held-out run only a little below the training runs must stay predictable.
constexpr double kFreeOffsetCeiling = 0.95;

Result<FitRows> Loss2LossRows(const std::vector<RunPoint>& runs, const std::string& input,
                              const std::string& target, const std::string& set_name) {
  FitRows rows;
  rows.num_features = 1;
  MIXRUN_ASSIGN_OR_RETURN(rows.x, PositiveMetric(runs, input, set_name));
  MIXRUN_ASSIGN_OR_RETURN(rows.y, PositiveMetric(runs, target, set_name));
  return rows;
}

// The law as it predicts (every parameter set is log K, κ, E_A, log E_B), with the multi-start
// grid of the free fit when the smallest training losses are known (min_a, min_b > 0).
std::shared_ptr<const CurveLawSpec> Loss2LossSpec(const FitRequest& request, double min_a = 0,
                                                  double min_b = 0) {
  auto spec = std::make_shared<CurveLawSpec>();
  spec->law = "loss2loss";
  const double ceiling =
      min_a > 0 ? kFreeOffsetCeiling * min_a : std::numeric_limits<double>::infinity();
  spec->model = std::make_unique<JetLawModel<Loss2LossFunctor, kLoss2LossParams>>(
      Loss2LossFunctor{},
      std::vector<ParamSpec>{{"log_k"}, {"kappa"}, {"e_a", 0.0, ceiling}, {"log_e_b"}});
  spec->num_features = 1;
  spec->huber_delta = request.huber_delta.value_or(kChinchillaHuberDelta);
  const std::string input = Loss2LossInput(request);
  spec->features = [input](const RunPoint& run) -> Result<std::vector<double>> {
    auto found = run.metrics.find(input);
    if (found == run.metrics.end()) {
      return Status::InvalidInput(RunLabel(run) + ": loss2loss predicts from metric '" + input +
                                  "', which the point does not give");
    }
    MIXRUN_RETURN_IF_ERROR(CheckLoss(found->second, RunLabel(run), input));
    return std::vector<double>{found->second};
  };
  const std::string target = request.metric;
  spec->rows = [input, target](const std::vector<RunPoint>& runs, const std::string& set_name) {
    return Loss2LossRows(runs, input, target, set_name);
  };
  spec->named = [](const std::vector<double>& p) {
    return std::map<std::string, double>{
        {"K", std::exp(p[0])}, {"kappa", p[1]}, {"E_A", p[2]}, {"E_B", std::exp(p[3])}};
  };
  spec->undefined_hint = "L_A must be above the fitted E_A";
  spec->feature_names = {"L_A (" + input + ")"};
  if (min_a > 0 && min_b > 0) {
    for (double log_k = -3; log_k <= 3; log_k += 1) {
      for (double kappa : {0.5, 1.0, 1.5, 2.0, 3.0}) {
        for (double share_a : {0.0, 0.25, 0.5, 0.75, 0.9}) {
          for (double share_b : {0.25, 0.5, 0.75, 0.9}) {
            spec->starts.push_back({log_k, kappa, share_a * min_a, std::log(share_b * min_b)});
          }
        }
      }
    }
  }
  return spec;
}

// The paper's protocol: E_A and E_B are the irreducible losses of each loss's own Chinchilla law
// on the same runs (rows aligned: one per run, in order); K and κ are fitted with them held.
class ScalingOffsetsEstimator : public Estimator {
 public:
  ScalingOffsetsEstimator(std::shared_ptr<const CurveLawSpec> spec, PreparedLaw law_a,
                          PreparedLaw law_b, std::string input, std::string target, int threads)
      : spec_(std::move(spec)),
        law_a_(std::move(law_a)),
        law_b_(std::move(law_b)),
        input_(std::move(input)),
        target_(std::move(target)),
        threads_(threads),
        model_(Loss2LossFixedOffsetsFunctor{}, {{"log_k"}, {"kappa"}}) {}

  int num_params() const override { return kLoss2LossParams; }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    MIXRUN_ASSIGN_OR_RETURN(EstimatorFit fit_a, law_a_.estimator->Fit(law_a_.train));
    MIXRUN_ASSIGN_OR_RETURN(EstimatorFit fit_b, law_b_.estimator->Fit(law_b_.train));
    const double e_a = fit_a.predictor->Params().at("E");
    const double e_b = fit_b.predictor->Params().at("E");
    const double min_a = *std::min_element(rows.x.begin(), rows.x.end());
    if (!(e_a < min_a)) {
      return Status::InvalidInput(
          "loss2loss: the Chinchilla law of '" + input_ + "' has E = " + std::to_string(e_a) +
          ", not below every run's " + input_ + " (smallest " + std::to_string(min_a) +
          "): the offsets cannot come from the scaling laws here; use --offsets free");
    }
    std::vector<std::vector<double>> starts;
    for (double log_k = -3; log_k <= 3; log_k += 0.5) {
      for (double kappa : {0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0}) starts.push_back({log_k, kappa});
    }
    EngineOptions engine;
    engine.huber_delta = spec_->huber_delta;
    engine.threads = threads_;
    MIXRUN_ASSIGN_OR_RETURN(
        EngineFit fit, FitMultiStart(model_, Observe(rows, nullptr, e_a, e_b), starts, engine));
    best_ = fit.params;
    EstimatorFit out;
    out.predictor = NewCurvePredictor(spec_, {fit.params[0], fit.params[1], e_a, std::log(e_b)});
    out.objective = fit.objective;
    out.extra = {{"offsets", "scaling"},
                 {"huber_delta", spec_->huber_delta},
                 {"scaling_law_" + input_, fit_a.predictor->Params()},
                 {"scaling_law_" + target_, fit_b.predictor->Params()}};
    return out;
  }

  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    MIXRUN_ASSIGN_OR_RETURN(auto refit_a, law_a_.estimator->Refit(law_a_.train, weights, purpose));
    MIXRUN_ASSIGN_OR_RETURN(auto refit_b, law_b_.estimator->Refit(law_b_.train, weights, purpose));
    const double e_a = refit_a->Params().at("E");
    const double e_b = refit_b->Params().at("E");
    RefitResult refit =
        RefitTightly(model_, Observe(rows, &weights, e_a, e_b), best_, spec_->huber_delta);
    if (!refit.usable) return Status::Failed("loss2loss: refit did not converge");
    return NewCurvePredictor(spec_, {refit.params[0], refit.params[1], e_a, std::log(e_b)});
  }

 private:
  // Rows of weight > 0 as (L_A, E_A, log E_B) → log L_B.
  static Observations Observe(const FitRows& rows, const std::vector<double>* weights, double e_a,
                              double e_b) {
    Observations observations;
    observations.num_features = 3;
    for (size_t i = 0; i < rows.size(); ++i) {
      const double weight = weights ? (*weights)[i] : 1.0;
      if (weight == 0) continue;
      observations.x.insert(observations.x.end(), {rows.x[i], e_a, std::log(e_b)});
      observations.y.push_back(std::log(rows.y[i]));
      if (weights) observations.multiplicity.push_back(weight);
    }
    return observations;
  }

  std::shared_ptr<const CurveLawSpec> spec_;
  PreparedLaw law_a_, law_b_;
  std::string input_, target_;
  int threads_;
  JetLawModel<Loss2LossFixedOffsetsFunctor, 2> model_;
  std::vector<double> best_;
};

Result<PreparedLaw> PrepareLoss2Loss(const FitRequest& request,
                                     const std::vector<RunPoint>& train) {
  if (request.from_metric.empty()) {
    return Status::InvalidInput("loss2loss: --from METRIC names the loss it predicts from");
  }
  if (request.offsets != "scaling" && request.offsets != "free") {
    return Status::InvalidInput("loss2loss: --offsets must be scaling or free, not '" +
                                request.offsets + "'");
  }
  const std::string input = Loss2LossInput(request);
  MIXRUN_ASSIGN_OR_RETURN(FitRows rows, Loss2LossRows(train, input, request.metric, "train"));
  if (request.offsets == "free") {
    return PrepareCurveLaw(Loss2LossSpec(request, *std::min_element(rows.x.begin(), rows.x.end()),
                                         *std::min_element(rows.y.begin(), rows.y.end())),
                           request, train);
  }
  // Each loss's own scaling law on the same runs.
  auto scaling_law = [&](const std::string& metric) -> Result<PreparedLaw> {
    FitRequest own = request;
    own.law = "chinchilla";
    own.metric = metric;
    auto law = PrepareCurveLaw(ChinchillaSpec(own), own, train);
    if (!law.ok()) {
      return law.status().WithContext("loss2loss --offsets scaling fits the Chinchilla law of '" +
                                      metric + "' for its offset (or pass --offsets free)");
    }
    return law;
  };
  MIXRUN_ASSIGN_OR_RETURN(PreparedLaw law_a, scaling_law(input));
  MIXRUN_ASSIGN_OR_RETURN(PreparedLaw law_b, scaling_law(request.metric));
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(rows.size(), kLoss2LossParams, "loss2loss law"));
  auto spec = Loss2LossSpec(request);
  PreparedLaw law;
  law.reader = LoadCurveLaw(spec).reader;
  law.train = std::move(rows);
  law.train.feature_names = spec->feature_names;
  law.estimator = std::make_unique<ScalingOffsetsEstimator>(
      spec, std::move(law_a), std::move(law_b), input, request.metric, request.threads);
  return law;
}

}  // namespace

std::string PairedMetricName(const std::string& experiment, const std::string& metric) {
  return experiment + ":" + metric;
}

std::string Loss2LossInput(const FitRequest& request) {
  return request.from_experiment.empty()
             ? request.from_metric
             : PairedMetricName(request.from_experiment, request.from_metric);
}

const LawEntry& Loss2LossLaw() {
  static const LawEntry entry = {
      .name = "loss2loss",
      .family = "loss-to-loss law (Ceres)",
      .reads =
          "--from (L_A) and --metric (L_B) of each run; with --from-experiment L_A of that "
          "experiment's run at the same N and D; N and D for --offsets scaling",
      .prepare = PrepareLoss2Loss,
      .load = [](const FitRequest& request, const nlohmann::json&) -> Result<LawLoader> {
        return LoadCurveLaw(Loss2LossSpec(request));
      },
      .defaults = nullptr,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

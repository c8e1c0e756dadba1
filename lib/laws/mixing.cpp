#include "laws/mixing.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/random.h"
#include "fit/accuracy.h"
#include "fit/run_inputs.h"
#include "laws/domain_target.h"
#include "laws/engine.h"

namespace mixrun {
namespace {

std::vector<ParamSpec> MixingParamSpecs(int params) {
  // Loose bounds keep a start from running off to k → 0 with |t| → ∞ (the same curve, no limit).
  std::vector<ParamSpec> specs = {{"log_c", -20, 10}, {"log_k", -20, 10}};
  for (int j = 0; j < params - 2; ++j) {
    ParamSpec spec{"t", -100, 100};
    spec.name.append(std::to_string(j));
    specs.push_back(std::move(spec));
  }
  return specs;
}

template <int P>
std::unique_ptr<LawModel> MixingModelWith(int params) {
  if constexpr (P > kMaxMixingDomains + 1) {
    return nullptr;
  } else {
    if (params != P) return MixingModelWith<P + 1>(params);
    return std::make_unique<JetLawModel<MixingFunctor<P>, P>>(MixingFunctor<P>{},
                                                              MixingParamSpecs(P));
  }
}

// What every parameter set of one fit shares: the domains, the domain metrics, the target.
struct MixingContext {
  std::vector<std::string> domains;
  DomainTarget target;

  // Σ_i w_i (c_i + k_i·exp(Σ_j t_ij r_j)) for one row of weights.
  double Predict(const std::vector<std::vector<double>>& params, const double* weights) const {
    const int m = static_cast<int>(domains.size());
    double total = 0;
    for (size_t i = 0; i < target.metrics.size(); ++i) {
      if (target.weights[i] == 0) continue;
      const std::vector<double>& p = params[i];
      double exponent = p[1];
      for (int j = 0; j < m - 1; ++j) exponent += p[2 + j] * weights[j];
      total += target.weights[i] * (std::exp(p[0]) + std::exp(exponent));
    }
    return total;
  }

  nlohmann::json ToJson() const {
    nlohmann::json state = {{"domains", domains}};
    target.AddTo(state);
    return state;
  }
};

std::string ParamName(const std::string& kind, const std::string& metric) {
  return kind + "[" + metric + "]";
}

// One parameter vector (log c, log k, t…) per domain metric.
class MixingPredictor : public Predictor {
 public:
  MixingPredictor(std::shared_ptr<const MixingContext> context,
                  std::vector<std::vector<double>> params)
      : context_(std::move(context)), params_(std::move(params)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    const size_t m = context_->domains.size();
    std::vector<double> predictions(rows);
    for (size_t r = 0; r < rows; ++r) predictions[r] = context_->Predict(params_, x + r * m);
    return predictions;
  }
  // c, k and t per non-reference domain, for each domain metric.
  std::map<std::string, double> Params() const override {
    std::map<std::string, double> out;
    for (size_t i = 0; i < params_.size(); ++i) {
      const std::string& name = context_->target.metrics[i];
      const std::vector<double>& p = params_[i];
      out[ParamName("c", name)] = std::exp(p[0]);
      out[ParamName("k", name)] = std::exp(p[1]);
      for (size_t j = 0; j + 1 < context_->domains.size(); ++j) {
        out[ParamName("t", name) + "[" + context_->domains[j] + "]"] = p[2 + j];
      }
    }
    return out;
  }
  Result<nlohmann::json> ToJson() const override { return nlohmann::json(params_); }

 private:
  std::shared_ptr<const MixingContext> context_;
  std::vector<std::vector<double>> params_;
};

// Fits one law per domain metric on the same rows of weights; refits all of them on the same
// resample, so a bootstrap set predicts the target coherently.
class MixingEstimator : public MixingStage {
 public:
  MixingEstimator(std::shared_ptr<const MixingContext> context,
                  std::vector<std::vector<double>> metric_values, const FitRequest& request)
      : context_(std::move(context)),
        metric_values_(std::move(metric_values)),
        model_(NewMixingModel(static_cast<int>(context_->domains.size()))),
        delta_(request.huber_delta.value_or(kMixingHuberDelta)),
        random_starts_(request.mixing_random_starts),
        seed_(request.seed),
        threads_(request.threads) {}

  int num_params() const override {
    return static_cast<int>(context_->target.metrics.size() * (context_->domains.size() + 1));
  }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    const int m = static_cast<int>(context_->domains.size());
    EngineOptions engine;
    engine.huber_delta = delta_;
    engine.threads = threads_;
    EstimatorFit out;
    nlohmann::json domain_stats = nlohmann::json::object();
    for (size_t i = 0; i < context_->target.metrics.size(); ++i) {
      const Observations observations = MetricObservations(rows, metric_values_[i], nullptr);
      // Each metric draws its random t vectors from its own stream of the seed.
      auto fit =
          FitMultiStart(*model_, observations, MixingStarts(m, random_starts_, seed_ + i), engine);
      if (!fit.ok())
        return fit.status().WithContext("mixing law of " + context_->target.metrics[i]);
      std::vector<double> predicted;
      for (size_t r = 0; r < rows.size(); ++r) {
        predicted.push_back(model_->Predict(fit->params.data(), observations.row(r)));
      }
      const Accuracy accuracy = MeasureAccuracy(predicted, observations.y);
      domain_stats[context_->target.metrics[i]] = {
          {"objective", fit->objective}, {"rmse", accuracy.rmse}, {"mre", accuracy.mre}};
      out.objective += fit->objective;
      for (std::string& warning :
           BoundWarnings(*model_, fit->params, "mixing law of " + context_->target.metrics[i])) {
        out.warnings.push_back(std::move(warning));
      }
      best_.push_back(fit->params);
      candidates_.push_back(fit->candidates);
    }
    out.predictor = std::make_unique<MixingPredictor>(context_, best_);
    out.extra = {{"huber_delta", delta_}, {"domains", domain_stats}};
    return out;
  }

  // Bootstrap: every metric refits tightly from its best point on the resample; a fold: from
  // every polished candidate, keeping the best.
  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    return RefitWith(rows, weights, purpose, metric_values_);
  }

  Result<std::unique_ptr<Predictor>> RefitOnValues(
      const FitRows& rows, const std::vector<double>& row_weights,
      const std::vector<std::vector<double>>& values) const override {
    if (values.size() != metric_values_.size()) {
      return Status::Failed("mixing: values for " + std::to_string(values.size()) + " of " +
                            std::to_string(metric_values_.size()) + " metrics");
    }
    return RefitWith(rows, row_weights, Purpose::kBootstrap, values);
  }

  nlohmann::json Context() const override { return context_->ToJson(); }

 private:
  Result<std::unique_ptr<Predictor>> RefitWith(
      const FitRows& rows, const std::vector<double>& weights, Purpose purpose,
      const std::vector<std::vector<double>>& values) const {
    std::vector<std::vector<double>> params;
    for (size_t i = 0; i < context_->target.metrics.size(); ++i) {
      if (purpose == Purpose::kBootstrap) {
        const Observations resample = MetricObservations(rows, values[i], &weights);
        RefitResult refit = RefitTightly(*model_, resample, best_[i], delta_);
        if (!refit.usable) return Status::Failed("mixing: bootstrap refit did not converge");
        params.push_back(std::move(refit.params));
        continue;
      }
      const Observations fitting = MetricObservations(rows, values[i], &weights).Kept();
      double best = std::numeric_limits<double>::infinity();
      params.push_back(best_[i]);
      for (const auto& candidate : candidates_[i]) {
        RefitResult refit = RefitTightly(*model_, fitting, candidate, delta_);
        if (refit.usable && refit.objective < best) {
          best = refit.objective;
          params.back() = std::move(refit.params);
        }
      }
    }
    return std::unique_ptr<Predictor>(new MixingPredictor(context_, std::move(params)));
  }

  // The rows' weights against one domain metric's values, with multiplicities when given.
  static Observations MetricObservations(const FitRows& rows, const std::vector<double>& values,
                                         const std::vector<double>* weights) {
    Observations observations;
    observations.num_features = rows.num_features;
    observations.x = rows.x;
    observations.y = values;
    if (weights) observations.multiplicity = *weights;
    return observations;
  }

  std::shared_ptr<const MixingContext> context_;
  std::vector<std::vector<double>> metric_values_;  // per metric, per training row
  std::unique_ptr<LawModel> model_;
  double delta_;
  int random_starts_;
  uint64_t seed_;
  int threads_;
  std::vector<std::vector<double>> best_;
  std::vector<std::vector<std::vector<double>>> candidates_;
};

}  // namespace

Result<PreparedMixing> PrepareMixingStage(const FitRequest& request,
                                          const std::vector<RunPoint>& train) {
  auto context = std::make_shared<MixingContext>();
  MIXRUN_ASSIGN_OR_RETURN(context->target, ResolveDomainTarget(request, "mixing"));
  context->domains = MixtureDomains(train);
  const int m = static_cast<int>(context->domains.size());
  if (m < 2 || m > kMaxMixingDomains) {
    return Status::InvalidInput("mixing: the training runs mix " + std::to_string(m) +
                                " domains; the law needs 2 to " +
                                std::to_string(kMaxMixingDomains));
  }
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(train.size(), m + 1, "mixing law per domain"));
  PreparedMixing law;
  law.metrics = context->target.metrics;
  law.reader =
      std::make_shared<MixtureReader>(context->domains, ObservedTarget(request, context->target));
  MIXRUN_ASSIGN_OR_RETURN(law.train, law.reader->Rows(train, "train"));
  std::vector<std::vector<double>> metric_values;
  for (const std::string& metric : context->target.metrics) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values, PositiveMetric(train, metric, "train"));
    metric_values.push_back(std::move(values));
  }
  law.estimator =
      std::make_unique<MixingEstimator>(std::move(context), std::move(metric_values), request);
  return law;
}

Result<LawLoader> LoadMixingLaw(const FitRequest& request, const nlohmann::json& state) {
  auto context = std::make_shared<MixingContext>();
  try {
    context->domains = state.at("domains").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored mixing fit: ") + error.what());
  }
  MIXRUN_ASSIGN_OR_RETURN(context->target, DomainTarget::FromJson(state, "mixing"));
  if (context->domains.size() < 2) {
    return Status::InvalidInput("stored mixing fit: inconsistent domains, metrics and weights");
  }
  LawLoader loader;
  loader.reader =
      std::make_shared<MixtureReader>(context->domains, ObservedTarget(request, context->target));
  loader.decode = [context](const nlohmann::json& json) -> Result<std::unique_ptr<Predictor>> {
    MIXRUN_ASSIGN_OR_RETURN(
        auto params, context->target.DecodeParams(json, context->domains.size() + 1, "mixing"));
    return std::unique_ptr<Predictor>(new MixingPredictor(context, std::move(params)));
  };
  return loader;
}

namespace {

Result<PreparedLaw> PrepareMixing(const FitRequest& request, const std::vector<RunPoint>& train) {
  MIXRUN_ASSIGN_OR_RETURN(PreparedMixing mixing, PrepareMixingStage(request, train));
  PreparedLaw law;
  law.reader = std::move(mixing.reader);
  law.estimator = std::move(mixing.estimator);
  law.train = std::move(mixing.train);
  return law;
}

}  // namespace

std::unique_ptr<LawModel> NewMixingModel(int domains) {
  if (domains < 2 || domains > kMaxMixingDomains) return nullptr;
  return MixingModelWith<3>(domains + 1);
}

std::vector<std::vector<double>> MixingStarts(int domains, int random_t, uint64_t seed) {
  Rng rng(seed, 0x6d6978ULL);
  std::vector<std::vector<double>> starts;
  starts.reserve(static_cast<size_t>(200) * std::max(random_t, 1));
  for (int c = 0; c < 10; ++c) {
    for (int k = 0; k < 20; ++k) {
      for (int draw = 0; draw < std::max(random_t, 1); ++draw) {
        std::vector<double> start = {-2.0 + 3.5 * c / 9.0, -10.0 + 11.0 * k / 19.0};
        for (int j = 0; j + 1 < domains; ++j) start.push_back(rng.Uniform(-2.0, 2.0));
        starts.push_back(std::move(start));
      }
    }
  }
  return starts;
}

Status FillMixingDefaults(FitRequest& request, const std::vector<RunPoint>& runs,
                          const nlohmann::json& config) {
  return FillDomainTargetDefaults(request, runs, config, "mixing", false);
}

const LawEntry& MixingLaw() {
  static const LawEntry entry = {
      .name = "mixing",
      .family = "mixture law (Ceres)",
      .reads = "the mixture of each run, its per-domain losses and the target",
      .prepare = PrepareMixing,
      .load = LoadMixingLaw,
      .defaults = FillMixingDefaults,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

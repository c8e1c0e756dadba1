#include "laws/mixing.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "laws/accuracy.h"
#include "laws/bootstrap.h"
#include "laws/engine.h"
#include "laws/parallel.h"
#include "laws/rng.h"
#include "laws/run_inputs.h"

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

// The fitted laws of every domain metric and how they combine into the target.
struct MixingState {
  std::vector<std::string> domains;
  std::vector<std::string> metrics;
  std::vector<double> target_weights;                       // per metric
  std::vector<std::vector<double>> fit;                     // per metric
  std::vector<std::vector<std::vector<double>>> bootstrap;  // per resample, per metric

  double Predict(const std::vector<std::vector<double>>& params, const double* weights) const {
    const int m = static_cast<int>(domains.size());
    double total = 0;
    for (size_t i = 0; i < metrics.size(); ++i) {
      if (target_weights[i] == 0) continue;
      const std::vector<double>& p = params[i];
      double exponent = p[1];
      for (int j = 0; j < m - 1; ++j) exponent += p[2 + j] * weights[j];
      total += target_weights[i] * (std::exp(p[0]) + std::exp(exponent));
    }
    return total;
  }

  nlohmann::json ToJson() const {
    return {{"domains", domains},
            {"metrics", metrics},
            {"target_weights", target_weights},
            {"fit", fit},
            {"bootstrap", bootstrap}};
  }
};

// Weights per metric, from request.target_weights or a named target domain.
Result<std::vector<double>> TargetWeights(const FitRequest& request) {
  std::vector<double> weights(request.domain_metrics.size(), 0.0);
  if (request.target_weights.empty()) {
    for (size_t i = 0; i < weights.size(); ++i) {
      if (request.domain_metrics[i] == request.metric) weights[i] = 1.0;
    }
    if (request.metric.empty() || std::count(weights.begin(), weights.end(), 1.0) != 1) {
      return Status::InvalidInput(
          "mixing: give target weights over the domain metrics, or a target metric that is one "
          "of them");
    }
    return weights;
  }
  bool normalised = false;
  MIXRUN_ASSIGN_OR_RETURN(Mixture target, NormalisedMixture(request.target_weights,
                                                            "mixing target weights", &normalised));
  if (normalised) spdlog::warn("mixing target weights did not sum to 1 (off by < 1%); rescaled");
  for (const auto& [metric, weight] : target) {
    auto it = std::find(request.domain_metrics.begin(), request.domain_metrics.end(), metric);
    if (it == request.domain_metrics.end()) {
      return Status::InvalidInput("mixing: target weight on '" + metric +
                                  "', which is not among the domain metrics");
    }
    weights[it - request.domain_metrics.begin()] = weight;
  }
  return weights;
}

// The observed target of each run: the target metric when named, else Σ w_i · domain metric i.
Result<std::vector<double>> TargetValues(const FitRequest& request,
                                         const std::vector<RunPoint>& runs,
                                         const std::vector<double>& target_weights,
                                         const std::string& set_name) {
  if (!request.metric.empty()) return PositiveMetric(runs, request.metric, set_name);
  std::vector<double> total(runs.size(), 0.0);
  for (size_t i = 0; i < request.domain_metrics.size(); ++i) {
    if (target_weights[i] == 0) continue;
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values,
                            PositiveMetric(runs, request.domain_metrics[i], set_name));
    for (size_t r = 0; r < runs.size(); ++r) total[r] += target_weights[i] * values[r];
  }
  return total;
}

std::string ParamName(const std::string& kind, const std::string& metric) {
  return kind + "[" + metric + "]";
}

// Readable parameters of one domain law: c, k and t per non-reference domain.
void NameParams(const MixingState& state, size_t metric, const std::vector<double>& p,
                std::map<std::string, double>& out) {
  const std::string& name = state.metrics[metric];
  out[ParamName("c", name)] = std::exp(p[0]);
  out[ParamName("k", name)] = std::exp(p[1]);
  for (size_t j = 0; j + 1 < state.domains.size(); ++j) {
    out[ParamName("t", name) + "[" + state.domains[j] + "]"] = p[2 + j];
  }
}

class FittedMixingLaw : public FittedLaw {
 public:
  explicit FittedMixingLaw(MixingState state) : state_(std::move(state)) {}
  std::string law() const override { return "mixing"; }
  std::vector<std::string> domains() const override { return state_.domains; }

  Result<double> Predict(const RunPoint& run) const override {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> weights,
                            MixtureMatrix({run}, state_.domains, "prediction", false));
    return state_.Predict(state_.fit, weights.data());
  }
  std::vector<double> PredictBootstrap(const RunPoint& run) const override {
    auto weights = MixtureMatrix({run}, state_.domains, "prediction", false);
    if (!weights.ok()) return {};
    std::vector<double> predictions;
    for (const auto& set : state_.bootstrap)
      predictions.push_back(state_.Predict(set, weights->data()));
    return predictions;
  }
  Result<std::vector<double>> PredictMixtures(const std::vector<double>& weights,
                                              size_t rows) const override {
    const size_t m = state_.domains.size();
    if (weights.size() != rows * m) {
      return Status::InvalidInput("PredictMixtures: expected " + std::to_string(rows) +
                                  " rows of " + std::to_string(m) + " weights");
    }
    std::vector<double> predictions(rows);
    for (size_t r = 0; r < rows; ++r) predictions[r] = state_.Predict(state_.fit, &weights[r * m]);
    return predictions;
  }

 private:
  MixingState state_;
};

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

Result<FitReport> FitMixingLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                               const std::vector<RunPoint>& test) {
  if (request.domain_metrics.empty()) {
    return Status::InvalidInput("mixing: give the per-domain metrics to fit (one law each)");
  }
  MixingState state;
  state.metrics = request.domain_metrics;
  state.domains = MixtureDomains(train);
  const int m = static_cast<int>(state.domains.size());
  if (m < 2 || m > kMaxMixingDomains) {
    return Status::InvalidInput("mixing: the training runs mix " + std::to_string(m) +
                                " domains; the law needs 2 to " +
                                std::to_string(kMaxMixingDomains));
  }
  MIXRUN_ASSIGN_OR_RETURN(state.target_weights, TargetWeights(request));
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(train.size(), m + 1, "mixing law per domain"));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> matrix, MixtureMatrix(train, state.domains, "train"));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> target,
                          TargetValues(request, train, state.target_weights, "train"));
  const std::unique_ptr<LawModel> model = NewMixingModel(m);
  const double delta = request.huber_delta.value_or(kMixingHuberDelta);
  EngineOptions engine;
  engine.huber_delta = delta;
  engine.threads = request.threads;

  FitReport report;
  report.law = "mixing";
  report.options = request.ToJson();
  const size_t metric_count = state.metrics.size();
  std::vector<Observations> per_metric(metric_count);
  std::vector<std::vector<std::vector<double>>> candidates(metric_count);
  nlohmann::json domain_stats = nlohmann::json::object();
  double objective = 0;
  for (size_t i = 0; i < metric_count; ++i) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values,
                            PositiveMetric(train, state.metrics[i], "train"));
    per_metric[i].num_features = m;
    per_metric[i].x = matrix;
    per_metric[i].y = std::move(values);
    // Each metric draws its random t vectors from its own stream of the seed.
    auto fit =
        FitMultiStart(*model, per_metric[i],
                      MixingStarts(m, request.mixing_random_starts, request.seed + i), engine);
    if (!fit.ok()) return fit.status().WithContext("mixing law of " + state.metrics[i]);
    state.fit.push_back(fit->params);
    candidates[i] = fit->candidates;
    objective += fit->objective;
    NameParams(state, i, fit->params, report.params);
    std::vector<double> predicted;
    for (size_t r = 0; r < train.size(); ++r) {
      predicted.push_back(model->Predict(fit->params.data(), per_metric[i].row(r)));
    }
    const Accuracy accuracy = MeasureAccuracy(predicted, per_metric[i].y);
    domain_stats[state.metrics[i]] = {
        {"objective", fit->objective}, {"rmse", accuracy.rmse}, {"mre", accuracy.mre}};
  }

  std::vector<double> predicted(train.size());
  for (size_t r = 0; r < train.size(); ++r) {
    predicted[r] = state.Predict(state.fit, &matrix[r * m]);
  }
  const Accuracy in_sample = MeasureAccuracy(predicted, target);
  report.stats = {{"objective", objective}, {"rmse", in_sample.rmse}, {"mre", in_sample.mre},
                  {"n", train.size()},      {"huber_delta", delta},   {"domains", domain_stats}};

  if (request.bootstrap > 0) {
    // Every domain law refits on the same resample, so a set predicts the target coherently.
    std::vector<std::vector<std::vector<double>>> sets(request.bootstrap);
    ParallelFor(sets.size(), request.threads, [&](size_t b) {
      const std::vector<double> counts = ResampleCounts(train.size(), request.seed, b);
      for (size_t i = 0; i < metric_count; ++i) {
        Observations resample = per_metric[i];
        resample.multiplicity = counts;
        RefitResult refit = RefitTightly(*model, resample, state.fit[i], delta);
        if (!refit.usable) {
          sets[b].clear();
          return;
        }
        sets[b].push_back(std::move(refit.params));
      }
    });
    std::map<std::string, std::vector<double>> samples;
    for (auto& set : sets) {
      if (set.empty()) continue;
      std::map<std::string, double> named;
      for (size_t i = 0; i < metric_count; ++i) NameParams(state, i, set[i], named);
      for (const auto& [name, value] : named) samples[name].push_back(value);
      state.bootstrap.push_back(std::move(set));
    }
    report.stats["bootstrap"] = state.bootstrap.size();
    for (const auto& [name, values] : samples) {
      const SampleSummary summary = Summarize(values);
      report.standard_errors[name] = summary.standard_error;
      report.intervals[name] = {summary.low, summary.high};
    }
  }

  if (!test.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> test_matrix,
                            MixtureMatrix(test, state.domains, "test"));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> test_target,
                            TargetValues(request, test, state.target_weights, "test"));
    std::vector<double> test_predicted(test.size());
    for (size_t r = 0; r < test.size(); ++r) {
      test_predicted[r] = state.Predict(state.fit, &test_matrix[r * m]);
    }
    report.stats["test"] = HeldOutJson(MeasureAccuracy(test_predicted, test_target));
  }

  if (request.kfold >= 2) {
    const std::vector<int> fold = KFoldAssignment(train.size(), request.kfold, request.seed);
    std::vector<double> fold_predicted(train.size());
    ParallelFor(request.kfold, request.threads, [&](size_t f) {
      const int which = static_cast<int>(f);
      std::vector<std::vector<double>> fold_fit(metric_count);
      for (size_t i = 0; i < metric_count; ++i) {
        const Observations fitting = per_metric[i].Fold(fold, which, false);
        double best = std::numeric_limits<double>::infinity();
        fold_fit[i] = state.fit[i];
        for (const auto& candidate : candidates[i]) {
          RefitResult refit = RefitTightly(*model, fitting, candidate, delta);
          if (refit.usable && refit.objective < best) {
            best = refit.objective;
            fold_fit[i] = refit.params;
          }
        }
      }
      for (size_t r = 0; r < train.size(); ++r) {
        if (fold[r] == which) fold_predicted[r] = state.Predict(fold_fit, &matrix[r * m]);
      }
    });
    report.stats["kfold"] = HeldOutJson(MeasureAccuracy(fold_predicted, target));
    report.stats["kfold"]["k"] = request.kfold;
    if (test.empty()) report.stats["test"] = report.stats["kfold"];
  }
  report.state = state.ToJson();
  return report;
}

Result<std::unique_ptr<FittedLaw>> LoadMixingLaw(const nlohmann::json& json) {
  MixingState state;
  try {
    state.domains = json.at("domains").get<std::vector<std::string>>();
    state.metrics = json.at("metrics").get<std::vector<std::string>>();
    state.target_weights = json.at("target_weights").get<std::vector<double>>();
    state.fit = json.at("fit").get<std::vector<std::vector<double>>>();
    if (json.contains("bootstrap")) {
      state.bootstrap = json.at("bootstrap").get<std::vector<std::vector<std::vector<double>>>>();
    }
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored mixing fit: ") + error.what());
  }
  const size_t params = state.domains.size() + 1;
  bool consistent = state.domains.size() >= 2 &&
                    state.target_weights.size() == state.metrics.size() &&
                    state.fit.size() == state.metrics.size();
  for (const auto& p : state.fit) consistent = consistent && p.size() == params;
  for (const auto& set : state.bootstrap) {
    consistent = consistent && set.size() == state.metrics.size();
    for (const auto& p : set) consistent = consistent && p.size() == params;
  }
  if (!consistent) return Status::InvalidInput("stored mixing fit: inconsistent parameter sizes");
  return std::unique_ptr<FittedLaw>(new FittedMixingLaw(std::move(state)));
}

}  // namespace mixrun

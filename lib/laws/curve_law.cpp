#include "laws/curve_law.h"

#include <cmath>

#include "laws/accuracy.h"
#include "laws/bootstrap.h"
#include "laws/engine.h"
#include "laws/parallel.h"

namespace mixrun {
namespace {

// Predictions and actual values in loss space (exp of the log-space model).
void PredictLosses(const LawModel& model, const std::vector<double>& params,
                   const Observations& observations, std::vector<double>& predicted,
                   std::vector<double>& actual) {
  for (size_t i = 0; i < observations.size(); ++i) {
    predicted.push_back(std::exp(model.Predict(params.data(), observations.row(i))));
    actual.push_back(std::exp(observations.y[i]));
  }
}

// Out-of-fold predictions: each fold refits from the full fit's polished candidates.
Accuracy KFold(const CurveLawSpec& spec, const Observations& train, const EngineFit& fit,
               const FitRequest& request) {
  const std::vector<int> fold = KFoldAssignment(train.size(), request.kfold, request.seed);
  std::vector<std::vector<double>> fold_params(request.kfold);
  ParallelFor(fold_params.size(), request.threads, [&](size_t f) {
    const Observations fitting = train.Fold(fold, static_cast<int>(f), false);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& candidate : fit.candidates) {
      RefitResult refit = RefitTightly(*spec.model, fitting, candidate, spec.huber_delta);
      if (refit.usable && refit.objective < best) {
        best = refit.objective;
        fold_params[f] = refit.params;
      }
    }
    if (fold_params[f].empty()) fold_params[f] = fit.params;
  });
  std::vector<double> predicted, actual;
  for (int f = 0; f < request.kfold; ++f) {
    PredictLosses(*spec.model, fold_params[f], train.Fold(fold, f, true), predicted, actual);
  }
  return MeasureAccuracy(predicted, actual);
}

std::map<std::string, double> AllNamed(const CurveLawSpec& spec, const std::vector<double>& p) {
  std::map<std::string, double> values = spec.named(p);
  if (spec.derived) values.merge(spec.derived(p));
  return values;
}

class FittedCurveLaw : public FittedLaw {
 public:
  FittedCurveLaw(CurveLawSpec spec, std::vector<double> params,
                 std::vector<std::vector<double>> bootstrap)
      : spec_(std::move(spec)), params_(std::move(params)), bootstrap_(std::move(bootstrap)) {}

  std::string law() const override { return spec_.law; }
  Result<double> Predict(const RunPoint& run) const override {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> features, spec_.features(run));
    return std::exp(spec_.model->Predict(params_.data(), features.data()));
  }
  std::vector<double> PredictBootstrap(const RunPoint& run) const override {
    auto features = spec_.features(run);
    if (!features.ok()) return {};
    std::vector<double> predictions;
    predictions.reserve(bootstrap_.size());
    for (const auto& set : bootstrap_) {
      predictions.push_back(std::exp(spec_.model->Predict(set.data(), features->data())));
    }
    return predictions;
  }

 private:
  CurveLawSpec spec_;
  std::vector<double> params_;
  std::vector<std::vector<double>> bootstrap_;
};

}  // namespace

Result<FitReport> FitCurveLaw(const CurveLawSpec& spec, const Observations& train,
                              const Observations& test, const FitRequest& request) {
  EngineOptions engine;
  engine.huber_delta = spec.huber_delta;
  engine.threads = request.threads;
  MIXRUN_ASSIGN_OR_RETURN(EngineFit fit, FitMultiStart(*spec.model, train, spec.starts, engine));

  FitReport report;
  report.law = spec.law;
  report.options = request.ToJson();
  report.params = spec.named(fit.params);
  if (spec.derived) report.derived = spec.derived(fit.params);

  std::vector<double> predicted, actual;
  PredictLosses(*spec.model, fit.params, train, predicted, actual);
  const Accuracy in_sample = MeasureAccuracy(predicted, actual);
  report.stats = {{"objective", fit.objective},
                  {"rmse", in_sample.rmse},
                  {"mre", in_sample.mre},
                  {"n", train.size()},
                  {"huber_delta", spec.huber_delta}};

  std::vector<std::vector<double>> sets;
  if (request.bootstrap > 0) {
    BootstrapOptions options{request.bootstrap, request.seed, request.threads, spec.huber_delta};
    sets = BootstrapRefits(*spec.model, train, fit.params, options);
    report.stats["bootstrap"] = sets.size();
    std::map<std::string, std::vector<double>> samples;
    for (const auto& set : sets) {
      for (const auto& [name, value] : AllNamed(spec, set)) samples[name].push_back(value);
    }
    for (const auto& [name, values] : samples) {
      const SampleSummary summary = Summarize(values);
      report.standard_errors[name] = summary.standard_error;
      report.intervals[name] = {summary.low, summary.high};
    }
  }
  if (test.size() > 0) {
    std::vector<double> test_predicted, test_actual;
    PredictLosses(*spec.model, fit.params, test, test_predicted, test_actual);
    report.stats["test"] = HeldOutJson(MeasureAccuracy(test_predicted, test_actual));
  }
  if (request.kfold >= 2) {
    report.stats["kfold"] = HeldOutJson(KFold(spec, train, fit, request));
    report.stats["kfold"]["k"] = request.kfold;
    if (test.size() == 0) report.stats["test"] = report.stats["kfold"];
  }
  report.state = {{"fit", fit.params}, {"bootstrap", sets}};
  return report;
}

Result<std::unique_ptr<FittedLaw>> LoadCurveLaw(CurveLawSpec spec, const nlohmann::json& state) {
  std::vector<double> params;
  std::vector<std::vector<double>> bootstrap;
  try {
    params = state.at("fit").get<std::vector<double>>();
    if (state.contains("bootstrap")) {
      bootstrap = state.at("bootstrap").get<std::vector<std::vector<double>>>();
    }
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput("stored " + spec.law + " fit: " + error.what());
  }
  const size_t expected = static_cast<size_t>(spec.model->num_params());
  bool sizes_match = params.size() == expected;
  for (const auto& set : bootstrap) sizes_match = sizes_match && set.size() == expected;
  if (!sizes_match) {
    return Status::InvalidInput("stored " + spec.law + " fit: expected " +
                                std::to_string(expected) + " parameters per set");
  }
  return std::unique_ptr<FittedLaw>(
      new FittedCurveLaw(std::move(spec), std::move(params), std::move(bootstrap)));
}

}  // namespace mixrun

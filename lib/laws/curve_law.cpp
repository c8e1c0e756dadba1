#include "laws/curve_law.h"

#include <cmath>
#include <limits>

#include "fit/run_inputs.h"
#include "laws/engine.h"

namespace mixrun {
namespace {

class CurveReader : public RunReader {
 public:
  explicit CurveReader(std::shared_ptr<const CurveLawSpec> spec) : spec_(std::move(spec)) {}
  Result<std::vector<double>> Features(const RunPoint& run) const override {
    return spec_->features(run);
  }
  Result<FitRows> Rows(const std::vector<RunPoint>& runs,
                       const std::string& set_name) const override {
    MIXRUN_ASSIGN_OR_RETURN(FitRows rows, spec_->rows(runs, set_name));
    rows.feature_names = spec_->feature_names;
    return rows;
  }

 private:
  std::shared_ptr<const CurveLawSpec> spec_;
};

class CurvePredictor : public Predictor {
 public:
  CurvePredictor(std::shared_ptr<const CurveLawSpec> spec, std::vector<double> params)
      : spec_(std::move(spec)), params_(std::move(params)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    std::vector<double> predictions(rows);
    const size_t features = feature_count();
    for (size_t r = 0; r < rows; ++r) {
      const double predicted = spec_->model->Predict(params_.data(), x + r * features);
      predictions[r] = spec_->log_target ? std::exp(predicted) : predicted;
      if (!std::isfinite(predictions[r])) {
        return Status::InvalidInput(
            spec_->law + ": the fitted law is undefined at this point" +
            (spec_->undefined_hint.empty() ? "" : " (" + spec_->undefined_hint + ")"));
      }
    }
    return predictions;
  }
  std::map<std::string, double> Params() const override { return spec_->named(params_); }
  std::map<std::string, double> Derived() const override {
    return spec_->derived ? spec_->derived(params_) : std::map<std::string, double>{};
  }
  Result<nlohmann::json> ToJson() const override { return nlohmann::json(params_); }

 private:
  size_t feature_count() const { return static_cast<size_t>(spec_->num_features); }
  std::shared_ptr<const CurveLawSpec> spec_;
  std::vector<double> params_;
};

// The observations in the fitting space (log y, or y) of the rows with weight > 0, weighted by it
// (a bootstrap's counts).
Observations FittingObservations(const FitRows& rows, const std::vector<double>* weights,
                                 bool log_target) {
  Observations observations;
  observations.num_features = rows.num_features;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double weight = weights ? (*weights)[i] : 1.0;
    if (weight == 0) continue;
    observations.x.insert(observations.x.end(), rows.row(i), rows.row(i) + rows.num_features);
    observations.y.push_back(log_target ? std::log(rows.y[i]) : rows.y[i]);
    if (weights) observations.multiplicity.push_back(weight);
  }
  return observations;
}

class CurveEstimator : public Estimator {
 public:
  CurveEstimator(std::shared_ptr<const CurveLawSpec> spec, int threads)
      : spec_(std::move(spec)), threads_(threads) {}

  int num_params() const override { return spec_->model->num_params(); }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    EngineOptions engine;
    engine.huber_delta = spec_->huber_delta;
    engine.threads = threads_;
    const Observations observations = FittingObservations(rows, nullptr, spec_->log_target);
    MIXRUN_ASSIGN_OR_RETURN(EngineFit fit,
                            FitMultiStart(*spec_->model, observations, spec_->starts, engine));
    best_ = fit.params;
    candidates_ = fit.candidates;
    EstimatorFit out;
    out.predictor = std::make_unique<CurvePredictor>(spec_, fit.params);
    out.objective = fit.objective;
    out.extra = {{"huber_delta", spec_->huber_delta}};
    out.warnings = BoundWarnings(*spec_->model, fit.params, spec_->law);
    return out;
  }

  // A bootstrap refit converges tightly from the best point; a fold's refit from every polished
  // candidate of the full fit, keeping the best (a fold may prefer another basin).
  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    const Observations observations = FittingObservations(rows, &weights, spec_->log_target);
    if (purpose == Purpose::kBootstrap) {
      RefitResult refit = RefitTightly(*spec_->model, observations, best_, spec_->huber_delta);
      if (!refit.usable) return Status::Failed(spec_->law + ": bootstrap refit did not converge");
      return std::unique_ptr<Predictor>(new CurvePredictor(spec_, std::move(refit.params)));
    }
    std::vector<double> chosen = best_;
    double best = std::numeric_limits<double>::infinity();
    for (const auto& candidate : candidates_) {
      RefitResult refit = RefitTightly(*spec_->model, observations, candidate, spec_->huber_delta);
      if (refit.usable && refit.objective < best) {
        best = refit.objective;
        chosen = std::move(refit.params);
      }
    }
    return std::unique_ptr<Predictor>(new CurvePredictor(spec_, std::move(chosen)));
  }

 private:
  std::shared_ptr<const CurveLawSpec> spec_;
  int threads_;
  std::vector<double> best_;
  std::vector<std::vector<double>> candidates_;
};

}  // namespace

Result<FitRows> MetricRows(
    const std::vector<RunPoint>& runs, const std::string& metric, const std::string& set_name,
    int num_features, const std::function<Result<std::vector<double>>(const RunPoint&)>& features) {
  FitRows rows;
  rows.num_features = num_features;
  MIXRUN_ASSIGN_OR_RETURN(rows.y, PositiveMetric(runs, metric, set_name));
  for (const RunPoint& run : runs) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> row, features(run));
    rows.x.insert(rows.x.end(), row.begin(), row.end());
  }
  return rows;
}

Result<PreparedLaw> PrepareCurveLaw(std::shared_ptr<const CurveLawSpec> spec,
                                    const FitRequest& request, const std::vector<RunPoint>& train) {
  PreparedLaw law;
  law.reader = std::make_shared<CurveReader>(spec);
  MIXRUN_ASSIGN_OR_RETURN(law.train, law.reader->Rows(train, "train"));
  const size_t fewest =
      spec->min_points > 0 ? spec->min_points : static_cast<size_t>(spec->model->num_params()) + 1;
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(law.train.size(), fewest - 1, spec->law + " law"));
  law.estimator = NewCurveEstimator(std::move(spec), request.threads);
  return law;
}

std::unique_ptr<Estimator> NewCurveEstimator(std::shared_ptr<const CurveLawSpec> spec,
                                             int threads) {
  return std::make_unique<CurveEstimator>(std::move(spec), threads);
}

std::unique_ptr<Predictor> NewCurvePredictor(std::shared_ptr<const CurveLawSpec> spec,
                                             std::vector<double> params) {
  return std::make_unique<CurvePredictor>(std::move(spec), std::move(params));
}

LawLoader LoadCurveLaw(std::shared_ptr<const CurveLawSpec> spec) {
  LawLoader loader;
  loader.reader = std::make_shared<CurveReader>(spec);
  loader.decode = [spec](const nlohmann::json& json) -> Result<std::unique_ptr<Predictor>> {
    if (!json.is_array() || json.size() != static_cast<size_t>(spec->model->num_params())) {
      return Status::InvalidInput("stored " + spec->law + " fit: expected " +
                                  std::to_string(spec->model->num_params()) +
                                  " parameters per set");
    }
    std::vector<double> params;
    for (const auto& value : json) {
      if (!value.is_number())
        return Status::InvalidInput("stored " + spec->law + " fit: not a number");
      params.push_back(value.get<double>());
    }
    return NewCurvePredictor(spec, std::move(params));
  };
  return loader;
}

}  // namespace mixrun

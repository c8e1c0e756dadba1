#include "regress/regmix.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <optional>

#include "laws/accuracy.h"
#include "laws/bootstrap.h"
#include "laws/parallel.h"
#include "laws/parametric_laws.h"
#include "laws/run_inputs.h"
#include "regress/base64.h"
#include "regress/gbdt.h"
#include "regress/linear_model.h"

namespace mixrun {
namespace {

constexpr int kDefaultCvFolds = 5;

// A fitted regression of any kind: predicts the target loss for rows of weights.
class Regression {
 public:
  std::string kind;  // linear | loglinear | gbdt
  std::vector<std::string> domains;
  LinearModel linear;
  std::vector<LinearModel> bootstrap;
  std::optional<Gbdt> gbdt;

  Result<std::vector<double>> Predict(const double* rows_x, size_t rows) const {
    if (gbdt) return gbdt->Predict(rows_x, rows, domains.size());
    std::vector<double> predictions(rows);
    for (size_t r = 0; r < rows; ++r) predictions[r] = Linear(linear, rows_x + r * domains.size());
    return predictions;
  }
  double Linear(const LinearModel& model, const double* row) const {
    const double value = model.Predict(row);
    return kind == "loglinear" ? std::exp(value) : value;
  }
};

// Trains the regression `kind` on rows (gbdt with the given hyper-parameters).
Result<Regression> Train(const std::string& kind, const std::vector<std::string>& domains,
                         const std::vector<double>& x, const std::vector<double>& y,
                         const FitRequest& request, const GbdtParams& gbdt_params) {
  Regression regression;
  regression.kind = kind;
  regression.domains = domains;
  const size_t rows = y.size(), cols = domains.size();
  if (kind == "gbdt") {
    // One thread: on a few hundred rows xgboost's threads only add synchronisation, and the
    // model then cannot depend on the thread count.
    MIXRUN_ASSIGN_OR_RETURN(Gbdt model,
                            Gbdt::Train(x, rows, cols, y, gbdt_params, 1, request.seed));
    regression.gbdt.emplace(std::move(model));
    return regression;
  }
  std::vector<double> target = y;
  if (kind == "loglinear") {
    for (double& value : target) value = std::log(value);
  }
  regression.linear = FitLinear(x, rows, cols, target, request.ridge);
  return regression;
}

std::vector<double> SelectRows(const std::vector<double>& values, size_t width,
                               const std::vector<int>& fold, int which, bool keep) {
  std::vector<double> subset;
  for (size_t i = 0; i < fold.size(); ++i) {
    if ((fold[i] == which) == keep) {
      subset.insert(subset.end(), values.begin() + i * width, values.begin() + (i + 1) * width);
    }
  }
  return subset;
}

void NameLinear(const Regression& regression, const LinearModel& model,
                std::map<std::string, double>& out) {
  out["intercept"] = model.intercept;
  for (size_t j = 0; j < regression.domains.size(); ++j) {
    out["w[" + regression.domains[j] + "]"] = model.coefficients[j];
  }
}

class FittedRegmix : public FittedLaw {
 public:
  explicit FittedRegmix(Regression regression) : regression_(std::move(regression)) {}
  std::string law() const override { return "regmix"; }
  std::vector<std::string> domains() const override { return regression_.domains; }

  Result<double> Predict(const RunPoint& run) const override {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> row,
                            MixtureMatrix({run}, regression_.domains, "prediction", false));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted, regression_.Predict(row.data(), 1));
    return predicted[0];
  }
  std::vector<double> PredictBootstrap(const RunPoint& run) const override {
    auto row = MixtureMatrix({run}, regression_.domains, "prediction", false);
    if (!row.ok()) return {};
    std::vector<double> predictions;
    for (const auto& model : regression_.bootstrap) {
      predictions.push_back(regression_.Linear(model, row->data()));
    }
    return predictions;
  }
  Result<std::vector<double>> PredictMixtures(const std::vector<double>& weights,
                                              size_t rows) const override {
    if (weights.size() != rows * regression_.domains.size()) {
      return Status::InvalidInput("PredictMixtures: expected " + std::to_string(rows) +
                                  " rows of " + std::to_string(regression_.domains.size()) +
                                  " weights");
    }
    return regression_.Predict(weights.data(), rows);
  }

 private:
  Regression regression_;
};

}  // namespace

Result<FitReport> FitRegmixLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                               const std::vector<RunPoint>& test) {
  MIXRUN_RETURN_IF_ERROR(CheckCommonRequest(request, train.size()));
  const std::string& kind = request.model;
  if (kind != "linear" && kind != "loglinear" && kind != "gbdt") {
    return Status::InvalidInput("regmix: model must be linear, loglinear or gbdt, not '" + kind +
                                "'");
  }
  if (request.ridge < 0) return Status::InvalidInput("regmix: ridge must be non-negative");
  const std::vector<std::string> domains = MixtureDomains(train);
  const size_t cols = domains.size();
  if (cols == 0) return Status::InvalidInput("regmix: the training runs have no mixture weights");
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> y, PositiveMetric(train, request.metric, "train"));
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> x, MixtureMatrix(train, domains, "train"));
  const size_t rows = y.size();
  if (kind == "gbdt") {
    MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(rows, 2 * kDefaultCvFolds - 1, "regmix gbdt"));
  } else if (request.ridge == 0) {
    // Weights summing to 1 make one coefficient redundant next to the intercept.
    MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(rows, cols, "regmix " + kind));
  }

  FitReport report;
  report.law = "regmix";
  report.options = request.ToJson();
  GbdtParams gbdt_params;
  nlohmann::json cv;
  if (kind == "gbdt") {
    const int folds = request.kfold >= 2 ? request.kfold : kDefaultCvFolds;
    MIXRUN_ASSIGN_OR_RETURN(GbdtChoice choice, ChooseGbdtParams(x, rows, cols, y, folds,
                                                                request.threads, request.seed));
    gbdt_params = choice.params;
    cv = {{"folds", folds},
          {"rmse", choice.cv_rmse},
          {"spearman", choice.cv_spearman},
          {"grid", choice.grid}};
    const nlohmann::json chosen = gbdt_params.ToJson();
    for (const auto& [name, value] : chosen.items()) report.params[name] = value.get<double>();
  }
  MIXRUN_ASSIGN_OR_RETURN(Regression regression, Train(kind, domains, x, y, request, gbdt_params));
  if (kind != "gbdt") NameLinear(regression, regression.linear, report.params);

  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> fitted, regression.Predict(x.data(), rows));
  const Accuracy in_sample = MeasureAccuracy(fitted, y);
  report.stats = {{"objective", in_sample.rmse * in_sample.rmse * static_cast<double>(rows)},
                  {"rmse", in_sample.rmse},
                  {"mre", in_sample.mre},
                  {"n", rows},
                  {"spearman", in_sample.spearman}};
  if (!cv.is_null()) report.stats["cv"] = cv;

  if (request.bootstrap > 0 && kind == "gbdt") {
    spdlog::warn("regmix gbdt: bootstrap intervals are not computed for gradient-boosted trees");
  } else if (request.bootstrap > 0) {
    std::vector<LinearModel> sets(request.bootstrap);
    std::vector<double> target = y;
    if (kind == "loglinear") {
      for (double& value : target) value = std::log(value);
    }
    ParallelFor(sets.size(), request.threads, [&](size_t b) {
      sets[b] =
          FitLinear(x, rows, cols, target, request.ridge, ResampleCounts(rows, request.seed, b));
    });
    std::map<std::string, std::vector<double>> samples;
    for (const auto& set : sets) {
      std::map<std::string, double> named;
      NameLinear(regression, set, named);
      for (const auto& [name, value] : named) samples[name].push_back(value);
    }
    for (const auto& [name, values] : samples) {
      const SampleSummary summary = Summarize(values);
      report.standard_errors[name] = summary.standard_error;
      report.intervals[name] = {summary.low, summary.high};
    }
    regression.bootstrap = std::move(sets);
    report.stats["bootstrap"] = regression.bootstrap.size();
  }

  if (!test.empty()) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> test_y,
                            PositiveMetric(test, request.metric, "test"));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> test_x, MixtureMatrix(test, domains, "test"));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted,
                            regression.Predict(test_x.data(), test.size()));
    report.stats["test"] = HeldOutJson(MeasureAccuracy(predicted, test_y));
  }
  if (request.kfold >= 2) {
    const std::vector<int> fold = KFoldAssignment(rows, request.kfold, request.seed);
    std::vector<double> out_of_fold(rows);
    for (int f = 0; f < request.kfold; ++f) {
      const std::vector<double> fit_x = SelectRows(x, cols, fold, f, false);
      const std::vector<double> fit_y = SelectRows(y, 1, fold, f, false);
      const std::vector<double> held_x = SelectRows(x, cols, fold, f, true);
      MIXRUN_ASSIGN_OR_RETURN(Regression model,
                              Train(kind, domains, fit_x, fit_y, request, gbdt_params));
      MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted,
                              model.Predict(held_x.data(), held_x.size() / cols));
      for (size_t i = 0, h = 0; i < rows; ++i) {
        if (fold[i] == f) out_of_fold[i] = predicted[h++];
      }
    }
    report.stats["kfold"] = HeldOutJson(MeasureAccuracy(out_of_fold, y));
    report.stats["kfold"]["k"] = request.kfold;
    if (test.empty()) report.stats["test"] = report.stats["kfold"];
  }

  report.state = {{"model", kind}, {"domains", domains}};
  if (regression.gbdt) {
    MIXRUN_ASSIGN_OR_RETURN(std::string bytes, regression.gbdt->Save());
    report.state["booster_ubj_base64"] = Base64Encode(bytes);
  } else {
    report.state["intercept"] = regression.linear.intercept;
    report.state["coefficients"] = regression.linear.coefficients;
    nlohmann::json sets = nlohmann::json::array();
    for (const auto& set : regression.bootstrap) {
      nlohmann::json row = {set.intercept};
      for (double c : set.coefficients) row.push_back(c);
      sets.push_back(row);
    }
    report.state["bootstrap"] = sets;  // each: intercept, then coefficients in domain order
  }
  return report;
}

Result<std::unique_ptr<FittedLaw>> LoadRegmixLaw(const nlohmann::json& options,
                                                 const nlohmann::json& state) {
  Regression regression;
  try {
    regression.kind = state.at("model").get<std::string>();
    regression.domains = state.at("domains").get<std::vector<std::string>>();
    const size_t cols = regression.domains.size();
    if (regression.kind == "gbdt") {
      MIXRUN_ASSIGN_OR_RETURN(std::string bytes,
                              Base64Decode(state.at("booster_ubj_base64").get<std::string>()));
      const int threads = options.is_object() ? options.value("threads", 2) : 2;
      MIXRUN_ASSIGN_OR_RETURN(Gbdt model, Gbdt::Load(bytes, std::max(threads, 1)));
      regression.gbdt.emplace(std::move(model));
    } else if (regression.kind == "linear" || regression.kind == "loglinear") {
      regression.linear.intercept = state.at("intercept").get<double>();
      regression.linear.coefficients = state.at("coefficients").get<std::vector<double>>();
      if (regression.linear.coefficients.size() != cols) {
        return Status::InvalidInput("stored regmix fit: coefficients do not match the domains");
      }
      const nlohmann::json sets =
          state.contains("bootstrap") ? state.at("bootstrap") : nlohmann::json::array();
      for (const auto& row : sets) {
        const auto values = row.get<std::vector<double>>();
        if (values.size() != cols + 1) {
          return Status::InvalidInput("stored regmix fit: bootstrap set of the wrong size");
        }
        regression.bootstrap.push_back({values[0], {values.begin() + 1, values.end()}});
      }
    } else {
      return Status::InvalidInput("stored regmix fit: unknown model '" + regression.kind + "'");
    }
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored regmix fit: ") + error.what());
  }
  return std::unique_ptr<FittedLaw>(new FittedRegmix(std::move(regression)));
}

}  // namespace mixrun

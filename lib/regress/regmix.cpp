#include "regress/regmix.h"

#include <cmath>
#include <optional>

#include "fit/run_inputs.h"
#include "regress/base64.h"
#include "regress/gaussian_process.h"
#include "regress/gbdt.h"
#include "regress/linear_model.h"

namespace mixrun {
namespace {

constexpr int kDefaultCvFolds = 5;

// What every parameter set of one fit shares.
struct RegmixContext {
  std::string kind;  // linear | loglinear | gbdt | gp
  std::vector<std::string> domains;
  int threads = 1;  // gbdt and gp prediction
};

class LinearPredictor : public Predictor {
 public:
  LinearPredictor(std::shared_ptr<const RegmixContext> context, LinearModel model)
      : context_(std::move(context)), model_(std::move(model)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    const size_t cols = context_->domains.size();
    const bool log_space = context_->kind == "loglinear";
    std::vector<double> predictions(rows);
    for (size_t r = 0; r < rows; ++r) {
      const double value = model_.Predict(x + r * cols);
      predictions[r] = log_space ? std::exp(value) : value;
    }
    return predictions;
  }
  std::map<std::string, double> Params() const override {
    std::map<std::string, double> out = {{"intercept", model_.intercept}};
    for (size_t j = 0; j < context_->domains.size(); ++j) {
      out["w[" + context_->domains[j] + "]"] = model_.coefficients[j];
    }
    return out;
  }
  // [intercept, coefficients in domain order]
  Result<nlohmann::json> ToJson() const override {
    nlohmann::json row = {model_.intercept};
    for (double c : model_.coefficients) row.push_back(c);
    return row;
  }

 private:
  std::shared_ptr<const RegmixContext> context_;
  LinearModel model_;
};

class GbdtPredictor : public Predictor {
 public:
  // `chosen` (the hyper-parameters) is reported by the full fit only: refits share it.
  GbdtPredictor(std::shared_ptr<const RegmixContext> context, std::shared_ptr<const Gbdt> model,
                std::map<std::string, double> chosen = {})
      : context_(std::move(context)), model_(std::move(model)), chosen_(std::move(chosen)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    return model_->Predict(x, rows, context_->domains.size());
  }
  std::map<std::string, double> Params() const override { return chosen_; }
  // The booster as base64 of its UBJSON.
  Result<nlohmann::json> ToJson() const override {
    MIXRUN_ASSIGN_OR_RETURN(std::string bytes, model_->Save());
    return nlohmann::json(Base64Encode(bytes));
  }

 private:
  std::shared_ptr<const RegmixContext> context_;
  std::shared_ptr<const Gbdt> model_;
  std::map<std::string, double> chosen_;
};

class GaussianProcessPredictor : public Predictor {
 public:
  GaussianProcessPredictor(std::shared_ptr<const RegmixContext> context, GaussianProcess model)
      : context_(std::move(context)), model_(std::move(model)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    return model_.Predict(x, rows, context_->threads);
  }
  // Length-scales in weight units (short: the loss turns quickly along that domain) and the
  // noise SD in the target's units.
  std::map<std::string, double> Params() const override {
    std::map<std::string, double> out;
    const GaussianProcessHyper& hyper = model_.hyper();
    for (size_t j = 0; j < context_->domains.size(); ++j) {
      out["lengthscale[" + context_->domains[j] + "]"] = std::exp(hyper.log_lengthscales[j]);
    }
    return out;
  }
  Result<nlohmann::json> ToJson() const override { return model_.ToJson(); }

 private:
  std::shared_ptr<const RegmixContext> context_;
  GaussianProcess model_;
};

class RegmixEstimator : public Estimator {
 public:
  RegmixEstimator(std::shared_ptr<const RegmixContext> context, const FitRequest& request)
      : context_(std::move(context)),
        ridge_(request.ridge),
        kfold_(request.kfold),
        seed_(request.seed),
        threads_(request.threads) {}

  int num_params() const override { return static_cast<int>(context_->domains.size()); }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    EstimatorFit out;
    if (context_->kind == "gbdt") {
      const int folds = kfold_ >= 2 ? kfold_ : kDefaultCvFolds;
      MIXRUN_ASSIGN_OR_RETURN(GbdtChoice choice, ChooseGbdtParams(rows.x, rows.size(), cols(),
                                                                  rows.y, folds, threads_, seed_));
      gbdt_params_ = choice.params;
      out.extra["cv"] = {{"folds", folds},
                         {"rmse", choice.cv_rmse},
                         {"spearman", choice.cv_spearman},
                         {"grid", choice.grid}};
      std::map<std::string, double> chosen;
      const nlohmann::json params = gbdt_params_.ToJson();
      for (auto it = params.begin(); it != params.end(); ++it) {
        chosen[it.key()] = it.value().get<double>();
      }
      MIXRUN_ASSIGN_OR_RETURN(auto model, TrainGbdt(rows, nullptr));
      out.predictor = std::make_unique<GbdtPredictor>(context_, std::move(model), chosen);
    } else if (context_->kind == "gp") {
      MIXRUN_ASSIGN_OR_RETURN(GaussianProcess model,
                              GaussianProcess::Fit(rows.x, rows.size(), cols(), rows.y));
      gp_hyper_ = model.hyper();
      out.extra["gp"] = {{"log_noise", gp_hyper_->log_noise},
                         {"negative_log_posterior", model.objective()}};
      out.predictor = std::make_unique<GaussianProcessPredictor>(context_, std::move(model));
    } else {
      out.predictor = std::make_unique<LinearPredictor>(context_, TrainLinear(rows, {}));
    }
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> fitted,
                            out.predictor->Predict(rows.x.data(), rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
      out.objective += (fitted[i] - rows.y[i]) * (fitted[i] - rows.y[i]);
    }
    return out;
  }

  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose) const override {
    if (context_->kind == "gp") {
      // The hyper-parameters are searched again from the full fit's: a resample's own posterior.
      MIXRUN_ASSIGN_OR_RETURN(
          GaussianProcess model,
          GaussianProcess::Fit(rows.x, rows.size(), cols(), rows.y, weights, gp_hyper_));
      return std::unique_ptr<Predictor>(new GaussianProcessPredictor(context_, std::move(model)));
    }
    if (context_->kind != "gbdt") {
      return std::unique_ptr<Predictor>(new LinearPredictor(context_, TrainLinear(rows, weights)));
    }
    MIXRUN_ASSIGN_OR_RETURN(auto model, TrainGbdt(rows, &weights));
    return std::unique_ptr<Predictor>(new GbdtPredictor(context_, std::move(model)));
  }

  nlohmann::json Context() const override {
    return {{"model", context_->kind}, {"domains", context_->domains}};
  }

 private:
  size_t cols() const { return context_->domains.size(); }

  LinearModel TrainLinear(const FitRows& rows, const std::vector<double>& weights) const {
    std::vector<double> target = rows.y;
    if (context_->kind == "loglinear") {
      for (double& value : target) value = std::log(value);
    }
    return FitLinear(rows.x, rows.size(), cols(), target, ridge_, weights);
  }

  // Row i repeated weights[i] times (xgboost has no use for a resample's multiplicities beyond
  // that). One thread: on a few hundred rows xgboost's threads only add synchronisation, and the
  // model then cannot depend on the thread count.
  Result<std::shared_ptr<const Gbdt>> TrainGbdt(const FitRows& rows,
                                                const std::vector<double>* weights) const {
    std::vector<double> x, y;
    for (size_t i = 0; i < rows.size(); ++i) {
      const int copies = weights ? static_cast<int>((*weights)[i]) : 1;
      for (int c = 0; c < copies; ++c) {
        x.insert(x.end(), rows.row(i), rows.row(i) + rows.num_features);
        y.push_back(rows.y[i]);
      }
    }
    MIXRUN_ASSIGN_OR_RETURN(Gbdt model,
                            Gbdt::Train(x, y.size(), cols(), y, gbdt_params_, 1, seed_));
    return std::shared_ptr<const Gbdt>(new Gbdt(std::move(model)));
  }

  std::shared_ptr<const RegmixContext> context_;
  double ridge_;
  int kfold_;
  uint64_t seed_;
  int threads_;
  GbdtParams gbdt_params_;
  std::optional<GaussianProcessHyper> gp_hyper_;  // the full fit's, where refits start
};

Result<PreparedLaw> PrepareRegmix(const FitRequest& request, const std::vector<RunPoint>& train) {
  const std::string& kind = request.model;
  if (kind != "linear" && kind != "loglinear" && kind != "gbdt" && kind != "gp") {
    return Status::InvalidInput("regmix: model must be linear, loglinear, gbdt or gp, not '" +
                                kind + "'");
  }
  if (request.ridge < 0) return Status::InvalidInput("regmix: ridge must be non-negative");
  auto context = std::make_shared<RegmixContext>();
  context->kind = kind;
  context->domains = MixtureDomains(train);
  context->threads = request.threads;
  if (context->domains.empty()) {
    return Status::InvalidInput("regmix: the training runs have no mixture weights");
  }
  PreparedLaw law;
  law.reader = std::make_shared<MixtureReader>(context->domains, TargetTerms{{request.metric, 1}});
  MIXRUN_ASSIGN_OR_RETURN(law.train, law.reader->Rows(train, "train"));
  if (kind == "gbdt") {
    MIXRUN_RETURN_IF_ERROR(
        CheckEnoughPoints(law.train.size(), 2 * kDefaultCvFolds - 1, "regmix gbdt"));
  } else if (kind == "gp") {
    MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(law.train.size(), 3, "regmix gp"));
  } else if (request.ridge == 0) {
    // Weights summing to 1 make one coefficient redundant next to the intercept.
    MIXRUN_RETURN_IF_ERROR(
        CheckEnoughPoints(law.train.size(), context->domains.size(), "regmix " + kind));
  }
  law.estimator = std::make_unique<RegmixEstimator>(std::move(context), request);
  return law;
}

Result<LawLoader> LoadRegmix(const FitRequest& request, const nlohmann::json& state) {
  auto context = std::make_shared<RegmixContext>();
  try {
    context->kind = state.at("model").get<std::string>();
    context->domains = state.at("domains").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored regmix fit: ") + error.what());
  }
  if (context->kind != "linear" && context->kind != "loglinear" && context->kind != "gbdt" &&
      context->kind != "gp") {
    return Status::InvalidInput("stored regmix fit: unknown model '" + context->kind + "'");
  }
  context->threads = std::max(request.threads, 1);
  LawLoader loader;
  loader.reader =
      std::make_shared<MixtureReader>(context->domains, TargetTerms{{request.metric, 1}});
  loader.decode = [context](const nlohmann::json& json) -> Result<std::unique_ptr<Predictor>> {
    if (context->kind == "gbdt") {
      if (!json.is_string()) return Status::InvalidInput("stored regmix fit: booster not a string");
      MIXRUN_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(json.get<std::string>()));
      MIXRUN_ASSIGN_OR_RETURN(Gbdt model, Gbdt::Load(bytes, context->threads));
      return std::unique_ptr<Predictor>(
          new GbdtPredictor(context, std::make_shared<const Gbdt>(std::move(model))));
    }
    if (context->kind == "gp") {
      MIXRUN_ASSIGN_OR_RETURN(GaussianProcess model, GaussianProcess::FromJson(json));
      if (model.cols() != context->domains.size()) {
        return Status::InvalidInput("stored regmix fit: gaussian process of the wrong width");
      }
      return std::unique_ptr<Predictor>(new GaussianProcessPredictor(context, std::move(model)));
    }
    std::vector<double> values;
    try {
      values = json.get<std::vector<double>>();
    } catch (const nlohmann::json::exception& error) {
      return Status::InvalidInput(std::string("stored regmix fit: ") + error.what());
    }
    if (values.size() != context->domains.size() + 1) {
      return Status::InvalidInput("stored regmix fit: parameter set of the wrong size");
    }
    LinearModel model{values[0], {values.begin() + 1, values.end()}};
    return std::unique_ptr<Predictor>(new LinearPredictor(context, std::move(model)));
  };
  return loader;
}

}  // namespace

const LawEntry& RegmixLaw() {
  static const LawEntry entry = {
      .name = "regmix",
      .family = "regression (least squares, xgboost)",
      .reads = "the mixture of each run and --metric",
      .prepare = PrepareRegmix,
      .load = LoadRegmix,
      .defaults = nullptr,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

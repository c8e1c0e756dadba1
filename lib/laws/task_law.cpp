#include "laws/task_law.h"

#include <cmath>
#include <limits>

#include "fit/run_inputs.h"
#include "laws/chinchilla.h"
#include "laws/curve_law.h"
#include "laws/overtrain.h"

namespace mixrun {
namespace {

// The link is fitted by least squares, as Gadre et al. (curve_fit): task metrics lie in [0, 1],
// so a δ of 1 never reaches Huber's linear part.
constexpr double kLinkHuberDelta = 1.0;

Result<std::shared_ptr<const CurveLawSpec>> LossSpec(const FitRequest& request) {
  if (request.loss_law == "chinchilla") return ChinchillaSpec(request);
  if (request.loss_law == "overtrain") return OvertrainSpec(request);
  return Status::InvalidInput("task: --loss-law must be chinchilla or overtrain, not '" +
                              request.loss_law + "'");
}

Result<std::shared_ptr<const CurveLawSpec>> LinkSpec(const FitRequest& request) {
  auto spec = std::make_shared<CurveLawSpec>();
  spec->law = "task link";
  spec->log_target = false;
  spec->num_features = 1;
  spec->huber_delta = kLinkHuberDelta;
  const double inf = std::numeric_limits<double>::infinity();
  if (request.link == "exp") {
    spec->model = std::make_unique<JetLawModel<ExpLinkFunctor, 3>>(
        ExpLinkFunctor{}, std::vector<ParamSpec>{{"epsilon"}, {"k"}, {"gamma", 0.0, inf}});
    for (double epsilon : {0.0, 0.25, 0.5, 0.75, 1.0}) {
      for (double k : {-100.0, -10.0, -1.0, -0.1, 0.1, 1.0, 10.0, 100.0}) {
        for (double gamma : {0.25, 0.5, 1.0, 2.0}) spec->starts.push_back({epsilon, k, gamma});
      }
    }
    spec->named = [](const std::vector<double>& p) {
      return std::map<std::string, double>{{"epsilon", p[0]}, {"k", p[1]}, {"gamma", p[2]}};
    };
  } else if (request.link == "sigmoid") {
    spec->model = std::make_unique<JetLawModel<SigmoidLinkFunctor, 4>>(
        SigmoidLinkFunctor{}, std::vector<ParamSpec>{{"a"}, {"k"}, {"L0"}, {"b"}});
    for (double a : {-1.0, -0.5, -0.25, 0.25, 0.5, 1.0}) {
      for (double k : {1.0, 3.0, 10.0}) {
        for (double l0 : {2.0, 3.0, 4.0, 5.0, 6.0}) {
          for (double b : {0.0, 0.25, 0.5, 0.75}) spec->starts.push_back({a, k, l0, b});
        }
      }
    }
    spec->named = [](const std::vector<double>& p) {
      return std::map<std::string, double>{{"a", p[0]}, {"k", p[1]}, {"L0", p[2]}, {"b", p[3]}};
    };
  } else {
    return Status::InvalidInput("task: --link must be exp or sigmoid, not '" + request.link + "'");
  }
  return std::shared_ptr<const CurveLawSpec>(std::move(spec));
}

struct TaskSpecs {
  std::shared_ptr<const CurveLawSpec> loss;
  std::shared_ptr<const CurveLawSpec> link;
};

Result<TaskSpecs> Specs(const FitRequest& request) {
  if (request.task_metrics.empty()) {
    return Status::InvalidInput(
        "task: --task-metric METRIC names the task metric (repeat it to average several)");
  }
  TaskSpecs specs;
  MIXRUN_ASSIGN_OR_RETURN(specs.loss, LossSpec(request));
  MIXRUN_ASSIGN_OR_RETURN(specs.link, LinkSpec(request));
  return specs;
}

class TaskReader : public RunReader {
 public:
  TaskReader(std::shared_ptr<const CurveLawSpec> loss, std::vector<std::string> task_metrics,
             bool task_error)
      : loss_(std::move(loss)), task_metrics_(std::move(task_metrics)), task_error_(task_error) {}

  Result<std::vector<double>> Features(const RunPoint& run) const override {
    return loss_->features(run);
  }
  Result<FitRows> Rows(const std::vector<RunPoint>& runs,
                       const std::string& set_name) const override {
    FitRows rows;
    rows.num_features = loss_->num_features;
    rows.feature_names = loss_->feature_names;
    for (const RunPoint& run : runs) {
      auto features = loss_->features(run);
      if (!features.ok()) return features.status().WithContext(set_name);
      rows.x.insert(rows.x.end(), features->begin(), features->end());
      auto target = TaskTarget(run, task_metrics_, task_error_);
      if (!target.ok()) return target.status().WithContext(set_name);
      rows.y.push_back(*target);
    }
    return rows;
  }

 private:
  std::shared_ptr<const CurveLawSpec> loss_;
  std::vector<std::string> task_metrics_;
  bool task_error_;
};

// y(L̂(x)): the loss law's prediction through the link.
class TaskPredictor : public Predictor {
 public:
  TaskPredictor(std::unique_ptr<Predictor> loss, std::unique_ptr<Predictor> link)
      : loss_(std::move(loss)), link_(std::move(link)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> losses, loss_->Predict(x, rows));
    return link_->Predict(losses.data(), rows);
  }
  std::map<std::string, double> Params() const override {
    std::map<std::string, double> params;
    for (const auto& [name, value] : loss_->Params()) params["loss." + name] = value;
    for (const auto& [name, value] : link_->Params()) params["link." + name] = value;
    return params;
  }
  std::map<std::string, double> Derived() const override {
    std::map<std::string, double> derived;
    for (const auto& [name, value] : loss_->Derived()) derived["loss." + name] = value;
    return derived;
  }
  Result<nlohmann::json> ToJson() const override {
    MIXRUN_ASSIGN_OR_RETURN(nlohmann::json loss, loss_->ToJson());
    MIXRUN_ASSIGN_OR_RETURN(nlohmann::json link, link_->ToJson());
    return nlohmann::json{{"loss", std::move(loss)}, {"link", std::move(link)}};
  }

 private:
  std::unique_ptr<Predictor> loss_;
  std::unique_ptr<Predictor> link_;
};

// Step 1 on the runs' losses, step 2 on (observed loss, target) of the same runs: the loss law's
// rows and the task rows are aligned, one per run, so a resample's weights serve both.
class TaskEstimator : public Estimator {
 public:
  TaskEstimator(PreparedLaw loss, std::shared_ptr<const CurveLawSpec> link, int threads)
      : loss_(std::move(loss)), link_(NewCurveEstimator(std::move(link), threads)) {}

  int num_params() const override { return loss_.estimator->num_params() + link_->num_params(); }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    MIXRUN_ASSIGN_OR_RETURN(EstimatorFit loss_fit, loss_.estimator->Fit(loss_.train));
    link_rows_.num_features = 1;
    link_rows_.x = loss_.train.y;
    link_rows_.y = rows.y;
    MIXRUN_ASSIGN_OR_RETURN(EstimatorFit link_fit, link_->Fit(link_rows_));
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> fitted_losses,
                            loss_fit.predictor->Predict(loss_.train.x.data(), loss_.train.size()));
    double relative = 0;
    for (size_t i = 0; i < fitted_losses.size(); ++i) {
      relative += std::abs(fitted_losses[i] - loss_.train.y[i]) / loss_.train.y[i];
    }
    EstimatorFit out;
    out.objective = link_fit.objective;
    out.extra = {{"loss_objective", loss_fit.objective},
                 {"loss_mre", relative / static_cast<double>(fitted_losses.size())},
                 {"link_huber_delta", kLinkHuberDelta}};
    out.predictor = std::make_unique<TaskPredictor>(std::move(loss_fit.predictor),
                                                    std::move(link_fit.predictor));
    return out;
  }

  Result<std::unique_ptr<Predictor>> Refit(const FitRows&, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    MIXRUN_ASSIGN_OR_RETURN(auto loss, loss_.estimator->Refit(loss_.train, weights, purpose));
    MIXRUN_ASSIGN_OR_RETURN(auto link, link_->Refit(link_rows_, weights, purpose));
    return std::unique_ptr<Predictor>(new TaskPredictor(std::move(loss), std::move(link)));
  }

 private:
  PreparedLaw loss_;
  std::unique_ptr<Estimator> link_;
  FitRows link_rows_;  // observed loss → target, one row per run
};

Result<PreparedLaw> PrepareTask(const FitRequest& request, const std::vector<RunPoint>& train) {
  MIXRUN_ASSIGN_OR_RETURN(TaskSpecs specs, Specs(request));
  MIXRUN_ASSIGN_OR_RETURN(PreparedLaw loss, PrepareCurveLaw(specs.loss, request, train));
  PreparedLaw law;
  law.reader = std::make_shared<TaskReader>(specs.loss, request.task_metrics, request.task_error);
  MIXRUN_ASSIGN_OR_RETURN(law.train, law.reader->Rows(train, "train"));
  MIXRUN_RETURN_IF_ERROR(CheckEnoughPoints(
      law.train.size(), static_cast<size_t>(specs.link->model->num_params()), "task link"));
  law.estimator = std::make_unique<TaskEstimator>(std::move(loss), specs.link, request.threads);
  return law;
}

Result<LawLoader> LoadTask(const FitRequest& request, const nlohmann::json&) {
  MIXRUN_ASSIGN_OR_RETURN(TaskSpecs specs, Specs(request));
  LawLoader loader;
  loader.reader =
      std::make_shared<TaskReader>(specs.loss, request.task_metrics, request.task_error);
  const LawLoader loss = LoadCurveLaw(specs.loss);
  const LawLoader link = LoadCurveLaw(specs.link);
  loader.decode = [loss, link](const nlohmann::json& json) -> Result<std::unique_ptr<Predictor>> {
    if (!json.is_object() || !json.contains("loss") || !json.contains("link")) {
      return Status::InvalidInput("stored task fit: expected {\"loss\": [...], \"link\": [...]}");
    }
    MIXRUN_ASSIGN_OR_RETURN(auto loss_predictor, loss.decode(json.at("loss")));
    MIXRUN_ASSIGN_OR_RETURN(auto link_predictor, link.decode(json.at("link")));
    return std::unique_ptr<Predictor>(
        new TaskPredictor(std::move(loss_predictor), std::move(link_predictor)));
  };
  return loader;
}

}  // namespace

Result<double> TaskTarget(const RunPoint& run, const std::vector<std::string>& task_metrics,
                          bool task_error) {
  double sum = 0;
  for (const std::string& metric : task_metrics) {
    auto found = run.metrics.find(metric);
    if (found == run.metrics.end()) {
      return Status::InvalidInput(RunLabel(run) + " has no value of task metric '" + metric + "'");
    }
    if (!std::isfinite(found->second)) {
      return Status::InvalidInput(RunLabel(run) + ": task metric '" + metric + "' is not finite");
    }
    sum += found->second;
  }
  const double mean = sum / static_cast<double>(task_metrics.size());
  return task_error ? 1.0 - mean : mean;
}

const LawEntry& TaskLaw() {
  static const LawEntry entry = {
      .name = "task",
      .family = "two-step task law (Ceres)",
      .reads = "N and D of each run, --metric (the loss of step 1) and --task-metric (averaged)",
      .prepare = PrepareTask,
      .load = LoadTask,
      .defaults = nullptr,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

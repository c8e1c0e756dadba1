#include "laws/mixscale.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fit/accuracy.h"
#include "fit/run_inputs.h"
#include "laws/domain_target.h"
#include "laws/engine.h"
#include "laws/mixscale_model.h"

namespace mixrun {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The best 4 loose starts of each form are polished, each in at most 400 iterations: on
// SlimPajama, 10 polished starts of 1000 iterations reach the same objectives to 1e-6 and the
// same held-out errors to 0.01 points, at twice the time.
constexpr int kPolishCount = 4;
constexpr int kPolishIterations = 400;

// What every parameter set of one fit shares: the form, the mixture domains (the features' order),
// the domain metrics and target, and the centres of log N and log D the parameters refer to.
struct MixscaleContext {
  bool joint = true;
  std::vector<std::string> domains;
  DomainTarget target;
  double log_n0 = 0, log_d0 = 0;
  std::unique_ptr<LawModel> model;

  int k() const { return static_cast<int>(domains.size()); }

  // A protocol row (h_1…h_k, log N, log D) in the engine's features (log h, h, centred log N,
  // centred log D).
  void EngineFeatures(const double* row, double* out) const {
    for (int j = 0; j < k(); ++j) {
      out[j] = row[j] > 0 ? std::log(row[j]) : -std::numeric_limits<double>::infinity();
      out[k() + j] = row[j];
    }
    out[2 * k()] = row[k()] - log_n0;
    out[2 * k() + 1] = row[k() + 1] - log_d0;
  }

  // Σ_i w_i·L_i at one protocol row.
  double Predict(const std::vector<std::vector<double>>& params, const double* row) const {
    std::vector<double> features(static_cast<size_t>(MixscaleFeatures(k())));
    EngineFeatures(row, features.data());
    double total = 0;
    for (size_t i = 0; i < params.size(); ++i) {
      if (target.weights[i] != 0) {
        total += target.weights[i] * model->Predict(params[i].data(), features.data());
      }
    }
    return total;
  }

  // The paper's parameters (and the joint form's λ, τ) of each domain law, named kind[metric] or
  // kind[metric][domain].
  std::map<std::string, double> Readable(const std::vector<std::vector<double>>& params) const {
    const int k = this->k(), scale = joint ? k + 1 : 1;
    const int a = 1 + 2 * k, b = a + scale, alpha = b + scale, beta = alpha + 1;
    std::map<std::string, double> out;
    for (size_t i = 0; i < params.size(); ++i) {
      const std::string name = "[" + target.metrics[i] + "]";
      const std::vector<double>& p = params[i];
      out["E" + name] = std::exp(p[0]);
      for (int j = 0; j < k; ++j) {
        const std::string at = name + "[" + domains[j] + "]";
        const double gamma = std::exp(p[1 + k + j]);
        out["gamma" + at] = gamma;
        out["C" + at] = std::exp(p[1 + j] + gamma * std::log(static_cast<double>(k)));
      }
      out["A" + name] = std::exp(p[a] + p[alpha] * log_n0);
      out["B" + name] = std::exp(p[b] + p[beta] * log_d0);
      out["alpha" + name] = p[alpha];
      out["beta" + name] = p[beta];
      if (!joint) continue;
      out["lambdaA" + name] = p[a + 1];
      out["lambdaB" + name] = p[b + 1];
      for (int j = 0; j + 1 < k; ++j) {
        out["tauA" + name + "[" + domains[j] + "]"] = p[a + 2 + j];
        out["tauB" + name + "[" + domains[j] + "]"] = p[b + 2 + j];
      }
    }
    return out;
  }

  nlohmann::json ToJson() const {
    nlohmann::json state = {{"form", joint ? "joint" : "additive"},
                            {"domains", domains},
                            {"log_n0", log_n0},
                            {"log_d0", log_d0}};
    target.AddTo(state);
    return state;
  }
};

class MixscalePredictor : public Predictor {
 public:
  MixscalePredictor(std::shared_ptr<const MixscaleContext> context,
                    std::vector<std::vector<double>> params)
      : context_(std::move(context)), params_(std::move(params)) {}

  Result<std::vector<double>> Predict(const double* x, size_t rows) const override {
    const size_t width = static_cast<size_t>(context_->k()) + 2;
    std::vector<double> predictions(rows);
    for (size_t r = 0; r < rows; ++r) predictions[r] = context_->Predict(params_, x + r * width);
    return predictions;
  }
  std::map<std::string, double> Params() const override { return context_->Readable(params_); }
  Result<nlohmann::json> ToJson() const override { return nlohmann::json(params_); }

 private:
  std::shared_ptr<const MixscaleContext> context_;
  std::vector<std::vector<double>> params_;
};

// A run's features: its normalised weights over `domains`, log N and log D (D = C/(6N) when only
// the compute is known).
Result<std::vector<double>> RunFeatures(const RunPoint& run,
                                        const std::vector<std::string>& domains,
                                        const std::string& set_name) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> row,
                          MixtureMatrix({run}, domains, set_name, /*warn=*/false));
  auto scale = PositiveScale(run, "mixscale");
  if (!scale.ok()) return scale.status().WithContext(set_name);
  row.push_back(std::log(scale->n));
  row.push_back(std::log(scale->d));
  return row;
}

// The rows of the runs whose target is observed (every metric of a nonzero weight present);
// `kept` receives their indices. The others are left out, with one warning.
Result<FitRows> TargetRows(const std::vector<RunPoint>& runs,
                           const std::vector<std::string>& domains, const TargetTerms& terms,
                           const std::string& set_name, std::vector<size_t>* kept) {
  FitRows rows;
  rows.num_features = static_cast<int>(domains.size()) + 2;
  size_t skipped = 0;
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunPoint& run = runs[r];
    double target = 0;
    bool observed = true;
    for (const auto& [metric, weight] : terms) {
      if (weight == 0) continue;
      auto it = run.metrics.find(metric);
      if (it == run.metrics.end()) {
        observed = false;
        break;
      }
      MIXRUN_RETURN_IF_ERROR(CheckLoss(it->second, set_name + " " + RunLabel(run), metric));
      target += weight * it->second;
    }
    if (!observed) {
      ++skipped;
      continue;
    }
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> features, RunFeatures(run, domains, set_name));
    rows.x.insert(rows.x.end(), features.begin(), features.end());
    rows.y.push_back(target);
    if (kept) kept->push_back(r);
  }
  if (skipped > 0) {
    spdlog::warn("mixscale: {} of {} {} runs lack a loss of the target; left out", skipped,
                 runs.size(), set_name);
  }
  return rows;
}

class MixscaleReader : public RunReader {
 public:
  MixscaleReader(std::vector<std::string> domains, TargetTerms terms)
      : domains_(std::move(domains)), terms_(std::move(terms)) {}
  Result<std::vector<double>> Features(const RunPoint& run) const override {
    return RunFeatures(run, domains_, "prediction");
  }
  Result<FitRows> Rows(const std::vector<RunPoint>& runs,
                       const std::string& set_name) const override {
    return TargetRows(runs, domains_, terms_, set_name, nullptr);
  }
  // The features are the mixture's weights, then log N and log D.
  std::vector<std::string> domains() const override { return domains_; }
  bool ReadsScale() const override { return true; }

 private:
  std::vector<std::string> domains_;
  TargetTerms terms_;
};

// One domain metric's data: its value at each protocol row (NaN where the run lacks it), and
// the training runs outside the protocol rows that have it (they lack another loss of the
// target), in engine features — those enter every fit of this metric's law with weight 1.
struct MetricData {
  std::vector<double> values;
  Observations extra;
  size_t missing = 0;  // training runs without this metric
};

// Fits one law per domain metric on the protocol rows where it is observed; refits all of them
// on the same resample, so that a bootstrap set predicts the target coherently.
class MixscaleEstimator : public Estimator {
 public:
  MixscaleEstimator(std::shared_ptr<const MixscaleContext> context, std::vector<MetricData> data,
                    const FitRequest& request)
      : context_(std::move(context)),
        data_(std::move(data)),
        additive_(NewMixscaleModel(false, context_->k())),
        delta_(request.huber_delta.value_or(kMixscaleHuberDelta)),
        threads_(request.threads) {}

  int num_params() const override {
    return static_cast<int>(data_.size()) * context_->model->num_params();
  }

  Result<EstimatorFit> Fit(const FitRows& rows) override {
    // The rows in the engine's features once: every refit reads them again.
    const size_t width = static_cast<size_t>(MixscaleFeatures(context_->k()));
    features_.resize(rows.size() * width);
    for (size_t r = 0; r < rows.size(); ++r) {
      context_->EngineFeatures(rows.row(r), features_.data() + r * width);
    }
    EngineOptions engine;
    engine.huber_delta = delta_;
    engine.threads = threads_;
    engine.polish_count = kPolishCount;
    engine.polish_iterations = kPolishIterations;
    EstimatorFit out;
    nlohmann::json domain_stats = nlohmann::json::object();
    for (size_t i = 0; i < data_.size(); ++i) {
      const std::string& metric = context_->target.metrics[i];
      const Observations observations = Observe(rows, i, nullptr);
      auto fit = FitForm(observations, engine);
      if (!fit.ok()) return fit.status().WithContext("mixscale law of " + metric);
      std::vector<double> predicted;
      for (size_t r = 0; r < observations.size(); ++r) {
        predicted.push_back(context_->model->Predict(fit->params.data(), observations.row(r)));
      }
      const Accuracy accuracy = MeasureAccuracy(predicted, observations.y);
      domain_stats[metric] = {{"objective", fit->objective},
                              {"n", observations.size()},
                              {"rmse", accuracy.rmse},
                              {"mre", accuracy.mre},
                              {"missing", data_[i].missing}};
      if (data_[i].missing > 0) {
        out.warnings.push_back(std::to_string(data_[i].missing) + " training runs lack " + metric +
                               "; its law is fitted without them");
      }
      out.objective += fit->objective;
      best_.push_back(fit->params);
      candidates_.push_back(fit->candidates);
    }
    out.predictor = std::make_unique<MixscalePredictor>(context_, best_);
    out.extra = {{"huber_delta", delta_},
                 {"form", context_->joint ? "joint" : "additive"},
                 {"domains", domain_stats}};
    return out;
  }

  // Both converge from the full fit within kMixscaleRefitIterations; a fold also tries the
  // runner-up of the multi-start and keeps the better objective (a fold may prefer its basin).
  Result<std::unique_ptr<Predictor>> Refit(const FitRows& rows, const std::vector<double>& weights,
                                           Purpose purpose) const override {
    std::vector<std::vector<double>> params;
    for (size_t i = 0; i < data_.size(); ++i) {
      const Observations observations = Observe(rows, i, &weights);
      const size_t tries = purpose == Purpose::kBootstrap ? 1 : 2;
      double best = std::numeric_limits<double>::infinity();
      params.push_back(best_[i]);
      for (size_t c = 0; c < std::min(tries, candidates_[i].size()); ++c) {
        RefitResult refit = RefitTightly(*context_->model, observations, candidates_[i][c], delta_,
                                         kMixscaleRefitIterations);
        if (refit.usable && refit.objective < best) {
          best = refit.objective;
          params.back() = std::move(refit.params);
        }
      }
      if (!std::isfinite(best)) return Status::Failed("mixscale: a refit did not converge");
    }
    return std::unique_ptr<Predictor>(new MixscalePredictor(context_, std::move(params)));
  }

  nlohmann::json Context() const override { return context_->ToJson(); }

 private:
  // The additive multi-start; for the joint form, then the joint multi-start from the additive
  // candidates and from the grid, the best objective winning.
  Result<EngineFit> FitForm(const Observations& observations, const EngineOptions& engine) const {
    const int k = context_->k();
    const std::vector<std::vector<double>> grid = MixscaleStarts(k, observations);
    MIXRUN_ASSIGN_OR_RETURN(EngineFit additive,
                            FitMultiStart(*additive_, observations, grid, engine));
    if (!context_->joint) return additive;
    std::vector<std::vector<double>> starts;
    for (const auto& candidate : additive.candidates) {
      starts.push_back(JointFromAdditive(candidate, k));
    }
    for (const auto& start : grid) starts.push_back(JointFromAdditive(start, k));
    return FitMultiStart(*context_->model, observations, starts, engine);
  }

  // Metric i's observations at the rows (those Fit saw) where it is observed and the weight (a
  // resample's multiplicity, a fold's 0/1) is positive, then its extra runs with weight 1.
  Observations Observe(const FitRows& rows, size_t i, const std::vector<double>* weights) const {
    const MetricData& data = data_[i];
    Observations observations;
    observations.num_features = MixscaleFeatures(context_->k());
    const size_t width = static_cast<size_t>(observations.num_features);
    for (size_t r = 0; r < rows.size(); ++r) {
      const double weight = weights ? (*weights)[r] : 1.0;
      if (weight == 0 || std::isnan(data.values[r])) continue;
      const double* features = features_.data() + r * width;
      observations.x.insert(observations.x.end(), features, features + width);
      observations.y.push_back(data.values[r]);
      if (weights) observations.multiplicity.push_back(weight);
    }
    observations.x.insert(observations.x.end(), data.extra.x.begin(), data.extra.x.end());
    observations.y.insert(observations.y.end(), data.extra.y.begin(), data.extra.y.end());
    if (weights) observations.multiplicity.resize(observations.y.size(), 1.0);
    return observations;
  }

  std::shared_ptr<const MixscaleContext> context_;
  std::vector<MetricData> data_;
  std::unique_ptr<LawModel> additive_;
  double delta_;
  int threads_;
  std::vector<double> features_;  // the rows in engine features, row-major
  std::vector<std::vector<double>> best_;
  std::vector<std::vector<std::vector<double>>> candidates_;
};

Result<bool> JointForm(const std::string& form) {
  if (form != "additive" && form != "joint") {
    return Status::InvalidInput("mixscale: --form must be additive or joint, not '" + form + "'");
  }
  return form == "joint";
}

Result<PreparedLaw> PrepareMixscale(const FitRequest& request, const std::vector<RunPoint>& train) {
  auto context = std::make_shared<MixscaleContext>();
  MIXRUN_ASSIGN_OR_RETURN(context->joint, JointForm(request.form));
  MIXRUN_ASSIGN_OR_RETURN(context->target, ResolveDomainTarget(request, "mixscale"));
  context->domains = MixtureDomains(train);
  const int k = context->k();
  if (k < 2 || k > kMaxMixscaleDomains) {
    return Status::InvalidInput("mixscale: the training runs mix " + std::to_string(k) +
                                " domains; the law needs 2 to " +
                                std::to_string(kMaxMixscaleDomains));
  }
  context->model = NewMixscaleModel(context->joint, k);
  const TargetTerms terms = ObservedTarget(request, context->target);
  PreparedLaw law;
  law.reader = std::make_shared<MixscaleReader>(context->domains, terms);
  std::vector<size_t> kept;
  MIXRUN_ASSIGN_OR_RETURN(law.train, TargetRows(train, context->domains, terms, "train", &kept));
  if (law.train.size() == 0) {
    return Status::InvalidInput("mixscale: no training run has every loss of the target");
  }
  for (size_t r = 0; r < law.train.size(); ++r) {
    context->log_n0 += law.train.row(r)[k] / static_cast<double>(law.train.size());
    context->log_d0 += law.train.row(r)[k + 1] / static_cast<double>(law.train.size());
  }
  std::vector<bool> in_rows(train.size(), false);
  for (size_t r : kept) in_rows[r] = true;
  std::vector<MetricData> data(context->target.metrics.size());
  const size_t params = static_cast<size_t>(context->model->num_params());
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string& metric = context->target.metrics[i];
    MetricData& one = data[i];
    one.extra.num_features = MixscaleFeatures(k);
    for (size_t r : kept) {
      auto it = train[r].metrics.find(metric);
      if (it != train[r].metrics.end()) {
        MIXRUN_RETURN_IF_ERROR(CheckLoss(it->second, "train " + RunLabel(train[r]), metric));
      }
      one.values.push_back(it == train[r].metrics.end() ? kNaN : it->second);
    }
    for (size_t r = 0; r < train.size(); ++r) {
      auto it = train[r].metrics.find(metric);
      if (it == train[r].metrics.end()) {
        ++one.missing;
        continue;
      }
      if (in_rows[r]) continue;
      MIXRUN_RETURN_IF_ERROR(CheckLoss(it->second, "train " + RunLabel(train[r]), metric));
      MIXRUN_ASSIGN_OR_RETURN(std::vector<double> row,
                              RunFeatures(train[r], context->domains, "train"));
      const size_t width = static_cast<size_t>(one.extra.num_features);
      one.extra.x.resize(one.extra.x.size() + width);
      context->EngineFeatures(row.data(), one.extra.x.data() + one.extra.x.size() - width);
      one.extra.y.push_back(it->second);
    }
    MIXRUN_RETURN_IF_ERROR(
        CheckEnoughPoints(train.size() - one.missing, params, "mixscale law of " + metric));
  }
  law.estimator = std::make_unique<MixscaleEstimator>(context, std::move(data), request);
  return law;
}

Result<LawLoader> LoadMixscale(const FitRequest& request, const nlohmann::json& state) {
  auto context = std::make_shared<MixscaleContext>();
  try {
    MIXRUN_ASSIGN_OR_RETURN(context->joint, JointForm(state.at("form").get<std::string>()));
    context->domains = state.at("domains").get<std::vector<std::string>>();
    context->log_n0 = state.at("log_n0").get<double>();
    context->log_d0 = state.at("log_d0").get<double>();
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored mixscale fit: ") + error.what());
  }
  MIXRUN_ASSIGN_OR_RETURN(context->target, DomainTarget::FromJson(state, "mixscale"));
  context->model = NewMixscaleModel(context->joint, context->k());
  if (!context->model) {
    return Status::InvalidInput("stored mixscale fit: unsupported number of domains");
  }
  LawLoader loader;
  loader.reader =
      std::make_shared<MixscaleReader>(context->domains, ObservedTarget(request, context->target));
  loader.decode = [context](const nlohmann::json& json) -> Result<std::unique_ptr<Predictor>> {
    const size_t size = static_cast<size_t>(context->model->num_params());
    MIXRUN_ASSIGN_OR_RETURN(auto params, context->target.DecodeParams(json, size, "mixscale"));
    return std::unique_ptr<Predictor>(new MixscalePredictor(context, std::move(params)));
  };
  return loader;
}

}  // namespace

std::vector<std::vector<double>> MixscaleStarts(int domains, const Observations& observations) {
  const int k = domains;
  double lowest = std::numeric_limits<double>::infinity(), mean = 0, mean_n = 0, mean_d = 0;
  const double count = static_cast<double>(observations.size());
  for (size_t i = 0; i < observations.size(); ++i) {
    lowest = std::min(lowest, observations.y[i]);
    mean += observations.y[i] / count;
    mean_n += observations.row(i)[2 * k] / count;
    mean_d += observations.row(i)[2 * k + 1] / count;
  }
  std::vector<std::vector<double>> starts;
  for (double floor : {0.1, 0.4, 0.7}) {
    const double e = floor * lowest, share = (mean - e) / 3;
    for (double gamma : {0.3, 1.0}) {
      // C such that the mixture term is `share` on average: 1/(C·mean Σ_j (k·h_j)^γ).
      double sum = 0;
      for (size_t i = 0; i < observations.size(); ++i) {
        for (int j = 0; j < k; ++j) {
          const double log_h = observations.row(i)[j];
          if (std::isfinite(log_h)) sum += std::exp(gamma * (log_h + std::log(k))) / count;
        }
      }
      const double c = -std::log(share) - std::log(sum);
      for (double alpha : {0.25, 0.75}) {
        for (double beta : {0.25, 0.75}) {
          std::vector<double> start = {std::log(e)};
          start.insert(start.end(), k, c);
          start.insert(start.end(), k, std::log(gamma));
          start.push_back(std::log(share) + alpha * mean_n);
          start.push_back(std::log(share) + beta * mean_d);
          start.push_back(alpha);
          start.push_back(beta);
          starts.push_back(std::move(start));
        }
      }
    }
  }
  return starts;
}

std::vector<double> JointFromAdditive(const std::vector<double>& additive, int domains,
                                      double lambda) {
  const int k = domains;
  // additive: e, c[k], g[k], a, b, α, β → joint: e, c[k], g[k], a, λA, τA[k−1], b, λB,
  // τB[k−1], α, β.
  std::vector<double> joint(additive.begin(), additive.begin() + 1 + 2 * k);
  for (int scale = 0; scale < 2; ++scale) {
    joint.push_back(additive[1 + 2 * k + scale]);
    joint.push_back(lambda);
    joint.insert(joint.end(), k - 1, 0.0);
  }
  joint.push_back(additive[3 + 2 * k]);
  joint.push_back(additive[4 + 2 * k]);
  return joint;
}

const LawEntry& MixscaleLaw() {
  static const LawEntry entry = {
      .name = "mixscale",
      .family = "mixture-and-scale law (Ceres)",
      .reads = "the mixture, N and D of each run, its per-domain losses and the target",
      .prepare = PrepareMixscale,
      .load = LoadMixscale,
      .defaults =
          [](FitRequest& request, const std::vector<RunPoint>& runs, const nlohmann::json& config) {
            return FillDomainTargetDefaults(request, runs, config, "mixscale", true);
          },
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

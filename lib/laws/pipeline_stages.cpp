#include "laws/pipeline_stages.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "fit/accuracy.h"
#include "fit/resampling.h"
#include "fit/run_inputs.h"
#include "laws/power.h"

namespace mixrun {
namespace {

// The request of one stage's power law: its own δ (the pipeline's --huber-delta is the mixing
// law's), no resampling of its own (the chain is bootstrapped whole).
FitRequest StageRequest(const FitRequest& request, const std::string& x,
                        const std::string& metric) {
  FitRequest stage = request;
  stage.law = "power";
  stage.x = x;
  stage.metric = metric;
  stage.huber_delta.reset();
  stage.bootstrap = 0;
  stage.kfold = 0;
  return stage;
}

// Fits one curve on `points` and extrapolates it to exp(feature).
Result<StageCurve> FitCurve(const FitRequest& request, const std::vector<RunPoint>& points,
                            size_t min_points, double feature) {
  MIXRUN_ASSIGN_OR_RETURN(auto spec, PowerSpec(request, min_points));
  StageCurve curve;
  MIXRUN_ASSIGN_OR_RETURN(curve.law, PrepareCurveLaw(std::move(spec), request, points));
  MIXRUN_ASSIGN_OR_RETURN(EstimatorFit fit, curve.law.estimator->Fit(curve.law.train));
  curve.fit = std::move(fit.predictor);
  curve.feature = feature;
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> value, curve.fit->Predict(&feature, 1));
  curve.value = value[0];
  return curve;
}

// Predictions of `predictor` at the rows of `rows` whose mask is set, appended with the observed.
Status Collect(const Predictor& predictor, const FitRows& rows, const std::vector<bool>& mask,
               std::vector<double>& predicted, std::vector<double>& observed) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values,
                          predictor.Predict(rows.x.data(), rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!mask[i]) continue;
    predicted.push_back(values[i]);
    observed.push_back(rows.y[i]);
  }
  return Status::Ok();
}

// A refit without the masked rows (a fold's refit), judged on them.
Status CollectHeldOut(const StageCurve& curve, const std::vector<bool>& held_out,
                      std::vector<double>& predicted, std::vector<double>& observed) {
  const FitRows& rows = curve.law.train;
  std::vector<double> weights(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) weights[i] = held_out[i] ? 0.0 : 1.0;
  MIXRUN_ASSIGN_OR_RETURN(auto refit,
                          curve.law.estimator->Refit(rows, weights, Estimator::Purpose::kFold));
  return Collect(*refit, rows, held_out, predicted, observed);
}

// The stage's parameters by curve: NAME[metric][item].
void AddParams(const StageCurve& curve, const std::string& metric, const std::string& item,
               const std::string& value_name, FitReport& report, nlohmann::json& curves) {
  for (const auto& [name, value] : curve.fit->Params()) {
    report.params[name + "[" + metric + "][" + item + "]"] = value;
  }
  report.derived[value_name + "[" + metric + "][" + item + "]"] = curve.value;
  auto params = curve.fit->ToJson();
  curves.push_back(
      {{"metric", metric}, {"item", item}, {"params", params.ok() ? *params : nullptr}});
}

std::string RunItem(const RunPoint& run) { return "run " + std::to_string(run.run_id); }

StageValues ValuesOf(const std::vector<std::vector<StageCurve>>& curves) {
  StageValues values(curves.size());
  for (size_t m = 0; m < curves.size(); ++m) {
    for (const StageCurve& curve : curves[m]) values[m].push_back(curve.value);
  }
  return values;
}

// A refit's prediction at the curve's extrapolation point.
Result<double> Extrapolate(const Predictor& predictor, double feature) {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> value, predictor.Predict(&feature, 1));
  if (!std::isfinite(value[0])) return Status::Failed("pipeline: a refit extrapolates to NaN");
  return value[0];
}

}  // namespace

StageValues StepStage::Values() const { return ValuesOf(curves); }

Result<StageValues> StepStage::Resample(uint64_t seed) const {
  StageValues values(curves.size());
  uint64_t stream = 0;
  for (size_t m = 0; m < curves.size(); ++m) {
    for (const StageCurve& curve : curves[m]) {
      const FitRows& rows = curve.law.train;
      auto refit = curve.law.estimator->Refit(rows, ResampleCounts(rows.size(), seed, stream++),
                                              Estimator::Purpose::kBootstrap);
      if (!refit.ok()) return refit.status();
      MIXRUN_ASSIGN_OR_RETURN(double value, Extrapolate(**refit, curve.feature));
      values[m].push_back(value);
    }
  }
  return values;
}

Result<StepStage> FitStepStage(const FitRequest& request, const std::vector<RunPoint>& runs,
                               const std::vector<std::string>& metrics) {
  const auto [first, last] = request.step_window;
  char window[96];
  std::snprintf(window, sizeof window, "steps %lld to %lld (--step-window)",
                static_cast<long long>(first), static_cast<long long>(last));
  StepStage stage;
  FitReport& report = stage.report;
  report.law = "pipeline/step";
  nlohmann::json curves = nlohmann::json::array();
  std::vector<double> fitted, observed, held_predicted, held_observed;
  size_t judged = 0;
  const double feature = std::log(static_cast<double>(request.at_steps));
  for (const std::string& metric : metrics) {
    const FitRequest stage_request = StageRequest(request, "step", metric);
    stage.curves.emplace_back();
    for (const RunPoint& run : runs) {
      RunPoint windowed = run;
      windowed.history.clear();
      auto history = run.history.find(metric);
      if (history != run.history.end()) {
        auto& samples = windowed.history[metric];
        for (const MetricSample& sample : history->second) {
          if (sample.step >= first && sample.step <= last) samples.push_back(sample);
        }
      }
      auto curve = FitCurve(stage_request, {windowed}, kMinStepPoints, feature);
      if (!curve.ok()) {
        return curve.status().WithContext("pipeline step law of " + RunLabel(run) + ", " + metric +
                                          ", " + window);
      }
      const FitRows& rows = curve->law.train;
      MIXRUN_RETURN_IF_ERROR(
          Collect(*curve->fit, rows, std::vector<bool>(rows.size(), true), fitted, observed));
      if (rows.size() >= kMinStepPoints + kHeldOutSteps) {
        std::vector<bool> held_out(rows.size(), false);
        for (size_t i = rows.size() - kHeldOutSteps; i < rows.size(); ++i) held_out[i] = true;
        MIXRUN_RETURN_IF_ERROR(CollectHeldOut(*curve, held_out, held_predicted, held_observed));
        ++judged;
      }
      AddParams(*curve, metric, RunItem(run), "L_at_steps", report, curves);
      stage.curves.back().push_back(std::move(*curve));
    }
  }
  report.stats.in_sample = MeasureAccuracy(fitted, observed);
  report.stats.huber_delta = 1e-3;
  HeldOut held_out;
  held_out.accuracy = MeasureAccuracy(held_predicted, held_observed);
  report.stats.extra = {
      {"held_out_steps",
       {{"accuracy", held_out.ToJson()},
        {"curves_judged", judged},
        {"points_per_curve", kHeldOutSteps},
        {"what", "each curve's last points, predicted by its law refitted without them"}}},
      {"curves", runs.size() * metrics.size()},
      {"step_window", {first, last}},
      {"at_steps", request.at_steps}};
  if (judged < runs.size() * metrics.size()) {
    report.stats.warnings.push_back(
        std::to_string(runs.size() * metrics.size() - judged) +
        " step laws have too few window points for the held-out-step check");
  }
  report.state = {{"curves", std::move(curves)}};
  for (const RunPoint& run : runs) report.run_ids.push_back(run.run_id);
  return stage;
}

Result<MixtureGroups> GroupByMixture(const std::vector<RunPoint>& runs) {
  const std::vector<std::string> domains = MixtureDomains(runs);
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> weights, MixtureMatrix(runs, domains, "train"));
  MixtureGroups groups;
  std::map<std::string, size_t> index;
  for (size_t r = 0; r < runs.size(); ++r) {
    std::string key;
    char cell[32];
    for (size_t d = 0; d < domains.size(); ++d) {
      std::snprintf(cell, sizeof cell, "%.9f,", weights[r * domains.size() + d]);
      key += cell;
    }
    auto [found, added] = index.emplace(key, groups.runs.size());
    if (added) groups.runs.emplace_back();
    groups.runs[found->second].push_back(r);
  }
  return groups;
}

StageValues SizeStage::Values() const { return ValuesOf(curves); }

namespace {

// The runs of one mixture as the size law reads them: N and the metric's value.
std::vector<RunPoint> SizePoints(const std::vector<RunPoint>& runs,
                                 const std::vector<size_t>& members, const std::string& metric,
                                 const std::vector<double>& run_values) {
  std::vector<RunPoint> points;
  for (size_t r : members) {
    RunPoint point;
    point.run_id = runs[r].run_id;
    point.n_params = runs[r].n_params;
    point.metrics[metric] = run_values[r];
    points.push_back(std::move(point));
  }
  return points;
}

std::string MixtureItem(size_t g) { return "mixture " + std::to_string(g); }

}  // namespace

Result<StageValues> SizeStage::Refit(const std::vector<RunPoint>& runs,
                                     const StageValues& run_values) const {
  StageValues values(curves.size());
  for (size_t m = 0; m < curves.size(); ++m) {
    for (size_t g = 0; g < curves[m].size(); ++g) {
      const StageCurve& curve = curves[m][g];
      const std::string& metric = metrics[m];
      MIXRUN_ASSIGN_OR_RETURN(
          FitRows rows,
          curve.law.reader->Rows(SizePoints(runs, groups.runs[g], metric, run_values[m]), "train"));
      auto refit = curve.law.estimator->Refit(rows, std::vector<double>(rows.size(), 1.0),
                                              Estimator::Purpose::kBootstrap);
      if (!refit.ok()) return refit.status();
      MIXRUN_ASSIGN_OR_RETURN(double value, Extrapolate(**refit, curve.feature));
      values[m].push_back(value);
    }
  }
  return values;
}

Result<SizeStage> FitSizeStage(const FitRequest& request, const std::vector<RunPoint>& runs,
                               const MixtureGroups& groups, const std::vector<std::string>& metrics,
                               const StageValues& run_values) {
  SizeStage stage;
  stage.groups = groups;
  stage.metrics = metrics;
  FitReport& report = stage.report;
  report.law = "pipeline/size";
  nlohmann::json curves = nlohmann::json::array();
  nlohmann::json mixtures = nlohmann::json::array();
  std::vector<double> fitted, observed, loso_predicted, loso_observed;
  size_t fewest_sizes = SIZE_MAX;
  const double feature = std::log(request.at_size);
  for (size_t g = 0; g < groups.runs.size(); ++g) {
    std::set<double> sizes;
    nlohmann::json run_ids = nlohmann::json::array();
    for (size_t r : groups.runs[g]) {
      sizes.insert(runs[r].n_params);
      run_ids.push_back(runs[r].run_id);
    }
    fewest_sizes = std::min(fewest_sizes, sizes.size());
    if (sizes.size() < kMinSizes) {
      return Status::InvalidInput(
          "pipeline: the mixture of " + RunLabel(runs[groups.runs[g][0]]) + " has runs of " +
          std::to_string(sizes.size()) + " model size(s); the size law needs at least " +
          std::to_string(kMinSizes) + " (runs of one experiment at several N, imported with --n)");
    }
    mixtures.push_back({{"item", MixtureItem(g)},
                        {"weights", runs[groups.runs[g][0]].weights},
                        {"run_ids", run_ids}});
  }
  for (size_t m = 0; m < metrics.size(); ++m) {
    const FitRequest stage_request = StageRequest(request, "n", metrics[m]);
    stage.curves.emplace_back();
    for (size_t g = 0; g < groups.runs.size(); ++g) {
      const std::vector<RunPoint> points =
          SizePoints(runs, groups.runs[g], metrics[m], run_values[m]);
      auto curve = FitCurve(stage_request, points, kMinSizes, feature);
      if (!curve.ok()) {
        return curve.status().WithContext("pipeline size law of " + MixtureItem(g) + " (" +
                                          RunLabel(points[0]) + "…), " + metrics[m]);
      }
      const FitRows& rows = curve->law.train;
      MIXRUN_RETURN_IF_ERROR(
          Collect(*curve->fit, rows, std::vector<bool>(rows.size(), true), fitted, observed));
      if (fewest_sizes > kMinSizes) {  // leave one size out: the rest still determine the law
        std::set<double> sizes(rows.x.begin(), rows.x.end());
        for (double size : sizes) {
          std::vector<bool> held_out(rows.size());
          for (size_t i = 0; i < rows.size(); ++i) held_out[i] = rows.x[i] == size;
          MIXRUN_RETURN_IF_ERROR(CollectHeldOut(*curve, held_out, loso_predicted, loso_observed));
        }
      }
      AddParams(*curve, metrics[m], MixtureItem(g), "L_at_size", report, curves);
      stage.curves.back().push_back(std::move(*curve));
    }
  }
  report.stats.in_sample = MeasureAccuracy(fitted, observed);
  report.stats.huber_delta = 1e-3;
  nlohmann::json loso = nullptr;
  if (fewest_sizes > kMinSizes) {
    HeldOut held_out;
    held_out.accuracy = MeasureAccuracy(loso_predicted, loso_observed);
    loso = held_out.ToJson();
  } else {
    report.stats.warnings.push_back(
        "the size laws interpolate " + std::to_string(fewest_sizes) +
        " sizes with 3 parameters: their accuracy cannot be measured by leaving a size out "
        "(needs 4 sizes or more); the pipeline's test on held-out runs measures the chain");
  }
  report.stats.extra = {{"leave_one_size_out", loso},
                        {"fewest_sizes", fewest_sizes},
                        {"at_size", request.at_size},
                        {"mixtures", std::move(mixtures)}};
  report.state = {{"curves", std::move(curves)}, {"metrics", metrics}};
  for (const RunPoint& run : runs) report.run_ids.push_back(run.run_id);
  return stage;
}

}  // namespace mixrun

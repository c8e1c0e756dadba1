#include "laws/power.h"

#include <cmath>
#include <map>

#include "fit/run_inputs.h"

namespace mixrun {
namespace {

// The scaling variable of a run (for x = step, prediction reads metrics["step"]).
Result<double> ScaleOf(const RunPoint& run, const std::string& x) {
  double value = std::nan("");
  if (x == "n") value = run.n_params;
  if (x == "d") value = run.TokensOrFromCompute();
  if (x == "c") value = std::isfinite(run.flops) ? run.flops : 6 * run.n_params * run.n_tokens;
  if (x == "m") value = run.TokensOrFromCompute() / run.n_params;
  if (x == "step") {
    auto it = run.metrics.find("step");
    if (it != run.metrics.end()) value = it->second;
  }
  if (!(std::isfinite(value) && value > 0)) {
    return Status::InvalidInput(RunLabel(run) + ": power law in x=" + x + " needs a positive " +
                                (x == "step" ? std::string("metrics[\"step\"]") : x));
  }
  return value;
}

std::vector<std::vector<double>> PowerStarts() {
  std::vector<std::vector<double>> starts;
  for (int alpha = 0; alpha <= 4; ++alpha) {
    for (int e = -2; e <= 2; ++e) {
      for (int a = 0; a <= 10; ++a) starts.push_back({2.5 * a, 0.5 * e, 0.5 * alpha});
    }
  }
  return starts;
}

Result<FitRows> PowerRows(const std::vector<RunPoint>& runs, const std::string& metric,
                          const std::string& x, const std::string& set_name) {
  FitRows rows;
  rows.num_features = 1;
  if (x != "step") {
    MIXRUN_ASSIGN_OR_RETURN(rows.y, PositiveMetric(runs, metric, set_name));
    for (const RunPoint& run : runs) {
      MIXRUN_ASSIGN_OR_RETURN(double value, ScaleOf(run, x));
      rows.x.push_back(std::log(value));
    }
    return rows;
  }
  for (const RunPoint& run : runs) {
    auto it = run.history.find(metric);
    if (it == run.history.end() || it->second.empty()) {
      return Status::InvalidInput(set_name + " " + RunLabel(run) + " has no history of metric '" +
                                  metric + "' (a step law fits the curve of each run)");
    }
    for (const MetricSample& sample : it->second) {
      if (sample.step <= 0) continue;  // log(step) needs step > 0; step 0 is the initial loss
      MIXRUN_RETURN_IF_ERROR(CheckLoss(
          sample.value, set_name + " " + RunLabel(run) + " at step " + std::to_string(sample.step),
          metric));
      rows.x.push_back(std::log(static_cast<double>(sample.step)));
      rows.y.push_back(sample.value);
    }
  }
  return rows;
}

}  // namespace

Result<std::shared_ptr<const CurveLawSpec>> PowerSpec(const FitRequest& request,
                                                      size_t min_points) {
  const std::string x = request.x;
  if (x != "n" && x != "d" && x != "c" && x != "m" && x != "step") {
    return Status::InvalidInput("power law: x must be n, d, c, m or step, not '" + x + "'");
  }
  auto spec = std::make_shared<CurveLawSpec>();
  spec->law = "power";
  spec->model = std::make_unique<JetLawModel<PowerFunctor, kPowerParams>>(
      PowerFunctor{}, std::vector<ParamSpec>{{"a"}, {"e"}, {"alpha"}});
  spec->num_features = 1;
  static const std::map<std::string, std::string> kVariables = {
      {"n", "N"}, {"d", "D"}, {"c", "C"}, {"m", "M"}, {"step", "step"}};
  spec->feature_names = {"log " + kVariables.at(x)};
  spec->starts = PowerStarts();
  spec->huber_delta = request.huber_delta.value_or(1e-3);
  spec->min_points = min_points;
  spec->features = [x](const RunPoint& run) -> Result<std::vector<double>> {
    MIXRUN_ASSIGN_OR_RETURN(double value, ScaleOf(run, x));
    return std::vector<double>{std::log(value)};
  };
  const std::string metric = request.metric;
  spec->rows = [metric, x](const std::vector<RunPoint>& runs, const std::string& set_name) {
    return PowerRows(runs, metric, x, set_name);
  };
  spec->named = [](const std::vector<double>& p) {
    return std::map<std::string, double>{
        {"A", std::exp(p[0])}, {"E", std::exp(p[1])}, {"alpha", p[2]}};
  };
  return std::shared_ptr<const CurveLawSpec>(std::move(spec));
}

const LawEntry& PowerLaw() {
  static const LawEntry entry = {
      .name = "power",
      .family = "scale law (Ceres)",
      .reads = "one of N, D, C (--x n|d|c) of each run, or the metric's history (--x step)",
      .prepare = [](const FitRequest& request,
                    const std::vector<RunPoint>& train) -> Result<PreparedLaw> {
        MIXRUN_ASSIGN_OR_RETURN(auto spec, PowerSpec(request));
        return PrepareCurveLaw(std::move(spec), request, train);
      },
      .load = [](const FitRequest& request, const nlohmann::json&) -> Result<LawLoader> {
        MIXRUN_ASSIGN_OR_RETURN(auto spec, PowerSpec(request));
        return LoadCurveLaw(std::move(spec));
      },
      .defaults = nullptr,
      .history =
          [](const FitRequest& request) {
            return request.x == "step" ? std::set<std::string>{request.metric}
                                       : std::set<std::string>{};
          },
  };
  return entry;
}

}  // namespace mixrun

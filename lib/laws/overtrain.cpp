#include "laws/overtrain.h"

#include <cmath>

#include "fit/run_inputs.h"

namespace mixrun {
namespace {

// a', b' ∈ {0, 5, …, 25}, e ∈ {−1, −0.5, …, 1}, η ∈ {0.05, 0.1, 0.2, 0.3, 0.5}: 900 starts
// spanning Gadre et al.'s fits (η ≈ 0.12) and Chinchilla-like ones (η ≈ 0.15).
std::vector<std::vector<double>> OvertrainStarts() {
  std::vector<std::vector<double>> starts;
  for (double eta : {0.05, 0.1, 0.2, 0.3, 0.5}) {
    for (int e = -2; e <= 2; ++e) {
      for (int a = 0; a <= 5; ++a) {
        for (int b = 0; b <= 5; ++b) starts.push_back({5.0 * a, 5.0 * b, 0.5 * e, eta});
      }
    }
  }
  return starts;
}

}  // namespace

Result<std::vector<double>> OvertrainFeatures(const RunPoint& run) {
  MIXRUN_ASSIGN_OR_RETURN(RunScale scale, PositiveScale(run, "overtrain"));
  return std::vector<double>{std::log(6.0 * scale.n * scale.d), std::log(scale.d / scale.n)};
}

std::map<std::string, double> OvertrainParams(const std::vector<double>& fit) {
  return {
      {"a", std::exp(fit[0])}, {"b", std::exp(fit[1])}, {"E", std::exp(fit[2])}, {"eta", fit[3]}};
}

std::map<std::string, double> OvertrainDerived(const std::vector<double>& fit) {
  const double eta = fit[3];
  std::map<std::string, double> derived = {{"chinchilla_exponent", 2 * eta}};
  // d/dM (a·M^η + b·M^−η) = 0 at M^(2η) = b/a; in logs so that large a', b' stay finite.
  if (eta > 0) derived["M_opt"] = std::exp((fit[1] - fit[0]) / (2 * eta));
  return derived;
}

std::shared_ptr<const CurveLawSpec> OvertrainSpec(const FitRequest& request) {
  auto spec = std::make_shared<CurveLawSpec>();
  spec->law = "overtrain";
  spec->model = std::make_unique<JetLawModel<OvertrainFunctor, kOvertrainParams>>(
      OvertrainFunctor{}, std::vector<ParamSpec>{{"a"}, {"b"}, {"e"}, {"eta"}});
  spec->num_features = 2;
  spec->feature_names = {"log C", "log M"};
  spec->starts = OvertrainStarts();
  spec->huber_delta = request.huber_delta.value_or(kChinchillaHuberDelta);
  spec->features = OvertrainFeatures;
  const std::string metric = request.metric;
  spec->rows = [metric](const std::vector<RunPoint>& runs, const std::string& set_name) {
    return MetricRows(runs, metric, set_name, 2, OvertrainFeatures);
  };
  spec->named = OvertrainParams;
  spec->derived = OvertrainDerived;
  return spec;
}

const LawEntry& OvertrainLaw() {
  static const LawEntry entry = {
      .name = "overtrain",
      .family = "scale law (Ceres)",
      .reads = "N and D (or C, or M) of each run, and --metric",
      .prepare = [](const FitRequest& request,
                    const std::vector<RunPoint>& train) -> Result<PreparedLaw> {
        return PrepareCurveLaw(OvertrainSpec(request), request, train);
      },
      .load = [](const FitRequest& request, const nlohmann::json&) -> Result<LawLoader> {
        return LoadCurveLaw(OvertrainSpec(request));
      },
      .defaults = nullptr,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

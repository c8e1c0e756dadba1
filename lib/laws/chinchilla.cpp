#include "laws/chinchilla.h"

#include <cmath>

#include "fit/run_inputs.h"

namespace mixrun {

std::unique_ptr<LawModel> NewChinchillaModel() {
  // Unbounded, as in the reference fits: the LSE form keeps A, B, E positive by construction.
  return std::make_unique<JetLawModel<ChinchillaFunctor, kChinchillaParams>>(
      ChinchillaFunctor{}, std::vector<ParamSpec>{{"a"}, {"b"}, {"e"}, {"alpha"}, {"beta"}});
}

std::vector<std::vector<double>> ChinchillaStarts() {
  std::vector<std::vector<double>> starts;
  starts.reserve(4500);
  for (int alpha = 0; alpha <= 4; ++alpha) {
    for (int beta = 0; beta <= 4; ++beta) {
      for (int e = -2; e <= 2; ++e) {
        for (int a = 0; a <= 5; ++a) {
          for (int b = 0; b <= 5; ++b) {
            starts.push_back({5.0 * a, 5.0 * b, 0.5 * e, 0.5 * alpha, 0.5 * beta});
          }
        }
      }
    }
  }
  return starts;
}

std::map<std::string, double> ChinchillaParams(const std::vector<double>& fit) {
  return {{"A", std::exp(fit[0])},
          {"B", std::exp(fit[1])},
          {"E", std::exp(fit[2])},
          {"alpha", fit[3]},
          {"beta", fit[4]}};
}

std::map<std::string, double> ChinchillaDerived(const std::vector<double>& fit, double compute) {
  const double a = fit[0], b = fit[1], alpha = fit[3], beta = fit[4];
  std::map<std::string, double> derived = {{"n_opt_exponent", beta / (alpha + beta)},
                                           {"d_opt_exponent", alpha / (alpha + beta)}};
  if (compute > 0) {
    // In logs: log G = (log(αA) − log(βB)) / (α+β), which stays finite for large A and B.
    const double log_g = (std::log(alpha) + a - std::log(beta) - b) / (alpha + beta);
    const double log_half_budget = std::log(compute / 6.0);
    const double log_n = log_g + beta / (alpha + beta) * log_half_budget;
    const double log_d = log_half_budget - log_n;
    derived["N_opt"] = std::exp(log_n);
    derived["D_opt"] = std::exp(log_d);
    derived["tokens_per_param"] = std::exp(log_d - log_n);
  }
  return derived;
}

namespace {

Result<std::vector<double>> ChinchillaFeatures(const RunPoint& run) {
  MIXRUN_ASSIGN_OR_RETURN(RunScale scale, PositiveScale(run, "chinchilla"));
  return std::vector<double>{std::log(scale.n), std::log(scale.d)};
}

}  // namespace

std::shared_ptr<const CurveLawSpec> ChinchillaSpec(const FitRequest& request) {
  auto spec = std::make_shared<CurveLawSpec>();
  spec->law = "chinchilla";
  spec->model = NewChinchillaModel();
  spec->num_features = 2;
  spec->feature_names = {"log N", "log D"};
  spec->starts = ChinchillaStarts();
  spec->huber_delta = request.huber_delta.value_or(kChinchillaHuberDelta);
  spec->features = ChinchillaFeatures;
  const std::string metric = request.metric;
  spec->rows = [metric](const std::vector<RunPoint>& runs, const std::string& set_name) {
    return MetricRows(runs, metric, set_name, 2, ChinchillaFeatures);
  };
  spec->named = ChinchillaParams;
  const double compute = request.compute;
  spec->derived = [compute](const std::vector<double>& fit) {
    return ChinchillaDerived(fit, compute);
  };
  return spec;
}

const LawEntry& ChinchillaLaw() {
  static const LawEntry entry = {
      .name = "chinchilla",
      .family = "scale law (Ceres)",
      .reads = "N and D (or C) of each run, and --metric",
      .prepare = [](const FitRequest& request,
                    const std::vector<RunPoint>& train) -> Result<PreparedLaw> {
        if (request.compute < 0 || !std::isfinite(request.compute)) {
          return Status::InvalidInput("compute must be positive");
        }
        return PrepareCurveLaw(ChinchillaSpec(request), request, train);
      },
      .load = [](const FitRequest& request, const nlohmann::json&) -> Result<LawLoader> {
        return LoadCurveLaw(ChinchillaSpec(request));
      },
      .defaults = nullptr,
      .history = nullptr,
  };
  return entry;
}

}  // namespace mixrun

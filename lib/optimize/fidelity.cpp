#include "optimize/fidelity.h"

#include <algorithm>
#include <cmath>

#include "common/text_table.h"

namespace mixrun {
namespace {

double Cost(const ModelScale& scale) { return 6 * scale.n_params * scale.n_tokens; }

double Mean(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return x.empty() ? 0 : sum / static_cast<double>(x.size());
}

double Covariance(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = Mean(x), my = Mean(y);
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) sum += (x[i] - mx) * (y[i] - my);
  return x.size() > 1 ? sum / static_cast<double>(x.size() - 1) : 0;
}

std::string Percent(double share) {
  return std::to_string(static_cast<int>(std::lround(100 * share))) + "%";
}

}  // namespace

FidelityChoice ChooseFidelity(const std::vector<double>& target,
                              const std::vector<std::vector<double>>& at_scale,
                              const std::vector<ModelScale>& scales, double noise_sd) {
  FidelityChoice choice;
  choice.target_variance = Covariance(target, target);
  for (size_t s = 0; s < scales.size(); ++s) {
    FidelityOption option;
    option.scale = scales[s];
    option.cost = Cost(scales[s]);
    const double covariance = Covariance(target, at_scale[s]);
    option.gain =
        covariance * covariance / (Covariance(at_scale[s], at_scale[s]) + noise_sd * noise_sd);
    option.explained = choice.target_variance > 0 ? option.gain / choice.target_variance : 0;
    choice.options.push_back(option);
  }
  // The value per FLOP; among (near) equals the cheaper run.
  for (size_t s = 1; s < choice.options.size(); ++s) {
    const FidelityOption& a = choice.options[s];
    const FidelityOption& b = choice.options[choice.chosen];
    const double value_a = a.gain / a.cost, value_b = b.gain / b.cost;
    if (value_a > value_b * (1 + 1e-9) || (!(value_a < value_b * (1 - 1e-9)) && a.cost < b.cost)) {
      choice.chosen = s;
    }
  }
  if (choice.options.empty()) return choice;
  const FidelityOption& chosen = choice.options[choice.chosen];
  choice.reason = "train at " + ScaleText(chosen.scale) + ": one run there removes " +
                  Percent(chosen.explained) + " of the refits' variance at the target";
  const auto largest = std::max_element(
      choice.options.begin(), choice.options.end(),
      [](const FidelityOption& a, const FidelityOption& b) { return a.cost < b.cost; });
  if (largest != choice.options.begin() + static_cast<long>(choice.chosen)) {
    choice.reason += " (" + Percent(largest->explained) + " at " + ScaleText(largest->scale) +
                     ", for " + FormatSignificant(largest->cost / chosen.cost, 3) + "× the FLOPs)";
  }
  return choice;
}

std::vector<ModelScale> ScalesOfRuns(const std::vector<RunPoint>& runs) {
  std::vector<ModelScale> scales;
  for (const RunPoint& run : runs) {
    const ModelScale scale{run.n_params, run.TokensOrFromCompute()};
    if (!(std::isfinite(scale.n_params) && std::isfinite(scale.n_tokens))) continue;
    const bool seen = std::any_of(scales.begin(), scales.end(), [&](const ModelScale& s) {
      return s.n_params == scale.n_params && s.n_tokens == scale.n_tokens;
    });
    if (!seen) scales.push_back(scale);
  }
  std::sort(scales.begin(), scales.end(), [](const ModelScale& a, const ModelScale& b) {
    return Cost(a) < Cost(b) || (Cost(a) == Cost(b) && a.n_params < b.n_params);
  });
  return scales;
}

std::string ScaleText(const ModelScale& scale) {
  return std::string("N ")
      .append(HumanCount(scale.n_params))
      .append(", D ")
      .append(HumanCount(scale.n_tokens));
}

}  // namespace mixrun

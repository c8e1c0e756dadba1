#include "catalog/run_pairing.h"

#include <cmath>

#include "fit/run_inputs.h"
#include "laws/loss2loss.h"

namespace mixrun {
namespace {

constexpr double kSameScale = 1e-6;

bool SameValue(double a, double b) {
  return std::isfinite(a) && std::isfinite(b) && std::abs(a - b) <= kSameScale * std::abs(a);
}

}  // namespace

Result<PairingSummary> PairByScale(std::vector<RunPoint>& runs,
                                   const std::vector<RunPoint>& partners,
                                   const std::string& partner_experiment,
                                   const std::string& metric) {
  const std::string name = PairedMetricName(partner_experiment, metric);
  PairingSummary summary;
  std::vector<RunPoint> kept;
  for (RunPoint& run : runs) {
    double sum = 0;
    int count = 0;
    for (const RunPoint& partner : partners) {
      auto value = partner.metrics.find(metric);
      if (value == partner.metrics.end()) continue;
      if (!SameValue(run.n_params, partner.n_params) ||
          !SameValue(run.TokensOrFromCompute(), partner.TokensOrFromCompute())) {
        continue;
      }
      sum += value->second;
      ++count;
    }
    if (count == 0) {
      summary.unpaired.push_back(RunLabel(run));
      continue;
    }
    run.metrics[name] = sum / count;
    kept.push_back(std::move(run));
  }
  runs = std::move(kept);
  summary.paired = runs.size();
  if (runs.empty()) {
    return Status::InvalidInput("no run has a run of '" + partner_experiment +
                                "' with the same N and D and a value of '" + metric +
                                "' to pair with");
  }
  return summary;
}

}  // namespace mixrun

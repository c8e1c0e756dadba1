#include "train/divergence.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "common/text_table.h"

namespace mixrun {
namespace {

std::string At(const LossPoint& point) {
  return FormatSignificant(point.value, 3) + " at step " + std::to_string(point.step);
}

DivergenceVerdict Verdict(DivergenceVerdict::Finding finding, std::string reason) {
  DivergenceVerdict verdict;
  verdict.finding = finding;
  verdict.reason = std::move(reason);
  return verdict;
}

}  // namespace

DivergenceVerdict CheckDivergence(std::vector<LossPoint> history, const std::string& metric) {
  using Finding = DivergenceVerdict::Finding;
  std::map<int64_t, double> by_step;
  for (const LossPoint& point : history) by_step[point.step] = point.value;
  history.clear();
  for (const auto& [step, value] : by_step) history.push_back({step, value});

  for (const LossPoint& point : history) {
    if (!std::isfinite(point.value)) {
      const std::string value = std::isnan(point.value) ? "nan" : point.value > 0 ? "inf" : "-inf";
      return Verdict(Finding::kNotFinite, "diverged: " + metric + " is " + value + " at step " +
                                              std::to_string(point.step));
    }
  }
  if (history.size() < 2) return {};
  const LossPoint& first = history.front();
  const LossPoint& last = history.back();
  const LossPoint& best =
      *std::min_element(history.begin(), history.end(),
                        [](const LossPoint& a, const LossPoint& b) { return a.value < b.value; });

  if (last.value > kExplodedOverBest * best.value && last.value - best.value >= kExplodedMinRise) {
    return Verdict(Finding::kExploded,
                   "diverged: " + metric + " rose from " + At(best) + " to " + At(last));
  }
  if (first.step == 0 && last.step >= kMinStepsForProgress &&
      last.value > (1 - kMinImprovementOverStart) * first.value) {
    if (last.value > first.value) {
      return Verdict(Finding::kAboveStart, "diverged: " + metric + " rose from " + At(first) +
                                               " (untrained) to " + At(last));
    }
    return Verdict(Finding::kNoProgress, "did not learn: " + metric + " went from " + At(first) +
                                             " (untrained) to " + At(last) +
                                             ", less than 1% lower");
  }
  const size_t n = history.size();
  if (n >= static_cast<size_t>(kRisingEvaluations) && last.value > kRisingOverBest * best.value) {
    bool rising = true;
    for (size_t i = n - kRisingEvaluations + 1; i < n; ++i) {
      rising = rising && history[i].value > history[i - 1].value;
    }
    if (rising) {
      std::string recent;
      for (size_t i = n - kRisingEvaluations; i < n; ++i) {
        recent += (recent.empty() ? "" : ", ") + At(history[i]);
      }
      return Verdict(Finding::kRising, "warning: " + metric + " rose over the last " +
                                           std::to_string(kRisingEvaluations) + " evaluations (" +
                                           recent + "); its best was " + At(best));
    }
  }
  return {};
}

DivergenceVerdict CheckDivergence(const std::vector<MetricRow>& rows, const std::string& metric) {
  std::vector<LossPoint> history;
  for (const MetricRow& row : rows) {
    if (row.name == metric) history.push_back({row.step, row.value});
  }
  return CheckDivergence(std::move(history), metric);
}

}  // namespace mixrun

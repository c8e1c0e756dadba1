// The first two stages of Data Mixing Laws' nested pipeline (Ye et al. 2024, §4), each the power
// law (laws/power.h) fitted many times through the curve-law estimator: per run and domain metric
// a step law L(s) = E + A/s^α on the history points in the step window, extrapolated to the
// target steps; per mixture and metric a size law L(N) = E + B/N^β over its runs' sizes,
// extrapolated to the target size. Each stage keeps its fits to refit them in the chain's
// bootstrap, and measures its own accuracy as a FitReport (law "pipeline/step", "pipeline/size").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "fit/law_entry.h"

namespace mixrun {

// The step stage's held-out accuracy: each run's last kHeldOutSteps window points predicted by
// its law refitted without them (runs with fewer than kMinStepPoints + kHeldOutSteps points in
// the window are not judged).
inline constexpr size_t kHeldOutSteps = 2;
inline constexpr size_t kMinStepPoints = 4;  // a step law's fewest points (3 parameters)
inline constexpr size_t kMinSizes = 3;       // a size law's fewest distinct sizes (interpolates)

// One power law fitted on its rows, kept for refits, and its extrapolation.
struct StageCurve {
  PreparedLaw law;
  std::unique_ptr<Predictor> fit;
  double feature = 0;  // log x of the extrapolation (log at_steps, log at_size)
  double value = 0;    // the full fit's prediction there
};

// Values of a stage per metric and item (run or mixture): values[metric][item].
using StageValues = std::vector<std::vector<double>>;

struct StepStage {
  std::vector<std::vector<StageCurve>> curves;  // [metric][run]
  FitReport report;

  StageValues Values() const;
  // One bootstrap replicate: every curve refitted on a resample of its points (streams of
  // `seed`), extrapolated to the target steps.
  Result<StageValues> Resample(uint64_t seed) const;
};

// Fits a step law to every run's history of every metric in the request's step window.
Result<StepStage> FitStepStage(const FitRequest& request, const std::vector<RunPoint>& runs,
                               const std::vector<std::string>& metrics);

// The runs grouped by mixture (normalised weights over the runs' domains, equal to 1e-9), in
// order of first appearance: runs[g] are indices into the runs.
struct MixtureGroups {
  std::vector<std::vector<size_t>> runs;
};
Result<MixtureGroups> GroupByMixture(const std::vector<RunPoint>& runs);

struct SizeStage {
  MixtureGroups groups;
  std::vector<std::string> metrics;
  std::vector<std::vector<StageCurve>> curves;  // [metric][mixture]
  FitReport report;

  StageValues Values() const;
  // The size laws refitted on other per-run values (run_values[metric][run]), extrapolated.
  Result<StageValues> Refit(const std::vector<RunPoint>& runs, const StageValues& run_values) const;
};

// Fits a size law per mixture and metric to the runs' values (run_values[metric][run]): the step
// stage's extrapolations.
Result<SizeStage> FitSizeStage(const FitRequest& request, const std::vector<RunPoint>& runs,
                               const MixtureGroups& groups, const std::vector<std::string>& metrics,
                               const StageValues& run_values);

}  // namespace mixrun

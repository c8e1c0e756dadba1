// Divergence: whether a finished run's evaluation history shows a loss that blew up or never
// came down (the run failed, though every value is finite) or one rising at the end (a warning).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/run_point.h"

namespace mixrun {

// The thresholds, for a loss in nats (per token or byte). Evaluations use fixed validation
// windows, so their noise is the training trajectory's, not sampling's: a few percent at most.
//
// Failed, exploded: the final loss is more than 1.5× the best seen, and at least 0.1 nats above
// it (so that a near-zero loss on toy data does not trip the ratio). Schedules end with a low
// learning rate, so a healthy run ends at or near its best; 50% above it is far beyond noise or
// a recovered loss spike.
inline constexpr double kExplodedOverBest = 1.5;
inline constexpr double kExplodedMinRise = 0.1;
// Failed, no progress: with an evaluation of the untrained model (step 0) and at least 10 steps
// trained, the final loss is not at least 1% below it. Any learning rate that trains at all
// takes the first steps' easy gains (byte and unigram frequencies) far past 1%; a run that
// does not has diverged and collapsed, or never moved. Shorter runs (smoke tests) and
// histories without step 0 (a trainer that evaluates later) are not judged by this rule.
inline constexpr double kMinImprovementOverStart = 0.01;
inline constexpr int64_t kMinStepsForProgress = 10;
// Warning, rising: each of the last 3 evaluations is above the one before and the final one is
// over 2% above the best — a run getting worse at its end (too high a learning rate, or
// overfitting a domain repeated for many epochs); its final loss is still kept.
inline constexpr int kRisingEvaluations = 3;
inline constexpr double kRisingOverBest = 1.02;

struct LossPoint {
  int64_t step = 0;
  double value = 0;
};

struct DivergenceVerdict {
  enum class Finding {
    kHealthy,
    kExploded,    // failed: far above its best
    kAboveStart,  // failed: above the untrained model's loss
    kNoProgress,  // failed: less than 1% below it
    kNotFinite,   // failed: nan or inf
    kRising,      // warning
  };
  Finding finding = Finding::kHealthy;
  // Names the metric, the steps and the losses, e.g. "diverged: eval/target/loss rose from 2.31
  // at step 400 to 7.9 at step 1000"; empty when healthy.
  std::string reason;

  bool failed() const { return finding != Finding::kHealthy && finding != Finding::kRising; }
  bool warning() const { return finding == Finding::kRising; }
};

// Judges one metric's history (any order; a repeated step keeps its last value). Fewer than two
// evaluations cannot be judged and are healthy.
DivergenceVerdict CheckDivergence(std::vector<LossPoint> history, const std::string& metric);

// The same, on the rows named `metric` among `rows` (a run's metrics as written).
DivergenceVerdict CheckDivergence(const std::vector<MetricRow>& rows, const std::string& metric);

}  // namespace mixrun

// Human-readable output of fits: the parameter table with SEs and intervals, derived quantities,
// in-sample / k-fold / held-out accuracy with the coverage of the prediction interval, warnings;
// and predictions with both kinds of interval, each labelled.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "fit/calibration.h"
#include "fit/fit_report.h"
#include "fit/fit_stats.h"

namespace mixrun {

void PrintFitReport(std::ostream& out, int64_t fit_id, const FitReport& report,
                    const std::string& experiment);

// "k-fold: n 240, Spearman …, MRE …, 95% prediction interval covers 94.6% (mean width 0.031)".
void PrintHeldOut(std::ostream& out, const std::string& title, const HeldOut& held_out);

// A fraction as a percentage of 3 significant digits: 0.0041 → "0.41%".
std::string FormatPercent(double fraction);

// "[2.3891, 2.4233]", or "-" without an interval.
std::string FormatInterval(const std::optional<Interval>& interval, int digits = 5);

// One row per point: the point's description, the prediction, its mean interval and its
// prediction interval; then how the prediction interval was made.
void PrintPredictions(std::ostream& out,
                      const std::vector<std::pair<std::string, PointPrediction>>& predictions);

}  // namespace mixrun

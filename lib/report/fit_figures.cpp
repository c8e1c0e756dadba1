#include "report/fit_figures.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/format.h"

namespace mixrun {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kColumns = {"run_id",  "held_out", "predicted",
                                           "actual",  "residual", "pi_low",
                                           "pi_high", "mean_low", "mean_high"};

// The runs left out of the figures, and why.
struct LeftOut {
  size_t without_target = 0;
  size_t unreadable = 0;     // the law cannot predict them (e.g. a run lacking what it reads)
  std::string first_reason;  // the first unreadable run's error

  // append, not operator+: GCC 12 warns (-Wrestrict) on a temporary's concatenation.
  std::string Describe(const std::string& metric) const {
    std::string text;
    if (without_target) {
      text.append(" ").append(std::to_string(without_target)).append(" runs without ");
      text.append(metric).append(" are left out.");
    }
    if (unreadable) {
      text.append(" ").append(std::to_string(unreadable));
      text.append(" runs the law cannot predict are left out (").append(first_reason).append(").");
    }
    return text;
  }
};

// The rows shared by both figures: one per run with the target and a finite prediction.
void AddRunRows(const StoredFit& fit, const std::vector<RunPoint>& runs, bool held_out,
                Figure& figure, std::vector<std::vector<double>>& values, LeftOut& left_out) {
  for (const RunPoint& run : runs) {
    const std::optional<double> actual = fit.ObservedTarget(run);
    if (!actual || !std::isfinite(*actual)) {
      ++left_out.without_target;
      continue;
    }
    auto prediction = fit.fitted->PredictWithIntervals(run);
    if (!prediction.ok() || !std::isfinite(prediction->value)) {
      if (left_out.unreadable++ == 0) {
        left_out.first_reason =
            "run " + std::to_string(run.run_id) + ": " +
            (prediction.ok() ? "not a finite prediction" : prediction.status().message());
      }
      continue;
    }
    const auto& pi = prediction->prediction_interval;
    const auto& mean = prediction->mean_interval;
    values.push_back({static_cast<double>(run.run_id), held_out ? 1.0 : 0.0, prediction->value,
                      *actual, *actual - prediction->value, pi ? pi->low : kNaN,
                      pi ? pi->high : kNaN, mean ? mean->low : kNaN, mean ? mean->high : kNaN});
    figure.AddRow(values.back());
  }
}

// The two series of a plot clause: the training runs (column held_out 0) and the held-out ones.
struct Series {
  int held_out;
  std::string colour, point, title;
};

std::vector<Series> SeriesOf(const FitFigureRuns& runs, size_t held_out_rows) {
  std::vector<Series> series = {{0, "#1f77b4", "pt 7 ps 0.6", "training runs of the fit"}};
  if (held_out_rows > 0) {
    series.push_back(
        {1, "#d62728", "pt 5 ps 0.9",
         "held-out runs" +
             (runs.held_out_name.empty() ? std::string() : " (" + runs.held_out_name + ")")});
  }
  return series;
}

// "The 95% prediction interval holds 3 of the 3 held-out runs (mean interval: 1 of 3)." —
// measured on the figure's rows (columns as kColumns) of one kind; empty without intervals.
std::string CoverageText(const std::vector<std::vector<double>>& rows, bool held_out) {
  int n = 0, in_prediction = 0, n_mean = 0, in_mean = 0;
  for (const std::vector<double>& row : rows) {
    if ((row[1] == 1.0) != held_out) continue;
    const double actual = row[3];
    if (std::isfinite(row[5]) && std::isfinite(row[6])) {
      ++n;
      in_prediction += row[5] <= actual && actual <= row[6];
    }
    if (std::isfinite(row[7]) && std::isfinite(row[8])) {
      ++n_mean;
      in_mean += row[7] <= actual && actual <= row[8];
    }
  }
  if (n == 0) return "";
  std::string text = " The 95% prediction interval holds " + std::to_string(in_prediction) +
                     " of the " + std::to_string(n) + (held_out ? " held-out" : " training") +
                     " runs";
  if (n_mean > 0) {
    text += " (the mean interval " + std::to_string(in_mean) + " of " + std::to_string(n_mean) +
            ": it is where the expected value lies, not one run's)";
  }
  return text + ".";
}

std::string Only(const Series& series, const std::string& column) {
  return "($2==" + std::to_string(series.held_out) + " ? " + column + " : 1/0)";
}

}  // namespace

std::vector<Figure> FitAccuracyFigures(const StoredFit& fit, const FitFigureRuns& runs) {
  const std::string metric = fit.TargetMetric();
  Figure data;
  data.columns = kColumns;
  LeftOut left_out;
  std::vector<std::vector<double>> values;  // the rows as numbers, for the coverage
  AddRunRows(fit, runs.training, false, data, values, left_out);
  const size_t training_rows = data.rows.size();
  AddRunRows(fit, runs.held_out, true, data, values, left_out);
  if (data.rows.empty()) return {};
  const std::vector<Series> series = SeriesOf(runs, data.rows.size() - training_rows);
  const bool intervals = fit.fitted->calibration().has_value();
  const std::string without = left_out.Describe(metric);
  const std::string interval_text =
      intervals
          ? " Bars: each run's 95% prediction interval (where one new run's value will lie; " +
                fit.fitted->calibration()->Describe() + ")."
          : " The fit was stored without a calibration: no prediction interval.";

  Figure scatter = data;
  scatter.name = "predicted_vs_actual";
  scatter.title = "Predicted against actual " + metric + " (fit " + std::to_string(fit.id) + ", " +
                  fit.Describe() + ")";
  scatter.caption = "Each point is a run: its measured " + metric +
                    " (x) and the fit's prediction (y); on the dashed line y = x the law is "
                    "exact." +
                    interval_text + CoverageText(values, false) + CoverageText(values, true) +
                    without;
  // One range for both axes: y = x is the diagonal, and the points set it (not the bars).
  const std::string square = PlotRange(data, {2, 3});
  scatter.plot = "set xlabel " + GnuplotQuote("actual " + metric) + "\nset ylabel " +
                 GnuplotQuote("predicted " + metric) + "\nset xrange " + square + "\nset yrange " +
                 square + "\nset size ratio -1\nset key below\nplot ";
  for (const Series& s : series) {
    scatter.plot += "data using 4:" + Only(s, "$3") +
                    (intervals ? ":6:7 with yerrorbars " : " with points ") + s.point +
                    " lc rgb '" + s.colour + "' title " + GnuplotQuote(s.title) + ", \\\n  ";
  }
  scatter.plot += "x with lines dt 2 lc rgb '#555555' title 'y = x'\n";

  Figure residuals = data;
  residuals.name = "residuals";
  residuals.title = "Residuals of fit " + std::to_string(fit.id) + ": actual − predicted";
  residuals.caption =
      "Each point is a run: the fit's prediction (x) and how far the measured " + metric +
      " lies from it (y, actual − predicted). A pattern along x means the law misses a trend." +
      (intervals
           ? " Grey bars: the 95% prediction interval around each prediction, drawn around "
             "0 (a point outside its bar fell outside the interval; bars are clipped at the plot's "
             "edge)."
           : "") +
      without;
  residuals.plot = "set xlabel " + GnuplotQuote("predicted " + metric) +
                   "\nset ylabel 'actual - predicted'\nset yrange " + PlotRange(data, {4}, 0.0) +
                   "\nset key below\nplot ";
  if (intervals) {
    residuals.plot +=
        "data using 3:(0):($6-$3):($7-$3) with yerrorbars pt -1 lc rgb '#bbbbbb' "
        "title '95% prediction interval', \\\n  ";
  }
  for (const Series& s : series) {
    residuals.plot += "data using 3:" + Only(s, "$5") + " with points " + s.point + " lc rgb '" +
                      s.colour + "' title " + GnuplotQuote(s.title) + ", \\\n  ";
  }
  residuals.plot += "0 with lines dt 2 lc rgb '#555555' notitle\n";
  return {std::move(scatter), std::move(residuals)};
}

}  // namespace mixrun

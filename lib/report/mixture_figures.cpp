#include "report/mixture_figures.h"

#include <cmath>
#include <iterator>
#include <limits>

#include "common/format.h"
#include "fit/calibration.h"
#include "mixture/mixture.h"

namespace mixrun {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kSweepPoints = 101;  // weights 0, 0.01, …, 1
// Ten distinct colours; past ten domains the lines repeat them dashed, so each line stays unique.
const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string Cell(double value) { return std::isfinite(value) ? FormatDouble(value) : ""; }

// The reference with domain j's weight set to `w` and the others scaled to fill 1 − w in their
// reference proportions (equal shares when the reference gives them nothing).
WeightVector WithWeight(const WeightVector& reference, size_t j, double w) {
  double others = 0;
  for (size_t k = 0; k < reference.size(); ++k) others += k == j ? 0 : reference[k];
  WeightVector weights(reference.size());
  for (size_t k = 0; k < reference.size(); ++k) {
    if (k == j) {
      weights[k] = w;
    } else if (others > 0) {
      weights[k] = reference[k] * (1 - w) / others;
    } else {
      weights[k] = (1 - w) / static_cast<double>(reference.size() - 1);
    }
  }
  return weights;
}

RunPoint PointOf(const std::vector<std::string>& domains, const WeightVector& weights,
                 const std::optional<ModelScale>& scale) {
  RunPoint point;
  point.weights = ToMixture(domains, weights);
  if (scale) {
    point.n_params = scale->n_params;
    point.n_tokens = scale->n_tokens;
  }
  return point;
}

std::string AtScale(const MixtureContext& context) {
  return context.scale ? " All predictions at " + context.scale_text + "." : "";
}

std::string MeanBandText(const StoredFit& fit) {
  return fit.fitted->bootstrap_size() > 0
             ? "The band is the 95% mean interval: the 2.5–97.5% percentiles of the " +
                   std::to_string(fit.fitted->bootstrap_size()) +
                   " bootstrap refits' predictions (where the law's expected value lies, not one "
                   "run's)."
             : "The fit was stored without bootstrap refits: no band (refit with --bootstrap).";
}

Result<Figure> SweepFigure(const StoredFit& fit, const MixtureContext& context) {
  const std::vector<std::string> domains = fit.fitted->domains();
  const WeightVector reference = ToWeights(context.reference, domains);
  // Every domain's grid, then its reference point (flag 1), predicted in one batch.
  struct Row {
    size_t domain;
    double weight;
    bool reference;
  };
  std::vector<Row> rows;
  std::vector<double> batch;  // rows × domains weights, row-major
  for (size_t j = 0; j < domains.size(); ++j) {
    for (int i = 0; i <= kSweepPoints; ++i) {
      const bool at_reference = i == kSweepPoints;
      const double w = at_reference ? reference[j] : double(i) / (kSweepPoints - 1);
      rows.push_back({j, w, at_reference});
      const WeightVector weights = WithWeight(reference, j, w);
      batch.insert(batch.end(), weights.begin(), weights.end());
    }
  }
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> predicted,
                          fit.fitted->PredictMixtures(batch, rows.size(), context.scale));
  Figure figure;
  figure.name = "mixture_sweep";
  figure.title = "Predicted " + fit.TargetMetric() + " along each domain's weight (fit " +
                 std::to_string(fit.id) + ", " + fit.Describe() + ")";
  figure.caption =
      "Each line varies one domain's weight from 0 to 1 while the other domains keep their "
      "proportions in the reference mixture, " +
      context.reference_text +
      " (renormalised to fill the rest); the dot on each line is the reference itself. Far from "
      "the weights the training runs had, the law extrapolates (bands are clipped at the plot's "
      "edge). " +
      MeanBandText(fit) + AtScale(context);
  figure.columns = {"domain_index", "domain",    "weight",   "predicted",
                    "mean_low",     "mean_high", "reference"};
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto row_weights = batch.begin() + static_cast<std::ptrdiff_t>(r * domains.size());
    const RunPoint point =
        PointOf(domains, WeightVector(row_weights, row_weights + domains.size()), context.scale);
    const std::optional<Interval> band = MeanInterval(fit.fitted->PredictBootstrap(point));
    figure.rows.push_back({std::to_string(rows[r].domain), domains[rows[r].domain],
                           Cell(rows[r].weight), Cell(predicted[r]), Cell(band ? band->low : kNaN),
                           Cell(band ? band->high : kNaN), rows[r].reference ? "1" : "0"});
  }
  figure.plot =
      "set xlabel 'weight of the domain (the others in the reference proportions)'\n"
      "set ylabel " +
      GnuplotQuote("predicted " + fit.TargetMetric()) + "\nset xrange [0:1]\nset yrange " +
      PlotRange(figure, {3}) + "\nset key outside right top\nplot ";
  for (size_t j = 0; j < domains.size(); ++j) {
    const std::string only = "($1==" + std::to_string(j) + " && $7==0 ? $3 : 1/0)";
    const std::string colour = std::string("rgb '") + kColours[j % std::size(kColours)] + "'";
    if (fit.fitted->bootstrap_size() > 0) {
      figure.plot += "data using " + only + ":5:6 with filledcurves fc " + colour +
                     " fs transparent solid 0.15 notitle, \\\n  ";
    }
    figure.plot += "data using " + only + ":4 with lines lw 2 lc " + colour + " dt " +
                   std::to_string(j / std::size(kColours) + 1) + " title " +
                   GnuplotQuote(domains[j]) + ", \\\n  ";
  }
  figure.plot +=
      "data using ($7==1 ? $3 : 1/0):4 with points pt 7 ps 1.2 lc rgb '#000000' "
      "title 'reference mixture'\n";
  return figure;
}

Figure BaselinesFigure(const StoredFit& fit, const MixtureContext& context) {
  std::vector<Baseline> shown;
  if (context.recommended) {
    shown.push_back({"recommended", context.reference, context.reference_predicted,
                     context.reference_observed, context.reference_text});
  }
  shown.insert(shown.end(), context.baselines.begin(), context.baselines.end());
  Figure figure;
  figure.name = "mixture_baselines";
  figure.title = "Predicted " + fit.TargetMetric() + " of " +
                 (context.recommended ? "the recommendation beside " : "") +
                 "the baseline mixtures (fit " + std::to_string(fit.id) + ")";
  const std::string mean_source =
      shown.empty() ? std::string() : shown.front().predicted.mean_source;
  figure.caption =
      "Each mixture's predicted " + fit.TargetMetric() +
      " (dot) with two intervals: the thick dark bar is the 95% mean interval (where the law's "
      "expected value lies; " +
      mean_source +
      "), the thin light bar the 95% prediction interval (where one new run's value will lie; " +
      (shown.empty() ? std::string() : shown.front().predicted.source) +
      "). The red diamond is a measured value: the best observed run's" +
      (context.observed_text.empty() ? std::string() : "; " + context.observed_text) +
      ". Reference: " + context.reference_text + ".";
  for (const std::string& note : context.notes) figure.caption += " " + note;
  figure.caption += AtScale(context);
  // A mixscale fit's runs differ in scale: the measured value belongs to the run's own.
  if (context.scale) figure.caption += " The observed value was measured at the run's own scale.";
  figure.columns = {"index",    "mixture",   "predicted", "pi_low", "pi_high",
                    "mean_low", "mean_high", "observed",  "note"};
  std::string tics;
  for (size_t i = 0; i < shown.size(); ++i) {
    const PredictionInterval& p = shown[i].predicted;
    figure.rows.push_back({std::to_string(i), shown[i].name, Cell(p.prediction), Cell(p.low),
                           Cell(p.high), Cell(p.mean ? p.mean->low : kNaN),
                           Cell(p.mean ? p.mean->high : kNaN),
                           Cell(shown[i].observed ? *shown[i].observed : kNaN), shown[i].note});
    tics += (i ? ", " : "") + GnuplotQuote(shown[i].name) + " " + std::to_string(i);
  }
  // Bars side by side (prediction interval left, mean interval right) so neither hides the other.
  figure.plot = "set xtics (" + tics +
                ")\nset xrange [-0.6:" + FormatDouble(static_cast<double>(shown.size()) - 0.4) +
                "]\nset ylabel " + GnuplotQuote("predicted " + fit.TargetMetric()) +
                "\nset key below\nplot "
                "data using ($1-0.08):3:4:5 with yerrorbars lw 1 pt 7 ps 0.8 lc rgb '#6baed6' "
                "title '95% prediction interval (one new run)', \\\n  "
                "data using ($1+0.08):3:6:7 with yerrorbars lw 3 pt 7 ps 0.8 lc rgb '#08519c' "
                "title '95% mean interval (bootstrap refits)', \\\n  "
                "data using 1:8 with points pt 13 ps 1.6 lc rgb '#d62728' title 'observed'\n";
  return figure;
}

}  // namespace

Result<std::vector<Figure>> MixtureFigures(const StoredFit& fit, const MixtureContext& context) {
  if (!context.drawable) return std::vector<Figure>{};
  std::vector<Figure> figures;
  MIXRUN_ASSIGN_OR_RETURN(Figure sweep, SweepFigure(fit, context));
  figures.push_back(std::move(sweep));
  figures.push_back(BaselinesFigure(fit, context));
  return figures;
}

}  // namespace mixrun

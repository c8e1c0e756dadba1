#include "report/scaling_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

#include "common/format.h"
#include "fit/calibration.h"

namespace mixrun {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// log10 of N relative to sqrt(C/6) (where N = D) searched for the optimum: 10^±4, i.e. from
// 1e-8 to 1e8 tokens per parameter; 40 points per decade.
constexpr double kSearchDecades = 4;
constexpr int kSearchPoints = 321;
constexpr int kIsoFlopCurves = 5;
constexpr int kIsoFlopPoints = 81;
constexpr int kFrontierPoints = 31;
// The frontier goes this far beyond the largest run's compute: where the band shows the
// extrapolation's uncertainty.
constexpr double kFrontierExtrapolation = 100;

RunPoint AtScale(double n_params, double flops) {
  RunPoint point;
  point.n_params = n_params;
  point.flops = flops;
  point.n_tokens = flops / (6 * n_params);
  return point;
}

std::vector<double> LogSpaced(double low, double high, int points) {
  std::vector<double> values;
  for (int i = 0; i < points; ++i) {
    values.push_back(low * std::pow(high / low, points == 1 ? 0.0 : double(i) / (points - 1)));
  }
  return values;
}

// The minimum of `loss` over log-spaced `n` (the vertex of the parabola through the best grid
// point and its neighbours, in log N): {N, loss}; NaN when no value is finite.
std::pair<double, double> Argmin(const std::vector<double>& n, const std::vector<double>& loss) {
  size_t best = loss.size();
  for (size_t i = 0; i < loss.size(); ++i) {
    if (std::isfinite(loss[i]) && (best == loss.size() || loss[i] < loss[best])) best = i;
  }
  if (best == loss.size()) return {kNaN, kNaN};
  if (best == 0 || best + 1 == loss.size() || !std::isfinite(loss[best - 1]) ||
      !std::isfinite(loss[best + 1])) {
    return {n[best], loss[best]};
  }
  const double left = loss[best - 1], mid = loss[best], right = loss[best + 1];
  const double curvature = left - 2 * mid + right;
  if (curvature <= 0) return {n[best], mid};
  const double shift = 0.5 * (left - right) / curvature;  // in grid steps, within (-1, 1)
  const double step = std::log(n[best + 1] / n[best]);
  return {n[best] * std::exp(shift * step), mid - 0.25 * (left - right) * shift};
}

std::vector<double> SearchGrid(double flops) {
  const double balanced = std::sqrt(flops / 6);
  return LogSpaced(balanced * std::pow(10, -kSearchDecades),
                   balanced * std::pow(10, kSearchDecades), kSearchPoints);
}

// The compute-optimal point at `flops`: the full fit's, and each bootstrap refit's.
struct Optimum {
  double n = kNaN, loss = kNaN;
  std::vector<double> refit_n, refit_loss;
};

Result<Optimum> FindOptimum(const FittedLaw& law, double flops) {
  const std::vector<double> grid = SearchGrid(flops);
  std::vector<double> loss(grid.size());
  std::vector<std::vector<double>> refit_loss(law.bootstrap_size(),
                                              std::vector<double>(grid.size(), kNaN));
  for (size_t i = 0; i < grid.size(); ++i) {
    const RunPoint point = AtScale(grid[i], flops);
    auto value = law.Predict(point);
    loss[i] = value.ok() ? *value : kNaN;
    const std::vector<double> refits = law.PredictBootstrap(point);
    for (size_t b = 0; b < refits.size() && b < refit_loss.size(); ++b)
      refit_loss[b][i] = refits[b];
  }
  Optimum optimum;
  std::tie(optimum.n, optimum.loss) = Argmin(grid, loss);
  if (!std::isfinite(optimum.n)) {
    return Status::InvalidInput("the fit predicts no finite loss at C = " + FormatDouble(flops));
  }
  for (const auto& refit : refit_loss) {
    const auto [n, value] = Argmin(grid, refit);
    if (!std::isfinite(n)) continue;
    optimum.refit_n.push_back(n);
    optimum.refit_loss.push_back(value);
  }
  return optimum;
}

std::pair<double, double> FlopsRange(const std::vector<RunPoint>& runs) {
  double low = std::numeric_limits<double>::infinity(), high = 0;
  for (const RunPoint& run : runs) {
    const double flops =
        std::isfinite(run.flops) ? run.flops : 6 * run.n_params * run.TokensOrFromCompute();
    if (std::isfinite(flops) && flops > 0) {
      low = std::min(low, flops);
      high = std::max(high, flops);
    }
  }
  return {low, high};
}

Result<Figure> IsoFlopFigure(const StoredFit& fit, double low, double high) {
  Figure figure;
  figure.name = "isoflop";
  figure.title = "Loss along iso-FLOP curves (fit " + std::to_string(fit.id) + ", " + fit.law + ")";
  figure.caption =
      "Each curve is the full fit's predicted " + fit.TargetMetric() +
      " at one fixed compute C = 6ND as the model size N varies (the tokens D = C/6N fall as N "
      "grows); the dot on each is its compute-optimal N. Curves of the full fit only: no interval "
      "(the frontier figure shows the optimum's uncertainty).";
  figure.columns = {"curve", "flops", "n_params", "n_tokens", "loss", "optimum"};
  figure.plot =
      "set logscale x\nset format x '%.0e'\nset xlabel 'model parameters N'\nset ylabel " +
      GnuplotQuote("predicted " + fit.TargetMetric()) + "\nset key top right\nplot ";
  const std::vector<double> curves = LogSpaced(low, high, low < high ? kIsoFlopCurves : 1);
  for (size_t c = 0; c < curves.size(); ++c) {
    MIXRUN_ASSIGN_OR_RETURN(Optimum optimum, FindOptimum(*fit.fitted, curves[c]));
    // 1.5 decades either side of the optimum: the valley, not the walls far from it.
    for (double n : LogSpaced(optimum.n / 30, optimum.n * 30, kIsoFlopPoints)) {
      auto loss = fit.fitted->Predict(AtScale(n, curves[c]));
      figure.AddRow({double(c), curves[c], n, curves[c] / (6 * n), loss.ok() ? *loss : kNaN, 0});
    }
    figure.AddRow({double(c), curves[c], optimum.n, curves[c] / (6 * optimum.n), optimum.loss, 1});
    char title[64];
    std::snprintf(title, sizeof title, "C = %.2g FLOP", curves[c]);
    figure.plot += "data using ($1==" + std::to_string(c) + " && $6==0 ? $3 : 1/0):5 with lines " +
                   "lw 2 lc " + std::to_string(c + 1) + " title '" + title + "', \\\n  ";
  }
  figure.plot +=
      "data using ($6==1 ? $3 : 1/0):5 with points pt 7 ps 1.3 lc rgb '#000000' "
      "title 'compute-optimal N'\n";
  return figure;
}

Result<Figure> FrontierFigure(const StoredFit& fit, const std::vector<RunPoint>& runs, double low,
                              double high) {
  const bool band = fit.fitted->bootstrap_size() > 0;
  Figure figure;
  figure.name = "compute_frontier";
  figure.title = "Compute-optimal frontier N_opt(C) (fit " + std::to_string(fit.id) + ")";
  figure.caption =
      "The line is the model size N that minimises the full fit's predicted loss at each compute "
      "C (D = C/6N), from the smallest run's compute to " +
      FormatDouble(kFrontierExtrapolation) +
      "× the largest (beyond it: extrapolation); grey "
      "points are the runs fitted." +
      (band ? " The band is a mean interval: the 2.5–97.5% percentiles of the optima of the " +
                  std::to_string(fit.fitted->bootstrap_size()) +
                  " bootstrap refits (parameter uncertainty of the law, not one run's noise)."
            : " The fit was stored without bootstrap refits: no band (refit with --bootstrap).");
  figure.columns = {"kind",     "flops",    "n_params", "n_low",    "n_high",
                    "n_tokens", "loss_opt", "loss_low", "loss_high"};
  for (const RunPoint& run : runs) {
    const double flops =
        std::isfinite(run.flops) ? run.flops : 6 * run.n_params * run.TokensOrFromCompute();
    figure.AddRow(
        {0, flops, run.n_params, kNaN, kNaN, run.TokensOrFromCompute(), kNaN, kNaN, kNaN});
  }
  for (double flops : LogSpaced(low, high * kFrontierExtrapolation, kFrontierPoints)) {
    MIXRUN_ASSIGN_OR_RETURN(Optimum optimum, FindOptimum(*fit.fitted, flops));
    const std::optional<Interval> n_band = MeanInterval(optimum.refit_n);
    const std::optional<Interval> loss_band = MeanInterval(optimum.refit_loss);
    figure.AddRow({1, flops, optimum.n, n_band ? n_band->low : kNaN, n_band ? n_band->high : kNaN,
                   flops / (6 * optimum.n), optimum.loss, loss_band ? loss_band->low : kNaN,
                   loss_band ? loss_band->high : kNaN});
  }
  figure.plot =
      "set logscale xy\nset format x '%.0e'\nset format y '%.0e'\nset xlabel 'compute C (FLOP)'\n"
      "set ylabel 'model parameters N'\nplot ";
  if (band) {
    figure.plot +=
        "data using ($1==1 ? $2 : 1/0):4:5 with filledcurves fc rgb '#9ecae1' fs transparent "
        "solid 0.5 title '95% mean interval (bootstrap refits)', \\\n  ";
  }
  figure.plot +=
      "data using ($1==0 ? $2 : 1/0):3 with points pt 7 ps 0.5 lc rgb '#999999' title 'runs', "
      "\\\n  data using ($1==1 ? $2 : 1/0):3 with lines lw 2 lc rgb '#08519c' title 'N_opt(C)'\n";
  return figure;
}

}  // namespace

bool ReadsModelAndTokens(const StoredFit& fit) { return fit.law == "chinchilla"; }

Result<std::vector<Figure>> ScalingFigures(const StoredFit& fit,
                                           const std::vector<RunPoint>& runs) {
  const auto [low, high] = FlopsRange(runs);
  if (!(high > 0)) return std::vector<Figure>{};
  std::vector<Figure> figures;
  MIXRUN_ASSIGN_OR_RETURN(Figure isoflop, IsoFlopFigure(fit, low, high));
  figures.push_back(std::move(isoflop));
  MIXRUN_ASSIGN_OR_RETURN(Figure frontier, FrontierFigure(fit, runs, low, high));
  figures.push_back(std::move(frontier));
  return figures;
}

}  // namespace mixrun

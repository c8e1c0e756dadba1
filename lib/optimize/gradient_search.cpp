#include "optimize/gradient_search.h"

#include <algorithm>
#include <cmath>

#include "common/parallel.h"
#include "common/random.h"
#include "optimize/bounded_simplex.h"

namespace mixrun {
namespace {

struct Descent {
  std::vector<double> x;
  double value = INFINITY;
  int iterations = 0;
  bool converged = false;
  Status status;
};

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double total = 0;
  for (size_t j = 0; j < a.size(); ++j) total += a[j] * b[j];
  return total;
}

// Largest coordinate of P(x − g) − x: zero exactly at a constrained stationary point.
double ProjectedGradientSize(const Constraints& c, const std::vector<double>& x,
                             const std::vector<double>& g) {
  std::vector<double> y(x.size());
  for (size_t j = 0; j < x.size(); ++j) y[j] = x[j] - g[j];
  const std::vector<double> p = ProjectOntoBoundedSimplex(y, c.lo, c.hi);
  double size = 0;
  for (size_t j = 0; j < x.size(); ++j) size = std::max(size, std::abs(p[j] - x[j]));
  return size;
}

// One descent: step d = P(x − D⁻¹g) − x in the metric D = 1/α + λ/x (the Barzilai–Borwein α of
// the loss, plus the KL penalty's exact curvature), then Armijo backtracking along d. Without
// --kl-reg this is spectral projected gradient; with it the steps near r = 0 shrink the way
// mirror descent's do, instead of bouncing off the penalty's infinite slope. Monotone, which on
// these small smooth problems costs nothing and keeps it simple.
Descent Descend(const Objective& objective, const Constraints& c, const std::vector<double>& start,
                const GradientSearchOptions& options) {
  Descent out;
  const size_t m = start.size();
  out.x = start;
  std::vector<double> g, y(m), d(m), trial(m), g_trial, scale(m);
  auto value = objective.ValueAndGradient(out.x, g);
  if (!value.ok()) {
    out.status = value.status();
    return out;
  }
  out.value = *value;
  std::vector<double> penalty = objective.PenaltyGradient(out.x);
  double alpha = std::clamp(1.0 / std::max(ProjectedGradientSize(c, out.x, g), 1e-12), 1e-10, 1e10);
  int stalled = 0;
  for (out.iterations = 0; out.iterations < options.max_iterations; ++out.iterations) {
    if (ProjectedGradientSize(c, out.x, g) < options.tolerance) {
      out.converged = true;
      break;
    }
    const std::vector<double> curvature = objective.PenaltyCurvature(out.x);
    for (size_t j = 0; j < m; ++j) {
      scale[j] = 1.0 / (1.0 / alpha + curvature[j]);
      y[j] = out.x[j] - scale[j] * g[j];
    }
    const std::vector<double> p = ProjectOntoBoundedSimplex(y, c.lo, c.hi, scale);
    for (size_t j = 0; j < m; ++j) d[j] = p[j] - out.x[j];
    const double slope = Dot(g, d);
    if (slope >= 0) {  // no descent along the projected step: finite-difference noise floor
      out.converged = true;
      break;
    }
    double step = 1.0, trial_value = INFINITY;
    for (int halving = 0; halving < 60; ++halving, step *= 0.5) {
      for (size_t j = 0; j < m; ++j) trial[j] = out.x[j] + step * d[j];
      auto v = objective.ValueAndGradient(trial, g_trial);
      if (!v.ok()) {
        out.status = v.status();
        return out;
      }
      trial_value = *v;
      if (trial_value <= out.value + 1e-4 * step * slope) break;
    }
    if (!(trial_value < out.value)) {  // the line search found nothing better: done
      out.converged = true;
      break;
    }
    // Barzilai–Borwein on the loss alone: α = sᵀs / sᵀy (the penalty's curvature is in D).
    const std::vector<double> penalty_trial = objective.PenaltyGradient(trial);
    double ss = 0, sy = 0;
    for (size_t j = 0; j < m; ++j) {
      const double s_j = trial[j] - out.x[j];
      ss += s_j * s_j;
      sy += s_j * ((g_trial[j] - penalty_trial[j]) - (g[j] - penalty[j]));
    }
    alpha = sy > 0 ? std::clamp(ss / sy, 1e-10, 1e10) : 1e10;
    stalled =
        out.value - trial_value < 1e-15 * std::max(1.0, std::abs(out.value)) ? stalled + 1 : 0;
    out.x = trial;
    out.value = trial_value;
    g.swap(g_trial);
    penalty = penalty_trial;
    if (stalled >= 20) {
      out.converged = true;
      break;
    }
  }
  return out;
}

}  // namespace

Result<GradientSearchResult> GradientSearch(const Objective& objective,
                                            const Constraints& constraints,
                                            const std::vector<std::vector<double>>& anchors,
                                            const GradientSearchOptions& options) {
  const size_t m = objective.size();
  std::vector<std::vector<double>> starts;
  for (const auto& anchor : anchors) {
    if (anchor.size() == m) starts.push_back(anchor);
  }
  // The centre of the box: the answer for a flat objective, and far from every vertex.
  std::vector<double> centre(m);
  for (size_t j = 0; j < m; ++j) centre[j] = 0.5 * (constraints.lo[j] + constraints.hi[j]);
  starts.push_back(centre);
  const std::vector<double> ones(m, 1.0);
  for (int s = 0; s < options.random_starts; ++s) {
    Rng rng(options.seed, static_cast<uint64_t>(s));
    std::vector<double> draw(m);
    DirichletVariate(rng, ones, draw.data());
    starts.push_back(std::move(draw));
  }
  // Starts are put on the bounded simplex; with --kl-reg, pulled 10% toward the projected uniform
  // mixture so that no weight starts at exactly 0, where the penalty's slope is infinite.
  const std::vector<double> inner =
      ProjectOntoBoundedSimplex(std::vector<double>(m, 1.0 / m), constraints.lo, constraints.hi);
  for (auto& start : starts) {
    start = ProjectOntoBoundedSimplex(start, constraints.lo, constraints.hi);
    if (objective.kl_reg() > 0) {
      for (size_t j = 0; j < m; ++j) start[j] = 0.9 * start[j] + 0.1 * inner[j];
    }
  }
  std::vector<Descent> results(starts.size());
  ParallelFor(starts.size(), objective.threads(),
              [&](size_t s) { results[s] = Descend(objective, constraints, starts[s], options); });
  GradientSearchResult best;
  best.objective = INFINITY;
  size_t best_index = 0;
  for (size_t s = 0; s < results.size(); ++s) {
    MIXRUN_RETURN_IF_ERROR(results[s].status);
    best.converged += results[s].converged ? 1 : 0;
    // Ties go to the earlier start, so the answer does not depend on scheduling.
    if (results[s].value < best.objective) {
      best.objective = results[s].value;
      best_index = s;
    }
  }
  best.starts = static_cast<int>(results.size());
  best.mixture = results[best_index].x;
  best.iterations = results[best_index].iterations;
  for (const Descent& descent : results) {
    double l1 = 0;
    for (size_t j = 0; j < m; ++j) l1 += std::abs(descent.x[j] - best.mixture[j]);
    best.agreeing_starts += l1 <= 1e-4 ? 1 : 0;
  }
  return best;
}

}  // namespace mixrun

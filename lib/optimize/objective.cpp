#include "optimize/objective.h"

#include <algorithm>
#include <cmath>

#include "common/parallel.h"

namespace mixrun {
namespace {

// Rows per parallel chunk: large enough that xgboost's per-call setup is amortised, small enough
// that two threads share a 10⁵-row batch evenly.
constexpr size_t kChunkRows = 16384;
// KL's log needs a floor at r = 0 (the penalty's gradient there is −∞; a large finite value keeps
// the search moving inward).
constexpr double kKlFloor = 1e-300;
// The curvature's floor: a weight at exactly 0 still gets a (tiny) step and then grows
// geometrically, as under mirror descent.
constexpr double kCurvatureFloor = 1e-12;

}  // namespace

Result<Objective> Objective::Create(std::vector<WeightedFit> fits, std::vector<double> prior,
                                    double kl_reg, int threads, std::optional<ModelScale> scale) {
  if (fits.empty()) return Status::InvalidInput("recommend: no fit to optimise");
  Objective objective;
  objective.domains_ = fits[0].law->domains();
  if (objective.domains_.empty()) {
    return Status::InvalidInput("recommend: a " + fits[0].law->law() +
                                " fit does not read mixtures (recommend needs a mixing or "
                                "regmix fit)");
  }
  for (const WeightedFit& fit : fits) {
    if (fit.law->domains() != objective.domains_) {
      return Status::InvalidInput(
          "recommend: the fits read different mixture domains; combine fits of the same "
          "experiment");
    }
    if (fit.law->reads_scale() != scale.has_value()) {
      return Status::InvalidInput(
          scale ? "recommend --at: a " + fit.law->law() +
                      " fit was fitted at one scale and cannot predict at another; --at needs "
                      "mixscale fits"
                : "recommend: a " + fit.law->law() +
                      " fit predicts at a model size and token count: give --at N,D");
    }
    if (!(fit.weight > 0) || !std::isfinite(fit.weight)) {
      return Status::InvalidInput("--fit: a fit's weight must be positive");
    }
  }
  if (kl_reg < 0 || !std::isfinite(kl_reg)) {
    return Status::InvalidInput("--kl-reg must be a non-negative number");
  }
  if (kl_reg > 0 && prior.size() != objective.domains_.size()) {
    return Status::InvalidInput("--kl-reg needs a prior over the fit's domains");
  }
  objective.fits_ = std::move(fits);
  objective.prior_ = std::move(prior);
  objective.kl_reg_ = kl_reg;
  objective.threads_ = std::max(threads, 1);
  objective.scale_ = scale;
  return objective;
}

Result<std::vector<double>> Objective::PredictLoss(const std::vector<double>& rows,
                                                   size_t count) const {
  const size_t m = size();
  std::vector<double> total(count, 0.0);
  const size_t chunks = (count + kChunkRows - 1) / kChunkRows;
  std::vector<Status> failures(chunks);
  ParallelFor(chunks, threads_, [&](size_t chunk) {
    const size_t begin = chunk * kChunkRows, end = std::min(count, begin + kChunkRows);
    const std::vector<double> slice(rows.begin() + begin * m, rows.begin() + end * m);
    for (const WeightedFit& fit : fits_) {
      auto predicted = fit.law->PredictMixtures(slice, end - begin, scale_);
      if (!predicted.ok()) {
        failures[chunk] = predicted.status();
        return;
      }
      for (size_t r = begin; r < end; ++r) total[r] += fit.weight * (*predicted)[r - begin];
    }
  });
  for (const Status& failure : failures) {
    if (!failure.ok()) return failure;
  }
  return total;
}

double KlDivergence(const double* r, const std::vector<double>& prior) {
  double kl = 0;
  for (size_t j = 0; j < prior.size(); ++j) {
    if (r[j] > 0) kl += r[j] * std::log(r[j] / prior[j]);
  }
  return kl;
}

double Objective::KlToPrior(const double* r) const { return KlDivergence(r, prior_); }

Result<std::vector<double>> Objective::Evaluate(const std::vector<double>& rows,
                                                size_t count) const {
  MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values, PredictLoss(rows, count));
  if (kl_reg_ > 0) {
    for (size_t r = 0; r < count; ++r) values[r] += kl_reg_ * KlToPrior(&rows[r * size()]);
  }
  return values;
}

std::vector<double> Objective::PenaltyGradient(const std::vector<double>& r) const {
  std::vector<double> grad(r.size(), 0.0);
  if (kl_reg_ == 0) return grad;
  for (size_t j = 0; j < r.size(); ++j) {
    grad[j] = kl_reg_ * (std::log(std::max(r[j], kKlFloor) / prior_[j]) + 1);
  }
  return grad;
}

std::vector<double> Objective::PenaltyCurvature(const std::vector<double>& r) const {
  std::vector<double> curvature(r.size(), 0.0);
  if (kl_reg_ == 0) return curvature;
  for (size_t j = 0; j < r.size(); ++j) curvature[j] = kl_reg_ / std::max(r[j], kCurvatureFloor);
  return curvature;
}

Result<double> Objective::ValueAndGradient(const std::vector<double>& r,
                                           std::vector<double>& grad) const {
  const size_t m = size();
  // Central differences with h ~ ∛ε: truncation (h²·f''') and rounding (ε·f/h) errors balance
  // near 1e-11 for losses of order 1. Rows may step slightly off the simplex; mixture laws are
  // smooth functions of raw weights there.
  constexpr double h = 6e-6;
  std::vector<double> rows((2 * m + 1) * m);
  for (size_t k = 0; k < 2 * m + 1; ++k) std::copy(r.begin(), r.end(), rows.begin() + k * m);
  for (size_t j = 0; j < m; ++j) {
    rows[(2 * j) * m + j] += h;
    rows[(2 * j + 1) * m + j] -= h;
  }
  std::vector<double> predicted(2 * m + 1, 0.0);
  for (const WeightedFit& fit : fits_) {
    MIXRUN_ASSIGN_OR_RETURN(std::vector<double> values,
                            fit.law->PredictMixtures(rows, 2 * m + 1, scale_));
    for (size_t k = 0; k < values.size(); ++k) predicted[k] += fit.weight * values[k];
  }
  grad.assign(m, 0.0);
  for (size_t j = 0; j < m; ++j) grad[j] = (predicted[2 * j] - predicted[2 * j + 1]) / (2 * h);
  double value = predicted[2 * m];
  if (kl_reg_ > 0) {
    value += kl_reg_ * KlToPrior(r.data());
    const std::vector<double> penalty = PenaltyGradient(r);
    for (size_t j = 0; j < m; ++j) grad[j] += penalty[j];
  }
  if (!std::isfinite(value)) return Status::Failed("recommend: the fit predicts a non-finite loss");
  return value;
}

}  // namespace mixrun

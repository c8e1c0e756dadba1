// GaussianProcess: regression from mixture weights to a loss by a Gaussian process — constant mean,
// squared-exponential kernel with one length-scale per domain (ARD), Gaussian noise — the surrogate
// of Bayesian-optimisation mixture searches (ADMIRE-BayesOpt, Chen et al. 2025). Contract: the
// hyper-parameters are the maximum a posteriori under fixed priors (below), so a fit is a pure
// function of its rows, their multiplicities and its starting point; predictions are the
// posterior mean, smooth in the weights.
//
// On standardised targets (ỹ = (y − mean)/sd) the kernel is k(x, x') = exp(−½ Σ_j (x_j −
// x'_j)²/ℓ_j²) (output scale 1) plus σ²/c_i on the diagonal, where c_i is row i's multiplicity: a
// row counted twice is one observation with half the noise variance, exactly the posterior of two
// identical observations, and c_i = 0 leaves the row out. The constant mean is the generalised
// least-squares one, profiled out. Priors, after Hvarfner et al. (2024, "Vanilla Bayesian
// optimization performs great in high dimensions", BoTorch's defaults since 0.12): log ℓ_j ~ N(√2 +
// ½·log d, 3) for d weights, so that a 17-domain fit starts nearly linear and only the data shorten
// a length-scale; log σ² ~ N(−4, 1).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/status.h"

namespace mixrun {

struct GaussianProcessHyper {
  std::vector<double> log_lengthscales;  // one per column
  double log_noise = -4;                 // log σ² of the standardised target
};

class GaussianProcess {
 public:
  // Fits rows × cols features x (row-major) to y. `multiplicity` (empty = all 1) counts each row;
  // `start` (e.g. the full fit's, for a resample) is where the search for the hyper-parameters
  // begins, else from the priors' centre and a shorter-scaled point. Needs ≥ 2 counted rows with
  // different targets.
  static Result<GaussianProcess> Fit(const std::vector<double>& x, size_t rows, size_t cols,
                                     const std::vector<double>& y,
                                     const std::vector<double>& multiplicity = {},
                                     const std::optional<GaussianProcessHyper>& start = {});

  // Posterior means (target scale) of `rows` rows of cols() features, in parallel over rows.
  std::vector<double> Predict(const double* x, size_t rows, int threads = 1) const;

  const GaussianProcessHyper& hyper() const { return hyper_; }
  size_t cols() const { return cols_; }
  // The negative log posterior of the hyper-parameters at the optimum (up to a constant).
  double objective() const { return objective_; }

  // Everything Predict needs: the counted rows, their weights in the mean (α), the scales.
  nlohmann::json ToJson() const;
  static Result<GaussianProcess> FromJson(const nlohmann::json& json);

 private:
  size_t cols_ = 0;
  std::vector<double> x_;      // the counted rows, row-major
  std::vector<double> alpha_;  // K⁻¹ (ỹ − m), one per counted row
  double mean_ = 0;            // m, standardised
  double y_mean_ = 0, y_scale_ = 1;
  GaussianProcessHyper hyper_;
  double objective_ = 0;
};

}  // namespace mixrun

// Least squares from mixture weights to a target: y ≈ intercept + Σ_j coefficient_j·x_j, optionally
// with a ridge penalty on the coefficients (never the intercept). Collinear columns (weights that
// sum to 1 next to an intercept) get the minimum-norm solution, whose predictions are the unique
// OLS ones.
#pragma once

#include <cstddef>
#include <vector>

namespace mixrun {

struct LinearModel {
  double intercept = 0;
  std::vector<double> coefficients;

  double Predict(const double* row) const {
    double value = intercept;
    for (size_t j = 0; j < coefficients.size(); ++j) value += coefficients[j] * row[j];
    return value;
  }
};

// x holds rows × cols values (row-major); row_weights (empty = all 1) repeat rows, as a bootstrap
// resample does.
LinearModel FitLinear(const std::vector<double>& x, size_t rows, size_t cols,
                      const std::vector<double>& y, double ridge,
                      const std::vector<double>& row_weights = {});

}  // namespace mixrun

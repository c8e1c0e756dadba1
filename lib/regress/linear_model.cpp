#include "regress/linear_model.h"

#include <Eigen/Dense>
#include <cmath>

namespace mixrun {

LinearModel FitLinear(const std::vector<double>& x, size_t rows, size_t cols,
                      const std::vector<double>& y, double ridge,
                      const std::vector<double>& row_weights) {
  const Eigen::Index n = static_cast<Eigen::Index>(rows), m = static_cast<Eigen::Index>(cols);
  Eigen::MatrixXd design(n, m + 1);
  Eigen::VectorXd target(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double root = row_weights.empty() ? 1.0 : std::sqrt(row_weights[i]);
    for (Eigen::Index j = 0; j < m; ++j) design(i, j) = root * x[i * cols + j];
    design(i, m) = root;
    target(i) = root * y[i];
  }
  Eigen::VectorXd solution;
  if (ridge > 0) {
    // Augmented rows √λ·e_j penalise each coefficient and leave the intercept free.
    Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(n + m, m + 1);
    augmented.topRows(n) = design;
    augmented.bottomLeftCorner(m, m) = std::sqrt(ridge) * Eigen::MatrixXd::Identity(m, m);
    Eigen::VectorXd augmented_target = Eigen::VectorXd::Zero(n + m);
    augmented_target.head(n) = target;
    solution = augmented.completeOrthogonalDecomposition().solve(augmented_target);
  } else {
    solution = design.completeOrthogonalDecomposition().solve(target);
  }
  LinearModel model;
  model.coefficients.assign(solution.data(), solution.data() + m);
  model.intercept = solution(m);
  return model;
}

}  // namespace mixrun

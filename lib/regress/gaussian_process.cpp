#include "regress/gaussian_process.h"

#include <ceres/ceres.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "common/parallel.h"

namespace mixrun {
namespace {

constexpr double kLogNoisePriorMean = -4, kLogNoisePriorSd = 1;
constexpr double kLogLengthscalePriorVariance = 3;
constexpr int kMaxIterations = 200;

// The prior centre of log ℓ for `cols` dimensions (Hvarfner et al. 2024).
double LengthscalePriorMean(size_t cols) {
  return std::sqrt(2.0) + 0.5 * std::log(static_cast<double>(cols));
}

// The standardised problem: counted rows, their multiplicities, ỹ.
struct Problem {
  size_t n = 0, d = 0;
  std::vector<double> x;  // n × d
  std::vector<double> count;
  Eigen::VectorXd y;
};

// exp(−½ Σ_j (x_aj − x_bj)² · inv_sq_j)
double SquaredExponential(const double* a, const double* b, const double* inv_sq, size_t d) {
  double sum = 0;
  for (size_t j = 0; j < d; ++j) {
    const double diff = a[j] - b[j];
    sum += diff * diff * inv_sq[j];
  }
  return std::exp(-0.5 * sum);
}

// What one set of hyper-parameters gives: the posterior's weights and the objective.
struct Posterior {
  Eigen::MatrixXd kernel;  // K without the noise
  Eigen::LLT<Eigen::MatrixXd> cholesky;
  Eigen::VectorXd alpha;
  double mean = 0;
  double negative_log_posterior = 0;
};

// Fills `out` for θ = [log ℓ_1..d, log σ²]; false when K is not positive definite.
bool Evaluate(const Problem& p, const double* theta, Posterior& out) {
  std::vector<double> inv_sq(p.d);
  for (size_t j = 0; j < p.d; ++j) inv_sq[j] = std::exp(-2 * theta[j]);
  const double noise = std::exp(theta[p.d]);
  out.kernel.resize(static_cast<Eigen::Index>(p.n), static_cast<Eigen::Index>(p.n));
  for (size_t a = 0; a < p.n; ++a) {
    out.kernel(a, a) = 1;
    for (size_t b = 0; b < a; ++b) {
      const double k = SquaredExponential(&p.x[a * p.d], &p.x[b * p.d], inv_sq.data(), p.d);
      out.kernel(a, b) = k;
      out.kernel(b, a) = k;
    }
  }
  Eigen::MatrixXd covariance = out.kernel;
  for (size_t a = 0; a < p.n; ++a) covariance(a, a) += noise / p.count[a];
  out.cholesky.compute(covariance);
  if (out.cholesky.info() != Eigen::Success) return false;
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(p.n));
  const Eigen::VectorXd solve_ones = out.cholesky.solve(ones);
  const Eigen::VectorXd solve_y = out.cholesky.solve(p.y);
  out.mean = ones.dot(solve_y) / ones.dot(solve_ones);
  out.alpha = solve_y - out.mean * solve_ones;
  const Eigen::VectorXd residual = p.y.array() - out.mean;
  double log_det = 0;
  const Eigen::MatrixXd& l = out.cholesky.matrixLLT();
  for (size_t a = 0; a < p.n; ++a) log_det += 2 * std::log(l(a, a));
  const double prior_mean = LengthscalePriorMean(p.d);
  double prior = 0;
  for (size_t j = 0; j < p.d; ++j) {
    prior += (theta[j] - prior_mean) * (theta[j] - prior_mean) / (2 * kLogLengthscalePriorVariance);
  }
  const double z = (theta[p.d] - kLogNoisePriorMean) / kLogNoisePriorSd;
  prior += 0.5 * z * z;
  out.negative_log_posterior = 0.5 * residual.dot(out.alpha) + 0.5 * log_det + prior;
  return std::isfinite(out.negative_log_posterior);
}

// The negative log posterior and its gradient for Ceres' line search. With the mean profiled
// out at its optimum, the gradient at fixed m is the profile's (envelope theorem):
// ∂/∂θ = −½ tr((ααᵀ − K⁻¹) ∂K/∂θ), ∂K/∂log ℓ_j = K ⊙ (x_j − x_j')²/ℓ_j², ∂K/∂log σ² = diag(σ²/c).
class NegativeLogPosterior : public ceres::FirstOrderFunction {
 public:
  explicit NegativeLogPosterior(const Problem& problem) : p_(problem) {}

  bool Evaluate(const double* theta, double* cost, double* gradient) const override {
    Posterior posterior;
    if (!mixrun::Evaluate(p_, theta, posterior)) return false;
    *cost = posterior.negative_log_posterior;
    if (gradient == nullptr) return true;
    const auto n = static_cast<Eigen::Index>(p_.n);
    // G = ααᵀ − K⁻¹
    Eigen::MatrixXd g = -posterior.cholesky.solve(Eigen::MatrixXd::Identity(n, n));
    g.noalias() += posterior.alpha * posterior.alpha.transpose();
    const double prior_mean = LengthscalePriorMean(p_.d);
    for (size_t j = 0; j < p_.d; ++j) {
      const double inv_sq = std::exp(-2 * theta[j]);
      double trace = 0;
      for (size_t a = 0; a < p_.n; ++a) {
        for (size_t b = 0; b < a; ++b) {
          const double diff = p_.x[a * p_.d + j] - p_.x[b * p_.d + j];
          trace += 2 * g(a, b) * posterior.kernel(a, b) * diff * diff * inv_sq;
        }
      }
      gradient[j] = -0.5 * trace + (theta[j] - prior_mean) / kLogLengthscalePriorVariance;
    }
    const double noise = std::exp(theta[p_.d]);
    double trace = 0;
    for (size_t a = 0; a < p_.n; ++a) trace += g(a, a) * noise / p_.count[a];
    gradient[p_.d] =
        -0.5 * trace + (theta[p_.d] - kLogNoisePriorMean) / (kLogNoisePriorSd * kLogNoisePriorSd);
    return true;
  }
  int NumParameters() const override { return static_cast<int>(p_.d + 1); }

 private:
  const Problem& p_;
};

// L-BFGS from `theta` (updated in place); returns the objective reached.
double Minimise(const Problem& problem, std::vector<double>& theta) {
  ceres::GradientProblemSolver::Options options;
  options.line_search_direction_type = ceres::LBFGS;
  options.max_num_iterations = kMaxIterations;
  options.logging_type = ceres::SILENT;
  ceres::GradientProblem gradient_problem(new NegativeLogPosterior(problem));
  ceres::GradientProblemSolver::Summary summary;
  ceres::Solve(options, gradient_problem, theta.data(), &summary);
  return summary.final_cost;
}

}  // namespace

Result<GaussianProcess> GaussianProcess::Fit(const std::vector<double>& x, size_t rows, size_t cols,
                                             const std::vector<double>& y,
                                             const std::vector<double>& multiplicity,
                                             const std::optional<GaussianProcessHyper>& start) {
  if (cols == 0 || x.size() != rows * cols || y.size() != rows ||
      (!multiplicity.empty() && multiplicity.size() != rows)) {
    return Status::InvalidInput("gaussian process: features, targets and counts disagree");
  }
  Problem p;
  p.d = cols;
  double total = 0, sum = 0;
  std::vector<double> targets;
  for (size_t r = 0; r < rows; ++r) {
    const double c = multiplicity.empty() ? 1.0 : multiplicity[r];
    if (c <= 0) continue;
    if (!std::isfinite(y[r]))
      return Status::InvalidInput("gaussian process: a target is not finite");
    p.x.insert(p.x.end(), x.begin() + r * cols, x.begin() + (r + 1) * cols);
    p.count.push_back(c);
    targets.push_back(y[r]);
    total += c;
    sum += c * y[r];
  }
  p.n = targets.size();
  GaussianProcess gp;
  gp.cols_ = cols;
  gp.y_mean_ = total > 0 ? sum / total : 0;
  double variance = 0;
  for (size_t a = 0; a < p.n; ++a) {
    variance += p.count[a] * (targets[a] - gp.y_mean_) * (targets[a] - gp.y_mean_);
  }
  if (p.n < 2 || !(variance > 0)) {
    return Status::InvalidInput("gaussian process: needs two runs with different targets");
  }
  gp.y_scale_ = std::sqrt(variance / total);
  p.y.resize(static_cast<Eigen::Index>(p.n));
  for (size_t a = 0; a < p.n; ++a) {
    p.y(static_cast<Eigen::Index>(a)) = (targets[a] - gp.y_mean_) / gp.y_scale_;
  }

  // Starting points: the one given, else the priors' centre and a point of shorter scales and
  // more noise (a wiggly surface is a separate basin of the posterior).
  std::vector<std::vector<double>> starts;
  if (start && start->log_lengthscales.size() == cols) {
    std::vector<double> theta = start->log_lengthscales;
    theta.push_back(start->log_noise);
    starts.push_back(std::move(theta));
  } else {
    const double centre = LengthscalePriorMean(cols);
    starts.push_back(std::vector<double>(cols, centre));
    starts.back().push_back(kLogNoisePriorMean);
    starts.push_back(std::vector<double>(cols, centre - 2));
    starts.back().push_back(kLogNoisePriorMean + 2);
  }
  std::vector<double> best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::vector<double>& theta : starts) {
    const double cost = Minimise(p, theta);
    if (std::isfinite(cost) && cost < best_cost) {
      best_cost = cost;
      best = theta;
    }
  }
  Posterior posterior;
  if (best.empty() || !Evaluate(p, best.data(), posterior)) {
    return Status::Failed("gaussian process: no hyper-parameters give a positive-definite kernel");
  }
  gp.hyper_.log_lengthscales.assign(best.begin(), best.begin() + static_cast<long>(cols));
  gp.hyper_.log_noise = best[cols];
  gp.objective_ = posterior.negative_log_posterior;
  gp.x_ = std::move(p.x);
  gp.alpha_.assign(posterior.alpha.data(), posterior.alpha.data() + posterior.alpha.size());
  gp.mean_ = posterior.mean;
  return gp;
}

std::vector<double> GaussianProcess::Predict(const double* x, size_t rows, int threads) const {
  std::vector<double> inv_sq(cols_);
  for (size_t j = 0; j < cols_; ++j) inv_sq[j] = std::exp(-2 * hyper_.log_lengthscales[j]);
  std::vector<double> out(rows);
  constexpr size_t kBlock = 1024;
  const size_t blocks = (rows + kBlock - 1) / kBlock;
  // Each row is its own sum: the result does not depend on the thread count.
  ParallelFor(blocks, threads, [&](size_t block) {
    const size_t end = std::min(rows, (block + 1) * kBlock);
    for (size_t r = block * kBlock; r < end; ++r) {
      double value = mean_;
      for (size_t a = 0; a < alpha_.size(); ++a) {
        value +=
            alpha_[a] * SquaredExponential(x + r * cols_, &x_[a * cols_], inv_sq.data(), cols_);
      }
      out[r] = y_mean_ + y_scale_ * value;
    }
  });
  return out;
}

nlohmann::json GaussianProcess::ToJson() const {
  return {{"cols", cols_},
          {"x", x_},
          {"alpha", alpha_},
          {"mean", mean_},
          {"y_mean", y_mean_},
          {"y_scale", y_scale_},
          {"log_lengthscales", hyper_.log_lengthscales},
          {"log_noise", hyper_.log_noise},
          {"objective", objective_}};
}

Result<GaussianProcess> GaussianProcess::FromJson(const nlohmann::json& json) {
  GaussianProcess gp;
  try {
    gp.cols_ = json.at("cols").get<size_t>();
    gp.x_ = json.at("x").get<std::vector<double>>();
    gp.alpha_ = json.at("alpha").get<std::vector<double>>();
    gp.mean_ = json.at("mean").get<double>();
    gp.y_mean_ = json.at("y_mean").get<double>();
    gp.y_scale_ = json.at("y_scale").get<double>();
    gp.hyper_.log_lengthscales = json.at("log_lengthscales").get<std::vector<double>>();
    gp.hyper_.log_noise = json.at("log_noise").get<double>();
    gp.objective_ = json.value("objective", 0.0);
  } catch (const nlohmann::json::exception& error) {
    return Status::InvalidInput(std::string("stored gaussian process: ") + error.what());
  }
  if (gp.cols_ == 0 || gp.x_.size() != gp.alpha_.size() * gp.cols_ ||
      gp.hyper_.log_lengthscales.size() != gp.cols_) {
    return Status::InvalidInput("stored gaussian process: parameter arrays of the wrong size");
  }
  return gp;
}

}  // namespace mixrun

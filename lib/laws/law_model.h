// LawModel: a law as the fitting engine sees it — parameters (names, bounds) and one residual per
// observation. A law is written once as a templated functor; JetLawModel differentiates it with
// ceres::Jet and folds the Huber loss into the residuals so that ½Σr̃² = Σ huber_δ(r).
#pragma once

#include <ceres/ceres.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace mixrun {

struct ParamSpec {
  std::string name;
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

// Observations in the law's fitting space: row i has features x[i*num_features ...] and target
// y[i]; multiplicity[i] counts the copies of the row (a bootstrap resample), empty means all 1.
struct Observations {
  int num_features = 0;
  std::vector<double> x;
  std::vector<double> y;
  std::vector<double> multiplicity;

  size_t size() const { return y.size(); }
  const double* row(size_t i) const { return x.data() + i * num_features; }
  double weight(size_t i) const { return multiplicity.empty() ? 1.0 : multiplicity[i]; }

  // The rows of weight > 0, each once (a fold's training rows, whose weights are 0 or 1).
  Observations Kept() const {
    Observations subset;
    subset.num_features = num_features;
    for (size_t i = 0; i < size(); ++i) {
      if (weight(i) == 0) continue;
      subset.x.insert(subset.x.end(), row(i), row(i) + num_features);
      subset.y.push_back(y[i]);
    }
    return subset;
  }
};

class LawModel {
 public:
  virtual ~LawModel() = default;
  virtual int num_params() const = 0;
  virtual const std::vector<ParamSpec>& params() const = 0;
  // A cost over all observations in ONE residual block (one residual per observation, or any
  // residuals with the same ½‖r‖², Jᵀr and JᵀJ: mixscale_cost.h); the observations must outlive
  // it. Ceres' cost is then Σ multiplicity·huber_δ(prediction − y).
  virtual std::unique_ptr<ceres::CostFunction> NewCost(const Observations& observations,
                                                       double huber_delta) const = 0;
  // The prediction for one row of features, in the fitting space.
  virtual double Predict(const double* params, const double* features) const = 0;
};

// Huber folded into a residual: returns r̃ with ½r̃² = huber_δ(r), and dr̃/dr in *slope.
[[gnu::always_inline]] inline double FoldHuber(double r, double delta, double* slope) {
  const double magnitude = std::abs(r);
  if (magnitude <= delta) {
    *slope = 1.0;
    return r;
  }
  const double folded = std::sqrt(delta * (2.0 * magnitude - delta));
  *slope = delta / folded;
  return r < 0 ? -folded : folded;
}

// The objective Σ w·huber_δ(r) evaluated directly (for reporting and tests).
inline double HuberLoss(double r, double delta) {
  const double magnitude = std::abs(r);
  return magnitude <= delta ? 0.5 * r * r : delta * (magnitude - 0.5 * delta);
}

// Functor contract: `template <typename T> T operator()(const T* params, const double* features)
// const` returning the prediction in the fitting space; P is the number of parameters.
template <typename Functor, int P>
class JetLawModel : public LawModel {
 public:
  JetLawModel(Functor functor, std::vector<ParamSpec> params)
      : functor_(std::move(functor)), params_(std::move(params)) {}

  int num_params() const override { return P; }
  const std::vector<ParamSpec>& params() const override { return params_; }
  double Predict(const double* params, const double* features) const override {
    return functor_(params, features);
  }
  std::unique_ptr<ceres::CostFunction> NewCost(const Observations& observations,
                                               double huber_delta) const override {
    return std::make_unique<Cost>(functor_, observations, huber_delta);
  }

 private:
  // All observations in one block: the engine pays Ceres' per-block overhead once per
  // evaluation, and the derivative of each observation comes from one pass of the functor.
  class Cost : public ceres::CostFunction {
   public:
    Cost(const Functor& functor, const Observations& observations, double delta)
        : functor_(functor), observations_(observations), delta_(delta) {
      set_num_residuals(static_cast<int>(observations.size()));
      mutable_parameter_block_sizes()->push_back(P);
      root_weights_.resize(observations.size());
      for (size_t i = 0; i < observations.size(); ++i) {
        root_weights_[i] = std::sqrt(observations.weight(i));
      }
    }

    bool Evaluate(double const* const* parameters, double* residuals,
                  double** jacobians) const override {
      const double* p = parameters[0];
      const size_t n = observations_.size();
      double slope;
      if (jacobians == nullptr || jacobians[0] == nullptr) {
        for (size_t i = 0; i < n; ++i) {
          const double r = functor_(p, observations_.row(i)) - observations_.y[i];
          if (!std::isfinite(r)) return false;
          residuals[i] = root_weights_[i] * FoldHuber(r, delta_, &slope);
        }
        return true;
      }
      using JetT = ceres::Jet<double, P>;
      JetT jet_params[P];
      for (int k = 0; k < P; ++k) jet_params[k] = JetT(p[k], k);
      double* jacobian = jacobians[0];
      for (size_t i = 0; i < n; ++i) {
        const JetT prediction = functor_(jet_params, observations_.row(i));
        const double r = prediction.a - observations_.y[i];
        if (!std::isfinite(r)) return false;
        residuals[i] = root_weights_[i] * FoldHuber(r, delta_, &slope);
        const double scale = root_weights_[i] * slope;
        for (int k = 0; k < P; ++k) jacobian[i * P + k] = scale * prediction.v[k];
      }
      return true;
    }

   private:
    const Functor& functor_;
    const Observations& observations_;
    double delta_;
    std::vector<double> root_weights_;
  };

  Functor functor_;
  std::vector<ParamSpec> params_;
};

}  // namespace mixrun

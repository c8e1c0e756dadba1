// What recommend minimises over mixtures r: Σ_f weight_f · predicted_f(r) + λ · KL(r ‖ prior),
// the weighted sum of one or more fits' predicted losses plus olmix's pull toward the prior.
// Batches are chunked over threads; results never depend on the thread count.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "fit/fitted_law.h"

namespace mixrun {

struct WeightedFit {
  const FittedLaw* law = nullptr;  // not owned
  double weight = 1;
};

// KL(r ‖ prior) in nats over prior.size() weights; 0 when the prior is empty.
double KlDivergence(const double* r, const std::vector<double>& prior);

class Objective {
 public:
  // Every fit must read the same mixture domains; `prior` (over those domains, in their order)
  // may be empty when kl_reg is 0. Mixture-and-scale fits are predicted at `scale`, which they
  // need and other fits refuse.
  static Result<Objective> Create(std::vector<WeightedFit> fits, std::vector<double> prior,
                                  double kl_reg, int threads, std::optional<ModelScale> scale = {});

  const std::vector<std::string>& domains() const { return domains_; }
  const std::optional<ModelScale>& scale() const { return scale_; }
  size_t size() const { return domains_.size(); }
  double kl_reg() const { return kl_reg_; }
  int threads() const { return threads_; }

  // The combined predicted loss of `rows` mixtures (row-major, size() columns), no penalty.
  Result<std::vector<double>> PredictLoss(const std::vector<double>& rows, size_t count) const;
  // Predicted loss plus λ·KL, for ranking.
  Result<std::vector<double>> Evaluate(const std::vector<double>& rows, size_t count) const;
  // KL(r ‖ prior) in nats (0 when there is no prior).
  double KlToPrior(const double* r) const;
  // The penalty's gradient λ(log(r/prior) + 1) and curvature λ/r (diagonal), zero without
  // --kl-reg: the gradient search scales its steps by the curvature, which is what keeps it
  // moving near r = 0, where the penalty's gradient runs off to −∞.
  std::vector<double> PenaltyGradient(const std::vector<double>& r) const;
  std::vector<double> PenaltyCurvature(const std::vector<double>& r) const;
  // Objective and gradient at r: the loss part by central differences (one batch of 2m rows),
  // the penalty part exactly.
  Result<double> ValueAndGradient(const std::vector<double>& r, std::vector<double>& grad) const;

 private:
  std::vector<WeightedFit> fits_;
  std::vector<std::string> domains_;
  std::vector<double> prior_;
  double kl_reg_ = 0;
  int threads_ = 1;
  std::optional<ModelScale> scale_;
};

}  // namespace mixrun

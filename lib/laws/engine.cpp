#include "laws/engine.h"

#include <glog/logging.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "common/parallel.h"

namespace mixrun {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Ceres reports a refused starting point or a failed factorisation through glog; the engine turns
// every failure into a value (an infinite objective, a Status), so those lines would only be noise
// on the user's terminal. Fatal errors still print.
void SilenceCeres() {
  static const bool silenced = [] {
    FLAGS_minloglevel = google::GLOG_FATAL;
    return true;
  }();
  (void)silenced;
}

ceres::Solver::Options LooseOptions(int iterations) {
  SilenceCeres();
  ceres::Solver::Options options;
  options.max_num_iterations = iterations;
  options.linear_solver_type = ceres::DENSE_NORMAL_CHOLESKY;
  options.logging_type = ceres::SILENT;
  options.num_threads = 1;
  return options;
}

ceres::Solver::Options TightOptions(int max_iterations) {
  ceres::Solver::Options options = LooseOptions(max_iterations);
  options.function_tolerance = 1e-15;
  options.gradient_tolerance = 1e-12;
  options.parameter_tolerance = 1e-14;
  return options;
}

// Solves from `params` (updated in place); returns the final objective, +inf when unusable.
double Solve(const LawModel& model, ceres::CostFunction* cost,
             const ceres::Solver::Options& options, std::vector<double>& params) {
  ceres::Problem::Options problem_options;
  problem_options.cost_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
  ceres::Problem problem(problem_options);
  problem.AddResidualBlock(cost, nullptr, params.data());
  const auto& specs = model.params();
  for (int k = 0; k < model.num_params(); ++k) {
    if (std::isfinite(specs[k].lower))
      problem.SetParameterLowerBound(params.data(), k, specs[k].lower);
    if (std::isfinite(specs[k].upper))
      problem.SetParameterUpperBound(params.data(), k, specs[k].upper);
  }
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  if (!summary.IsSolutionUsable() || !std::isfinite(summary.final_cost)) return kInfinity;
  return summary.final_cost;
}

// Clamps a start into the bounds so Ceres accepts it.
std::vector<double> Feasible(const LawModel& model, std::vector<double> params) {
  const auto& specs = model.params();
  for (int k = 0; k < model.num_params(); ++k) {
    params[k] = std::clamp(params[k], specs[k].lower, specs[k].upper);
  }
  return params;
}

}  // namespace

double Objective(const LawModel& model, const Observations& observations,
                 const std::vector<double>& params, double huber_delta) {
  double total = 0;
  for (size_t i = 0; i < observations.size(); ++i) {
    const double r = model.Predict(params.data(), observations.row(i)) - observations.y[i];
    total += observations.weight(i) * HuberLoss(r, huber_delta);
  }
  return std::isfinite(total) ? total : kInfinity;
}

RefitResult RefitTightly(const LawModel& model, const Observations& observations,
                         const std::vector<double>& start, double huber_delta, int max_iterations) {
  RefitResult result;
  result.params = Feasible(model, start);
  result.objective = Objective(model, observations, result.params, huber_delta);
  if (!std::isfinite(result.objective)) return result;  // unusable; Ceres would log the refusal
  auto cost = model.NewCost(observations, huber_delta);
  result.objective = Solve(model, cost.get(), TightOptions(max_iterations), result.params);
  result.usable = std::isfinite(result.objective);
  return result;
}

Result<EngineFit> FitMultiStart(const LawModel& model, const Observations& observations,
                                const std::vector<std::vector<double>>& starts,
                                const EngineOptions& options) {
  if (starts.empty()) return Status::Failed("the law has no starting points");
  // Each thread owns nothing mutable but its results slot; the cost function is shared read-only.
  auto cost = model.NewCost(observations, options.huber_delta);
  std::vector<std::vector<double>> loose(starts.size());
  std::vector<double> loose_objective(starts.size(), kInfinity);
  const ceres::Solver::Options loose_options = LooseOptions(options.loose_iterations);
  ParallelFor(starts.size(), options.threads, [&](size_t i) {
    loose[i] = Feasible(model, starts[i]);
    // A start where the law is not finite is skipped here rather than refused by Ceres, which
    // would log an error for it.
    if (!std::isfinite(Objective(model, observations, loose[i], options.huber_delta))) return;
    loose_objective[i] = Solve(model, cost.get(), loose_options, loose[i]);
  });

  // Ties are broken by start index so the choice never depends on thread timing.
  std::vector<size_t> order(starts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return loose_objective[a] < loose_objective[b]; });
  const size_t polish = std::min<size_t>(std::max(options.polish_count, 1), order.size());
  if (!std::isfinite(loose_objective[order[0]])) {
    return Status::Failed("the fit failed from every starting point (non-finite predictions)");
  }

  std::vector<std::vector<double>> polished(polish);
  std::vector<double> polished_objective(polish, kInfinity);
  const ceres::Solver::Options tight_options = TightOptions(options.polish_iterations);
  ParallelFor(polish, options.threads, [&](size_t j) {
    polished[j] = loose[order[j]];
    if (!std::isfinite(loose_objective[order[j]])) return;
    polished_objective[j] = Solve(model, cost.get(), tight_options, polished[j]);
  });

  std::vector<size_t> best(polish);
  std::iota(best.begin(), best.end(), 0);
  std::stable_sort(best.begin(), best.end(), [&](size_t a, size_t b) {
    return polished_objective[a] < polished_objective[b];
  });
  if (!std::isfinite(polished_objective[best[0]])) {
    return Status::Failed("the fit did not converge from any of the best starting points");
  }
  EngineFit fit;
  fit.params = polished[best[0]];
  fit.objective = polished_objective[best[0]];
  for (size_t j : best) {
    if (std::isfinite(polished_objective[j])) fit.candidates.push_back(polished[j]);
  }
  return fit;
}

std::vector<std::string> BoundWarnings(const LawModel& model, const std::vector<double>& params,
                                       const std::string& law) {
  std::vector<std::string> warnings;
  const auto& specs = model.params();
  for (size_t k = 0; k < specs.size() && k < params.size(); ++k) {
    for (const auto& [bound, side] :
         {std::pair{specs[k].lower, "lower"}, std::pair{specs[k].upper, "upper"}}) {
      if (!std::isfinite(bound)) continue;
      if (std::abs(params[k] - bound) > 1e-7 * std::max(1.0, std::abs(bound))) continue;
      std::ostringstream text;
      text << law << ": parameter " << specs[k].name << " is at its " << side << " bound " << bound
           << ": the best fit lies beyond what the law allows, so its value and interval "
           << "mean little";
      warnings.push_back(text.str());
    }
  }
  return warnings;
}

}  // namespace mixrun

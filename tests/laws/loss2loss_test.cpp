// Loss-to-loss laws (Brandfonbrener et al. 2024): planted K, κ, E_A, E_B recovered with free
// offsets; with offsets from the scaling laws (the paper's protocol) E_A is the Chinchilla E of
// L_A; predictions from a point's metric; the law's domain (L_A > E_A) enforced.
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"

namespace mixrun {
namespace {

constexpr double kK = 0.8, kKappa = 1.4, kEA = 1.6, kEB = 1.1;

double LossB(double loss_a) { return kK * std::pow(loss_a - kEA, kKappa) + kEB; }

// L_A from a Chinchilla law (E = kEA) on a 6 × 6 grid of N (3M–30B) and D (300M–3T), so that L_A
// comes near E_A; L_B through the shifted power law; log-normal noise σ on both.
std::vector<RunPoint> PairedRuns(double sigma, uint64_t seed) {
  Rng rng(seed);
  std::vector<RunPoint> runs;
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) {
      RunPoint run;
      run.run_id = static_cast<int64_t>(runs.size()) + 1;
      run.n_params = std::pow(10.0, 6.5 + 3.5 * i / 5);
      run.n_tokens = std::pow(10.0, 8.5 + 3.5 * j / 5);
      const double loss_a =
          kEA + 400 / std::pow(run.n_params, 0.34) + 1500 / std::pow(run.n_tokens, 0.28);
      run.metrics["loss/a"] = loss_a * std::exp(sigma * testing::Gaussian(rng));
      run.metrics["loss/b"] = LossB(loss_a) * std::exp(sigma * testing::Gaussian(rng));
      runs.push_back(run);
    }
  }
  return runs;
}

FitRequest Loss2LossRequest(const std::string& offsets) {
  FitRequest request;
  request.law = "loss2loss";
  request.from_metric = "loss/a";
  request.metric = "loss/b";
  request.offsets = offsets;
  return request;
}

TEST_CASE("loss2loss with free offsets recovers planted K, kappa, E_A, E_B") {
  auto report = testing::FitLaw(Loss2LossRequest("free"), PairedRuns(0.001, 1), {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump());
  const auto& p = report->params;
  CHECK(std::abs(p.at("kappa") - kKappa) < 0.15);
  CHECK(std::abs(p.at("E_A") - kEA) < 0.15);
  CHECK(std::abs(p.at("E_B") - kEB) < 0.1);
  CHECK(std::abs(std::log(p.at("K") / kK)) < 0.2);
  CHECK(report->stats.in_sample.mre < 0.003);
}

TEST_CASE("loss2loss with offsets from the scaling laws: E_A is L_A's Chinchilla E") {
  auto report = testing::FitLaw(Loss2LossRequest("scaling"), PairedRuns(0.001, 2), {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump() << " " << report->stats.extra.dump());
  const auto& p = report->params;
  CHECK(std::abs(p.at("E_A") - kEA) / kEA < 0.03);
  CHECK(report->stats.extra.at("offsets") == "scaling");
  CHECK(report->stats.extra.contains("scaling_law_loss/a"));
  CHECK(report->stats.in_sample.mre < 0.01);

  // A stored fit predicts L_B from a point's L_A; below E_A the law is undefined: an error.
  FitRequest request = Loss2LossRequest("scaling");
  request.bootstrap = 30;
  auto bootstrapped = testing::FitLaw(request, PairedRuns(0.001, 2), {});
  REQUIRE(bootstrapped.ok());
  CHECK(bootstrapped->standard_errors.at("E_A") > 0);
  auto fitted = testing::LoadFit("loss2loss", nlohmann::json::parse(bootstrapped->options.dump()),
                                 nlohmann::json::parse(bootstrapped->ParamsJson().dump()));
  REQUIRE(fitted.ok());
  RunPoint point;
  point.metrics["loss/a"] = 3.0;
  auto predicted = (*fitted)->PredictWithIntervals(point);
  REQUIRE(predicted.ok());
  CHECK(std::abs(predicted->value - LossB(3.0)) / LossB(3.0) < 0.01);
  REQUIRE(predicted->prediction_interval);
  CHECK(predicted->prediction_interval->Contains(LossB(3.0)));
  point.metrics["loss/a"] = 1.0;
  auto below = (*fitted)->Predict(point);
  CHECK_FALSE(below.ok());
  CHECK(below.status().message().find("L_A must be above the fitted E_A") != std::string::npos);
}

TEST_CASE("loss2loss refuses a request without --from and runs without L_A") {
  FitRequest request = Loss2LossRequest("free");
  request.from_metric = "";
  auto missing_from = testing::FitLaw(request, PairedRuns(0.001, 3), {});
  CHECK_FALSE(missing_from.ok());
  CHECK(missing_from.status().message().find("--from METRIC") != std::string::npos);
  std::vector<RunPoint> runs = PairedRuns(0.001, 3);
  runs[4].metrics.erase("loss/a");
  auto missing_metric = testing::FitLaw(Loss2LossRequest("free"), runs, {});
  CHECK_FALSE(missing_metric.ok());
  CHECK(missing_metric.status().message().find("loss/a") != std::string::npos);
  // Scaling offsets need N and D.
  runs = PairedRuns(0.001, 3);
  for (RunPoint& run : runs) run.n_params = std::nan("");
  auto no_scale = testing::FitLaw(Loss2LossRequest("scaling"), runs, {});
  CHECK_FALSE(no_scale.ok());
  CHECK(no_scale.status().message().find("--offsets free") != std::string::npos);
}

}  // namespace
}  // namespace mixrun

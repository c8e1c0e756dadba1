// The over-training law (Gadre et al. 2024): planted parameters recovered, the optimum M*, the
// extrapolation it is for (small grid → a large over-trained run), and a stored fit predicting at
// N and M.
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"

namespace mixrun {
namespace {

struct PlantedOvertrain {
  double a = 150, b = 250, E = 1.7, eta = 0.13;
  double Loss(double n, double d) const {
    const double c = 6 * n * d, m = d / n;
    return E + (a * std::pow(m, eta) + b * std::pow(m, -eta)) * std::pow(c, -eta);
  }
};

// 5 sizes (10M–400M) × 8 multipliers (M = 5 … 640), log-normal noise σ.
std::vector<RunPoint> OvertrainRuns(const PlantedOvertrain& truth, double sigma, uint64_t seed) {
  Rng rng(seed);
  std::vector<RunPoint> runs;
  for (double n : {1e7, 3e7, 8e7, 1.5e8, 4e8}) {
    for (double m = 5; m <= 640; m *= 2) {
      RunPoint run;
      run.run_id = static_cast<int64_t>(runs.size()) + 1;
      run.n_params = n;
      run.n_tokens = m * n;
      run.metrics["loss"] = truth.Loss(n, m * n) * std::exp(sigma * testing::Gaussian(rng));
      runs.push_back(run);
    }
  }
  return runs;
}

TEST_CASE("overtrain recovers planted a, b, E, eta and the optimal tokens per parameter") {
  const PlantedOvertrain truth;
  const std::vector<RunPoint> runs = OvertrainRuns(truth, 0.003, 3);
  FitRequest request;
  request.law = "overtrain";
  request.metric = "loss";
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump() << " " << report->ToJson()["derived"].dump());
  const auto& p = report->params;
  CHECK(std::abs(p.at("eta") - truth.eta) < 0.01);
  CHECK(std::abs(p.at("E") - truth.E) / truth.E < 0.03);
  const double m_opt = std::pow(truth.b / truth.a, 1 / (2 * truth.eta));
  CHECK(std::abs(report->derived.at("M_opt") - m_opt) / m_opt < 0.15);
  CHECK(report->derived.at("chinchilla_exponent") == doctest::Approx(2 * p.at("eta")));
  CHECK(report->stats.in_sample.mre < 0.005);
}

TEST_CASE("overtrain fitted on a small grid predicts a 7B run and a 1.4B run at M = 640") {
  const PlantedOvertrain truth;
  FitRequest request;
  request.law = "overtrain";
  request.metric = "loss";
  request.bootstrap = 40;
  auto report = testing::FitLaw(request, OvertrainRuns(truth, 0.002, 5), {});
  REQUIRE(report.ok());
  // Through text, as the store keeps it, then at N and D (the M of a point is D/N).
  auto fitted = testing::LoadFit("overtrain", nlohmann::json::parse(report->options.dump()),
                                 nlohmann::json::parse(report->ParamsJson().dump()));
  REQUIRE(fitted.ok());
  for (auto [n, m] : {std::pair{7e9, 20.0}, std::pair{1.4e9, 640.0}}) {
    RunPoint point;
    point.n_params = n;
    point.n_tokens = m * n;
    auto predicted = (*fitted)->PredictWithIntervals(point);
    REQUIRE(predicted.ok());
    const double expected = truth.Loss(n, m * n);
    CHECK(std::abs(predicted->value - expected) / expected < 0.01);
    REQUIRE(predicted->mean_interval);
    CHECK(predicted->mean_interval->low < predicted->value);
    CHECK(predicted->mean_interval->high > predicted->value);
  }
  RunPoint no_scale;
  no_scale.run_id = 4;
  auto refused = (*fitted)->Predict(no_scale);
  CHECK_FALSE(refused.ok());
  CHECK(refused.status().message().find("overtrain needs a positive parameter count N") !=
        std::string::npos);
}

}  // namespace
}  // namespace mixrun

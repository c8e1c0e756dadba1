// The nested pipeline (laws/pipeline.h) on a planted chain: runs whose histories follow a step law,
// whose losses at the target steps follow a size law, and whose losses at the target size follow a
// mixing law. The pipeline must predict held-out runs at the target steps and size, report each
// stage's accuracy, bootstrap the chain reproducibly, and refuse what it cannot fit.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "law_fits.h"
#include "synthetic.h"

using namespace mixrun;

namespace {

const std::vector<std::string> kDomains = {"d0", "d1", "d2"};
constexpr int64_t kAtSteps = 30000;
constexpr double kAtSize = 4e8;

// L_i(r, N, s) = m_i(r) + B(N^−β − N_t^−β) + A(s^−α − s_t^−α): a step law in s for each run, a
// size law in N at s_t, and the mixing law m_i at (N_t, s_t).
struct PlantedChain {
  std::vector<testing::PlantedMixingLaw> mixing;
  double Loss(size_t i, const Mixture& r, double n, double s) const {
    const double size = 40.0 * (std::pow(n, -0.3) - std::pow(kAtSize, -0.3));
    const double steps = 50.0 * (std::pow(s, -0.5) - std::pow(kAtSteps, -0.5));
    return mixing[i](r) + (1.0 + 0.2 * i) * size + steps;
  }
};

std::string Metric(size_t i) { return "eval/" + kDomains[i] + "/loss"; }

// Runs of `mixtures` random mixtures at each size, with eval histories at steps 3000, 6000 and
// every 2000 from 10000 to 30000
// (0.1% noise); `last_step` ends them (the held-out runs are read at their last step).
std::vector<RunPoint> Runs(const PlantedChain& chain, Rng& rng, int mixtures,
                           const std::vector<double>& sizes, int64_t last_step) {
  std::vector<RunPoint> runs;
  for (int m = 0; m < mixtures; ++m) {
    const Mixture mixture = testing::RandomMixture(rng, kDomains);
    for (double n : sizes) {
      RunPoint run;
      run.run_id = static_cast<int64_t>(runs.size()) + 1;
      run.weights = mixture;
      run.n_params = n;
      for (size_t i = 0; i < kDomains.size(); ++i) {
        for (int64_t step : {3000, 6000, 10000, 12000, 14000, 16000, 18000, 20000, 22000, 24000,
                             26000, 28000, 30000}) {
          if (step > last_step) break;
          const double loss = chain.Loss(i, mixture, n, static_cast<double>(step)) *
                              std::exp(0.001 * testing::Gaussian(rng));
          run.history[Metric(i)].push_back({step, 0.0, loss});
          run.metrics[Metric(i)] = loss;
        }
      }
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

FitRequest Request() {
  FitRequest request;
  request.law = "pipeline";
  for (size_t i = 0; i < kDomains.size(); ++i) request.domain_metrics.push_back(Metric(i));
  request.target_weights = {{Metric(0), 0.5}, {Metric(1), 0.3}, {Metric(2), 0.2}};
  request.at_steps = kAtSteps;
  request.at_size = kAtSize;
  request.mixing_random_starts = 3;
  return request;
}

PlantedChain Chain(Rng& rng) { return {testing::PlantedMixingLaws(3, rng)}; }

}  // namespace

TEST_CASE("pipeline: predicts held-out runs at the target steps and size from a planted chain") {
  Rng rng(7);
  const PlantedChain chain = Chain(rng);
  const auto train = Runs(chain, rng, 14, {2e7, 5e7, 1e8, 2e8}, 30000);
  const auto test = Runs(chain, rng, 8, {kAtSize}, kAtSteps);
  auto report = testing::FitLaw(Request(), train, test);
  REQUIRE_MESSAGE(report.ok(), report.status().message());
  REQUIRE(report->stats.test.has_value());
  DOCTEST_CHECK(report->stats.test->accuracy.mre < 0.005);
  DOCTEST_CHECK(report->stats.test->accuracy.spearman > 0.9);

  REQUIRE(report->stages.size() == 2);
  const FitReport& steps = report->stages[0];
  DOCTEST_CHECK(steps.law == "pipeline/step");
  DOCTEST_CHECK(steps.stats.in_sample.n == 56 * 3 * 11);  // window 10000..30000: 11 points
  const auto& held_out = steps.stats.extra.at("held_out_steps");
  DOCTEST_CHECK(held_out.at("curves_judged") == 56 * 3);
  DOCTEST_CHECK(held_out.at("accuracy").at("mre").get<double>() < 0.003);
  const FitReport& sizes = report->stages[1];
  DOCTEST_CHECK(sizes.law == "pipeline/size");
  DOCTEST_CHECK(sizes.stats.in_sample.n == 56 * 3);
  // Four sizes: each can be left out and predicted from the other three.
  REQUIRE(sizes.stats.extra.at("leave_one_size_out").is_object());
  DOCTEST_CHECK(sizes.stats.extra.at("leave_one_size_out").at("mre").get<double>() < 0.01);
  DOCTEST_CHECK(sizes.params.count("E[eval/d0/loss][mixture 0]") == 1);
}

TEST_CASE("pipeline: bootstraps the chain identically with 1 and 2 threads, loads as mixing") {
  Rng rng(8);
  const PlantedChain chain = Chain(rng);
  const auto train = Runs(chain, rng, 10, {2e7, 5e7, 1e8}, 30000);
  FitRequest request = Request();
  request.bootstrap = 20;
  auto fits = testing::FitWithOneAndTwoThreads(request, train);
  REQUIRE_MESSAGE(fits.ok(), fits.status().message());
  const FitReport& two = fits->second;
  DOCTEST_CHECK(fits->first.ParamsJson() == two.ParamsJson());
  DOCTEST_CHECK(two.stats.bootstrap == 20);
  // Three sizes: the size laws interpolate, and say so.
  DOCTEST_CHECK(two.stages[1].stats.extra.at("leave_one_size_out").is_null());
  DOCTEST_CHECK(two.stages[1].stats.warnings.size() == 1);

  auto fitted =
      testing::LoadFit("pipeline", two.options, nlohmann::json::parse(two.ParamsJson().dump()));
  REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
  RunPoint point;
  point.weights = {{"d0", 0.2}, {"d1", 0.5}, {"d2", 0.3}};
  double truth = 0;
  for (size_t i = 0; i < 3; ++i) {
    truth += request.target_weights.at(Metric(i)) * chain.mixing[i](point.weights);
  }
  auto predicted = (*fitted)->PredictWithIntervals(point);
  REQUIRE(predicted.ok());
  DOCTEST_CHECK(predicted->value == doctest::Approx(truth).epsilon(0.01));
  REQUIRE(predicted->mean_interval.has_value());
  DOCTEST_CHECK(predicted->mean_interval->width() > 0);
  DOCTEST_CHECK(predicted->prediction_interval->Contains(truth));
}

TEST_CASE("pipeline: missing targets, too few sizes or window points are input errors") {
  Rng rng(9);
  const PlantedChain chain = Chain(rng);
  const auto three_sizes = Runs(chain, rng, 10, {2e7, 5e7, 1e8}, 30000);
  auto fails = [](const FitRequest& request, const std::vector<RunPoint>& runs,
                  const std::string& message) {
    auto report = testing::FitLaw(request, runs, {});
    REQUIRE_FALSE(report.ok());
    DOCTEST_CHECK(report.status().exit_code() == 2);
    DOCTEST_CHECK_MESSAGE(report.status().message().find(message) != std::string::npos,
                          report.status().message());
  };
  FitRequest request = Request();
  request.at_steps = 0;
  fails(request, three_sizes, "--at-steps");
  request = Request();
  request.at_size = 0;
  fails(request, three_sizes, "--at-size");
  request = Request();
  request.step_window = {30000, 10000};
  fails(request, three_sizes, "--step-window MIN:MAX needs 1 <= MIN < MAX");
  request = Request();
  request.step_window = {26000, 30000};
  fails(request, three_sizes, "steps 26000 to 30000 (--step-window)");
  const auto two_sizes = Runs(chain, rng, 10, {2e7, 5e7}, 30000);
  fails(Request(), two_sizes, "has runs of 2 model size(s); the size law needs at least 3");
}

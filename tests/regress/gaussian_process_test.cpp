// The Gaussian process: it learns a smooth function of a few weights from noisy rows (and which
// weights matter, by their length-scales), reads multiplicities as repeated rows, survives its
// JSON, is deterministic and thread-count independent, and as regmix --model gp round-trips the
// store and has bootstrap refits.
#include "regress/gaussian_process.h"

#include <doctest/doctest.h>

#include <cmath>

#include "common/random.h"
#include "regmix_fits.h"
#include "testing/reference_data.h"

namespace mixrun {
namespace {

// f(x) = (x0 − 0.6)² · 4 + sin(3·x1); x2 does not matter.
double Truth(const double* x) { return 4 * (x[0] - 0.6) * (x[0] - 0.6) + std::sin(3 * x[1]); }

struct Sample {
  std::vector<double> x, y;
  size_t rows = 0;
};

Sample Draw(size_t rows, double noise, uint64_t seed) {
  Sample s;
  s.rows = rows;
  Rng rng(seed);
  for (size_t r = 0; r < rows; ++r) {
    for (int j = 0; j < 3; ++j) s.x.push_back(rng.Uniform());
    s.y.push_back(Truth(&s.x[r * 3]) + noise * NormalVariate(rng));
  }
  return s;
}

TEST_CASE("a gaussian process learns a smooth function and which inputs matter") {
  const Sample train = Draw(60, 0.05, 1), test = Draw(200, 0, 2);
  auto gp = GaussianProcess::Fit(train.x, train.rows, 3, train.y);
  REQUIRE_MESSAGE(gp.ok(), gp.status().message());
  const std::vector<double> predicted = gp->Predict(test.x.data(), test.rows);
  double squares = 0, variance = 0, mean = 0;
  for (double y : test.y) mean += y / test.rows;
  for (size_t r = 0; r < test.rows; ++r) {
    squares += (predicted[r] - test.y[r]) * (predicted[r] - test.y[r]);
    variance += (test.y[r] - mean) * (test.y[r] - mean);
  }
  const double rmse = std::sqrt(squares / test.rows);
  MESSAGE("held-out RMSE " << rmse << " (target SD " << std::sqrt(variance / test.rows) << ")");
  CHECK(rmse < 0.1);  // a straight line misses by 0.2, a constant by 0.5
  // The irrelevant input gets a longer length-scale than either relevant one.
  const auto& scales = gp->hyper().log_lengthscales;
  CHECK(scales[2] > scales[0] + 0.5);
  CHECK(scales[2] > scales[1] + 0.5);
  // The learnt noise is near the planted 0.05 (σ² is of the standardised target).
  const double noise_sd =
      std::sqrt(std::exp(gp->hyper().log_noise)) * std::sqrt(variance / test.rows);
  CHECK(noise_sd > 0.02);
  CHECK(noise_sd < 0.1);
}

TEST_CASE("a gaussian process: multiplicities, JSON, determinism, threads, bad input") {
  const Sample train = Draw(30, 0.05, 3), test = Draw(50, 0, 4);
  auto gp = GaussianProcess::Fit(train.x, train.rows, 3, train.y);
  REQUIRE(gp.ok());
  // A row counted 0 times is left out; counted twice, at fixed hyper-parameters, it is the same
  // posterior as the row given twice.
  std::vector<double> counts(train.rows, 1.0);
  counts[0] = 2;
  counts[1] = 0;
  Sample doubled = train;
  doubled.x.erase(doubled.x.begin() + 3, doubled.x.begin() + 6);
  doubled.y.erase(doubled.y.begin() + 1);
  doubled.x.insert(doubled.x.end(), train.x.begin(), train.x.begin() + 3);
  doubled.y.push_back(train.y[0]);
  doubled.rows = train.rows;
  auto weighted = GaussianProcess::Fit(train.x, train.rows, 3, train.y, counts, gp->hyper());
  auto repeated = GaussianProcess::Fit(doubled.x, doubled.rows, 3, doubled.y, {}, gp->hyper());
  REQUIRE(weighted.ok());
  REQUIRE(repeated.ok());
  const auto a = weighted->Predict(test.x.data(), test.rows);
  const auto b = repeated->Predict(test.x.data(), test.rows);
  // Both searches start at gp's optimum but see different likelihoods (a repeated row also
  // informs the noise), so only the posterior means are compared, loosely.
  for (size_t r = 0; r < test.rows; ++r) CHECK(a[r] == doctest::Approx(b[r]).epsilon(0.05));

  auto loaded = GaussianProcess::FromJson(nlohmann::json::parse(gp->ToJson().dump()));
  REQUIRE(loaded.ok());
  const auto original = gp->Predict(test.x.data(), test.rows);
  const auto reloaded = loaded->Predict(test.x.data(), test.rows, 2);
  auto again = GaussianProcess::Fit(train.x, train.rows, 3, train.y);
  REQUIRE(again.ok());
  const auto refitted = again->Predict(test.x.data(), test.rows);
  for (size_t r = 0; r < test.rows; ++r) {
    CHECK(reloaded[r] == doctest::Approx(original[r]).epsilon(1e-12));
    CHECK(refitted[r] == original[r]);
  }

  const std::vector<double> flat(train.rows, 1.0);
  auto refused = GaussianProcess::Fit(train.x, train.rows, 3, flat);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("different targets") != std::string::npos);
  CHECK_FALSE(GaussianProcess::FromJson(nlohmann::json{{"cols", 3}}).ok());
}

TEST_CASE("regmix gp: fits RegMix's runs, round-trips the store, has bootstrap refits") {
  auto runs = testing::LoadRegmix("train", "1m");
  REQUIRE(runs.ok());
  std::vector<RunPoint> train(runs->begin(), runs->begin() + 96);
  FitRequest request;
  request.law = "regmix";
  request.metric = "pile_cc_val_loss";
  request.model = "gp";
  request.bootstrap = 8;
  request.kfold = 5;
  auto report = testing::FitRegmix(request, train, {});
  REQUIRE_MESSAGE(report.ok(), report.status().message());
  MESSAGE("gp on 96 RegMix runs: 5-fold Spearman " << report->stats.kfold->accuracy.spearman);
  CHECK(report->stats.kfold->accuracy.spearman > 0.8);
  CHECK(report->intervals.count("lengthscale[pile_cc]") == 1);
  auto fitted = testing::LoadRegmixFit(nlohmann::json::parse(report->options.dump()),
                                       nlohmann::json::parse(report->ParamsJson().dump()));
  REQUIRE(fitted.ok());
  CHECK((*fitted)->bootstrap_size() == 8);
  for (size_t r = 0; r < 5; ++r) {
    CHECK((*fitted)->Predict(train[r]).value() ==
          doctest::Approx(train[r].metrics.at("pile_cc_val_loss")).epsilon(0.05));
  }
}

}  // namespace
}  // namespace mixrun

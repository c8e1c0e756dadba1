// Determinism (same seed → same fit, whatever the threads) and the store round trip: a fit's
// JSON loaded back predicts exactly what the fit predicted.
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"
#include "testing/reference_data.h"

namespace mixrun {
namespace {

TEST_CASE("chinchilla fits and bootstraps identically with 1 and 2 threads") {
  auto runs = testing::LoadEpochChinchilla(5);
  REQUIRE(runs.ok());
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  request.bootstrap = 100;
  request.kfold = 5;
  request.threads = 1;
  auto one = testing::FitLaw(request, *runs, {});
  request.threads = 2;
  auto two = testing::FitLaw(request, *runs, {});
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  CHECK(one->ParamsJson() == two->ParamsJson());
  CHECK(one->StatsJson() == two->StatsJson());
  CHECK(two->stats.kfold->accuracy.n == 240);
  request.seed = 7;
  auto other_seed = testing::FitLaw(request, *runs, {});
  REQUIRE(other_seed.ok());
  CHECK(other_seed->params == two->params);  // the fit itself does not use the seed
  CHECK(other_seed->standard_errors != two->standard_errors);
}

TEST_CASE("chinchilla: stored fit predicts as the fit did, with its bootstrap sets") {
  auto runs = testing::LoadEpochChinchilla(5);
  REQUIRE(runs.ok());
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  request.bootstrap = 50;
  auto report = testing::FitLaw(request, *runs, {});
  REQUIRE(report.ok());
  // Through text, as the store keeps it.
  const auto options = nlohmann::json::parse(report->options.dump());
  const auto params = nlohmann::json::parse(report->ParamsJson().dump());
  auto fitted = testing::LoadFit("chinchilla", options, params);
  REQUIRE(fitted.ok());
  const auto& p = report->params;
  for (const RunPoint& run : *runs) {
    const double expected = p.at("E") + p.at("A") / std::pow(run.n_params, p.at("alpha")) +
                            p.at("B") / std::pow(run.n_tokens, p.at("beta"));
    CHECK((*fitted)->Predict(run).value() == doctest::Approx(expected).epsilon(1e-12));
  }
  CHECK((*fitted)->PredictBootstrap(runs->front()).size() == 50);
  CHECK((*fitted)->domains().empty());
  RunPoint no_scale;
  CHECK_FALSE((*fitted)->Predict(no_scale).ok());
}

TEST_CASE("mixing: deterministic across threads, stored fit predicts as the fit did") {
  const std::vector<std::string> domains = {"code", "web", "books"};
  Rng rng(5);
  std::vector<RunPoint> runs;
  for (int r = 0; r < 24; ++r) {
    RunPoint run;
    run.run_id = r + 1;
    run.weights = testing::RandomMixture(rng, domains);
    run.metrics["eval/code/loss"] = 1.5 + 0.9 * std::exp(-2.5 * run.weights["code"]);
    run.metrics["eval/web/loss"] = 3.0 + 0.5 * std::exp(-1.5 * run.weights["web"]);
    runs.push_back(run);
  }
  FitRequest request;
  request.law = "mixing";
  request.domain_metrics = {"eval/code/loss", "eval/web/loss"};
  request.target_weights = {{"eval/code/loss", 0.3}, {"eval/web/loss", 0.7}};
  request.mixing_random_starts = 2;
  request.bootstrap = 20;
  auto fits = testing::FitWithOneAndTwoThreads(request, runs);
  REQUIRE(fits.ok());
  const FitReport& two = fits->second;
  CHECK(fits->first.ParamsJson() == two.ParamsJson());

  auto fitted =
      testing::LoadFit("mixing", two.options, nlohmann::json::parse(two.ParamsJson().dump()));
  REQUIRE(fitted.ok());
  CHECK(((*fitted)->domains() == std::vector<std::string>{"books", "code", "web"}));
  std::vector<double> rows;
  for (const RunPoint& run : runs) {
    const double target =
        0.3 * run.metrics.at("eval/code/loss") + 0.7 * run.metrics.at("eval/web/loss");
    CHECK((*fitted)->Predict(run).value() == doctest::Approx(target).epsilon(2e-3));
    CHECK((*fitted)->PredictBootstrap(run).size() == 20);
    for (const auto& domain : (*fitted)->domains()) rows.push_back(run.weights.at(domain));
  }
  auto batch = (*fitted)->PredictMixtures(rows, runs.size());
  REQUIRE(batch.ok());
  for (size_t r = 0; r < runs.size(); ++r) {
    CHECK((*batch)[r] == doctest::Approx((*fitted)->Predict(runs[r]).value()).epsilon(1e-12));
  }
}

}  // namespace
}  // namespace mixrun

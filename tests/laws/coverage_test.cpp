// Coverage of the prediction interval, measured on runs the fit did not see: the mixing law on
// planted data with known noise (k-fold over several seeds) and Chinchilla on Epoch's points.
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"
#include "testing/reference_data.h"

namespace mixrun {
namespace {

// 30 runs over `domain_count` domains from planted per-domain laws; each domain's loss carries
// N(0, 0.01²) noise and the target is the uniform mix of the noisy losses, as a run reports it.
std::vector<RunPoint> PlantedMixingRuns(int domain_count, uint64_t seed) {
  std::vector<std::string> domains;
  for (int j = 0; j < domain_count; ++j) domains.push_back("d" + std::to_string(j));
  Rng rng(seed);
  const std::vector<testing::PlantedMixingLaw> laws = testing::PlantedMixingLaws(domain_count, rng);
  std::vector<RunPoint> runs;
  for (int r = 0; r < 30; ++r) {
    RunPoint run;
    run.run_id = r + 1;
    run.weights = testing::RandomMixture(rng, domains);
    double target = 0;
    for (int i = 0; i < domain_count; ++i) {
      const double loss = laws[i](run.weights) + 0.01 * testing::Gaussian(rng);
      run.metrics["eval/" + domains[i] + "/loss"] = loss;
      target += loss / domain_count;
    }
    run.metrics["eval/target/loss"] = target;
    runs.push_back(run);
  }
  return runs;
}

TEST_CASE("mixing on planted data: k-fold coverage_95 within [0.88, 0.99] over seeds") {
  for (int domain_count : {3, 5}) {
    double coverage = 0, width = 0;
    const int seeds = 4;
    for (int seed = 0; seed < seeds; ++seed) {
      const auto runs = PlantedMixingRuns(domain_count, 500 + 10 * domain_count + seed);
      FitRequest request;
      request.law = "mixing";
      request.metric = "eval/target/loss";
      for (int i = 0; i < domain_count; ++i) {
        const std::string metric = "eval/d" + std::to_string(i) + "/loss";
        request.domain_metrics.push_back(metric);
        request.target_weights[metric] = 1.0 / domain_count;
      }
      request.mixing_random_starts = 3;
      request.kfold = 5;
      request.seed = static_cast<uint64_t>(seed);
      auto report = testing::FitLaw(request, runs, {});
      REQUIRE(report.ok());
      REQUIRE(report->stats.kfold);
      REQUIRE(report->stats.kfold->coverage_95);
      coverage += *report->stats.kfold->coverage_95;
      width += *report->stats.kfold->mean_prediction_width;
    }
    coverage /= seeds;
    MESSAGE(domain_count << " domains, 30 runs, noise 0.01 per domain: mean 5-fold coverage_95 "
                         << coverage << ", mean width " << width / seeds);
    CHECK(coverage >= 0.88);
    CHECK(coverage <= 0.99);
  }
}

TEST_CASE("chinchilla on Epoch's points: 10-fold coverage_95 is reported and near 95%") {
  auto runs = testing::LoadEpochChinchilla(5);
  REQUIRE(runs.ok());
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  request.kfold = 10;
  auto report = testing::FitLaw(request, *runs, {});
  REQUIRE(report.ok());
  REQUIRE(report->stats.kfold);
  const HeldOut& kfold = *report->stats.kfold;
  MESSAGE("chinchilla 10-fold: " << kfold.ToJson().dump());
  CHECK(kfold.k == 10);
  CHECK(kfold.accuracy.n == 240);
  REQUIRE(kfold.coverage_95);
  CHECK(*kfold.coverage_95 >= 0.88);
  CHECK(*kfold.coverage_95 <= 0.99);
  CHECK(report->StatsJson()["kfold"]["coverage_95"].is_number());
}

}  // namespace
}  // namespace mixrun

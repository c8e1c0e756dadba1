// Planted-parameter recovery: data drawn from known laws with noise are fitted back.
#include <doctest/doctest.h>

#include <cmath>

#include "law_fits.h"
#include "synthetic.h"

namespace mixrun {
namespace {

TEST_CASE("chinchilla recovers planted A, B, E, alpha, beta from 0.5% noise") {
  // Truth in Hoffmann's range; 8 model sizes x 8 token counts, log-normal noise sigma 0.005.
  const double A = 400, B = 1200, E = 1.7, alpha = 0.34, beta = 0.30;
  Rng rng(7);
  std::vector<RunPoint> runs;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      RunPoint run;
      run.run_id = i * 8 + j + 1;
      run.n_params = std::pow(10.0, 7 + 3.0 * i / 7);
      run.n_tokens = std::pow(10.0, 9 + 3.0 * j / 7);
      const double loss = E + A / std::pow(run.n_params, alpha) + B / std::pow(run.n_tokens, beta);
      run.metrics["loss"] = loss * std::exp(0.005 * testing::Gaussian(rng));
      runs.push_back(run);
    }
  }
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  const auto& p = report->params;
  MESSAGE(report->ToJson()["params"].dump());
  CHECK(std::abs(p.at("alpha") - alpha) < 0.03);
  CHECK(std::abs(p.at("beta") - beta) < 0.03);
  CHECK(std::abs(p.at("E") - E) / E < 0.02);
  // A and B trade off against the exponents; their logs are recovered within 15%.
  CHECK(std::abs(std::log(p.at("A")) - std::log(A)) / std::log(A) < 0.15);
  CHECK(std::abs(std::log(p.at("B")) - std::log(B)) / std::log(B) < 0.15);
  CHECK(report->stats.in_sample.mre < 0.01);
}

TEST_CASE("power law in N recovers planted E, A, alpha, in step it fits run histories") {
  const double A = 30, E = 2.0, alpha = 0.25;
  Rng rng(11);
  std::vector<RunPoint> runs;
  for (int i = 0; i < 20; ++i) {
    RunPoint run;
    run.run_id = i + 1;
    run.n_params = std::pow(10.0, 6 + 4.0 * i / 19);
    run.metrics["loss"] =
        (E + A / std::pow(run.n_params, alpha)) * std::exp(0.003 * testing::Gaussian(rng));
    runs.push_back(run);
  }
  FitRequest request;
  request.law = "power";
  request.metric = "loss";
  request.x = "n";
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  CHECK(std::abs(report->params.at("alpha") - alpha) < 0.02);
  CHECK(std::abs(report->params.at("E") - E) / E < 0.02);
  CHECK(std::abs(report->params.at("A") - A) / A < 0.3);

  // One run's training curve: L(step) = 3 + 20/step^0.5 at steps 10..2000.
  RunPoint curve;
  curve.run_id = 99;
  for (int step = 10; step <= 2000; step += 10) {
    curve.history["train/loss"].push_back(
        {step, 0.0, (3 + 20 / std::sqrt(step)) * std::exp(0.002 * testing::Gaussian(rng))});
  }
  curve.history["train/loss"].push_back({0, 0.0, 5.5});  // step 0 cannot enter a log law
  request.metric = "train/loss";
  request.x = "step";
  auto steps = testing::FitLaw(request, {curve}, {});
  REQUIRE(steps.ok());
  CHECK(steps->stats.in_sample.n == 200);
  CHECK(std::abs(steps->params.at("alpha") - 0.5) < 0.05);
  CHECK(std::abs(steps->params.at("E") - 3) < 0.05);
  // Extrapolating to step 10000 through a loaded fit.
  auto fitted = testing::LoadFit("power", steps->options, steps->ParamsJson());
  REQUIRE(fitted.ok());
  RunPoint later;
  later.metrics["step"] = 10000;
  CHECK((*fitted)->Predict(later).value() == doctest::Approx(3.2).epsilon(0.01));
}

// Mixing: planted per-domain laws over `domain_count` domains, fitted from 40 random mixtures.
void CheckMixingRecovery(int domain_count) {
  std::vector<std::string> domains;
  for (int j = 0; j < domain_count; ++j) domains.push_back("d" + std::to_string(j));
  Rng rng(100 + domain_count);
  const std::vector<testing::PlantedMixingLaw> laws = testing::PlantedMixingLaws(domain_count, rng);
  auto make_runs = [&](int count, int first_id) {
    std::vector<RunPoint> runs;
    for (int r = 0; r < count; ++r) {
      RunPoint run;
      run.run_id = first_id + r;
      run.weights = testing::RandomMixture(rng, domains);
      double target = 0;
      for (int i = 0; i < domain_count; ++i) {
        const double loss = laws[i](run.weights);
        target += loss / domain_count;
        run.metrics["eval/" + domains[i] + "/loss"] = loss + 0.003 * testing::Gaussian(rng);
      }
      run.metrics["eval/target/loss"] = target;
      runs.push_back(run);
    }
    return runs;
  };
  const auto train = make_runs(40, 1), test = make_runs(30, 1000);
  FitRequest request;
  request.law = "mixing";
  request.metric = "eval/target/loss";
  for (const auto& domain : domains) {
    request.domain_metrics.push_back("eval/" + domain + "/loss");
    request.target_weights["eval/" + domain + "/loss"] = 1.0 / domain_count;
  }
  request.mixing_random_starts = 5;
  auto report = testing::FitLaw(request, train, test);
  REQUIRE(report.ok());
  REQUIRE(report->stats.test);
  const Accuracy& held_out = report->stats.test->accuracy;
  MESSAGE(domain_count << " domains: test " << report->stats.test->ToJson().dump());
  CHECK(held_out.mae < 0.005);
  CHECK(held_out.spearman > 0.98);
  for (int i = 0; i < domain_count; ++i) {
    const std::string metric = "eval/" + domains[i] + "/loss";
    if (i + 1 < domain_count) {  // the last domain is the reference, with t = 0
      const double t_self = report->params.at("t[" + metric + "][" + domains[i] + "]");
      CHECK(std::abs(t_self - laws[i].t[i]) < 0.3);
    }
    CHECK(std::abs(report->params.at("c[" + metric + "]") - laws[i].c) < 0.3);
  }
}

TEST_CASE("mixing recovers planted per-domain laws over 3 domains") { CheckMixingRecovery(3); }
TEST_CASE("mixing recovers planted per-domain laws over 5 domains") { CheckMixingRecovery(5); }

}  // namespace
}  // namespace mixrun

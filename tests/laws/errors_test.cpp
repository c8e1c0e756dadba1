// Bad requests and bad data are InvalidInput values whose messages say what is wrong and where.
#include <doctest/doctest.h>

#include <cmath>

#include "fit/run_inputs.h"
#include "law_fits.h"
#include "synthetic.h"

namespace mixrun {
namespace {

std::vector<RunPoint> ScaleRuns(int count) {
  std::vector<RunPoint> runs;
  for (int i = 0; i < count; ++i) {
    RunPoint run;
    run.run_id = i + 1;
    run.n_params = 1e7 * (i + 1);
    run.n_tokens = 1e9 * (i % 3 + 1);
    run.metrics["loss"] = 2 + 100 / std::pow(run.n_params, 0.3) + 300 / std::pow(run.n_tokens, 0.3);
    runs.push_back(run);
  }
  return runs;
}

FitRequest Chinchilla() {
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  return request;
}

FitRequest Power(std::string x) {
  FitRequest request = Chinchilla();
  request.law = "power";
  request.x = std::move(x);
  return request;
}

bool Mentions(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TEST_CASE("too few points for the parameters is an error") {
  auto report = testing::FitLaw(Chinchilla(), ScaleRuns(5), {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Status::Code::kInvalidInput);
  CHECK(Mentions(report.status(), "too few"));
}

TEST_CASE("NaN and non-positive losses are errors naming the run") {
  auto runs = ScaleRuns(12);
  runs[3].metrics["loss"] = std::nan("");
  auto report = testing::FitLaw(Chinchilla(), runs, {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Status::Code::kInvalidInput);
  CHECK(Mentions(report.status(), "run 4"));
  runs[3].metrics["loss"] = -1;
  CHECK(Mentions(testing::FitLaw(Chinchilla(), runs, {}).status(), "positive"));
}

TEST_CASE("an absurd loss (1e300, 1e6) is an error naming the run and the metric") {
  auto runs = ScaleRuns(12);
  runs[3].metrics["loss"] = 1e300;
  auto report = testing::FitLaw(Chinchilla(), runs, {});
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().exit_code() == 2);
  CHECK_MESSAGE(Mentions(report.status(),
                         "run 4: metric 'loss' is 1e+300; losses must be finite, "
                         "positive and below 1e+06"),
                report.status().message());
  runs[3].metrics["loss"] = kMaxLoss;
  CHECK(Mentions(testing::FitLaw(Chinchilla(), runs, {}).status(), "run 4"));
  CHECK(
      Mentions(testing::FitLaw(Power("n"), runs, {}).status(), "run 4: metric 'loss' is 1000000"));

  // A step law reads every point of the curves.
  const FitRequest power = Power("step");
  for (RunPoint& run : runs) {
    for (int64_t step = 1; step <= 4; ++step) run.history["loss"].push_back({step, 0, 3.0 / step});
  }
  runs[5].history["loss"][2].value = 1e300;
  CHECK(Mentions(testing::FitLaw(power, runs, {}).status(), "run 6 at step 3: metric 'loss'"));
}

TEST_CASE("a metric missing on some runs is an error listing them") {
  auto runs = ScaleRuns(12);
  runs[2].metrics.clear();
  runs[7].metrics.clear();
  auto report = testing::FitLaw(Chinchilla(), runs, {});
  REQUIRE_FALSE(report.ok());
  CHECK(Mentions(report.status(), "missing on 2 of 12"));
  CHECK(Mentions(report.status(), "3, 8"));
}

TEST_CASE("missing N or D, unknown law, bad power x and bad kfold are errors") {
  auto runs = ScaleRuns(12);
  runs[0].n_params = std::nan("");
  CHECK_FALSE(testing::FitLaw(Chinchilla(), runs, {}).ok());
  FitRequest unknown = Chinchilla();
  unknown.law = "cubic";
  CHECK(Mentions(testing::FitLaw(unknown, ScaleRuns(12), {}).status(), "unknown law"));
  FitRequest power = Chinchilla();
  power.law = "power";
  power.x = "flops";
  CHECK(Mentions(testing::FitLaw(power, ScaleRuns(12), {}).status(), "n, d, c, m or step"));
  FitRequest kfold = Chinchilla();
  kfold.kfold = 1;
  CHECK_FALSE(testing::FitLaw(kfold, ScaleRuns(12), {}).ok());
}

TEST_CASE("mixture weights: within 1% they are rescaled, beyond it they are an error") {
  bool normalised = false;
  auto close = NormalisedMixture({{"a", 0.5}, {"b", 0.497}}, "run 1", &normalised);
  REQUIRE(close.ok());
  CHECK(normalised);
  CHECK(close->at("a") + close->at("b") == doctest::Approx(1.0).epsilon(1e-15));
  auto far = NormalisedMixture({{"a", 0.5}, {"b", 0.45}}, "run 1", &normalised);
  REQUIRE_FALSE(far.ok());
  CHECK(Mentions(far.status(), "sum to 0.95"));
  CHECK_FALSE(NormalisedMixture({{"a", 1.1}, {"b", -0.1}}, "run 1", nullptr).ok());

  // The same rules hold for the mixing law's target weights and the runs' mixtures.
  Rng rng(3);
  std::vector<RunPoint> runs;
  for (int r = 0; r < 10; ++r) {
    RunPoint run;
    run.run_id = r + 1;
    run.weights = testing::RandomMixture(rng, {"a", "b"});
    run.metrics["eval/a/loss"] = 3 - run.weights["a"];
    run.metrics["eval/b/loss"] = 3 - run.weights["b"];
    runs.push_back(run);
  }
  FitRequest mixing;
  mixing.law = "mixing";
  mixing.domain_metrics = {"eval/a/loss", "eval/b/loss"};
  mixing.target_weights = {{"eval/a/loss", 0.5}, {"eval/b/loss", 0.4}};
  mixing.mixing_random_starts = 1;
  CHECK(Mentions(testing::FitLaw(mixing, runs, {}).status(), "sum to 0.9"));
  mixing.target_weights = {{"eval/a/loss", 0.5}, {"eval/c/loss", 0.5}};
  CHECK(Mentions(testing::FitLaw(mixing, runs, {}).status(), "not among the domain metrics"));
  mixing.target_weights = {{"eval/a/loss", 0.5}, {"eval/b/loss", 0.5}};
  runs[4].weights["a"] += 0.2;
  CHECK(Mentions(testing::FitLaw(mixing, runs, {}).status(), "run 5"));
}

}  // namespace
}  // namespace mixrun

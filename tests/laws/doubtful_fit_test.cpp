// Fits that look sound but are not say so in stats.warnings: a parameter ended on its bound, a
// feature that never varies, a prediction interval too wide to act on.
#include <doctest/doctest.h>

#include <cmath>

#include "fit/calibration.h"
#include "laws/engine.h"
#include "law_fits.h"

namespace mixrun {
namespace {

bool AnyMentions(const std::vector<std::string>& warnings, const std::string& text) {
  for (const std::string& warning : warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

// Power-law runs in N, all at one D (a power law in D sees one value of its variable).
std::vector<RunPoint> OneTokenCount() {
  std::vector<RunPoint> runs;
  for (int i = 0; i < 12; ++i) {
    RunPoint run;
    run.run_id = i + 1;
    run.n_params = 1e7 * std::pow(2.0, i);
    run.n_tokens = 2e10;
    run.metrics["loss"] = 2 + 100 / std::pow(run.n_params, 0.3);
    runs.push_back(run);
  }
  return runs;
}

TEST_CASE("a power law in D on runs of one D warns that D does not vary") {
  FitRequest request;
  request.law = "power";
  request.metric = "loss";
  request.x = "d";
  auto report = testing::FitLaw(request, OneTokenCount(), {});
  REQUIRE(report.ok());
  CHECK(AnyMentions(report->stats.warnings, "log D takes one value in all 12 training rows"));
  request.x = "n";  // N varies: no such warning
  auto in_n = testing::FitLaw(request, OneTokenCount(), {});
  REQUIRE(in_n.ok());
  CHECK_FALSE(AnyMentions(in_n->stats.warnings, "takes one value"));
}

TEST_CASE("a parameter that ends on its bound is named") {
  const JetLawModel<ChinchillaFunctor, kChinchillaParams> model(
      ChinchillaFunctor{},
      {{"a"}, {"b"}, {"e", -1.0, 1.0}, {"alpha", 0.0, 2.0}, {"beta"}});
  const auto at_bound = BoundWarnings(model, {5, 5, 1.0, 0.3, 0.3}, "chinchilla");
  REQUIRE(at_bound.size() == 1);
  CHECK(at_bound[0].find("parameter e is at its upper bound 1") != std::string::npos);
  CHECK(BoundWarnings(model, {5, 5, 0.2, 0.0, 0.3}, "x")[0].find("alpha is at its lower") !=
        std::string::npos);
  CHECK(BoundWarnings(model, {5, 5, 0.2, 0.3, 0.3}, "x").empty());
}

TEST_CASE("loss2loss with free offsets warns when E_A ends at 0") {
  // L_B proportional to L_A² − a law whose best E_A is below 0, which the bound forbids.
  std::vector<RunPoint> runs;
  for (int i = 0; i < 20; ++i) {
    RunPoint run;
    run.run_id = i + 1;
    const double loss_a = 2.5 + 0.1 * i;
    run.metrics["a"] = loss_a;
    run.metrics["b"] = 0.2 * std::pow(loss_a + 1.0, 2.0) + 0.5;
    runs.push_back(run);
  }
  FitRequest request;
  request.law = "loss2loss";
  request.from_metric = "a";
  request.metric = "b";
  request.offsets = "free";
  auto report = testing::FitLaw(request, runs, {});
  REQUIRE(report.ok());
  MESSAGE(report->ToJson()["params"].dump());
  CHECK(AnyMentions(report->stats.warnings, "parameter e_a is at its lower bound 0"));
}

TEST_CASE("an interval wider than the prediction, or below zero, is implausible") {
  CHECK_FALSE(ImplausibleInterval(3.0, {2.9, 3.1}));
  const auto wide = ImplausibleInterval(0.5, {-0.44676, 10.076});
  REQUIRE(wide);
  CHECK(wide->find("wider than the prediction 0.5") != std::string::npos);
  const auto negative = ImplausibleInterval(3.0, {-0.1, 2.0});
  REQUIRE(negative);
  CHECK(negative->find("below 0") != std::string::npos);
  PointPrediction prediction;
  prediction.value = 0.5;
  prediction.warning = wide;
  CHECK(prediction.ToJson().at("warning") == *wide);
}

}  // namespace
}  // namespace mixrun

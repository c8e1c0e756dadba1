// A stored fit read back (FitReport::FromStored) is the report it was stored from: what
// `mixrun fits show` prints is what fit-law printed; and the accuracy `mixrun fits` lists.
#include "fit/fit_report.h"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "fit/fit_print.h"

namespace mixrun {
namespace {

FitReport SampleReport() {
  FitReport report;
  report.law = "chinchilla";
  report.options = {{"experiment", "chinchilla"}, {"metric", "loss"}, {"bootstrap", 100}};
  report.params = {{"A", 477.86}, {"E", 1.817}, {"alpha", 0.347}};
  report.derived = {{"tokens_per_param", 17.9}, {"N_opt", NAN}};
  report.standard_errors = {{"A", 12.5}, {"alpha", 0.01}};
  report.intervals = {{"alpha", {0.33, 0.36}}, {"tokens_per_param", {16.0, NAN}}};
  report.stats.objective = 1e-3;
  report.stats.in_sample.n = 240;
  report.stats.in_sample.rmse = 0.02;
  report.stats.in_sample.mre = 0.004;
  report.stats.in_sample.spearman = 0.99;
  report.stats.bootstrap = 100;
  HeldOut kfold;
  kfold.k = 5;
  kfold.accuracy.n = 240;
  kfold.accuracy.mre = 0.006;
  kfold.coverage_95 = 0.946;
  kfold.mean_prediction_width = 0.031;
  report.stats.kfold = kfold;
  report.stats.warnings = {"the fit hit a bound"};
  report.stats.extra["stages"] = nlohmann::json::array({{{"law", "pipeline/step"}, {"fit_id", 4}}});
  report.run_ids = {3, 5, 8};
  report.state = {{"fit", {1.0, 2.0}}, {"context", {{"x", "n"}}}};
  return report;
}

std::string Printed(const FitReport& report) {
  std::ostringstream out;
  PrintFitReport(out, 7, report, "chinchilla");
  return out.str();
}

TEST_CASE("a report read back from its stored JSON is the report stored") {
  const FitReport stored = SampleReport();
  auto read =
      FitReport::FromStored(stored.law, stored.options, stored.ParamsJson(), stored.StatsJson());
  REQUIRE(read.ok());
  CHECK(read->ToJson() == stored.ToJson());
  CHECK(read->ParamsJson() == stored.ParamsJson());
  CHECK(read->StatsJson() == stored.StatsJson());
  CHECK(read->run_ids == stored.run_ids);
  CHECK(read->state == stored.state);
  CHECK(std::isnan(read->derived.at("N_opt")));
  CHECK(std::isnan(read->intervals.at("tokens_per_param").second));
  CHECK(Printed(*read) == Printed(stored));
}

TEST_CASE("stored JSON that is not what ParamsJson and StatsJson write is refused") {
  const FitReport stored = SampleReport();
  nlohmann::json params = stored.ParamsJson();
  nlohmann::json stats = stored.StatsJson();
  CHECK(!FitReport::FromStored("chinchilla", {}, "values", stats).ok());
  params["values"] = {1, 2};
  CHECK(!FitReport::FromStored("chinchilla", {}, params, stats).ok());
  params = stored.ParamsJson();
  stats["intervals"]["alpha"] = {0.3};
  auto bad_interval = FitReport::FromStored("chinchilla", {}, params, stats);
  REQUIRE(!bad_interval.ok());
  CHECK(bad_interval.status().message().find("alpha") != std::string::npos);
  stats = stored.StatsJson();
  stats["run_ids"] = {"three"};
  CHECK(!FitReport::FromStored("chinchilla", {}, params, stats).ok());
}

TEST_CASE("the headline accuracy is the test's, else the k-fold's, else in-sample") {
  FitStats stats = SampleReport().stats;
  HeadlineAccuracy headline = stats.Headline();
  CHECK(headline.on == "k-fold");
  CHECK(headline.mre == doctest::Approx(0.006));
  REQUIRE(headline.coverage_95);
  CHECK(*headline.coverage_95 == doctest::Approx(0.946));

  HeldOut test;
  test.accuracy.n = 64;
  test.accuracy.mre = 0.01;
  stats.test = test;
  headline = stats.Headline();
  CHECK(headline.on == "test");
  CHECK(headline.n == 64);
  CHECK(headline.mre == doctest::Approx(0.01));
  CHECK(!headline.coverage_95);

  stats.test.reset();
  stats.kfold.reset();
  headline = stats.Headline();
  CHECK(headline.on == "in-sample");
  CHECK(headline.n == 240);
  CHECK(headline.mre == doctest::Approx(0.004));
  CHECK(!headline.coverage_95);
}

}  // namespace
}  // namespace mixrun

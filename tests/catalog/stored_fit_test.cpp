// A stored fit's report read back whole (LoadFitReport): its chain's earlier stages with it, and
// clear errors for a fit that is not there or whose stages are damaged.
#include "catalog/stored_fit.h"

#include <doctest/doctest.h>

#include "testing/temp_dir.h"

namespace mixrun {
namespace {

FitReport Report(const std::string& law, size_t n) {
  FitReport report;
  report.law = law;
  report.options = {{"experiment", "e"}, {"metric", "loss"}};
  report.params = {{"E", 1.5}};
  report.stats.in_sample.n = n;
  report.stats.in_sample.mre = 0.01;
  return report;
}

int64_t Add(Store& store, int64_t experiment, const FitReport& report) {
  return store
      .AddFit(experiment, report.law, report.options.dump(), report.ParamsJson().dump(),
              report.StatsJson().dump())
      .value();
}

TEST_CASE("a chain's report comes back with its stages - damaged stages and unknown ids fail") {
  testing::TempDir dir;
  auto store = std::move(Store::Open((dir.path() / "s.db").string()).value());
  const int64_t experiment = store->PutExperiment("e", "{}").value();
  const int64_t stage = Add(*store, experiment, Report("pipeline/step", 30));
  FitReport chain = Report("pipeline", 5);
  chain.stats.extra["stages"] =
      nlohmann::json::array({{{"law", "pipeline/step"}, {"fit_id", stage}}});
  const int64_t last = Add(*store, experiment, chain);

  auto loaded = LoadFitReport(*store, last);
  REQUIRE(loaded.ok());
  CHECK(loaded->ToJson() == chain.ToJson());
  REQUIRE(loaded->stages.size() == 1);
  CHECK(loaded->stages[0].law == "pipeline/step");
  CHECK(loaded->stages[0].stats.in_sample.n == 30);

  auto missing = LoadFitReport(*store, 99);
  REQUIRE(!missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message().find("no fit with id 99") != std::string::npos);

  // A stage naming the fit itself (or a later one) would never end: refused.
  chain.stats.extra["stages"] =
      nlohmann::json::array({{{"law", "pipeline"}, {"fit_id", last + 1}}});
  const int64_t cyclic = Add(*store, experiment, chain);
  auto refused = LoadFitReport(*store, cyclic);
  REQUIRE(!refused.ok());
  CHECK(refused.status().message().find("names no earlier fit") != std::string::npos);
}

}  // namespace
}  // namespace mixrun

// Chinchilla on Epoch's reconstruction of Hoffmann et al.'s data: the acceptance figures of
// issue 3.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "law_fits.h"
#include "testing/reference_data.h"

namespace mixrun {
namespace {

double RelativeError(double value, double reference) {
  return std::abs(value - reference) / std::abs(reference);
}

TEST_CASE("chinchilla on Epoch's 240 points reproduces Besiroglu et al.'s optimum and SEs") {
  auto runs = testing::LoadEpochChinchilla(5);
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 240);
  FitRequest request;
  request.law = "chinchilla";
  request.metric = "loss";
  request.compute = 5.76e23;
  request.bootstrap = 4000;
  const auto start = std::chrono::steady_clock::now();
  auto report = testing::FitLaw(request, *runs, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(report.ok());
  MESSAGE("chinchilla fit + 4000 bootstrap refits: " << seconds << " s\n"
                                                     << report->ToJson().dump(1));
  const auto& p = report->params;
  CHECK(report->stats.objective <= 1.01828e-3);
  CHECK(RelativeError(p.at("A"), 477.86) < 0.005);
  CHECK(RelativeError(p.at("B"), 2143.0) < 0.005);
  CHECK(RelativeError(p.at("E"), 1.81722) < 0.005);
  CHECK(RelativeError(p.at("alpha"), 0.347315) < 0.005);
  CHECK(RelativeError(p.at("beta"), 0.367164) < 0.005);
  CHECK(RelativeError(report->derived.at("tokens_per_param"), 17.9) < 0.02);
  CHECK(report->derived.at("N_opt") * report->derived.at("D_opt") * 6 ==
        doctest::Approx(5.76e23).epsilon(1e-9));
  CHECK(report->stats.bootstrap >= 3990);
  CHECK(RelativeError(report->standard_errors.at("alpha"), 0.015) < 0.25);
  CHECK(RelativeError(report->standard_errors.at("beta"), 0.021) < 0.25);
  CHECK(RelativeError(report->standard_errors.at("E"), 0.026) < 0.25);
  // The intervals contain the point estimates.
  for (const char* name : {"A", "B", "E", "alpha", "beta"}) {
    CHECK(report->intervals.at(name).first < p.at(name));
    CHECK(report->intervals.at(name).second > p.at(name));
  }
}

}  // namespace
}  // namespace mixrun

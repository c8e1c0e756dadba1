// The bootstrap spread behind both intervals: the SD of well-behaved refits, and not blown up by
// the few that land in another basin.
#include "fit/calibration.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace mixrun {
namespace {

TEST_CASE("bootstrap spread: the SD of normal refits, robust to a few wild ones") {
  std::vector<double> refits;
  for (int i = 1; i <= 199; ++i) {
    // Normal quantiles at i/200: their SD is 1 (to within the grid).
    const double p = i / 200.0;
    const double t = std::sqrt(-2 * std::log(p < 0.5 ? p : 1 - p));
    const double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                             (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    refits.push_back(2.3 + 0.01 * (p < 0.5 ? -z : z));
  }
  CHECK(BootstrapSpread(refits) == doctest::Approx(0.01).epsilon(0.05));
  refits.push_back(-30);
  refits.push_back(35);
  refits.push_back(1e6);
  CHECK(BootstrapSpread(refits) == doctest::Approx(0.01).epsilon(0.1));
  const auto mean = MeanInterval(refits);
  REQUIRE(mean);
  CHECK(mean->Contains(2.3));
  CHECK(mean->width() < 0.05);
  CHECK(std::isnan(BootstrapSpread({1.0, 2.0})));
}

}  // namespace
}  // namespace mixrun
